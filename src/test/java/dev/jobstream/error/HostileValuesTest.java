package dev.jobstream.error;

import static dev.jobstream.support.Api.admin;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.jobstream.support.DatabaseTest;
import dev.jobstream.support.RawHttp;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Values that PostgreSQL refuses (a NUL character) or that overflow a timestamp, an interval or a long are refused
 * where they enter, with a 400 problem that names the parameter, and store nothing.
 */
@QuarkusTest
class HostileValuesTest extends DatabaseTest {

    @io.quarkus.test.common.http.TestHTTPResource("/")
    java.net.URL base;

    static Stream<Arguments> hostileValues() {
        String nulJob = "{\"action\":\"cancel\",\"status\":\"queued\",\"job\":\"\\u0000\"}";
        return Stream.of(
                Arguments.of("GET", "/v1/runs?job=%00", "application/json", null, "job"),
                Arguments.of("GET", "/v1/errors?job=%00", "application/json", null, "job"),
                Arguments.of("GET", "/v1/schedules?job=%00", "application/json", null, "job"),
                Arguments.of("GET", "/v1/runs?job=a%00b", "application/json", null, "job"),
                Arguments.of("POST", "/v1/runs/bulk", "application/json", nulJob, "job"),
                Arguments.of("GET", "/v1/runs?cursor=" + cursor("r1:9223372036854775807:" + UUID.randomUUID()),
                        "application/json", null, "cursor"),
                Arguments.of("GET", "/v1/runs?cursor=" + cursor("r1:-9223372036854775808:" + UUID.randomUUID()),
                        "application/json", null, "cursor"),
                Arguments.of("POST", "/v1/jobs/demo.sleep/runs", "application/json",
                        "{\"delay\":\"PT99999999999999999S\"}", "delay"),
                Arguments.of("POST", "/v1/jobs/demo.sleep/runs", "application/json", "{\"delay\":\"999999999d\"}",
                        "delay"),
                Arguments.of("POST", "/v1/jobs/demo.sleep/runs", "text/event-stream",
                        "{\"delay\":\"PT99999999999999999S\"}", "delay"),
                Arguments.of("POST", "/v1/jobs/demo.sleep/runs/batch", "application/json",
                        "{\"runs\":[{\"delay\":\"PT99999999999999999S\"}]}", "delay"),
                Arguments.of("POST", "/v1/jobs/demo.sleep/runs", "application/json",
                        "{\"timeout\":\"PT9300000000000S\"}", "timeout"),
                Arguments.of("POST", "/v1/jobs/demo.sleep/runs", "application/json",
                        "{\"timeout\":\"PT9999999999999999S\"}", "timeout"),
                Arguments.of("POST", "/v1/jobs/demo.sleep/runs/batch", "application/json",
                        "{\"runs\":[{\"timeout\":\"PT9300000000000S\"}]}", "timeout"),
                Arguments.of("POST", "/v1/jobs/errors.cleanup/runs", "application/json",
                        "{\"params\":{\"older_than\":\"999999999d\"}}", "/older_than"),
                Arguments.of("POST", "/v1/jobs/errors.cleanup/runs", "application/json",
                        "{\"params\":{\"older_than\":\"PT99999999999999999S\"}}", "/older_than"));
    }

    @ParameterizedTest(name = "{0} {1} {3} -> 400 naming {4}")
    @MethodSource("hostileValues")
    void hostileValuesAreRefusedNamingTheParameter(String method, String path, String accept, String body,
            String parameter) {
        var request = admin().urlEncodingEnabled(false).accept(accept);
        if (body != null) {
            request = request.contentType("application/json").body(body.getBytes(StandardCharsets.UTF_8));
        }
        request.request(method, path).then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                // a field by name; a param by its JSON pointer
                .body("detail",
                        containsString(parameter.startsWith("/") ? ": " + parameter + " " : "'" + parameter + "'"));
        assertEquals(0, db.count("SELECT count(*) FROM job_runs"), "a refused request stores no run");
    }

    @Test
    void aTriggerAcceptingAnyTextStreamsTheNewRun() {
        String stream = admin().accept("text/*").contentType("application/json")
                .body("{\"params\":{\"items\":0}}").post("/v1/jobs/demo.sleep/runs").then()
                .statusCode(200)
                .contentType(containsString("text/event-stream"))
                .extract().asString();
        assertTrue(stream.contains("event: end_json") || stream.contains("event:end_json"), stream);
    }

    static Stream<Arguments> malformedRequests() {
        String trigger = "/v1/jobs/demo.sleep/runs";
        return Stream.of(
                Arguments.of("POST", trigger, "garbage", "{}", 415, "Content-Type"),
                Arguments.of("POST", trigger, "", "{}", 415, "Content-Type"),
                Arguments.of("POST", trigger + "/batch", "multipart/form-data; boundary=x", "{\"runs\":[{}]}", 415,
                        "multipart"),
                Arguments.of("POST", trigger, "application/json", "{\"dry_run\":true,\"dry_run\":false}", 400,
                        "twice"),
                Arguments.of("POST", "/v1/schedules", "application/json", "{\"cron\":\"0 * * * *\",\"cron\":\"\"}",
                        400, "twice"),
                Arguments.of("POST", "/v1/schedules", "application/json", "{\"job\":", 400, "not valid JSON"));
    }

    @ParameterizedTest(name = "{0} {1} ({2}) -> {4}")
    @MethodSource("malformedRequests")
    void malformedRequestsAreProblems(String method, String path, String type, String body, int status,
            String detail) {
        List<RawHttp.Header> headers = new ArrayList<>(
                List.of(RawHttp.Header.of("Authorization", "Bearer " + dev.jobstream.support.Api.ADMIN_TOKEN)));
        if (type != null) {
            headers.add(RawHttp.Header.of("Content-Type", type));
        }
        RawHttp.Answer answer = RawHttp.send(base.getHost(), base.getPort(), method,
                path.getBytes(StandardCharsets.US_ASCII), headers,
                body == null ? null : body.getBytes(StandardCharsets.UTF_8), 10_000, RawHttp.Stream.GLANCE, 0);
        assertEquals(status, answer.status(), answer.toString());
        assertEquals("application/problem+json", answer.contentType());
        assertTrue(answer.body().contains(detail), answer.body());
        assertEquals(0, db.count("SELECT count(*) FROM job_runs"), "a refused request stores no run");
    }

    /** A trigger's body is JSON whatever else its Content-Type says (curl -d sends a form's), or if it names none. */
    @ParameterizedTest(name = "{0}")
    @NullSource
    @ValueSource(strings = {"application/x-www-form-urlencoded", "text/plain"})
    void aTriggersBodyIsReadAsJsonWhateverItsContentType(String type) {
        List<RawHttp.Header> headers = new ArrayList<>(
                List.of(RawHttp.Header.of("Authorization", "Bearer " + dev.jobstream.support.Api.ADMIN_TOKEN)));
        if (type != null) {
            headers.add(RawHttp.Header.of("Content-Type", type));
        }
        RawHttp.Answer answer = RawHttp.send(base.getHost(), base.getPort(), "POST",
                "/v1/jobs/demo.noop/runs".getBytes(StandardCharsets.US_ASCII), headers,
                "{\"dry_run\":true}".getBytes(StandardCharsets.UTF_8), 10_000, RawHttp.Stream.GLANCE, 0);
        assertEquals(202, answer.status(), answer.toString());
        assertEquals(1, db.count("SELECT count(*) FROM job_runs WHERE dry_run"));
    }

    @Test
    void anUnpairedSurrogateIsStoredAsAReplacementCharacter() {
        String id = admin().contentType("application/json")
                .body("{\"dry_run\":true,\"idempotency_key\":\"a\\udbf4\\u00e9b\"}".getBytes(StandardCharsets.UTF_8))
                .post("/v1/jobs/demo.sleep/runs").then().statusCode(202).extract().path("id");
        assertEquals("a\uFFFD\u00e9b",
                db.rows("SELECT idempotency_key FROM job_runs WHERE id = $1", UUID.fromString(id))
                        .iterator().next().getString("idempotency_key"));
    }

    private static String cursor(String plain) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }
}

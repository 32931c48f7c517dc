package dev.jobstream.error;

import static dev.jobstream.support.Api.admin;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Values that PostgreSQL refuses (a NUL character) or that overflow a timestamp, an interval or a long are refused
 * where they enter, with a 400 problem that names the parameter, and store nothing.
 */
@QuarkusTest
class HostileValuesTest extends DatabaseTest {

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
                        "{\"params\":{\"older_than\":\"999999999d\"}}", "older_than"),
                Arguments.of("POST", "/v1/jobs/errors.cleanup/runs", "application/json",
                        "{\"params\":{\"older_than\":\"PT99999999999999999S\"}}", "older_than"));
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
                .body("detail", containsString("'" + parameter + "'"));
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

    private static String cursor(String plain) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }
}

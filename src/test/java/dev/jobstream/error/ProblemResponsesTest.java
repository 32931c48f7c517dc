package dev.jobstream.error;

import static dev.jobstream.support.Api.admin;
import static dev.jobstream.support.Api.trigger;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.jobstream.support.Api;
import dev.jobstream.support.DatabaseTest;
import dev.jobstream.support.RawHttp;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;

/** Every 400/404/409/413 path of the API answers a problem+json without internals. */
@QuarkusTest
class ProblemResponsesTest extends DatabaseTest {

    private static final String ABSENT = UUID.randomUUID().toString();

    @TestHTTPResource("/")
    URL base;

    static Stream<Arguments> badRequests() {
        return Stream.of(
                Arguments.of("GET", "/v1/runs/not-a-uuid", null, 400),
                Arguments.of("GET", "/v1/runs/not-a-uuid/progress", null, 400),
                Arguments.of("GET", "/v1/runs/not-a-uuid/result", null, 400),
                Arguments.of("GET", "/v1/runs/not-a-uuid/events", null, 400),
                Arguments.of("DELETE", "/v1/runs/not-a-uuid", null, 400),
                Arguments.of("GET", "/v1/runs/" + ABSENT, null, 404),
                Arguments.of("GET", "/v1/runs/" + ABSENT + "/progress", null, 404),
                Arguments.of("GET", "/v1/runs/" + ABSENT + "/result", null, 404),
                Arguments.of("GET", "/v1/runs/" + ABSENT + "/events", null, 404),
                Arguments.of("DELETE", "/v1/runs/" + ABSENT, null, 404),
                Arguments.of("POST", "/v1/runs/" + ABSENT + "/pause", null, 404),
                Arguments.of("POST", "/v1/runs/" + ABSENT + "/resume", null, 404),
                Arguments.of("POST", "/v1/runs/" + ABSENT + "/cancel", null, 404),
                Arguments.of("POST", "/v1/runs/" + ABSENT + "/cancel?force=true", null, 404),
                Arguments.of("POST", "/v1/runs/not-a-uuid/pause", null, 400),
                Arguments.of("POST", "/v1/runs/" + ABSENT + "/cancel?force=perhaps", null, 400),
                Arguments.of("POST", "/v1/runs/" + ABSENT + "/explode", null, 404),
                Arguments.of("POST", "/v1/runs/" + ABSENT + "/", null, 405),
                Arguments.of("GET", "/v1/runs?status=bogus", null, 400),
                Arguments.of("GET", "/v1/runs?limit=0", null, 400),
                Arguments.of("GET", "/v1/runs?limit=501", null, 400),
                Arguments.of("GET", "/v1/runs?limit=-5", null, 400),
                Arguments.of("GET", "/v1/runs?limit=99999999999999999999", null, 400),
                Arguments.of("GET", "/v1/runs?cursor=forged", null, 400),
                Arguments.of("GET", "/v1/runs?cursor=cjE6MTox", null, 400),
                Arguments.of("GET", "/v1/runs?workspace_id=nope", null, 400),
                Arguments.of("GET", "/v1/runs?dry_run=maybe", null, 400),
                Arguments.of("GET", "/v1/runs/" + ABSENT + "/events?after=-1", null, 400),
                Arguments.of("POST", "/v1/jobs/no.such.job/runs", "{}", 404),
                Arguments.of("POST", "/v1/jobs/demo.sleep/runs", "{bad json", 400),
                Arguments.of("POST", "/v1/jobs/demo.sleep/runs", "[1,2]", 400),
                Arguments.of("POST", "/v1/jobs/demo.sleep/runs", "{\"surprise\":1}", 400),
                Arguments.of("POST", "/v1/jobs/demo.sleep/runs", "{\"workspace_id\":5}", 400),
                Arguments.of("POST", "/v1/jobs/demo.sleep/runs", "{\"workspace_id\":\"x'; DROP TABLE job_runs;--\"}",
                        400),
                Arguments.of("POST", "/v1/jobs/demo.sleep/runs", "{\"dry_run\":\"yes\"}", 400),
                Arguments.of("POST", "/v1/jobs/demo.sleep/runs", "{\"params\":[]}", 400),
                Arguments.of("POST", "/v1/jobs/demo.sleep/runs", "{\"params\":{\"items\":-1}}", 400),
                Arguments.of("POST", "/v1/jobs/demo.sleep/runs", "{\"params\":{\"items\":\"five\"}}", 400),
                Arguments.of("POST", "/v1/jobs/demo.sleep/runs", "{\"params\":{\"items\":1.5}}", 400),
                Arguments.of("POST", "/v1/jobs/demo.sleep/runs", "{\"params\":{\"items\":99999999999}}", 400),
                Arguments.of("POST", "/v1/jobs/demo.sleep/runs", "{\"params\":{\"items\":100001}}", 400),
                Arguments.of("POST", "/v1/jobs/demo.sleep/runs", "{\"params\":{\"delay_ms\":60001}}", 400),
                Arguments.of("POST", "/v1/jobs/demo.sleep/runs", "{\"params\":{\"nope\":1}}", 400),
                Arguments.of("POST", "/v1/jobs/errors.rollup/runs", "{\"params\":{\"date\":\"yesterday\"}}", 400),
                Arguments.of("POST", "/v1/jobs/errors.cleanup/runs", "{\"params\":{\"older_than\":\"-3d\"}}", 400),
                Arguments.of("POST", "/v1/jobs/demo.sleep/runs", "{\"idempotency_key\":\"\"}", 400),
                Arguments.of("POST", "/v1/jobs/demo.sleep/runs?wait=301", "{}", 400),
                Arguments.of("POST", "/v1/jobs/demo.sleep/runs?wait=soon", "{}", 400),
                Arguments.of("POST", "/v1/jobs/demo.sleep/runs?workspace_id=zzz", "{}", 400),
                Arguments.of("POST", "/v1/jobs/demo.sleep/runs?workspace_id=" + ABSENT,
                        "{\"workspace_id\":\"" + UUID.randomUUID() + "\"}", 400),
                Arguments.of("POST", "/v1/jobs/demo.sleep/runs/batch", "{}", 400),
                Arguments.of("POST", "/v1/jobs/demo.sleep/runs/batch", "{\"runs\":{}}", 400),
                Arguments.of("GET", "/v1/errors?severity=fatal", null, 400),
                Arguments.of("GET", "/v1/errors?kind=lower_case", null, 400),
                Arguments.of("GET", "/v1/errors?limit=0", null, 400),
                Arguments.of("GET", "/v1/errors?cursor=e0", null, 400),
                Arguments.of("GET", "/v1/errors?run_id=1", null, 400),
                Arguments.of("GET", "/v1/errors?unresolved=perhaps", null, 400),
                Arguments.of("POST", "/v1/errors/abc/resolve", null, 400),
                Arguments.of("POST", "/v1/errors/123456789/resolve", null, 404),
                Arguments.of("GET", "/v1/no-such-thing", null, 404),
                Arguments.of("PUT", "/v1/runs", "{}", 405));
    }

    @ParameterizedTest(name = "{0} {1} -> {3}")
    @MethodSource("badRequests")
    void badRequestsAnswerAProblem(String method, String path, String body, int status) {
        var request = admin();
        if (body != null) {
            request = request.contentType("application/json").body(body);
        }
        Response response = request.request(method, path);
        assertProblem(response.then(), status, path.contains("?") ? path.substring(0, path.indexOf('?')) : path);
    }

    @Test
    void paramsLargerThan16KiBAreRejected() {
        String big = "x".repeat(17 * 1024);
        ValidatableResponse response = admin().contentType("application/json")
                .body(Map.of("params", Map.of("items", 1, "padding", big))).post("/v1/jobs/demo.sleep/runs").then();
        assertProblem(response, 400, "/v1/jobs/demo.sleep/runs").body("detail", containsString("16384"));
    }

    @Test
    void bodiesLargerThan64KiBAreRejected() {
        String huge = "{\"params\":{\"padding\":\"" + "x".repeat(70 * 1024) + "\"}}";
        assertProblem(admin().contentType("application/json").body(huge).post("/v1/jobs/demo.sleep/runs").then(), 413,
                "/v1/jobs/demo.sleep/runs");
        // a batch declared longer than 1 MiB is refused on its headers: sent, its body would meet a closed
        // connection (a broken pipe in the client, not an answer)
        RawHttp.Answer batch = RawHttp.send(base.getHost(), base.getPort(), "POST",
                "/v1/jobs/demo.sleep/runs/batch".getBytes(StandardCharsets.US_ASCII),
                List.of(RawHttp.Header.of("Authorization", "Bearer " + Api.ADMIN_TOKEN),
                        RawHttp.Header.of("Content-Type", "application/json"),
                        RawHttp.Header.of("Content-Length", Integer.toString(1100 * 1024))),
                null, 10_000, RawHttp.Stream.GLANCE, 0);
        assertEquals(413, batch.status(), batch.toString());
    }

    /** A body sent without a length (chunked) is held to the same limit as it is read, a record's as a trigger's. */
    @Test
    void bodiesSentWithoutALengthAreHeldTo64KiB() throws Exception {
        byte[] huge = ("{\"params\":{\"padding\":\"" + "x".repeat(70 * 1024) + "\"}}").getBytes(StandardCharsets.UTF_8);
        for (String path : List.of("/v1/jobs/demo.sleep/runs", "/v1/schedules")) {
            HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                    .send(HttpRequest.newBuilder(base.toURI().resolve(path.substring(1)))
                            .header("Authorization", "Bearer " + Api.ADMIN_TOKEN)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(huge)))
                            .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(413, response.statusCode(), path);
            assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElse(""), path);
            assertTrue(response.body().contains("larger than 65536 bytes"), response.body());
        }
        assertEquals(0, db.count("SELECT count(*) FROM job_runs")
                + db.count("SELECT count(*) FROM job_schedules WHERE source = 'api'"));
    }

    @Test
    void requestsWithoutAValidTokenAre401() {
        assertProblem(given().get("/v1/runs").then(), 401, "/v1/runs").header("WWW-Authenticate", startsWithBearer());
        assertProblem(given().header("Authorization", "Bearer wrong").get("/v1/runs").then(), 401, "/v1/runs");
        assertProblem(given().header("Authorization", "Basic " + Api.ADMIN_TOKEN).get("/v1/jobs").then(), 401,
                "/v1/jobs");
    }

    /** Whether a path exists is not told to a caller without a valid token: every /v1 path answers it 401, why. */
    @Test
    void anUnauthenticatedCallerLearnsNoPathsAndIsToldWhy() {
        for (String path : List.of("/v1/runs", "/v1/no-such-thing", "/v1/runs/abc/no-such-action")) {
            assertProblem(given().get(path).then(), 401, path).body("detail", equalTo("Missing bearer token"));
            assertProblem(given().header("Authorization", "Bearer wrong").get(path).then(), 401, path)
                    .body("detail", equalTo("Invalid bearer token"));
            assertProblem(given().header("Authorization", "Basic " + Api.ADMIN_TOKEN).get(path).then(), 401, path)
                    .body("detail", equalTo("Authorization must be 'Bearer <token>'"));
        }
    }

    @Test
    void activeRunsRefuseResultAndDelete() {
        String id = trigger("demo.sleep", Map.of("params", Map.of("items", 600, "delay_ms", 50)));
        assertProblem(admin().get("/v1/runs/{id}/result", id).then(), 409, "/v1/runs/" + id + "/result")
                .body("detail", containsString("still"));
        assertProblem(admin().delete("/v1/runs/{id}", id).then(), 409, "/v1/runs/" + id)
                .body("detail", containsString("Cannot delete active run"));
        admin().get("/v1/runs/{id}/progress", id).then().statusCode(200)
                .body("percent", org.hamcrest.Matchers.lessThanOrEqualTo(99));
        admin().post("/v1/runs/{id}/cancel?force=true", id).then().statusCode(202);
    }

    @Test
    void terminalRunsAreDeletedWithTheirEvents() {
        String id = trigger("demo.sleep", Map.of("params", Map.of("items", 1, "delay_ms", 1)));
        Api.awaitStatus(id, "completed");
        admin().delete("/v1/runs/{id}", id).then().statusCode(204);
        admin().get("/v1/runs/{id}", id).then().statusCode(404);
        admin().delete("/v1/runs/{id}", id).then().statusCode(404);
        org.junit.jupiter.api.Assertions.assertEquals(0,
                db.count("SELECT count(*) FROM job_run_events WHERE run_id = $1", UUID.fromString(id)));
    }

    private static org.hamcrest.Matcher<String> startsWithBearer() {
        return org.hamcrest.Matchers.startsWith("Bearer");
    }

    private static ValidatableResponse assertProblem(ValidatableResponse response, int status, String instance) {
        return response.statusCode(status)
                .contentType("application/problem+json")
                .body("status", equalTo(status))
                .body("title", notNullValue())
                .body("detail", notNullValue())
                .body("type", notNullValue())
                .body("timestamp", notNullValue())
                .body("instance", equalTo(instance))
                .body(not(containsString("Exception")))
                .body(not(containsString("\tat ")))
                .body(not(containsString("SELECT")));
    }
}

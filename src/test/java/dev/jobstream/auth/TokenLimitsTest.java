package dev.jobstream.auth;

import static dev.jobstream.support.Api.ADMIN_TOKEN;
import static dev.jobstream.support.Api.admin;
import static dev.jobstream.support.Api.trigger;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.jobstream.support.DatabaseTest;
import dev.jobstream.support.SseClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * One token holds at most jobstream.streams.max-per-token SSE streams and jobstream.triggers.max-waits-per-token
 * {@code ?wait} triggers on a replica (here 2 and 1); beyond, a 429 problem with Retry-After, and nothing inserted. A
 * place is given back when its request ends, also when its client goes away: a {@code ?wait} whose client
 * disconnected stops waiting.
 */
@QuarkusTest
@TestProfile(TokenLimitsTest.Small.class)
class TokenLimitsTest extends DatabaseTest {

    public static class Small implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("jobstream.streams.max-per-token", "2", "jobstream.triggers.max-waits-per-token", "1");
        }
    }

    private static final Duration WITHIN = Duration.ofSeconds(10);

    @TestHTTPResource("/")
    URL base;

    @Inject
    TokenLimits limits;

    @Test
    void aTokenHoldsAtMostItsStreams() throws Exception {
        String run = trigger("demo.sleep", Map.of("params", Map.of("items", 200, "delay_ms", 100)));
        try (SseClient.Subscription feed = SseClient.subscribe(base + "v1/stream").awaitOpen();
                SseClient.Subscription events = SseClient.subscribe(base + "v1/runs/" + run + "/events")
                        .awaitOpen()) {
            assertEquals(2, limits.held("admin", TokenLimits.Kind.STREAM));
            admin().accept("text/event-stream").get("/v1/stream").then().statusCode(429)
                    .header("Retry-After", "1").contentType("application/problem+json")
                    .body("detail", containsString("has 2 SSE streams open on this replica"));
            admin().accept("text/event-stream").get("/v1/runs/" + run + "/events").then().statusCode(429)
                    .header("Retry-After", "1");
            admin().accept("text/event-stream").contentType("application/json").body(Map.of())
                    .post("/v1/jobs/demo.sleep/runs?workspace_id=" + java.util.UUID.randomUUID()).then()
                    .statusCode(429).header("Retry-After", "1");
            assertEquals(1, db.count("SELECT count(*) FROM job_runs"), "a refused trigger-and-stream inserts nothing");
            // every stream counts alike: the self-test's too
            admin().accept("text/event-stream").get("/v1/selftest").then().statusCode(429)
                    .header("Retry-After", "1");
            assertEquals(1, db.count("SELECT count(*) FROM job_runs"), "a refused self-test triggers nothing");

            feed.close();
            Awaitility.await().atMost(WITHIN).until(() -> limits.held("admin", TokenLimits.Kind.STREAM) == 1);
            try (SseClient.Subscription again = SseClient.subscribe(base + "v1/stream").awaitOpen()) {
                assertEquals(2, limits.held("admin", TokenLimits.Kind.STREAM));
            }
        } finally {
            admin().post("/v1/runs/" + run + "/cancel");
        }
        Awaitility.await().atMost(WITHIN).until(() -> limits.held("admin", TokenLimits.Kind.STREAM) == 0);
    }

    @Test
    void aTokenHoldsAtMostItsWaitsAndAWaitWhoseClientLeftStopsWaiting() throws Exception {
        String body = "{\"params\":{\"items\":300,\"delay_ms\":100}}";
        try (Socket waiting = new Socket(base.getHost(), base.getPort())) {
            OutputStream out = waiting.getOutputStream();
            out.write(("POST /v1/jobs/demo.sleep/runs?wait=120 HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer " + ADMIN_TOKEN + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Awaitility.await().atMost(WITHIN).until(() -> limits.held("admin", TokenLimits.Kind.WAIT) == 1);

            admin().contentType("application/json").body(Map.of("workspace_id", java.util.UUID.randomUUID()))
                    .post("/v1/jobs/demo.sleep/runs?wait=5").then().statusCode(429).header("Retry-After", "1")
                    .body("detail", containsString("triggers waiting with ?wait"));
            assertEquals(1, db.count("SELECT count(*) FROM job_runs"), "a refused wait inserts nothing");
        }
        // the client went away: its wait ends and gives its place back, while the run goes on
        Awaitility.await().atMost(WITHIN).until(() -> limits.held("admin", TokenLimits.Kind.WAIT) == 0);
        admin().contentType("application/json")
                .body(Map.of("workspace_id", java.util.UUID.randomUUID(), "params", Map.of("items", 0)))
                .post("/v1/jobs/demo.sleep/runs?wait=10").then().statusCode(200);
        db.rows("SELECT id::text FROM job_runs WHERE status = 'running'")
                .forEach(row -> admin().post("/v1/runs/" + row.getString(0) + "/cancel").then().statusCode(202));
    }
}

package dev.jobstream.stream;

import static dev.jobstream.support.Api.admin;
import static dev.jobstream.support.Api.awaitStatus;
import static dev.jobstream.support.Api.trigger;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.jobstream.support.DatabaseTest;
import dev.jobstream.support.SseClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Stream limits with small settings: a run stores at most jobstream.events.max-per-run events (the last a truncation
 * notice, then its end); idle streams carry a keepalive comment every jobstream.streams.keepalive.
 */
@QuarkusTest
@TestProfile(StreamLimitsTest.SmallLimits.class)
class StreamLimitsTest extends DatabaseTest {

    public static class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("jobstream.events.max-per-run", "10", "jobstream.streams.keepalive", "200ms");
        }
    }

    @TestHTTPResource("/")
    URL base;

    @Test
    void idleStreamsCarryKeepaliveComments() throws Exception {
        String id = trigger("demo.sleep", Map.of("params", Map.of("items", 2, "delay_ms", 700)));

        SseClient.Read read = SseClient.read(base + "v1/runs/" + id + "/events", null, 1000);

        assertTrue(read.closed());
        assertTrue(read.comments().stream().filter("keepalive"::equals).count() >= 3,
                "keepalive comments while the run sleeps 2 × 700 ms: " + read.comments());
    }

    @Test
    void eventsPastTheCapAreDroppedAfterOneNoticeAndTheEndIsKept() {
        String id = trigger("demo.sleep", Map.of("params", Map.of("items", 20, "delay_ms", 1)));

        awaitStatus(id, "completed").body("processed", equalTo(20)).body("total", equalTo(20));
        admin().accept("application/json").get("/v1/runs/{id}/events", id).then().statusCode(200)
                .body("$", hasSize(11))
                .body("id", contains(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11))
                .body("[9].event", equalTo("log"))
                .body("[9].data.truncated", equalTo(true))
                .body("[9].data.level", equalTo("warn"))
                .body("[10].event", equalTo("end_json"))
                .body("[10].data.metrics.processed", equalTo(20));
    }
}

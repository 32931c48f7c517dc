package dev.jobstream.stream;

import static dev.jobstream.support.Api.admin;
import static dev.jobstream.support.Api.awaitStatus;
import static dev.jobstream.support.Api.trigger;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.jobstream.run.http.RunEventsRoute;
import dev.jobstream.support.Api;
import dev.jobstream.support.DatabaseTest;
import dev.jobstream.support.SmallLimits;
import dev.jobstream.support.SseClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Stream limits with small settings: a run stores at most jobstream.events.max-per-run events (the last a truncation
 * notice, then its end); idle streams carry a keepalive comment every jobstream.streams.keepalive.
 */
@QuarkusTest
@TestProfile(SmallLimits.class)
class StreamLimitsTest extends DatabaseTest {

    @TestHTTPResource("/")
    URL base;

    @Inject
    RunEventsRoute streams;

    @Test
    void aSubscriberThatDoesNotReadIsDisconnectedInsteadOfBuffered() throws Exception {
        try (Socket slow = new Socket()) {
            slow.setReceiveBufferSize(1024);
            slow.connect(new InetSocketAddress(base.getHost(), base.getPort()));
            String id = trigger("demo.sleep", Map.of("params", Map.of("items", 1400, "delay_ms", 0)));
            slow.getOutputStream().write(("GET /v1/runs/" + id + "/events HTTP/1.1\r\nHost: localhost\r\n"
                    + "Accept: text/event-stream\r\nAuthorization: Bearer " + Api.ADMIN_TOKEN + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            awaitStatus(id, "completed");
            // ~2,800 events (~400 KB) for a client that reads nothing: the server drops it rather than buffer them
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> streams.open() == 0);
            assertTrue(slow.isConnected());
        }
    }

    @Test
    void idleStreamsCarryKeepaliveComments() throws Exception {
        String id = trigger("demo.sleep", Map.of("params", Map.of("items", 2, "delay_ms", 1500)));

        SseClient.Read read = SseClient.read(base + "v1/runs/" + id + "/events", null, 1000);

        assertTrue(read.closed());
        assertTrue(read.comments().stream().filter("keepalive"::equals).count() >= 3,
                "keepalive comments (every 200 ms) while the run sleeps 2 × 1,500 ms: " + read.comments());
    }

    @Test
    void eventsPastTheCapAreDroppedAfterOneNoticeAndTheEndIsKept() {
        String id = trigger("demo.sleep", Map.of("params", Map.of("items", 2000, "delay_ms", 0)));

        awaitStatus(id, "completed").body("processed", equalTo(2000)).body("total", equalTo(2000));
        admin().accept("application/json").get("/v1/runs/{id}/events?after=2995", id).then().statusCode(200)
                .body("id", contains(2996, 2997, 2998, 2999, 3000, 3001))
                .body("[3].event", equalTo("progress_json"))
                .body("[4].event", equalTo("log"))
                .body("[4].data.truncated", equalTo(true))
                .body("[4].data.level", equalTo("warn"))
                .body("[5].event", equalTo("end_json"))
                .body("[5].data.metrics.processed", equalTo(2000));
        // stored: what the job emitted up to the notice; the start (1) and the end (3001) are read from the row
        org.junit.jupiter.api.Assertions.assertEquals(2999,
                db.count("SELECT count(*) FROM job_run_events WHERE run_id = $1 AND seq BETWEEN 2 AND 3000",
                        java.util.UUID.fromString(id)));
        org.junit.jupiter.api.Assertions.assertEquals(2999,
                db.count("SELECT count(*) FROM job_run_events WHERE run_id = $1", java.util.UUID.fromString(id)));
    }
}

package dev.jobstream.engine;

import static dev.jobstream.engine.CrashIT.assertGapFree;
import static dev.jobstream.engine.CrashIT.count;
import static dev.jobstream.engine.CrashIT.events;
import static dev.jobstream.engine.CrashIT.get;
import static dev.jobstream.engine.CrashIT.trigger;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.jobstream.support.Replica;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * PostgreSQL stops and starts again while runs execute on a packaged replica: readiness goes DOWN and comes back UP
 * by itself, every event stored before the outage is still there, and every run ends completed — executing on, or
 * stopped at a checkpoint (its lock connection was lost) and run again as its next attempt.
 */
class DatabaseRestartIT {

    static final Map<String, String> ENV = Map.of(
            "JOBSTREAM_HEARTBEAT_INTERVAL", "300ms",
            "JOBSTREAM_STALE_AFTER", "15s",
            "JOBSTREAM_SWEEPER_INTERVAL", "500ms");

    @Test
    void aRestartOfPostgresLosesNoEventAndLeavesNoRunStuck() throws Exception {
        Path data = Files.createTempDirectory("jobstream-restart-pg");
        int port = freePort();
        EmbeddedPostgres postgres = postgres(data, port);
        try (Replica replica = Replica.start("restart-a", port, "postgres", ENV)) {
            List<String> runs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                runs.add(trigger(replica, UUID.randomUUID().toString(), 40, 100));
            }
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> runs.stream()
                    .allMatch(id -> get(replica, "/v1/runs/" + id).getInt("processed") >= 3));
            Map<String, List<Map<String, Object>>> before = new HashMap<>();
            runs.forEach(id -> before.put(id, events(replica, id)));

            postgres.close();
            Instant down = Instant.now();
            Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> ready(replica) == 503);
            Duration detected = Duration.between(down, Instant.now());
            Thread.sleep(2000);
            postgres = postgres(data, port);
            Instant up = Instant.now();
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> ready(replica) == 200);
            Duration recovered = Duration.between(up, Instant.now());

            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> runs.stream().allMatch(id -> "completed".equals(
                            get(replica, "/v1/runs/" + id).getString("status"))));
            int requeued = 0;
            for (String id : runs) {
                List<Map<String, Object>> events = events(replica, id);
                assertGapFree(events);
                assertEquals(before.get(id), events.subList(0, before.get(id).size()), "events stored before");
                assertEquals(1, count(events, "end_json"));
                assertEquals("end_json", events.get(events.size() - 1).get("event"));
                int attempt = get(replica, "/v1/runs/" + id).getInt("attempt");
                assertEquals(attempt, count(events, "start_json"), "one start per attempt");
                requeued += attempt - 1;
            }
            assertEquals(0, get(replica, "/v1/runs?status=running").getList("runs").size());
            System.out.printf("reliability: PostgreSQL restart → readiness DOWN after %d ms, UP %d ms after it"
                    + " returned; %d of %d runs requeued (lock lost), all completed%n", detected.toMillis(),
                    recovered.toMillis(), requeued, runs.size());
        } finally {
            postgres.close();
        }
    }

    private static int ready(Replica replica) {
        try {
            return given().get(replica.url("/q/health/ready")).statusCode();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static EmbeddedPostgres postgres(Path data, int port) throws IOException {
        return EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port).start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

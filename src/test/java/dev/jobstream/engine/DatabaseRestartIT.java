package dev.jobstream.engine;

import static dev.jobstream.engine.CrashIT.trigger;
import static dev.jobstream.support.ReplicaCalls.assertGapFree;
import static dev.jobstream.support.ReplicaCalls.count;
import static dev.jobstream.support.ReplicaCalls.events;
import static dev.jobstream.support.ReplicaCalls.get;
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
import dev.jobstream.support.ReplicaCalls;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * PostgreSQL stops and starts again while runs execute on a packaged replica: readiness goes DOWN and comes back UP
 * by itself, every event stored before the outage is still there, and every run ends completed — executing on, or
 * stopped at a checkpoint (its lease ran out, or its heartbeat found the run taken) and run again as its next
 * attempt.
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
            // meanwhile the API says to come back, not that it failed
            for (var call : List.<java.util.function.Supplier<io.restassured.response.Response>>of(
                    () -> ReplicaCalls.admin().get(replica.url("/v1/runs/" + runs.get(0))),
                    () -> ReplicaCalls.admin().post(replica.url("/v1/runs/" + runs.get(0) + "/pause")),
                    () -> ReplicaCalls.admin().contentType("application/json").body(Map.of("params",
                            Map.of("items", 1))).post(replica.url("/v1/jobs/demo.sleep/runs")))) {
                io.restassured.response.Response answer = call.get();
                assertEquals(503, answer.statusCode(), answer.asString());
                assertEquals("application/problem+json", answer.contentType());
                assertEquals("1", answer.header("Retry-After"));
            }
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
                    + " returned; %d of %d runs requeued, all completed%n", detected.toMillis(),
                    recovered.toMillis(), requeued, runs.size());
        } finally {
            postgres.close();
        }
    }

    /**
     * PostgreSQL is down for three times stale-after under two replicas with live runs: when it returns, no sweeper
     * declares a run stale before its replica had stale-after to heartbeat again, and every run completes.
     */
    @Test
    void anOutageLongerThanStaleAfterFailsNoRun() throws Exception {
        Map<String, String> env = Map.of(
                "JOBSTREAM_HEARTBEAT_INTERVAL", "1s",
                "JOBSTREAM_STALE_AFTER", "4s",
                "JOBSTREAM_SWEEPER_INTERVAL", "1s");
        Path data = Files.createTempDirectory("jobstream-outage-pg");
        int port = freePort();
        EmbeddedPostgres postgres = postgres(data, port);
        try (Replica a = Replica.start("outage-a", port, "postgres", env);
                Replica b = Replica.start("outage-b", port, "postgres", env)) {
            List<String> runs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                runs.add(trigger(i % 2 == 0 ? a : b, UUID.randomUUID().toString(), 30, 200));
            }
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> runs.stream()
                    .allMatch(id -> get(a, "/v1/runs/" + id).getInt("processed") >= 2));

            postgres.close();
            Thread.sleep(12_000);
            postgres = postgres(data, port);

            Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                    .until(() -> runs.stream().allMatch(id -> !List.of("queued", "running", "paused")
                            .contains(status(a, id))));
            int requeued = 0;
            for (String id : runs) {
                io.restassured.path.json.JsonPath run = get(a, "/v1/runs/" + id);
                assertEquals("completed", run.getString("status"), id + ": " + run.getString("error"));
                List<Map<String, Object>> events = events(a, id);
                assertGapFree(events);
                assertEquals(run.getInt("attempt"), count(events, "start_json"), "one start per attempt");
                requeued += run.getInt("attempt") - 1;
            }
            assertEquals(0, get(a, "/v1/errors?kind=STALE_RUN").getList("errors").size(), "no run went stale");
            System.out.printf("reliability: PostgreSQL down 12 s (stale-after 4 s) under 2 replicas → %d of %d runs"
                    + " completed, %d requeued, 0 failed stale%n", runs.size(), runs.size(), requeued);
        } finally {
            postgres.close();
        }
    }

    private static String status(Replica replica, String id) {
        try {
            return get(replica, "/v1/runs/" + id).getString("status");
        } catch (RuntimeException | AssertionError e) {
            return "unknown";
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

package dev.jobstream.engine;

import static dev.jobstream.support.ReplicaCalls.admin;
import static dev.jobstream.support.ReplicaCalls.assertGapFree;
import static dev.jobstream.support.ReplicaCalls.awaitStatus;
import static dev.jobstream.support.ReplicaCalls.count;
import static dev.jobstream.support.ReplicaCalls.events;
import static dev.jobstream.support.ReplicaCalls.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.jobstream.config.EmbeddedDatabase;
import dev.jobstream.support.Replica;
import io.restassured.path.json.JsonPath;

/**
 * Packaged replicas killed and stopped under load, with short intervals: a run of a replica killed with
 * {@code kill -9} is ended stale by another replica's sweeper and its exclusive key is free again; SIGTERM requeues
 * a run that another replica finishes; a paused run survives sweeps because its engine keeps heartbeating.
 */
class CrashIT {

    static final Duration STALE_AFTER = Duration.ofSeconds(2);
    static final Duration SWEEPER_INTERVAL = Duration.ofMillis(500);
    static final Map<String, String> FAST = Map.of(
            "JOBSTREAM_HEARTBEAT_INTERVAL", "300ms",
            "JOBSTREAM_STALE_AFTER", STALE_AFTER.toMillis() + "ms",
            "JOBSTREAM_SWEEPER_INTERVAL", SWEEPER_INTERVAL.toMillis() + "ms",
            "JOBSTREAM_SHUTDOWN_GRACE", "5s");

    static int pgPort;

    @BeforeAll
    static void database() {
        pgPort = EmbeddedDatabase.start().port();
    }

    @Test
    void aRunOfAKilledReplicaIsEndedStaleByAnotherAndItsExclusiveKeyIsFreeAgain() throws Exception {
        String database = Replica.newDatabase(pgPort);
        String workspace = UUID.randomUUID().toString();
        try (Replica a = Replica.start("crash-a", pgPort, database, FAST);
                Replica b = Replica.start("crash-b", pgPort, database, with(FAST, "JOBSTREAM_ENGINES_MAX", "0"))) {
            String id = trigger(a, workspace, 600, 50);
            awaitStatus(b, id, "running");
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> "up".equals(replica(b, "crash-a").get("state")));
            assertEquals(1, replica(b, "crash-a").get("running"), "the registry shows the run crash-a executes");

            Instant killed = Instant.now();
            a.kill();
            awaitStatus(b, id, "failed");
            Duration detection = Duration.between(killed, Instant.now());

            JsonPath run = get(b, "/v1/runs/" + id);
            assertEquals("stale", run.getString("error_code"));
            assertEquals("crash-a", run.getString("owner"));
            Duration bound = STALE_AFTER.plus(SWEEPER_INTERVAL).plusSeconds(2);
            assertTrue(detection.compareTo(bound) < 0, "ended stale after " + detection + ", bound " + bound);
            List<Map<String, Object>> events = events(b, id);
            assertGapFree(events);
            assertEquals(1, count(events, "start_json"));
            assertEquals("end_json", events.get(events.size() - 1).get("event"));
            assertEquals(1, get(b, "/v1/errors?kind=STALE_RUN&run_id=" + id).getList("errors").size());

            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> "lost".equals(replica(b, "crash-a").get("state")));
            assertEquals("up", replica(b, "crash-b").get("state"));
            assertEquals(true, replica(b, "crash-b").get("self"));

            String next = trigger(b, workspace, 1, 0);
            assertTrue(!next.equals(id));
            System.out.printf("reliability: kill -9 → run ended stale after %d ms (stale-after %d ms, sweeper %d ms)%n",
                    detection.toMillis(), STALE_AFTER.toMillis(), SWEEPER_INTERVAL.toMillis());
        }
    }

    @Test
    void sigtermRequeuesTheRunAndAnotherReplicaFinishesItWithoutDuplicates() throws Exception {
        String database = Replica.newDatabase(pgPort);
        try (Replica a = Replica.start("term-a", pgPort, database, FAST)) {
            String id = trigger(a, UUID.randomUUID().toString(), 200, 50);
            awaitStatus(a, id, "running");
            sigterm(a, Replica.start("term-b", pgPort, database, FAST), id);
        }
    }

    private static void sigterm(Replica a, Replica started, String id) throws Exception {
        try (Replica b = started) {
            assertEquals("running", get(b, "/v1/runs/" + id).getString("status"), "still running when stopped");
            Instant stopping = Instant.now();
            a.terminate(Duration.ofSeconds(20));
            Duration stop = Duration.between(stopping, Instant.now());

            JsonPath afterStop = get(b, "/v1/runs/" + id);
            assertEquals(2, afterStop.getInt("attempt"), "requeued as the next attempt by the replica that stopped");
            assertTrue(!"term-a".equals(afterStop.getString("owner")), "no longer term-a's");
            assertTrue(Files.readString(Path.of("target/replica-term-a.log")).contains("all 1 engines stopped"));
            Map<String, Object> stopped = replica(b, "term-a");
            assertEquals("stopped", stopped.get("state"), "a replica that shut down says so: " + stopped);
            assertEquals(1, ((Number) stopped.get("runs_ended")).intValue(), "its one attempt, requeued");

            awaitStatus(b, id, "completed");
            JsonPath run = get(b, "/v1/runs/" + id);
            assertEquals("term-b", run.getString("owner"));
            assertEquals(2, run.getInt("attempt"));
            List<Map<String, Object>> events = events(b, id);
            assertGapFree(events);
            assertEquals(2, count(events, "start_json"), "one start per attempt");
            assertEquals(1, count(events, "end_json"));
            assertEquals(List.of("shutdown"), events.stream()
                    .filter(e -> "state_json".equals(e.get("event")))
                    .map(e -> ((Map<?, ?>) e.get("data")).get("reason")).toList());
            System.out.printf("reliability: SIGTERM → replica stopped in %d ms, its run requeued%n", stop.toMillis());
        }
    }

    @Test
    void aPausedRunSurvivesSweepsBecauseItsEngineHeartbeats() throws Exception {
        String database = Replica.newDatabase(pgPort);
        try (Replica a = Replica.start("pause-a", pgPort, database, FAST)) {
            String id = trigger(a, UUID.randomUUID().toString(), 20, 50);
            awaitStatus(a, id, "running");
            admin().post(a.url("/v1/runs/" + id + "/pause")).then().statusCode(202);
            awaitStatus(a, id, "paused");

            Thread.sleep(STALE_AFTER.multipliedBy(3).toMillis());

            assertEquals("paused", get(a, "/v1/runs/" + id).getString("status"));
            assertEquals(0, get(a, "/v1/errors?kind=STALE_RUN").getList("errors").size());
            admin().post(a.url("/v1/runs/" + id + "/resume")).then().statusCode(202);
            awaitStatus(a, id, "completed");
            assertEquals(1, get(a, "/v1/runs/" + id).getInt("attempt"));
        }
    }

    /** The replica {@code id} as {@code GET /v1/replicas} of {@code from} shows it. */
    static Map<String, Object> replica(Replica from, String id) {
        Map<String, Object> replica = get(from, "/v1/replicas").getMap("replicas.find { it.id == '" + id + "' }");
        return replica == null ? Map.of() : replica;
    }

    static Map<String, String> with(Map<String, String> env, String key, String value) {
        Map<String, String> copy = new HashMap<>(env);
        copy.put(key, value);
        return copy;
    }

    static String trigger(Replica replica, String workspace, int items, int delayMs) {
        return admin().contentType("application/json")
                .body(Map.of("workspace_id", workspace, "params", Map.of("items", items, "delay_ms", delayMs)))
                .post(replica.url("/v1/jobs/demo.sleep/runs")).then().statusCode(202).extract().path("id");
    }
}

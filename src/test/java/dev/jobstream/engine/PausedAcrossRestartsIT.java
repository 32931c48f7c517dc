package dev.jobstream.engine;

import static dev.jobstream.engine.CrashIT.FAST;
import static dev.jobstream.engine.CrashIT.trigger;
import static dev.jobstream.engine.CrashIT.with;
import static dev.jobstream.support.ReplicaCalls.admin;
import static dev.jobstream.support.ReplicaCalls.assertGapFree;
import static dev.jobstream.support.ReplicaCalls.awaitStatus;
import static dev.jobstream.support.ReplicaCalls.count;
import static dev.jobstream.support.ReplicaCalls.events;
import static dev.jobstream.support.ReplicaCalls.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
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
 * What an operator asked of a run outlives the replica that executed it: a paused run stays paused through a rolling
 * restart (SIGTERM) and through a crash (kill -9), and resume then takes it to completion on another replica; a
 * cancel accepted before its replica stopped or died ends the run cancelled — never run again, never failed; a run
 * paused longer than the pause hold gives up its engine slot and stays paused.
 */
class PausedAcrossRestartsIT {

    static int pgPort;

    @BeforeAll
    static void database() {
        pgPort = EmbeddedDatabase.start().port();
    }

    @Test
    void aPausedRunStaysPausedThroughARollingRestartAndResumesElsewhere() throws Exception {
        String database = Replica.newDatabase(pgPort);
        try (Replica a = Replica.start("paused-a", pgPort, database, FAST)) {
            String id = trigger(a, UUID.randomUUID().toString(), 20, 50);
            awaitStatus(a, id, "running");
            admin().post(a.url("/v1/runs/" + id + "/pause")).then().statusCode(202);
            awaitStatus(a, id, "paused");
            try (Replica b = Replica.start("paused-b", pgPort, database, FAST)) {
                a.terminate(Duration.ofSeconds(20));

                JsonPath parked = get(b, "/v1/runs/" + id);
                assertEquals("paused", parked.getString("status"), "still paused after its replica stopped");
                assertNull(parked.getString("owner"), "held by no engine");
                assertEquals(2, parked.getInt("attempt"), "the interrupted attempt counted");
                Thread.sleep(CrashIT.STALE_AFTER.multipliedBy(2).toMillis()); // sweeps and claims pass it by
                assertEquals("paused", get(b, "/v1/runs/" + id).getString("status"), "not claimed, not swept");

                admin().post(b.url("/v1/runs/" + id + "/resume")).then().statusCode(202);
                awaitStatus(b, id, "completed");
                JsonPath done = get(b, "/v1/runs/" + id);
                assertEquals("paused-b", done.getString("owner"));
                List<Map<String, Object>> events = events(b, id);
                assertGapFree(events);
                assertEquals(2, count(events, "start_json"), "one start per attempt");
                assertEquals(List.of("paused", "paused", "queued"), events.stream()
                        .filter(e -> "state_json".equals(e.get("event")))
                        .map(e -> (String) ((Map<?, ?>) e.get("data")).get("state")).toList(),
                        "paused by the operator, kept paused at shutdown, queued by resume");
            }
        }
    }

    @Test
    void aPausedRunStaysPausedWhenItsReplicaIsKilled() throws Exception {
        String database = Replica.newDatabase(pgPort);
        try (Replica a = Replica.start("killed-paused-a", pgPort, database, FAST);
                Replica b = Replica.start("killed-paused-b", pgPort, database, FAST)) {
            String id = trigger(a, UUID.randomUUID().toString(), 10, 50);
            awaitStatus(a, id, "running");
            admin().post(a.url("/v1/runs/" + id + "/pause")).then().statusCode(202);
            awaitStatus(a, id, "paused");
            Replica dying = "killed-paused-a".equals(get(a, "/v1/runs/" + id).getString("owner")) ? a : b;
            Replica surviving = dying == a ? b : a;
            dying.kill();

            Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                    .until(() -> get(surviving, "/v1/runs/" + id).getString("owner") == null);
            JsonPath parked = get(surviving, "/v1/runs/" + id);
            assertEquals("paused", parked.getString("status"), "a stale paused run is kept paused, not failed");
            assertEquals(1, get(surviving, "/v1/errors?kind=STALE_RUN&run_id=" + id).getList("errors").size());
            admin().post(surviving.url("/v1/runs/" + id + "/resume")).then().statusCode(202);
            awaitStatus(surviving, id, "completed");
        }
    }

    @Test
    void aCancelAcceptedBeforeTheReplicaStoppedOrDiedEndsTheRunCancelled() throws Exception {
        String database = Replica.newDatabase(pgPort);
        try (Replica a = Replica.start("cancel-a", pgPort, database, FAST);
                Replica b = Replica.start("cancel-b", pgPort, database, with(FAST, "JOBSTREAM_ENGINES_MAX", "0"))) {
            // steps of 3 s: the cancel waits for the next checkpoint, and the replica goes first
            String stopped = trigger(a, UUID.randomUUID().toString(), 3, 3000);
            String killed = trigger(a, UUID.randomUUID().toString(), 3, 3000);
            awaitStatus(b, stopped, "running");
            awaitStatus(b, killed, "running");
            admin().post(b.url("/v1/runs/" + stopped + "/cancel")).then().statusCode(202);
            admin().post(b.url("/v1/runs/" + killed + "/cancel")).then().statusCode(202);

            a.kill();
            for (String id : List.of(stopped, killed)) {
                awaitStatus(b, id, "cancelled");
                JsonPath run = get(b, "/v1/runs/" + id);
                assertEquals(1, run.getInt("attempt"), "never run again");
                assertNull(run.getString("error_code"), "not failed");
                List<Map<String, Object>> events = events(b, id);
                assertGapFree(events);
                assertEquals(1, count(events, "start_json"));
                Map<?, ?> end = (Map<?, ?>) events.get(events.size() - 1).get("data");
                assertEquals(true, end.get("cancelled"));
            }
        }
        String database2 = Replica.newDatabase(pgPort);
        try (Replica a = Replica.start("cancel-term-a", pgPort, database2, FAST)) {
            String id = trigger(a, UUID.randomUUID().toString(), 3, 3000);
            awaitStatus(a, id, "running");
            admin().post(a.url("/v1/runs/" + id + "/cancel")).then().statusCode(202);
            a.terminate(Duration.ofSeconds(20));
            try (Replica b = Replica.start("cancel-term-b", pgPort, database2, FAST)) {
                JsonPath run = get(b, "/v1/runs/" + id);
                assertEquals("cancelled", run.getString("status"), "ended cancelled by the replica that stopped");
                assertEquals(1, run.getInt("attempt"));
            }
        }
    }

    @Test
    void aRunPausedLongerThanThePauseHoldFreesItsEngineAndStaysPaused() throws Exception {
        String database = Replica.newDatabase(pgPort);
        try (Replica a = Replica.start("hold-a", pgPort, database,
                with(with(FAST, "JOBSTREAM_ENGINES_PAUSE_HOLD", "1s"), "JOBSTREAM_ENGINES_MAX", "1"))) {
            String id = trigger(a, UUID.randomUUID().toString(), 10, 50);
            awaitStatus(a, id, "running");
            admin().post(a.url("/v1/runs/" + id + "/pause")).then().statusCode(202);
            Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> get(a, "/v1/runs/" + id).getString("owner") == null);
            assertEquals("paused", get(a, "/v1/runs/" + id).getString("status"));

            // the one engine slot is free: another run executes while the first stays paused
            String next = trigger(a, UUID.randomUUID().toString(), 1, 0);
            awaitStatus(a, next, "completed");
            assertEquals("paused", get(a, "/v1/runs/" + id).getString("status"));

            admin().post(a.url("/v1/runs/" + id + "/resume")).then().statusCode(202);
            awaitStatus(a, id, "completed");
        }
    }
}

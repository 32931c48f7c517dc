package dev.jobstream.sweep;

import static dev.jobstream.support.Api.admin;
import static dev.jobstream.support.Api.awaitStatus;
import static dev.jobstream.support.Api.trigger;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.jobstream.pg.Connectivity;
import dev.jobstream.run.store.RunStore;
import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The sweeper against the database, with a clock it is given: runs whose owner stopped heartbeating are failed or
 * requeued with backoff, concurrent sweeps end a run once, stopped engines and expired rows go.
 */
@QuarkusTest
class SweeperTest extends DatabaseTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    /** A job no replica has: a requeued run of it is never executed by the test's own dispatcher. */
    private static final String GONE_JOB = "test.gone";

    @Inject
    Sweeper sweeper;

    @Inject
    RunStore repository;

    @Inject
    Pool pool;

    @Inject
    Connectivity connectivity;

    @Test
    void aStaleRunWithoutAttemptsLeftFailsWithAnEndEventAndAnErrorEvent() {
        UUID id = executingRun(1, 1);
        Instant now = Instant.now();

        assertEquals(0, sweep(now.plusSeconds(20)).staleFailed(), "heartbeat 5 s old: not stale at +20 s");
        assertEquals("running", row(id).getString("status"));

        Sweeper.Sweep sweep = sweep(now.plusSeconds(31));

        assertEquals(1, sweep.staleFailed());
        assertEquals(0, sweep.staleRequeued());
        Row run = row(id);
        assertEquals("failed", run.getString("status"));
        assertEquals("stale", run.getString("error_code"));
        assertTrue(run.getString("error").startsWith("Stale: no heartbeat from dead-replica since "),
                run.getString("error"));
        assertEquals(4, run.getInteger("last_seq"));
        JsonObject end = event(id, 4, "end_json");
        assertEquals(false, end.getBoolean("ok"));
        assertEquals("stale", end.getString("error_code"));
        assertEquals(1, db.count("SELECT count(*) FROM error_events WHERE kind = 'STALE_RUN' AND run_id = $1"
                + " AND severity = 'error' AND details->>'owner' = 'dead-replica'", id));
        admin().get("/v1/runs/{id}", id).then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("failed"))
                .body("display_status", org.hamcrest.Matchers.equalTo("failed"));

        assertEquals(0, sweep(now.plusSeconds(60)).staleFailed(), "a failed run is not swept again");
        assertEquals(1, db.count("SELECT count(*) FROM job_run_events WHERE run_id = $1 AND event = 'end_json'",
                id));
    }

    @Test
    void aStaleRunWithAttemptsLeftIsRequeuedWithAGrowingBackoffUntilItsLastAttemptFails() {
        UUID id = executingRun(1, 3);
        Instant at = Instant.now().plusSeconds(31);

        assertEquals(1, sweep(at).staleRequeued());

        Row run = row(id);
        assertEquals("queued", run.getString("status"));
        assertEquals(2, run.getInteger("attempt"));
        assertNull(run.getString("owner"));
        assertNull(run.getValue("heartbeat_at"));
        long backoff = Duration.between(at, run.getOffsetDateTime("run_after").toInstant()).toMillis();
        assertTrue(backoff >= 1500 && backoff <= 2500, "first backoff 2 s ± 25 %, was " + backoff + " ms");
        JsonObject state = event(id, 4, "state_json");
        assertEquals("queued", state.getString("state"));
        assertEquals("stale", state.getString("reason"));
        assertEquals(2, state.getInteger("attempt"));
        assertEquals(1, db.count("SELECT count(*) FROM error_events WHERE kind = 'STALE_RUN' AND run_id = $1"
                + " AND severity = 'warning'", id));

        // the second attempt's engine dies too
        takeOver(id);
        at = at.plusSeconds(60);
        assertEquals(1, sweep(at).staleRequeued());
        run = row(id);
        assertEquals(3, run.getInteger("attempt"));
        backoff = Duration.between(at, run.getOffsetDateTime("run_after").toInstant()).toMillis();
        assertTrue(backoff >= 3000 && backoff <= 5000, "second backoff 4 s ± 25 %, was " + backoff + " ms");

        takeOver(id);
        assertEquals(1, sweep(at.plusSeconds(60)).staleFailed(), "the third of three attempts fails");
        run = row(id);
        assertEquals("failed", run.getString("status"));
        assertEquals(3, run.getInteger("attempt"));
        assertEquals(List.of(1, 2, 3, 4, 5, 6), pool.preparedQuery(
                "SELECT seq FROM job_run_events WHERE run_id = $1 ORDER BY seq").execute(Tuple.of(id))
                .await().atMost(WAIT).stream().map(r -> r.getInteger(0)).toList(),
                "sequence numbers continue across attempts");
    }

    @Test
    void sweepersOfTwoReplicasAtOnceEndEveryRunExactlyOnce() {
        int runs = 120;
        for (int i = 0; i < runs; i++) {
            executingRun(1, 1);
        }
        Instant at = Instant.now().plusSeconds(31);

        List<List<RunStore.Interrupted>> results = Uni.join().all(
                repository.sweepStale(at, Duration.ofSeconds(30), 500),
                repository.sweepStale(at, Duration.ofSeconds(30), 500),
                repository.sweepStale(at, Duration.ofSeconds(30), 500)).andFailFast().await().atMost(WAIT);

        assertEquals(runs, results.stream().mapToInt(List::size).sum());
        assertEquals(runs, db.count("SELECT count(*) FROM job_runs WHERE status = 'failed'"));
        assertEquals(runs, db.count("SELECT count(*) FROM job_run_events WHERE event = 'end_json'"));
        assertEquals(runs, db.count("SELECT count(*) FROM error_events WHERE kind = 'STALE_RUN'"));
    }

    @Test
    void retentionDeletesOldTerminalRunsWithTheirEventsAndOldErrorEventsInBatches() {
        db.execute("""
                INSERT INTO job_runs (id, job_name, workspace_id, exclusive, status, created_at, finished_at)
                SELECT gen_random_uuid(), 'demo.sleep', gen_random_uuid(), true, 'completed',
                       now() - interval '40 days', now() - interval '31 days' - i * interval '1 second'
                  FROM generate_series(1, 1200) i
                """);
        db.execute("""
                INSERT INTO job_run_events (run_id, seq, event, data) SELECT id, 1, 'log', '{}' FROM job_runs
                """);
        UUID recent = executingRun(1, 1);
        db.execute("UPDATE job_runs SET status = 'completed', finished_at = now() - interval '29 days' WHERE id = $1",
                recent);
        db.execute("""
                INSERT INTO error_events (occurred_at, severity, kind, message)
                SELECT now() - interval '91 days', 'error', 'JOB_FAILED', 'old' FROM generate_series(1, 700)
                """);
        db.execute("INSERT INTO error_events (severity, kind, message) VALUES ('error', 'JOB_FAILED', 'new')");

        Sweeper.Sweep sweep = sweep(null);

        assertEquals(1200, sweep.runsDeleted());
        assertEquals(700, sweep.errorsDeleted());
        assertEquals(1, db.count("SELECT count(*) FROM job_runs"));
        assertEquals(1, db.count("SELECT count(*) FROM job_runs WHERE id = $1", recent));
        assertEquals(0, db.count("SELECT count(*) FROM job_run_events WHERE run_id <> $1", recent));
        assertEquals(1, db.count("SELECT count(*) FROM error_events"));
    }

    @Test
    void stoppedEnginesStayInTheRegistryUntilTheirRetentionEnds() {
        String id = trigger("demo.sleep", Map.of("params", Map.of("items", 1)));
        awaitStatus(id, "completed");
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> admin().get("/v1/engines").then()
                .statusCode(200).extract().<List<String>>path("engines.run_id").contains(id));
        admin().get("/v1/engines").then().statusCode(200)
                .body("instance", org.hamcrest.Matchers.notNullValue())
                .body("engines.find { it.run_id == '" + id + "' }.state", org.hamcrest.Matchers.equalTo("stopped"))
                .body("engines.find { it.run_id == '" + id + "' }.run_status",
                        org.hamcrest.Matchers.equalTo("completed"))
                .body("engines.find { it.run_id == '" + id + "' }.job", org.hamcrest.Matchers.equalTo("demo.sleep"))
                .body("engines.find { it.run_id == '" + id + "' }.stopped_at", org.hamcrest.Matchers.notNullValue());

        sweep(Instant.now().plusSeconds(60));
        assertTrue(engineIds().contains(id), "kept for 5 minutes");

        assertTrue(sweep(Instant.now().plus(Duration.ofMinutes(6))).enginesForgotten() >= 1);
        assertTrue(!engineIds().contains(id), "forgotten after 5 minutes");
    }

    private static List<String> engineIds() {
        return admin().get("/v1/engines").then().statusCode(200).extract().path("engines.run_id");
    }

    private Sweeper.Sweep sweep(Instant at) {
        return sweeper.runOnce(at).await().atMost(WAIT);
    }

    /** A run of a dead replica: running, heartbeat 5 s ago, three events stored. */
    @Test
    void noRunIsStaleBeforeTheServerHasBeenUpForStaleAfter() {
        Instant started = db.instant("SELECT pg_postmaster_start_time()");
        UUID id = executingRun(1, 1);
        db.execute("UPDATE job_runs SET heartbeat_at = $2 WHERE id = $1", id,
                started.minusSeconds(40).atOffset(java.time.ZoneOffset.UTC));

        assertEquals(List.of(), repository.sweepStale(started.plusSeconds(10), Duration.ofSeconds(30), 500)
                .await().atMost(WAIT), "heartbeat 50 s old, but the server restarted 10 s ago");
        assertEquals(1, repository.sweepStale(started.plusSeconds(31), Duration.ofSeconds(30), 500)
                .await().atMost(WAIT).size(), "31 s after the server started");
    }

    @Test
    void noRunIsStaleBeforeTheDatabaseWasReachableForStaleAfter() {
        UUID id = executingRun(1, 1);
        Instant now = Instant.now();
        connectivity.lost();
        connectivity.reached(); // the database is back, now

        assertEquals(0, sweep(now.plusSeconds(29)).staleFailed(), "back for 29 s: its replicas may not have beaten");
        assertEquals("running", row(id).getString("status"));
        assertEquals(1, sweep(now.plusSeconds(31)).staleFailed(), "back for stale-after: stale");
    }

    @Test
    void aFailingRollUpLeavesTheSweepAndTheDatabaseConnectivityAlone() {
        UUID id = executingRun(1, 1);
        Instant now = Instant.now();
        db.execute("ALTER TABLE job_run_rollup_mark RENAME TO job_run_rollup_mark_away");
        try {
            assertEquals(1, sweep(now.plusSeconds(31)).staleFailed(), "the stale run is swept all the same");
            assertEquals("failed", row(id).getString("status"));
            assertTrue(connectivity.steadyFor(Duration.ofSeconds(30), now.plusSeconds(31)),
                    "a failed roll-up is not the database gone");
        } finally {
            db.execute("ALTER TABLE job_run_rollup_mark_away RENAME TO job_run_rollup_mark");
        }
    }

    private UUID executingRun(int attempt, int maxAttempts) {
        UUID id = UUID.randomUUID();
        db.execute("""
                INSERT INTO job_runs (id, job_name, workspace_id, exclusive, status, owner, attempt, max_attempts,
                                      started_at, heartbeat_at, last_seq)
                VALUES ($1, $2, $3, true, 'running', 'dead-replica', $4, $5, now() - interval '1 minute',
                        now() - interval '5 seconds', 3)
                """, id, GONE_JOB, UUID.randomUUID(), attempt, maxAttempts);
        db.execute("""
                INSERT INTO job_run_events (run_id, seq, event, data)
                SELECT $1, s, 'log', '{"message": "before"}' FROM generate_series(1, 3) s
                """, id);
        return id;
    }

    /** An engine of a replica that will die claims the requeued run. */
    private void takeOver(UUID id) {
        db.execute("""
                UPDATE job_runs SET status = 'running', owner = 'dead-replica', started_at = now(),
                                    heartbeat_at = now() - interval '5 seconds'
                 WHERE id = $1 AND status = 'queued'
                """, id);
    }

    private Row row(UUID id) {
        return pool.preparedQuery("SELECT * FROM job_runs WHERE id = $1").execute(Tuple.of(id)).await().atMost(WAIT)
                .iterator().next();
    }

    private JsonObject event(UUID id, int seq, String name) {
        Row row = pool.preparedQuery("SELECT event, data FROM job_run_events WHERE run_id = $1 AND seq = $2")
                .execute(Tuple.of(id, seq)).await().atMost(WAIT).iterator().next();
        assertEquals(name, row.getString("event"));
        return (JsonObject) row.getValue("data");
    }
}

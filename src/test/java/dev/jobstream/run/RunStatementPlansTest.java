package dev.jobstream.run;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The statements a replica runs on every cycle (claims, heartbeat, flush of ends and of retries) reach their rows
 * through an index, never
 * by reading the whole table: with a table of tens of thousands of runs, a sequential scan in a flush made every
 * flush cost a pass over the table (it went unnoticed in tests with a handful of rows). The plans are the ones
 * PostgreSQL chooses for these statements with real arguments, on a table with statistics.
 */
@QuarkusTest
class RunStatementPlansTest extends DatabaseTest {

    private static final String OWNER = "plans-test-replica";
    /** A job no replica has, so the test's own dispatcher leaves these runs alone. */
    private static final String JOB = "test.gone";
    private static final int RUNS = 20_000;

    private final List<UUID> executing = new ArrayList<>();

    @BeforeEach
    void aTableOfExecutingAndQueuedRuns() {
        db.execute("""
                INSERT INTO job_runs (id, job_name, workspace_id, status, exclusive, owner, started_at, heartbeat_at)
                SELECT gen_random_uuid(), $1, gen_random_uuid(), 'running', false, $2, now(), now()
                  FROM generate_series(1, $3)
                """, JOB, OWNER, RUNS / 2);
        db.execute("""
                INSERT INTO job_runs (id, job_name, workspace_id, exclusive)
                SELECT gen_random_uuid(), $1, gen_random_uuid(), false FROM generate_series(1, $2)
                """, JOB, RUNS / 2);
        db.execute("ANALYZE job_runs");
        db.rows("SELECT id FROM job_runs WHERE status = 'running' LIMIT 300").forEach(r -> executing.add(r.getUUID(0)));
    }

    @Test
    void aFlushOfEndsReadsNoWholeTable() {
        List<RunFlush> ends = executing.stream().map(id -> new RunFlush(id, 1, 2, null, null, null, null, null,
                new RunFlush.End(RunStatus.COMPLETED, "{}", null, null, 1),
                List.of(new RunFlush.Event(1, "start_json", "{}"), new RunFlush.Event(2, "end_json", "{}"))))
                .toList();
        assertIndexOnly(RunSql.FLUSH, RunStore.flushArgs(OWNER, ends));
    }

    @Test
    void aHeartbeatReadsNoWholeTable() {
        assertIndexOnly(RunSql.HEARTBEAT, Tuple.of(executing.toArray(UUID[]::new), OWNER, RunStatus.EXECUTING));
    }

    @Test
    void aClaimReadsNoWholeTable() {
        assertIndexOnly(RunSql.CLAIM_QUEUED, Tuple.of(OWNER, 500, new String[]{JOB}));
    }

    @Test
    void aClaimWithinALimitReadsNoWholeTable() {
        assertIndexOnly(RunSql.CLAIM_LIMITED, Tuple.of(OWNER, 500, JOB, 2));
    }

    @Test
    void aRequeueForARetryReadsNoWholeTable() {
        List<RunFlush> retries = executing.stream().map(id -> new RunFlush(id, 1, 2, null, null, null, null, null,
                new RunFlush.End(RunStatus.QUEUED, null, "boom", "job_failed", 1, 5000L, false),
                List.of(new RunFlush.Event(1, "start_json", "{}"), new RunFlush.Event(2, "state_json", "{}"))))
                .toList();
        assertIndexOnly(RunSql.FLUSH, RunStore.flushArgs(OWNER, retries));
    }

    private void assertIndexOnly(String sql, Tuple args) {
        String plan = db.plan(sql, args);
        assertFalse(plan.contains("Seq Scan on job_runs"), () -> "a sequential scan of job_runs:\n" + plan);
    }
}

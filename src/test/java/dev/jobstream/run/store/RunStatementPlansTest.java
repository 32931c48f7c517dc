package dev.jobstream.run.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.jobstream.run.RunFlush;
import dev.jobstream.run.RunStatus;
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
    void aClaimReadsTheHeadOfEachJobsQueueInOrderNotItsBacklog() {
        // ordered by the limit key first (null for runs of jobs without one), the claim reads each job's queue in
        // the index's order and stops at its limit; ordered by priority alone, PostgreSQL read every queued run of
        // the job (a bitmap scan) and sorted them
        String plan = db.plan(RunSql.CLAIM_QUEUED, Tuple.of(OWNER, 100, new String[]{JOB, "test.other"}));
        assertTrue(plan.contains("Index Scan using job_runs_queued_idx")
                && !plan.contains("Bitmap Index Scan on job_runs_queued_idx"),
                () -> "the queue is not read in its index's order:\n" + plan);
    }

    @Test
    void aClaimWithinLimitsReadsNoWholeTable() {
        db.execute("""
                INSERT INTO job_runs (id, job_name, workspace_id, exclusive, limit_key)
                SELECT gen_random_uuid(), $1, gen_random_uuid(), false, 'key-' || (i % 50)
                  FROM generate_series(1, $2) i
                """, JOB, RUNS / 2);
        db.execute("ANALYZE job_runs");
        assertIndexOnly(RunSql.CLAIM_LIMITED,
                Tuple.tuple(Arrays.asList(OWNER, 500, JOB, 2, 10, 60_000L, 3, 60_000L, 2, null)));
        assertIndexOnly(RunSql.CLAIM_LIMITED_OF, Tuple.tuple(Arrays.asList(OWNER, 500, JOB, null, null, null, 3,
                60_000L, 2, null, new UUID[]{UUID.randomUUID()})));
    }

    @Test
    void aRequeueForARetryReadsNoWholeTable() {
        List<RunFlush> retries = executing.stream().map(id -> new RunFlush(id, 1, 2, null, null, null, null, null,
                new RunFlush.End(RunStatus.QUEUED, null, "boom", "job_failed", 1, 5000L, false),
                List.of(new RunFlush.Event(1, "start_json", "{}"), new RunFlush.Event(2, "state_json", "{}"))))
                .toList();
        assertIndexOnly(RunSql.FLUSH, RunStore.flushArgs(OWNER, retries));
    }

    /**
     * Statistics are taken when the table is at rest (autovacuum): then they say that no run executes, and a partial
     * index of executing runs looks empty. During a work-off thousands execute, and that index holds an entry for
     * every run claimed since the last vacuum: a flush that read its runs through it rather than by primary key
     * read them all, on every flush. The engines' statements read their runs by primary key whatever the statistics.
     */
    @Test
    void theEnginesStatementsReadTheirRunsByPrimaryKeyWhenTheStatisticsSayNothingExecutes() {
        db.execute("DELETE FROM job_runs");
        db.execute("""
                INSERT INTO job_runs (id, job_name, workspace_id, status, exclusive, started_at, finished_at)
                SELECT gen_random_uuid(), $1, gen_random_uuid(), 'completed', false, now(), now()
                  FROM generate_series(1, $2)
                """, JOB, RUNS);
        db.execute("ANALYZE job_runs");
        db.execute("""
                INSERT INTO job_runs (id, job_name, workspace_id, status, exclusive, owner, started_at, heartbeat_at)
                SELECT gen_random_uuid(), $1, gen_random_uuid(), 'running', false, $2, now(), now()
                  FROM generate_series(1, 2000)
                """, JOB, OWNER);
        executing.clear();
        db.rows("SELECT id FROM job_runs WHERE status = 'running' LIMIT 300").forEach(r -> executing.add(r.getUUID(0)));
        List<RunFlush> ends = executing.stream().map(id -> new RunFlush(id, 1, 2, null, null, null, null, null,
                new RunFlush.End(RunStatus.COMPLETED, "{}", null, null, 1),
                List.of(new RunFlush.Event(1, "start_json", "{}"), new RunFlush.Event(2, "end_json", "{}"))))
                .toList();
        assertByPrimaryKey(RunSql.FLUSH, RunStore.flushArgs(OWNER, ends));
        assertByPrimaryKey(RunSql.HEARTBEAT, Tuple.of(executing.toArray(UUID[]::new), OWNER, RunStatus.EXECUTING));
        assertByPrimaryKey(RunSql.CONTROL_OF, Tuple.of(executing.toArray(UUID[]::new), OWNER, RunStatus.EXECUTING));
        assertByPrimaryKey(RunSql.RELEASE_CLAIM, Tuple.of(executing.toArray(UUID[]::new), OWNER, 1000L));
        assertByPrimaryKey(RunSql.LOCK_LAST_SEQ, Tuple.of((Object) executing.toArray(UUID[]::new)));
        assertByPrimaryKey(RunSql.UNCLAIM, Tuple.of(executing.toArray(UUID[]::new),
                executing.stream().map(id -> 1).toArray(Integer[]::new), OWNER));
        assertByPrimaryKey(RunSql.INTERRUPT_OWNED, Tuple.of(OWNER, executing.toArray(UUID[]::new),
                executing.stream().map(id -> 1).toArray(Integer[]::new), "shutdown"));
    }

    private void assertByPrimaryKey(String sql, Tuple args) {
        String plan = db.plan(sql, args);
        assertFalse(plan.contains("Seq Scan on job_runs"), () -> "a sequential scan of job_runs:\n" + plan);
        java.util.regex.Matcher indexes = java.util.regex.Pattern
                .compile("(?:using|Bitmap Index Scan on) (job_runs_\\w+)").matcher(plan);
        while (indexes.find()) {
            String index = indexes.group(1);
            assertTrue(index.equals("job_runs_pkey"), () -> "job_runs read through " + index + ":\n" + plan);
        }
    }

    private void assertIndexOnly(String sql, Tuple args) {
        String plan = db.plan(sql, args);
        assertFalse(plan.contains("Seq Scan on job_runs"), () -> "a sequential scan of job_runs:\n" + plan);
    }
}

package dev.jobstream.run.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.jobstream.run.RunCursor;
import dev.jobstream.run.RunQuery;
import dev.jobstream.run.RunStatus;
import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Each filter of {@code GET /v1/runs} reads its runs in the index made for it, on a table of 20,000 runs with
 * statistics, mostly completed: a status other than completed, alone or with a job, a workspace, a token's
 * workspaces, dry_run or a cursor, in {@code job_runs_status_created_idx} (a plan that walked the newest runs
 * and dropped the other statuses read 100,000 rows for a page of running runs at 1,000,000 runs); stale runs by
 * their heartbeat; no filter and completed by creation. Retention reads the oldest runs by creation, then deletes
 * them by primary key.
 */
@QuarkusTest
class RunListPlansTest extends DatabaseTest {

    private static final String BY_STATUS = "job_runs_status_created_idx";
    private static final String RUNNING = "job_runs_running_idx";

    private static final List<UUID> SMALL = List.of(UUID.fromString("00000000-0000-4000-8000-000000000101"),
            UUID.fromString("00000000-0000-4000-8000-000000000102"));

    private Instant now;

    @BeforeEach
    void twentyThousandRuns() {
        now = ListedRuns.seed(db, 20_000);
    }

    @Test
    void aStatusOtherThanCompletedOrRunningIsReadInTheStatusIndex() {
        for (RunStatus status : RunStatus.values()) {
            if (status != RunStatus.COMPLETED && status != RunStatus.RUNNING) {
                assertPlanUses(BY_STATUS, query(null, null, status, false, null, null));
            }
        }
    }

    @Test
    void runningRunsAreReadInTheirOwnIndexAloneOrBesideTheOthers() {
        String job = ListedRuns.JOBS.get(1);
        UUID workspace = ListedRuns.WORKSPACES.get(2);
        assertPlanUses(RUNNING, query(null, null, RunStatus.RUNNING, false, null, null));
        assertPlanUses(RUNNING, query(job, workspace, RunStatus.RUNNING, false, true, null));
        for (RunQuery query : List.of(query(null, null, null, false, null, null),
                query(job, null, null, false, null, null), query(null, workspace, null, false, null, null))) {
            RunStore.ListStatement list = RunStore.listStatement(query, now);
            String plan = db.plan(list.sql(), list.args());
            assertTrue(plan.contains(RUNNING) && plan.contains("_created_idx") && !plan.contains("Seq Scan")
                    && !plan.contains("Sort  "), () -> query + " does not merge two index reads:\n" + plan);
        }
    }

    @Test
    void aListWithoutAStatusHasItsRunningRunsInOrder() {
        // the lists leave running runs out of the indexes by creation: a list without a status merges them back
        db.execute("""
                INSERT INTO job_runs (id, job_name, workspace_id, status, exclusive, owner, created_at, started_at,
                                      heartbeat_at)
                SELECT gen_random_uuid(), 'test.list-0', '00000000-0000-4000-8000-000000000000', 'running', false,
                       'list-test', $1::timestamptz - i * interval '1 millisecond', now(), now()
                  FROM generate_series(1, 3) i
                """, RunStore.utc(now));
        RunStore.ListStatement list = RunStore.listStatement(query(null, null, null, false, null, null), now);
        List<String> listed = new ArrayList<>();
        db.rows(list.sql(), list.args()).forEach(row -> listed.add(row.getUUID("id") + " " + row.getString("status")));
        List<String> newest = new ArrayList<>();
        db.rows("SELECT id, status FROM job_runs ORDER BY created_at DESC, id DESC LIMIT 51")
                .forEach(row -> newest.add(row.getUUID("id") + " " + row.getString("status")));
        assertEquals(newest, listed);
        assertTrue(listed.stream().filter(run -> run.endsWith(" running")).count() >= 3, listed::toString);
    }

    @Test
    void theCountOfABulkActionIsReadInTheStatusIndexOrTheQueues() {
        String job = ListedRuns.JOBS.get(1);
        UUID workspace = ListedRuns.WORKSPACES.get(2);
        RunCursor until = new RunCursor(now, new UUID(-1, -1));
        for (RunQuery query : List.of(new RunQuery(job, workspace, RunStatus.FAILED, false, null, 0, until, null),
                new RunQuery(null, null, RunStatus.QUEUED, false, null, 0, until, null),
                new RunQuery(job, null, RunStatus.CANCELLED, false, null, 0, until, null))) {
            RunStore.ListStatement count = RunStore.countStatement(query, now);
            String plan = db.plan(count.sql(), count.args());
            assertTrue(!plan.contains("Seq Scan") && (plan.contains("Index Only Scan using " + BY_STATUS)
                    || query.status() == RunStatus.QUEUED
                            && (plan.contains("using job_runs_queued_idx") || plan.contains("on " + BY_STATUS))),
                    () -> query + " is not counted in " + BY_STATUS + " (or the queue's index):\n" + plan);
        }
    }

    @Test
    void aTokensWorkspacesAreEachReadInTheirIndexAndMerged() {
        // Read as one list of workspace_id = ANY(…), a token's workspaces walked the newest runs of all workspaces
        // until a page of theirs came: ~14,500 rows at 1,000,000 runs for a token of five small workspaces.
        Set<UUID> scope = Set.of(SMALL.get(0), SMALL.get(1));
        addSmallWorkspaces();
        for (RunQuery query : List.of(new RunQuery(null, null, null, false, null, 50, null, scope),
                new RunQuery(ListedRuns.JOBS.get(1), null, null, false, null, 50,
                        new RunCursor(now.minusSeconds(3_000), UUID.randomUUID()), scope),
                new RunQuery(null, null, RunStatus.COMPLETED, false, null, 50, null, scope))) {
            RunStore.ListStatement list = RunStore.listStatement(query, now);
            String plan = db.plan(list.sql(), list.args());
            assertTrue(plan.contains("Function Scan on unnest scope")
                    && plan.contains("job_runs_workspace_created_idx")
                    && plan.replace("(", "").contains("Index Cond: workspace_id = scope.workspace_id)"),
                    () -> query + " does not read each workspace in its index:\n" + plan);
        }
    }

    @Test
    void aSmallWorkspaceIsReadNewestFirstWithItsJobCheckedInTheIndex() {
        addSmallWorkspaces();
        assertPlanUses("job_runs_workspace_created_idx", query(null, SMALL.get(0), null, false, null, null));
        assertPlanUses("job_runs_workspace_created_idx",
                query(ListedRuns.JOBS.get(1), SMALL.get(0), null, false, null, null));
    }

    /** 200 workspaces of 10 runs each among the 20,000 (as a table of many tenants is), spread over the same time. */
    private void addSmallWorkspaces() {
        db.execute("""
                INSERT INTO job_runs (id, job_name, workspace_id, status, exclusive, created_at, run_after, started_at,
                                      finished_at)
                SELECT gen_random_uuid(), 'test.list-' || (i % 3),
                       ('00000000-0000-4000-8000-' || lpad((100 + i % 200)::text, 12, '0'))::uuid, 'completed', false,
                       now() - i * interval '3 seconds', now(), now(), now()
                  FROM generate_series(1, 2000) i
                """);
        db.execute("ANALYZE job_runs");
    }

    @Test
    void staleRunsAreReadByTheirHeartbeat() {
        assertPlanUses("job_runs_executing_heartbeat_idx", query(null, null, null, true, null, null));
    }

    @Test
    void noFilterAndCompletedAreReadByCreation() {
        assertPlanUses("job_runs_created_idx", query(null, null, null, false, null, null));
        assertPlanUses("job_runs_created_idx", query(null, null, RunStatus.COMPLETED, false, null, null));
    }

    @Test
    void retentionReadsTheOldestRunsByCreation() {
        String plan = db.plan(RunSql.DELETE_EXPIRED, Tuple.of(RunStore.utc(now.minusSeconds(6_600)), 500));
        assertTrue(plan.contains("job_runs_created_idx") && !plan.contains("Seq Scan on job_runs"), plan);
    }

    private RunQuery query(String job, UUID workspace, RunStatus status, boolean stale, Boolean dryRun,
            RunCursor cursor) {
        return new RunQuery(job, workspace, status, stale, dryRun, 50, cursor, null);
    }

    private void assertPlanUses(String index, RunQuery query) {
        RunStore.ListStatement list = RunStore.listStatement(query, now.plusSeconds(ListedRuns.STALE_BEFORE_SECONDS));
        String plan = db.plan(list.sql(), list.args());
        assertTrue(plan.contains(index), () -> query + " is not read in " + index + ":\n" + plan);
    }
}

package dev.jobstream.run;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

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

    private Instant now;

    @BeforeEach
    void twentyThousandRuns() {
        now = ListedRuns.seed(db, 20_000);
    }

    @Test
    void aStatusOtherThanCompletedIsReadInTheStatusIndex() {
        for (RunStatus status : RunStatus.values()) {
            if (status != RunStatus.COMPLETED) {
                assertPlanUses(BY_STATUS, query(null, null, status, false, null, null));
            }
        }
    }

    @Test
    void aStatusWithAJobWorkspacesDryRunOrACursorIsReadInTheStatusIndex() {
        String job = ListedRuns.JOBS.get(1);
        UUID workspace = ListedRuns.WORKSPACES.get(2);
        RunCursor deep = new RunCursor(now.minusSeconds(3_000), UUID.randomUUID());
        assertPlanUses(BY_STATUS, query(job, null, RunStatus.FAILED, false, null, null));
        assertPlanUses(BY_STATUS, query(null, workspace, RunStatus.RUNNING, false, null, null));
        assertPlanUses(BY_STATUS, query(job, workspace, RunStatus.QUEUED, false, null, null));
        assertPlanUses(BY_STATUS, query(null, null, RunStatus.CANCELLED, false, true, null));
        assertPlanUses(BY_STATUS, query(null, null, RunStatus.FAILED, false, null, deep));
        assertPlanUses(BY_STATUS, new RunQuery(null, null, RunStatus.SKIPPED, false, null, 50, null,
                ListedRuns.SCOPE));
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

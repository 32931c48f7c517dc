package dev.jobstream.run.store;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import dev.jobstream.support.Database;

/**
 * Runs for the list tests, written straight to the table: of three jobs no replica has (the test's dispatcher leaves
 * them alone), in five workspaces, in every status (mostly completed), every eleventh a dry run, three at each
 * created_at (so that the cursor's id breaks ties). Executing runs beat in the future: the sweeper never finds them
 * stale, and a test chooses which are with its own {@code staleBefore}.
 */
final class ListedRuns {

    static final List<String> JOBS = List.of("test.list-0", "test.list-1", "test.list-2");
    static final List<UUID> WORKSPACES = List.of(workspace(0), workspace(1), workspace(2), workspace(3), workspace(4));
    /** A token's workspaces: two of the five. */
    static final Set<UUID> SCOPE = Set.of(workspace(1), workspace(3));
    /** Half the executing runs beat before this instant after the seed (stale for it), half after. */
    static final long STALE_BEFORE_SECONDS = 90 * 60;

    private ListedRuns() {
    }

    private static UUID workspace(int k) {
        return UUID.fromString("00000000-0000-4000-8000-00000000000" + k);
    }

    /** Seeds {@code runs} runs (1 % running, 1 % paused, 2 % failed, 1 % each queued, cancelled, skipped); answers now. */
    static Instant seed(Database db, int runs) {
        db.execute("""
                INSERT INTO job_runs (id, job_name, workspace_id, status, exclusive, dry_run, owner, created_at,
                                      run_after, started_at, finished_at, heartbeat_at)
                SELECT gen_random_uuid(), 'test.list-' || (i % 3),
                       ('00000000-0000-4000-8000-00000000000' || (i * 7 % 5))::uuid, status, false, i % 11 = 0,
                       CASE WHEN status = 'running' THEN 'list-test' END, created_at,
                       CASE WHEN status = 'queued' THEN now() + interval '1 day' ELSE created_at END,
                       CASE WHEN status NOT IN ('queued', 'skipped') THEN created_at END,
                       CASE WHEN status IN ('completed', 'failed', 'cancelled', 'skipped') THEN created_at END,
                       CASE WHEN status IN ('running', 'paused') THEN now() + (1 + i % 2) * interval '1 hour' END
                  FROM (SELECT i, now() - (i / 3) * interval '1 second' AS created_at,
                               CASE i % 100 WHEN 0 THEN 'running' WHEN 1 THEN 'paused' WHEN 2 THEN 'failed'
                                            WHEN 3 THEN 'failed' WHEN 4 THEN 'queued' WHEN 5 THEN 'cancelled'
                                            WHEN 6 THEN 'skipped' ELSE 'completed' END AS status
                          FROM generate_series(1, $1) i) seeded
                """, runs);
        db.execute("ANALYZE job_runs");
        return Instant.now();
    }
}

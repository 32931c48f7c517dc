package dev.jobstream.run.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

import dev.jobstream.run.Run;
import dev.jobstream.run.RunCursor;
import dev.jobstream.run.RunPage;
import dev.jobstream.run.RunQuery;
import dev.jobstream.run.RunStatus;
import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Every filter of {@code GET /v1/runs} and every combination of them, paged to its end through the cursor nine runs
 * at a time (a hundred and more pages deep), gives exactly the runs that match, newest first, each once — whichever
 * index its plan reads.
 */
@QuarkusTest
class RunListFiltersTest extends DatabaseTest {

    private static final int LIMIT = 9;

    /** A seeded run as the filters see it. */
    private record Seeded(UUID id, String job, UUID workspace, String status, boolean dryRun, Instant createdAt,
            Instant heartbeat) {
    }

    @Test
    void everyFilterPagedToItsEndGivesItsRunsNewestFirstEachOnce() {
        Instant staleBefore = ListedRuns.seed(db, 1_500).plusSeconds(ListedRuns.STALE_BEFORE_SECONDS);
        List<Seeded> seeded = new ArrayList<>();
        db.rows("SELECT * FROM job_runs").forEach(row -> seeded.add(new Seeded(row.getUUID("id"),
                row.getString("job_name"), row.getUUID("workspace_id"), row.getString("status"),
                row.getBoolean("dry_run"), row.getOffsetDateTime("created_at").toInstant(),
                row.getOffsetDateTime("heartbeat_at") == null
                        ? null
                        : row.getOffsetDateTime("heartbeat_at").toInstant())));
        Comparator<Seeded> newestFirst = Comparator.comparing(Seeded::createdAt)
                .thenComparing(run -> run.id().toString()).reversed();
        String job = ListedRuns.JOBS.get(2);
        UUID workspace = ListedRuns.WORKSPACES.get(3);
        List<RunStatus> statuses = new ArrayList<>(Arrays.asList(RunStatus.values()));
        statuses.add(null);
        int checked = 0;
        for (RunStatus status : statuses) {
            for (boolean stale : status == null ? List.of(false, true) : List.of(false)) {
                List<RunQuery> queries = List.of(
                        new RunQuery(null, null, status, stale, null, LIMIT, null, null),
                        new RunQuery(job, null, status, stale, null, LIMIT, null, null),
                        new RunQuery(null, workspace, status, stale, null, LIMIT, null, null),
                        new RunQuery(job, workspace, status, stale, null, LIMIT, null, null),
                        new RunQuery(null, null, status, stale, true, LIMIT, null, null),
                        new RunQuery(null, null, status, stale, false, LIMIT, null, null),
                        new RunQuery(job, null, status, stale, true, LIMIT, null, ListedRuns.SCOPE),
                        new RunQuery(null, null, status, stale, null, LIMIT, null, ListedRuns.SCOPE));
                for (RunQuery query : queries) {
                    List<UUID> expected = seeded.stream().filter(matching(query, staleBefore)).sorted(newestFirst)
                            .map(Seeded::id).toList();
                    assertEquals(expected, pagedToTheEnd(query, staleBefore), query::toString);
                    checked += expected.size();
                }
            }
        }
        assertEquals(true, checked > 5_000, "the filters matched runs: " + checked);
    }

    private static Predicate<Seeded> matching(RunQuery query, Instant staleBefore) {
        Set<UUID> scope = query.scope();
        return run -> (query.job() == null || query.job().equals(run.job()))
                && (query.workspaceId() == null || query.workspaceId().equals(run.workspace()))
                && (scope == null || scope.contains(run.workspace()))
                && (query.status() == null || query.status().value().equals(run.status()))
                && (!query.stale() || (Set.of("running", "paused").contains(run.status()) && run.heartbeat() != null
                        && run.heartbeat().isBefore(staleBefore)))
                && (query.dryRun() == null || query.dryRun() == run.dryRun());
    }

    /** Every page of the query, each from the cursor the page before gave, as the API pages. */
    private List<UUID> pagedToTheEnd(RunQuery first, Instant staleBefore) {
        List<UUID> ids = new ArrayList<>();
        RunQuery query = first;
        while (true) {
            RunStore.ListStatement list = RunStore.listStatement(query, staleBefore);
            List<Run> fetched = new ArrayList<>();
            db.rows(list.sql(), list.args()).forEach(row -> fetched.add(RunRows.from(row, staleBefore)));
            RunPage page = RunPage.of(fetched, LIMIT);
            page.runs().forEach(run -> ids.add(run.id()));
            if (page.nextCursor() == null) {
                return ids;
            }
            query = new RunQuery(query.job(), query.workspaceId(), query.status(), query.stale(), query.dryRun(),
                    LIMIT, RunCursor.decode(Objects.requireNonNull(page.nextCursor())), query.scope());
        }
    }
}

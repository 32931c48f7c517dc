package dev.jobstream.feed;

import java.time.Instant;
import java.util.UUID;

import dev.jobstream.run.RunVersion;

/**
 * A run as the live feed shows it: enough for a dashboard row ({@code display_status} as in a run's JSON, except
 * {@code stale}; {@code run_after} and {@code attempt} for runs waiting to be due).
 */
public record RunChange(String type, UUID id, String job, UUID workspaceId, String status, String displayStatus,
        boolean dryRun, long processed, Long total, Integer percent, String error, Instant createdAt,
        Instant updatedAt, Instant finishedAt, Instant runAfter, int attempt) {

    static RunChange from(RunVersion run, String type) {
        Long total = run.total();
        long processed = run.processed();
        return new RunChange(type, run.id(), run.job(), run.workspaceId(), run.status(), run.displayStatus(),
                run.dryRun(), processed, total,
                total == null || total == 0 ? null : (int) Math.min(100, processed * 100 / total), run.error(),
                run.createdAt(), run.updatedAt(), run.finishedAt(), run.runAfter(), run.attempt());
    }
}

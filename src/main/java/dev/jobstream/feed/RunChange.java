package dev.jobstream.feed;

import java.time.Instant;
import java.util.UUID;

import dev.jobstream.run.RunVersion;

/** A run as the live feed shows it: enough for a dashboard row. */
public record RunChange(String type, UUID id, String job, UUID workspaceId, String status, boolean dryRun,
        long processed, Long total, Integer percent, String error, Instant createdAt, Instant updatedAt,
        Instant finishedAt) {

    static RunChange from(RunVersion run, String type) {
        Long total = run.total();
        long processed = run.processed();
        return new RunChange(type, run.id(), run.job(), run.workspaceId(), run.status(), run.dryRun(), processed,
                total, total == null || total == 0 ? null : (int) Math.min(100, processed * 100 / total), run.error(),
                run.createdAt(), run.updatedAt(), run.finishedAt());
    }
}

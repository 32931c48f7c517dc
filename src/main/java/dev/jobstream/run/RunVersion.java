package dev.jobstream.run;

import java.time.Instant;
import java.util.UUID;

/**
 * A run as the live feed reads it: its summary and the version of its row; {@code displayStatus} as a run's JSON has
 * it, but for {@code stale}.
 */
public record RunVersion(UUID id, String job, UUID workspaceId, String status, String displayStatus, boolean dryRun,
        long processed, Long total, String error, Instant createdAt, Instant updatedAt, Instant finishedAt,
        Instant runAfter, int attempt, long version) {
}

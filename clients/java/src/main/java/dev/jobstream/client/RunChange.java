package dev.jobstream.client;

import java.time.Instant;
import java.util.UUID;

/**
 * One change of the live feed ({@code GET /v1/stream}): {@code type} is {@code created}, {@code state} or
 * {@code progress}; the rest is the run's summary after the change.
 */
public record RunChange(String type, UUID id, String job, UUID workspaceId, String status, String displayStatus,
        boolean dryRun, long processed, Long total, Integer percent, String error, Instant createdAt,
        Instant updatedAt, Instant finishedAt, Instant runAfter, int attempt) {
}

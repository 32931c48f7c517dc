package dev.jobstream.client;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A run as {@code GET /v1/runs/{id}} answers it (the fields a caller acts on; the service sends more). {@code params}
 * and {@code metrics} are JSON objects; {@code metrics} is null until the run has ended. {@code traceparent} is the
 * W3C trace context of its trigger, or null.
 */
public record Run(UUID id, String job, UUID workspaceId, String status, String displayStatus, boolean dryRun,
        JsonNode params, JsonNode metrics, String error, String errorCode, long processed, Long total, int attempt,
        int maxAttempts, int priority, String correlationId, String traceparent, Instant createdAt, Instant runAfter, Instant startedAt,
        Instant finishedAt, Instant updatedAt) {

    private static final Set<String> TERMINAL = Set.of("completed", "failed", "cancelled", "skipped");

    /** True once the run has ended: {@code completed}, {@code failed}, {@code cancelled} or {@code skipped}. */
    public boolean isTerminal() {
        return TERMINAL.contains(status);
    }
}

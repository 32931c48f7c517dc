package dev.jobstream.run;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * One row of {@code job_runs}, as the API shows it; {@code webhook} is the webhook it calls when it ends (its
 * deliveries: {@code GET /v1/runs/{id}/deliveries}).
 */
public record Run(
        UUID id,
        String job,
        UUID workspaceId,
        RunStatus status,
        String displayStatus,
        boolean dryRun,
        Map<String, Object> params,
        Map<String, Object> metrics,
        String error,
        String errorCode,
        List<Object> errorLog,
        long processed,
        Long total,
        int attempt,
        int maxAttempts,
        String triggeredBy,
        String correlationId,
        String owner,
        Instant createdAt,
        Instant runAfter,
        Instant startedAt,
        Instant finishedAt,
        Instant updatedAt,
        Instant heartbeatAt,
        Long durationMs,
        String controlRequested,
        String controlledBy,
        int priority,
        Long timeoutMs,
        UUID scheduleId,
        String traceparent,
        String webhook,
        List<Map<String, Object>> attempts,
        String limitKey,
        Instant throttledUntil,
        @JsonIgnore boolean exclusive,
        @JsonIgnore int lastSeq,
        @JsonIgnore String idempotencyKey) {

    /**
     * This queued run, shown {@code throttled} until {@code until}: its job's rate limit (or its key's) has no start
     * left before then.
     */
    public Run throttled(Instant until) {
        return new Run(id, job, workspaceId, status, "throttled", dryRun, params, metrics, error, errorCode, errorLog,
                processed, total, attempt, maxAttempts, triggeredBy, correlationId, owner, createdAt, runAfter,
                startedAt, finishedAt, updatedAt, heartbeatAt, durationMs, controlRequested, controlledBy, priority,
                timeoutMs, scheduleId, traceparent, webhook, attempts, limitKey, until, exclusive, lastSeq,
                idempotencyKey);
    }

    /**
     * The display status: {@code stale} for an executing run whose heartbeat is old, {@code retrying} for a queued run
     * not due yet after a failed (or stale) attempt ({@code lastOutcome}: the outcome of the attempt before),
     * {@code scheduled} for another queued run not due yet, the status otherwise.
     */
    public static String display(RunStatus status, Instant runAfter, String lastOutcome, boolean stale) {
        if (stale) {
            return "stale";
        }
        if (!scheduled(status, runAfter)) {
            return status.value();
        }
        return "failed".equals(lastOutcome) || "stale".equals(lastOutcome) ? "retrying" : "scheduled";
    }

    private static boolean scheduled(RunStatus status, Instant runAfter) {
        return status == RunStatus.QUEUED && runAfter != null && runAfter.isAfter(Instant.now());
    }
}

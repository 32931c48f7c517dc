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
        UUID parentId,
        List<UUID> dependsOn,
        String onDependencyFailure,
        List<UUID> children,
        @JsonIgnore boolean hasDependencies,
        @JsonIgnore boolean hasChildren,
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
                timeoutMs, scheduleId, traceparent, webhook, attempts, limitKey, until, parentId, dependsOn,
                onDependencyFailure, children, hasDependencies, hasChildren, exclusive, lastSeq, idempotencyKey);
    }

    /** This run with its flow read: the runs it waits or waited for, and its children (at most 100, oldest first). */
    public Run withFlow(List<UUID> dependencies, List<UUID> childRuns) {
        return new Run(id, job, workspaceId, status, displayStatus, dryRun, params, metrics, error, errorCode,
                errorLog, processed, total, attempt, maxAttempts, triggeredBy, correlationId, owner, createdAt,
                runAfter, startedAt, finishedAt, updatedAt, heartbeatAt, durationMs, controlRequested, controlledBy,
                priority, timeoutMs, scheduleId, traceparent, webhook, attempts, limitKey, throttledUntil, parentId,
                dependencies, onDependencyFailure, childRuns, hasDependencies, hasChildren, exclusive, lastSeq,
                idempotencyKey);
    }

    /**
     * Past this instant a queued run is not due until something makes it due: it waits for other runs (stored as
     * {@code run_after = 'infinity'}, read as a far instant).
     */
    private static final Instant WAITING = Instant.parse("9999-12-31T00:00:00Z");

    /** True if a queued run's {@code runAfter} says it waits for other runs (its dependencies). */
    public static boolean waits(Instant runAfter) {
        return runAfter != null && runAfter.isAfter(WAITING);
    }

    /**
     * The display status: {@code stale} for an executing run whose heartbeat is old, {@code waiting} for a queued run
     * that waits for other runs to end, {@code retrying} for a queued run
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
        if (waits(runAfter)) {
            return "waiting";
        }
        return "failed".equals(lastOutcome) || "stale".equals(lastOutcome) ? "retrying" : "scheduled";
    }

    private static boolean scheduled(RunStatus status, Instant runAfter) {
        return status == RunStatus.QUEUED && runAfter != null && runAfter.isAfter(Instant.now());
    }
}

package dev.jobstream.run;

import java.time.Instant;
import java.util.UUID;

import io.vertx.core.json.JsonObject;

/**
 * A run about to be inserted as {@code queued}: validated, with its id chosen; {@code runAfter} null: due now;
 * {@code timeoutMs} null: no limit; {@code scheduleId}: the schedule whose tick it is, if any; {@code traceparent}:
 * the W3C trace context of its trigger, if any (well-formed: see {@code Traceparent}); {@code limitKey}: the key its
 * job's limits count it by (null: the job has none); {@code webhook}: the registered webhook it calls when it ends,
 * if any; {@code dependsOn}: the runs it waits for (null: none, the run is due as asked).
 */
public record NewRun(
        UUID id,
        String job,
        UUID workspaceId,
        boolean exclusive,
        boolean dryRun,
        JsonObject params,
        int maxAttempts,
        String triggeredBy,
        String correlationId,
        String idempotencyKey,
        Instant runAfter,
        int priority,
        Long timeoutMs,
        UUID scheduleId,
        String traceparent,
        String limitKey,
        String webhook,
        DependsOn dependsOn) {

    /**
     * The runs a new run waits for ({@code runs}, checked: 1 to 100, distinct), what it does when one of them fails
     * or is cancelled ({@code onFailure}: {@code fail}, {@code cancel} or {@code run}), and the workspaces they may be
     * in ({@code visible}: those of the trigger's caller; null: any).
     */
    public record DependsOn(java.util.List<UUID> runs, String onFailure, java.util.Set<UUID> visible) {
    }
}

package dev.jobstream.run;

import java.time.Instant;
import java.util.UUID;

import io.vertx.core.json.JsonObject;

/**
 * A run about to be inserted as {@code queued}: validated, with its id chosen; {@code runAfter} null: due now;
 * {@code timeoutMs} null: no limit; {@code scheduleId}: the schedule whose tick it is, if any; {@code traceparent}:
 * the W3C trace context of its trigger, if any (well-formed: see {@code Traceparent}); {@code limitKey}: the key its
 * job's limits count it by (null: the job has none); {@code webhook}: the registered webhook it calls when it ends,
 * if any.
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
        String webhook) {
}

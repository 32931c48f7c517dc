package dev.jobstream.client;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * What a trigger asks for; every field is optional (null: the service's default). {@code params} is anything Jackson
 * writes as a JSON object (a {@code Map}, a {@code JsonNode}, a record); {@code workspaceId} null is the global
 * workspace; {@code runAt} or {@code delay} (not both) asks for the run later; {@code priority} −100…100;
 * {@code timeout} and {@code maxAttempts} at most the job's; {@code idempotencyKey} makes a repeated trigger answer the
 * run the first one made; {@code webhook} names a registered webhook the run calls when it ends (over its job's).
 */
public record TriggerRequest(Object params, UUID workspaceId, String idempotencyKey, Instant runAt, Duration delay,
        Integer priority, Boolean dryRun, Duration timeout, Integer maxAttempts, String webhook) {

    /** A run with the job's defaults. */
    public static final TriggerRequest DEFAULTS = new TriggerRequest(null, null, null, null, null, null, null, null,
            null, null);

    public static TriggerRequest params(Object params) {
        return DEFAULTS.withParams(params);
    }

    public TriggerRequest withParams(Object params) {
        return new TriggerRequest(params, workspaceId, idempotencyKey, runAt, delay, priority, dryRun, timeout,
                maxAttempts, webhook);
    }

    public TriggerRequest withWorkspace(UUID workspaceId) {
        return new TriggerRequest(params, workspaceId, idempotencyKey, runAt, delay, priority, dryRun, timeout,
                maxAttempts, webhook);
    }

    public TriggerRequest withIdempotencyKey(String idempotencyKey) {
        return new TriggerRequest(params, workspaceId, idempotencyKey, runAt, delay, priority, dryRun, timeout,
                maxAttempts, webhook);
    }

    public TriggerRequest withRunAt(Instant runAt) {
        return new TriggerRequest(params, workspaceId, idempotencyKey, runAt, delay, priority, dryRun, timeout,
                maxAttempts, webhook);
    }

    public TriggerRequest withDelay(Duration delay) {
        return new TriggerRequest(params, workspaceId, idempotencyKey, runAt, delay, priority, dryRun, timeout,
                maxAttempts, webhook);
    }

    public TriggerRequest withPriority(Integer priority) {
        return new TriggerRequest(params, workspaceId, idempotencyKey, runAt, delay, priority, dryRun, timeout,
                maxAttempts, webhook);
    }

    public TriggerRequest withDryRun(Boolean dryRun) {
        return new TriggerRequest(params, workspaceId, idempotencyKey, runAt, delay, priority, dryRun, timeout,
                maxAttempts, webhook);
    }

    public TriggerRequest withTimeout(Duration timeout) {
        return new TriggerRequest(params, workspaceId, idempotencyKey, runAt, delay, priority, dryRun, timeout,
                maxAttempts, webhook);
    }

    public TriggerRequest withMaxAttempts(Integer maxAttempts) {
        return new TriggerRequest(params, workspaceId, idempotencyKey, runAt, delay, priority, dryRun, timeout,
                maxAttempts, webhook);
    }

    public TriggerRequest withWebhook(String webhook) {
        return new TriggerRequest(params, workspaceId, idempotencyKey, runAt, delay, priority, dryRun, timeout,
                maxAttempts, webhook);
    }
}

package dev.jobstream.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A job as {@code GET /v1/jobs} shows it: {@code executor} is {@code service} for a job built into the service,
 * {@code workers} for one that workers outside it execute; {@code system} jobs act on every workspace;
 * {@code schedule} is the cron the job declares (null: none); {@code timeoutMs} null: no limit; {@code maxActive}
 * null: no cluster-wide limit; {@code paramsSchema} is a JSON Schema of its params, {@code paramsDefaults} their
 * defaults.
 */
public record Job(String name, String description, String executor, boolean exclusive, boolean system,
        String schedule, Retry retry, Long timeoutMs, int priority, Integer maxActive, JsonNode paramsSchema,
        JsonNode paramsDefaults) {

    /** The job's retry policy: attempts in all, and the backoff between them. */
    public record Retry(int maxAttempts, long backoffBaseMs, long backoffMaxMs, double jitter) {
    }
}

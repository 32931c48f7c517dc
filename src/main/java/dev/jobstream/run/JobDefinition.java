package dev.jobstream.run;

import java.util.Map;

import dev.jobstream.params.ParamsSchema;
import dev.jobstream.spi.JobHandler;
import dev.jobstream.spi.JobLimits;
import dev.jobstream.spi.RateLimit;

/**
 * A job as {@code GET /v1/jobs} shows it; {@code params_schema} is a JSON Schema of the accepted params; {@code system}
 * jobs act on every workspace and only a token not limited to workspaces may trigger them; {@code schedule} is the
 * cron the job declares (UTC); {@code timeout_ms} null: no limit; {@code max_active} null: no cluster-wide limit;
 * {@code executor} is {@code service} for a job built into the service, {@code workers} for one that workers outside
 * it execute; {@code limits} null: no rate limit and no limit per key; {@code webhook} the webhook its runs call when
 * they end (null: none).
 */
public record JobDefinition(String name, String description, String executor, boolean exclusive, boolean system,
        String schedule, Retry retry, Long timeoutMs, int priority, Integer maxActive, Limits limits,
        Map<String, Object> paramsSchema, Map<String, Object> paramsDefaults, String webhook) {

    /**
     * The job's rate limits and limits per key, as {@code PUT /v1/jobs/{name}} takes them (windows as ISO-8601
     * durations); null where the job has none.
     */
    public record Limits(Rate rateLimit, String limitKey, Rate rateLimitPerKey, Integer maxActivePerKey,
            String whenKeyBusy) {

        static Limits of(JobLimits limits) {
            return limits.any()
                    ? new Limits(Rate.of(limits.rate()), limits.key(), Rate.of(limits.ratePerKey()),
                            limits.maxActivePerKey(),
                            limits.maxActivePerKey() == null
                                    ? null
                                    : limits.whenKeyBusy().name().toLowerCase(java.util.Locale.ROOT))
                    : null;
        }
    }

    /** At most {@code limit} starts per {@code window}. */
    public record Rate(int limit, String window) {
        static Rate of(RateLimit limit) {
            return limit == null ? null : new Rate(limit.limit(), limit.window().toString());
        }
    }

    /** The job's retry policy: attempts in all, and the backoff between them. */
    public record Retry(int maxAttempts, long backoffBaseMs, long backoffMaxMs, double jitter) {
    }

    public static JobDefinition of(JobHandler handler, ParamsSchema schema) {
        return new JobDefinition(handler.name(), handler.description(),
                handler instanceof RemoteJob ? "workers" : "service", handler.exclusive(), handler.system(),
                handler.schedule().orElse(null),
                new Retry(handler.retry().maxAttempts(), handler.retry().base().toMillis(),
                        handler.retry().max().toMillis(), handler.retry().jitter()),
                handler.timeout().map(java.time.Duration::toMillis).orElse(null), handler.priority(),
                handler.maxActive().isPresent() ? handler.maxActive().getAsInt() : null,
                Limits.of(handler.limits()), schema.document(), schema.defaults(),
                handler.webhook().orElse(null));
    }
}

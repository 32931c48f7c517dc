package dev.jobstream.run;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.jobstream.spi.JobHandler;
import dev.jobstream.spi.JobParam;

/**
 * A job as {@code GET /v1/jobs} shows it; {@code params_schema} is a JSON Schema of the accepted params; {@code system}
 * jobs act on every workspace and only a token not limited to workspaces may trigger them; {@code schedule} is the
 * cron the job declares (UTC); {@code timeout_ms} null: no limit; {@code max_active} null: no cluster-wide limit;
 * {@code executor} is {@code service} for a job built into the service, {@code workers} for one that workers outside
 * it execute.
 */
public record JobDefinition(String name, String description, String executor, boolean exclusive, boolean system,
        String schedule, Retry retry, Long timeoutMs, int priority, Integer maxActive,
        Map<String, Object> paramsSchema, Map<String, Object> paramsDefaults) {

    /** The job's retry policy: attempts in all, and the backoff between them. */
    public record Retry(int maxAttempts, long backoffBaseMs, long backoffMaxMs, double jitter) {
    }

    static JobDefinition of(JobHandler handler) {
        Map<String, Object> properties = new LinkedHashMap<>();
        Map<String, Object> defaults = new LinkedHashMap<>();
        for (JobParam param : handler.params()) {
            Map<String, Object> property = new LinkedHashMap<>();
            switch (param.type()) {
                case "integer" -> property.put("type", "integer");
                case "date" -> {
                    property.put("type", "string");
                    property.put("format", "date");
                }
                case "duration" -> {
                    property.put("type", "string");
                    property.put("format", "duration");
                }
                default -> property.put("type", "string");
            }
            if (param.minimum() != null) {
                property.put("minimum", param.minimum());
            }
            if (param.maximum() != null) {
                property.put("maximum", param.maximum());
            }
            if (param.defaultValue() != null) {
                property.put("default", param.defaultValue());
                defaults.put(param.name(), param.defaultValue());
            }
            property.put("description", param.description());
            properties.put(param.name(), property);
        }
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", properties);
        schema.put("additionalProperties", false);
        return new JobDefinition(handler.name(), handler.description(),
                handler instanceof RemoteJob ? "workers" : "service", handler.exclusive(), handler.system(),
                handler.schedule().orElse(null),
                new Retry(handler.retry().maxAttempts(), handler.retry().base().toMillis(),
                        handler.retry().max().toMillis(), handler.retry().jitter()),
                handler.timeout().map(java.time.Duration::toMillis).orElse(null), handler.priority(),
                handler.maxActive().isPresent() ? handler.maxActive().getAsInt() : null, schema, defaults);
    }
}

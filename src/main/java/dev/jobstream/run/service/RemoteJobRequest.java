package dev.jobstream.run.service;

import static dev.jobstream.run.TriggerRequest.MAX_PRIORITY;
import static dev.jobstream.run.TriggerRequest.MIN_PRIORITY;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.jobstream.params.ParamsSchema;
import dev.jobstream.params.Violation;
import dev.jobstream.refusal.Invalid;
import dev.jobstream.run.RemoteJob;
import dev.jobstream.spi.JobLimits;
import dev.jobstream.spi.JobParam;
import dev.jobstream.spi.RateLimit;
import dev.jobstream.spi.RetryPolicy;
import dev.jobstream.webhook.WebhookService;

/**
 * The body of {@code PUT /v1/jobs/{name}}: a job executed by workers. Its params are declared as typed
 * {@code params} or as {@code params_schema}, a JSON Schema 2020-12 of an object. Absent fields take the defaults of a
 * job built into the service: exclusive, no params, 3 attempts 5 s then 10 s apart (± 20 %, at most 10 min), no timeout,
 * priority 0, no cluster-wide limit, no webhook. It is stored as given once {@link #toJob} accepted it.
 */
@Schema(description = "A job executed by workers; absent fields take a built-in job's defaults", properties = {
        @SchemaProperty(name = "description"),
        @SchemaProperty(name = "exclusive", description = "one active run per workspace (default true)"),
        @SchemaProperty(name = "params", description = "typed params; or give params_schema"),
        @SchemaProperty(name = "params_schema", description = "the params as a JSON Schema 2020-12 of an object, at "
                + "most 64 KiB; or give params"),
        @SchemaProperty(name = "retry"),
        @SchemaProperty(name = "timeout_ms", minimum = "1000", maximum = "604800000"),
        @SchemaProperty(name = "priority", minimum = "" + MIN_PRIORITY, maximum = "" + MAX_PRIORITY),
        @SchemaProperty(name = "max_active", description = "cluster-wide limit of "
                + "executing runs", minimum = "1", maximum = "" + RemoteJobRequest.MAX_ACTIVE),
        @SchemaProperty(name = "rate_limit", description = "at most this many starts of the job per window"),
        @SchemaProperty(name = "limit_key", description = "what the limits per key count runs by: \"workspace\", "
                + "or a JSON pointer into the params such as /customer_id", maxLength = JobLimits.MAX_KEY),
        @SchemaProperty(name = "rate_limit_per_key", description = "at most this many starts per key and window"),
        @SchemaProperty(name = "max_active_per_key", description = "most runs of a key executing at once", minimum = "1", maximum = ""
                + JobLimits.MAX_ACTIVE_PER_KEY),
        @SchemaProperty(name = "when_key_busy", description = "a trigger while its key has max_active_per_key runs "
                + "active is queued (default) or refused with 409", enumeration = {"queue", "refuse"}),
        @SchemaProperty(name = "webhook", description = "a registered webhook its runs call when they end, unless "
                + "their schedule or trigger names another")})
public record RemoteJobRequest(String description, Boolean exclusive, List<Param> params,
        // an object of any fields, no map: a client generated from the document sends it only when it is set
        @Schema(type = SchemaType.OBJECT, implementation = Object.class) Map<String, Object> paramsSchema,
        Retry retry, Long timeoutMs, Integer priority, Integer maxActive,
        // left out when absent: a replica of a version before them reads the definition still
        @JsonInclude(JsonInclude.Include.NON_NULL) Rate rateLimit,
        @JsonInclude(JsonInclude.Include.NON_NULL) String limitKey,
        @JsonInclude(JsonInclude.Include.NON_NULL) Rate rateLimitPerKey,
        @JsonInclude(JsonInclude.Include.NON_NULL) Integer maxActivePerKey,
        @JsonInclude(JsonInclude.Include.NON_NULL) String whenKeyBusy,
        @JsonInclude(JsonInclude.Include.NON_NULL) String webhook) {

    /** Most params a job declares. */
    static final int MAX_PARAMS = 50;
    static final int MAX_DESCRIPTION = 1000;
    /** Longest timeout of an attempt: a week. */
    static final long MAX_TIMEOUT_MS = RunService.MAX_TIMEOUT.toMillis();
    static final int MAX_ACTIVE = 100_000;

    /**
     * A param: as a job built into the service declares it ({@code type} integer, string, date or duration). Its schema
     * keeps the name a generated client gave it when the document wrote it inline, as do the other parts of bodies.
     */
    @Schema(name = "RemoteJobRequestParamsInner", requiredProperties = {"name", "type"}, properties = {
            @SchemaProperty(name = "name"),
            @SchemaProperty(name = "type", enumeration = {"string", "integer", "date", "duration"})})
    public record Param(String name, String type, String description, @JsonProperty("default") Object defaultValue,
            Long minimum, Long maximum) {
    }

    /** The retry policy: attempts in all, and the backoff between them. */
    @Schema(name = "RemoteJobRequestRetry", properties = {
            @SchemaProperty(name = "max_attempts", minimum = "1", maximum = "" + RetryPolicy.MAX_ATTEMPTS),
            @SchemaProperty(name = "backoff_base_ms", minimum = "0"),
            @SchemaProperty(name = "backoff_max_ms", minimum = "0"),
            @SchemaProperty(name = "jitter", description = "0 (none) to less than 1")})
    public record Retry(Integer maxAttempts, Long backoffBaseMs, Long backoffMaxMs, Double jitter) {
    }

    /** A rate limit: at most {@code limit} starts in any {@code window} (a duration: 30s, 1m, 1h, PT10M). */
    @Schema(name = "RateLimit", requiredProperties = {"limit", "window"}, properties = {
            @SchemaProperty(name = "limit", minimum = "1", maximum = "" + RateLimit.MAX_LIMIT),
            @SchemaProperty(name = "window", description = "a duration from 1s to 1d: 30s, 1m, 1h or PT10M")})
    public record Rate(Integer limit, String window) {

        RateLimit toLimit(String field) {
            if (limit == null || window == null) {
                throw new Invalid("'" + field + "' needs a 'limit' and a 'window'");
            }
            try {
                return RateLimit.of(limit, JobParam.parseDuration(window));
            } catch (IllegalArgumentException | java.time.format.DateTimeParseException e) {
                throw new Invalid("'" + field + "': " + e.getMessage());
            }
        }
    }

    /** The limits this request declares beyond {@code max_active}; invalid naming the field that is wrong. */
    JobLimits limits() {
        RateLimit rate = rateLimit == null ? null : rateLimit.toLimit("rate_limit");
        RateLimit perKey = rateLimitPerKey == null ? null : rateLimitPerKey.toLimit("rate_limit_per_key");
        JobLimits.KeyBusy when = JobLimits.KeyBusy.QUEUE;
        if (whenKeyBusy != null) {
            if (!List.of("queue", "refuse").contains(whenKeyBusy)) {
                throw new Invalid("'when_key_busy' must be queue or refuse");
            }
            when = JobLimits.KeyBusy.valueOf(whenKeyBusy.toUpperCase(java.util.Locale.ROOT));
        }
        try {
            return new JobLimits(rate, limitKey, perKey, maxActivePerKey, when).checked();
        } catch (IllegalArgumentException e) {
            throw new Invalid(e.getMessage());
        }
    }

    /** The job this request declares under {@code name}; invalid naming the field that is wrong. */
    RemoteJob toJob(String name) {
        String text = description == null ? "" : description;
        if (text.length() > MAX_DESCRIPTION || text.indexOf('\0') >= 0) {
            throw new Invalid("'description' must be at most " + MAX_DESCRIPTION
                    + " characters, without NUL");
        }
        List<JobParam> declared = new ArrayList<>();
        if (params != null) {
            if (params.size() > MAX_PARAMS) {
                throw new Invalid("'params' may declare at most " + MAX_PARAMS + " params");
            }
            Set<String> names = new HashSet<>();
            for (int i = 0; i < params.size(); i++) {
                declared.add(param(params.get(i), "params[" + i + "]", names));
            }
        }
        RetryPolicy policy = RetryPolicy.DEFAULT;
        if (retry != null) {
            try {
                policy = new RetryPolicy(retry.maxAttempts() == null ? policy.maxAttempts() : retry.maxAttempts(),
                        retry.backoffBaseMs() == null ? policy.base() : Duration.ofMillis(retry.backoffBaseMs()),
                        retry.backoffMaxMs() == null ? policy.max() : Duration.ofMillis(retry.backoffMaxMs()),
                        retry.jitter() == null ? policy.jitter() : retry.jitter());
            } catch (IllegalArgumentException e) {
                throw new Invalid("'retry': " + e.getMessage());
            }
        }
        if (timeoutMs != null && (timeoutMs < 1000 || timeoutMs > MAX_TIMEOUT_MS)) {
            throw new Invalid("'timeout_ms' must be 1000 to " + MAX_TIMEOUT_MS + " (7 days), or absent");
        }
        if (priority != null && (priority < -100 || priority > 100)) {
            throw new Invalid("'priority' must be -100 to 100");
        }
        if (maxActive != null && (maxActive < 1 || maxActive > MAX_ACTIVE)) {
            throw new Invalid("'max_active' must be 1 to " + MAX_ACTIVE + ", or absent for no limit");
        }
        ParamsSchema schema;
        try {
            if (paramsSchema != null) {
                if (params != null && !params.isEmpty()) {
                    throw new Invalid("Give 'params' or 'params_schema', not both");
                }
                schema = ParamsSchema.declared(paramsSchema);
            } else {
                schema = ParamsSchema.typed(declared);
            }
        } catch (ParamsSchema.InvalidSchema e) {
            throw JobRegistry.invalid(paramsSchema != null ? "'params_schema'" : "'params'",
                    paramsSchema != null
                            ? e.violations()
                            : e.violations().stream().map(this::ofParams)
                                    .toList());
        }
        if (webhook != null) {
            WebhookService.name("webhook", webhook);
        }
        return new RemoteJob(name, text, exclusive == null || exclusive, List.copyOf(declared), policy,
                Optional.ofNullable(timeoutMs).map(Duration::ofMillis), priority == null ? 0 : priority,
                maxActive == null ? OptionalInt.empty() : OptionalInt.of(maxActive), limits(), schema,
                Optional.ofNullable(webhook));
    }

    /** A violation of the schema derived from typed params, pointing into {@code params} instead. */
    private Violation ofParams(Violation violation) {
        String[] tokens = violation.pointer().split("/", 5); // "", "properties", name, "default", rest
        for (int i = 0; tokens.length > 3 && i < params.size(); i++) {
            if (params.get(i).name().equals(tokens[2])) {
                return new Violation("/" + i + "/default" + (tokens.length > 4 ? "/" + tokens[4] : ""),
                        violation.message());
            }
        }
        return violation;
    }

    private static JobParam param(Param param, String where, Set<String> names) {
        if (param == null || param.name() == null || !param.name().matches("[a-z][a-z0-9_]{0,63}")) {
            throw new Invalid(where + ": 'name' must be 1-64 lower-case letters, digits or _, a letter"
                    + " first");
        }
        if (!names.add(param.name())) {
            throw new Invalid(where + ": param '" + param.name() + "' is declared twice");
        }
        String type = param.type() == null ? "string" : param.type();
        if (!List.of("string", "integer", "date", "duration").contains(type)) {
            throw new Invalid(where + ": 'type' must be string, integer, date or duration");
        }
        String text = param.description() == null ? "" : param.description();
        if (text.length() > MAX_DESCRIPTION || text.indexOf('\0') >= 0) {
            throw new Invalid(where + ": 'description' must be at most " + MAX_DESCRIPTION
                    + " characters, without NUL");
        }
        if ((param.minimum() != null || param.maximum() != null) && !"integer".equals(type)) {
            throw new Invalid(where + ": 'minimum' and 'maximum' bound integers only");
        }
        if (param.minimum() != null && param.maximum() != null && param.minimum() > param.maximum()) {
            throw new Invalid(where + ": 'minimum' is larger than 'maximum'");
        }
        return new JobParam(param.name(), type, param.defaultValue(), param.minimum(), param.maximum(), text);
    }
}

package dev.jobstream.run;

import java.math.BigInteger;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;

import dev.jobstream.config.JobstreamConfig;
import dev.jobstream.problem.ApiException;
import dev.jobstream.spi.JobHandler;
import dev.jobstream.spi.JobParam;
import io.vertx.core.json.JsonObject;

/**
 * The jobs, by name: those built into the service, and those executed by workers ({@link RemoteJob}s, registered
 * through the API and kept current by {@link RemoteJobs}); and the validation of their params.
 */
@Singleton
public class JobRegistry {

    /** Largest params object a trigger may carry. */
    public static final int MAX_PARAMS_BYTES = 16 * 1024;
    /** The names of the demo jobs begin so. */
    static final String DEMO_PREFIX = "demo.";

    private final Map<String, JobHandler> handlers = new TreeMap<>();
    /** The jobs executed by workers, replaced as a whole when they change. */
    private volatile Map<String, RemoteJob> remote = Map.of();

    JobRegistry(Instance<JobHandler> all, JobstreamConfig config) {
        for (JobHandler handler : all) {
            if (handler.name().startsWith(DEMO_PREFIX) && !config.demoJobs()) {
                continue; // a demo job, off in production unless JOBSTREAM_DEMO_JOBS=true
            }
            if (handler.timeout().filter(timeout -> timeout.compareTo(RunService.MAX_TIMEOUT) > 0).isPresent()) {
                throw new IllegalStateException("Job " + handler.name() + " declares a timeout longer than "
                        + RunService.MAX_TIMEOUT.toDays() + " days");
            }
            if (handlers.putIfAbsent(handler.name(), handler) != null) {
                throw new IllegalStateException("Two jobs are named " + handler.name());
            }
        }
    }

    /** The jobs built into the service, which its engines execute. */
    public Collection<JobHandler> all() {
        return handlers.values();
    }

    /** A job built into the service, or one executed by workers. */
    public Optional<JobHandler> find(String name) {
        JobHandler handler = handlers.get(name);
        return Optional.ofNullable(handler != null ? handler : remote.get(name));
    }

    /** True if a job built into the service has this name (a job executed by workers cannot take it). */
    public boolean builtIn(String name) {
        return handlers.containsKey(name);
    }

    /** The job executed by workers of this name, if there is one. */
    public Optional<RemoteJob> remote(String name) {
        return Optional.ofNullable(remote.get(name));
    }

    /** The jobs executed by workers. */
    public Collection<RemoteJob> remote() {
        return remote.values();
    }

    /** Replaces the jobs executed by workers with those read from the database. */
    void remote(Map<String, RemoteJob> jobs) {
        remote = Map.copyOf(jobs);
    }

    /**
     * The job a trigger names; 404 for an unknown job, and for an internal one unless the trigger comes from the
     * service itself ({@code fromService}).
     */
    public JobHandler require(String name, boolean fromService) {
        return find(name).filter(job -> fromService || !job.internal())
                .orElseThrow(() -> ApiException.notFound("Unknown job '" + name + "'"));
    }

    /** The trigger's params checked against the job's declaration and merged over its defaults. */
    public JsonObject resolveParams(JobHandler job, Map<String, Object> given) {
        JsonObject resolved = new JsonObject();
        for (JobParam param : job.params()) {
            if (param.defaultValue() != null) {
                resolved.put(param.name(), param.defaultValue());
            }
        }
        if (given == null) {
            return resolved;
        }
        String encoded = new JsonObject(given).encode();
        if (encoded.length() > MAX_PARAMS_BYTES) {
            throw ApiException.badRequest("'params' is larger than " + MAX_PARAMS_BYTES + " bytes");
        }
        if (encoded.contains("\\u0000")) {
            throw ApiException.badRequest("'params' must not contain NUL characters");
        }
        for (Map.Entry<String, Object> entry : given.entrySet()) {
            JobParam param = job.params().stream().filter(p -> p.name().equals(entry.getKey())).findFirst()
                    .orElseThrow(() -> ApiException.badRequest(
                            "Unknown param '" + entry.getKey() + "' for job '" + job.name() + "'; known: "
                                    + job.params().stream().map(JobParam::name).toList()));
            if (entry.getValue() != null) {
                resolved.put(param.name(), checked(job, param, entry.getValue()));
            }
        }
        return resolved;
    }

    static Object checked(JobHandler job, JobParam param, Object value) {
        String where = "Param '" + param.name() + "' of job '" + job.name() + "'";
        switch (param.type()) {
            case "integer" -> {
                if (!(value instanceof Integer || value instanceof Long || value instanceof BigInteger)) {
                    throw ApiException.badRequest(where + " must be an integer");
                }
                BigInteger number = new BigInteger(value.toString());
                if (number.bitLength() > 31) {
                    throw ApiException.badRequest(where + " is out of range");
                }
                if (param.minimum() != null && number.longValue() < param.minimum()) {
                    throw ApiException.badRequest(where + " must be at least " + param.minimum());
                }
                if (param.maximum() != null && number.longValue() > param.maximum()) {
                    throw ApiException.badRequest(where + " must be at most " + param.maximum());
                }
                return number.intValue();
            }
            case "date" -> {
                try {
                    return LocalDate.parse(stringValue(where, value)).toString();
                } catch (java.time.format.DateTimeParseException e) {
                    throw ApiException.badRequest(where + " must be a date (yyyy-MM-dd)");
                }
            }
            case "duration" -> {
                String text = stringValue(where, value);
                checkDuration(where, text);
                return text;
            }
            default -> {
                return stringValue(where, value);
            }
        }
    }

    private static String stringValue(String where, Object value) {
        if (value instanceof String text && text.length() <= 200 && text.indexOf('\0') < 0) {
            return text;
        }
        throw ApiException.badRequest(where + " must be a string of at most 200 characters, without NUL");
    }

    private static void checkDuration(String where, String text) {
        try {
            JobParam.parseDuration(text);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(where + " must be a duration such as 90d, 12h or PT30M, at most 36500d");
        }
    }

    /** The definitions shown by {@code GET /v1/jobs}. */
    public List<JobDefinition> definitions() {
        List<JobDefinition> definitions = new ArrayList<>();
        handlers.values().stream().filter(h -> !h.internal()).forEach(h -> definitions.add(JobDefinition.of(h)));
        new TreeMap<>(remote).values().forEach(job -> definitions.add(JobDefinition.of(job)));
        return definitions;
    }
}

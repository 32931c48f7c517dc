package dev.jobstream.run.service;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;

import dev.jobstream.config.JobstreamConfig;
import dev.jobstream.params.ParamsSchema;
import dev.jobstream.params.Violation;
import dev.jobstream.refusal.Invalid;
import dev.jobstream.refusal.NotFound;
import dev.jobstream.run.JobDefinition;
import dev.jobstream.run.RemoteJob;
import dev.jobstream.spi.JobHandler;
import io.vertx.core.json.JsonObject;

/**
 * The jobs, by name: those built into the service, and those executed by workers ({@link RemoteJob}s, registered
 * through the API and kept current by {@link RemoteJobs}); and the validation of their params.
 */
@Singleton
public class JobRegistry {

    /** The names of the demo jobs begin so. */
    static final String DEMO_PREFIX = "demo.";

    private final Map<String, JobHandler> handlers = new TreeMap<>();
    /** The schemas of the params of the jobs built in, compiled once. */
    private final Map<String, ParamsSchema> schemas = new TreeMap<>();
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
            try {
                handler.limits().checked();
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("Job " + handler.name() + " declares limits that do not hold: "
                        + e.getMessage());
            }
            if (handlers.putIfAbsent(handler.name(), handler) != null) {
                throw new IllegalStateException("Two jobs are named " + handler.name());
            }
            schemas.put(handler.name(), schemaOf(handler));
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
     * The job a trigger names; not found for an unknown job, and for an internal one unless the trigger comes from the
     * service itself ({@code fromService}).
     */
    public JobHandler require(String name, boolean fromService) {
        return find(name).filter(job -> fromService || !job.internal())
                .orElseThrow(() -> new NotFound("Unknown job '" + name + "'"));
    }

    /**
     * The trigger's params (null: none) merged over the job's defaults and checked against its schema; invalid with
     * every violation.
     */
    public JsonObject resolveParams(JobHandler job, Map<String, Object> given) {
        try {
            return new JsonObject(schema(job).resolve(given));
        } catch (ParamsSchema.InvalidParams e) {
            throw invalid("Params of job '" + job.name() + "'", e.violations());
        }
    }

    /** The schema of a job's params. */
    public ParamsSchema schema(JobHandler job) {
        if (job instanceof RemoteJob remoteJob) {
            return remoteJob.schema();
        }
        ParamsSchema schema = schemas.get(job.name());
        return schema != null && handlers.get(job.name()) == job ? schema : schemaOf(job);
    }

    /** The schema of a job built into the service: declared, or its typed params'; a bad one stops the service. */
    private static ParamsSchema schemaOf(JobHandler job) {
        try {
            if (job.paramsSchema().isPresent()) {
                if (!job.params().isEmpty()) {
                    throw new IllegalStateException("Job " + job.name() + " declares both params and a params schema");
                }
                return ParamsSchema.declared(job.paramsSchema().get().getMap());
            }
            return ParamsSchema.typed(job.params());
        } catch (ParamsSchema.InvalidSchema e) {
            throw new IllegalStateException("Job " + job.name() + " declares params it cannot take: "
                    + e.violations());
        }
    }

    /** What is wrong with {@code what}: the first violation in the message, every one in its violations. */
    static Invalid invalid(String what, List<Violation> violations) {
        Violation first = violations.get(0);
        String detail = what + (first.pointer().isEmpty() ? " " : ": " + first.pointer() + " ") + first.message()
                + (violations.size() > 1 ? " (and " + (violations.size() - 1) + " more, in 'errors')" : "");
        return new Invalid(detail, violations.stream()
                .map(v -> new Invalid.Violation(v.pointer(), v.message())).toList());
    }

    /** The definitions shown by {@code GET /v1/jobs}. */
    public List<JobDefinition> definitions() {
        List<JobDefinition> definitions = new ArrayList<>();
        handlers.values().stream().filter(h -> !h.internal())
                .forEach(h -> definitions.add(JobDefinition.of(h, schema(h))));
        new TreeMap<>(remote).values().forEach(job -> definitions.add(JobDefinition.of(job, job.schema())));
        return definitions;
    }
}

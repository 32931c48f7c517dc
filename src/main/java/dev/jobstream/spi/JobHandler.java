package dev.jobstream.spi;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;

/**
 * A job: a CDI bean that executes one run at a time for one workspace. Implementations are non-blocking; blocking
 * code goes through {@link JobContext#blocking}. A failed {@code Uni} (or thrown exception) fails the attempt with its
 * message: the run is retried as {@link #retry()} says, unless the failure is a {@link JobFailure#permanent permanent}
 * one; failing with {@link Snooze} ({@link JobContext#snooze}) brings the run back later without using an attempt.
 */
public interface JobHandler {

    /** Unique name, e.g. {@code demo.sleep}. */
    String name();

    default String description() {
        return "";
    }

    /** Exclusive jobs have at most one active run per workspace. */
    default boolean exclusive() {
        return true;
    }

    /**
     * A system job acts on every workspace (maintenance of the service's own data, such as the error-event rollup and
     * cleanup): only a token that is not limited to workspaces may trigger it, and its runs are recorded in the system
     * workspace ({@code ffffffff-ffff-ffff-ffff-ffffffffffff}), which no limited token sees. Any other job touches only
     * its run's workspace.
     */
    default boolean system() {
        return false;
    }

    /**
     * An internal job is the service's own (the self-test's): not listed by {@code GET /v1/jobs}, and a trigger that
     * does not come from the service itself is answered 404, as for a job that does not exist.
     */
    default boolean internal() {
        return false;
    }

    /**
     * How failed attempts are retried: {@link RetryPolicy#DEFAULT} (3 attempts, exponential backoff) unless the job
     * says otherwise; a trigger may lower {@code max_attempts}. A run of a replica that died is retried within the same
     * attempts.
     */
    default RetryPolicy retry() {
        return RetryPolicy.DEFAULT;
    }

    /**
     * How long one attempt may run (empty: no limit); a trigger may shorten it. An attempt past it stops at its next
     * {@link JobContext#checkpoint()} and fails with {@code error_code "timeout"} (retried like any failure); one that
     * reaches no checkpoint within {@code jobstream.engines.timeout-grace} more is abandoned, as force-cancel does.
     */
    default Optional<Duration> timeout() {
        return Optional.empty();
    }

    /** The priority of its runs unless a trigger gives one: -100 to 100, higher first among due runs (default 0). */
    default int priority() {
        return 0;
    }

    /**
     * The most runs of this job active at once across all replicas (running or paused on an engine), whatever their
     * workspace; empty: no limit but the replicas' engines. Honoured by the claim itself.
     */
    default OptionalInt maxActive() {
        return OptionalInt.empty();
    }

    /**
     * Rate limits, and limits per key (the run's workspace, or a value of its params), on the job's starts, honoured
     * by the claim across all replicas and workers: {@link JobLimits#NONE} unless the job says.
     */
    default JobLimits limits() {
        return JobLimits.NONE;
    }

    /**
     * A schedule the job declares in code: a Unix cron expression (5 fields, or {@code @hourly}, {@code @daily},
     * {@code @weekly}, {@code @monthly}, {@code @yearly}), fired in UTC with the default params, in the global
     * workspace (the system workspace for a system job). It is created on start-up, and operators may disable it.
     */
    default Optional<String> schedule() {
        return Optional.empty();
    }

    /**
     * The registered webhook ({@code PUT /v1/webhooks/{name}}) its runs call when they end, unless their schedule or
     * trigger names another; empty (the default): none.
     */
    default Optional<String> webhook() {
        return Optional.empty();
    }

    /**
     * The parameters the job accepts, with their defaults, as typed params (integer, string, date, duration); a job
     * that needs more declares {@link #paramsSchema()} instead.
     */
    default List<JobParam> params() {
        return List.of();
    }

    /**
     * The params the job accepts as a JSON Schema 2020-12 of an object, e.g.
     * {@code {"type": "object", "properties": {"format": {"enum": ["csv", "xlsx"], "default": "csv"}, "columns":
     * {"type": "array", "items": {"type": "string"}}}, "required": ["columns"]}}; a top-level property's
     * {@code default} fills params that leave it out. Empty (the default): the schema of {@link #params()}. A job
     * declares one or the other.
     */
    default Optional<JsonObject> paramsSchema() {
        return Optional.empty();
    }

    /** Executes the run; the item is the run's metrics. */
    Uni<Map<String, Object>> run(JobContext context);
}

package dev.jobstream.spi;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.mutiny.Uni;

/**
 * A job: a CDI bean that executes one run at a time for one workspace. Implementations are non-blocking; blocking
 * code goes through {@link JobContext#blocking}. A failed {@code Uni} (or thrown exception) fails the run with its
 * message.
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

    /** How many times a run may be attempted (requeued after its engine died). */
    default int maxAttempts() {
        return 1;
    }

    /** A cron schedule on which the job fires by itself, if any. */
    default Optional<String> schedule() {
        return Optional.empty();
    }

    /** The parameters the job accepts, with their defaults. */
    default List<JobParam> params() {
        return List.of();
    }

    /** Executes the run; the item is the run's metrics. */
    Uni<Map<String, Object>> run(JobContext context);
}

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

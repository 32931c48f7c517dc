package dev.jobstream.spi;

import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.json.JsonObject;

/**
 * What a {@link JobHandler} gets to do its work: the run's inputs and the means to report and be controlled. A run
 * belongs to one workspace ({@link #workspaceId()}), and a job touches that workspace's data only: the context offers
 * nothing that reaches another one. A job that keeps data of its own (its own tables, another service) scopes it by
 * {@link #workspaceId()}; a job that must act on every workspace declares itself {@link JobHandler#system()}.
 */
public interface JobContext {

    UUID runId();

    UUID workspaceId();

    /** The trigger's params merged over the job's defaults. */
    JsonObject params();

    /** A dry run reports what it would do and changes nothing. */
    boolean dryRun();

    String correlationId();

    int attempt();

    /**
     * The run and its attempt. The job executes only while this replica holds the run's lease (its heartbeats reach
     * the database); when they do not, the job holds at its next {@link #checkpoint()}. A job that writes to another
     * system can pass the token along, so that writes of an attempt that lost the run are refused there.
     */
    FencingToken fencingToken();

    /** A {@code log} event at level info. */
    default void log(String message) {
        log("info", message);
    }

    /** A {@code log} event; level is debug, info, warn or error. */
    void log(String level, String message);

    /** A {@code progress_json} event, and the run's processed/total. */
    void progress(long processed, Long total);

    /** An entry of the run's {@code error_log} (the first 100 are kept). */
    void recordError(String item, String message);

    /** Where the job may be paused or stopped; the returned Uni fails if the run must stop. */
    Uni<Void> checkpoint();

    /**
     * Ends this attempt and brings the run back after {@code duration} (at most {@code jobstream.triggers.max-delay})
     * as its next attempt, with one attempt more allowed: a snooze does not use up the retry policy. Return it from
     * {@link JobHandler#run}.
     */
    default <T> Uni<T> snooze(Duration duration) {
        return Uni.createFrom().failure(new Snooze(duration));
    }

    /**
     * Triggers a child of this run: a run of {@code job} (one of this service's jobs, or a worker's) with
     * {@code params}, in this run's workspace, whose {@code parent_id} is this run. {@code childKey} (1 to 150
     * characters) makes it idempotent: this run asking again for the same key and job — an attempt run again after a
     * crash — gets the child made before, never a second one. Cancelling this run cancels its active children. The
     * Uni answers the child's id; it fails if this attempt no longer holds the run, or the job refuses the run
     * (an exclusive job already active, a busy key).
     */
    default Uni<UUID> trigger(String job, java.util.Map<String, Object> params, String childKey) {
        return Uni.createFrom().failure(new UnsupportedOperationException("this context triggers no children"));
    }

    /**
     * Ends this attempt as a wait for {@code runs} (1 to 100 runs of this workspace: children it triggered, or
     * others): the run goes back to the queue, shown {@code waiting}, and runs again as its next attempt once they
     * have all ended, whatever their outcome, with one attempt more allowed (a wait does not use up the retry
     * policy). That attempt reads them in {@link #dependencies()}. Return it from {@link JobHandler#run}.
     */
    default <T> Uni<T> waitFor(java.util.List<UUID> runs) {
        return Uni.createFrom().failure(new UnsupportedOperationException("this context waits for no runs"));
    }

    /**
     * The runs this run waits or waited for — those its trigger named in {@code depends_on}, and those an earlier
     * attempt waited for — as they are now, in the order they were made: each one's job, status, metrics and error.
     * Empty for a run that waited for none.
     */
    default Uni<java.util.List<Dependency>> dependencies() {
        return Uni.createFrom().item(java.util.List.of());
    }

    /** The clock a job should read the time from (UTC; a test may set it). */
    default Clock clock() {
        return Clock.systemUTC();
    }

    /** Runs blocking code on a worker thread; a checked exception fails the Uni as an IllegalStateException. */
    default <T> Uni<T> blocking(Callable<T> work) {
        return Uni.createFrom().item(() -> {
            try {
                return work.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}

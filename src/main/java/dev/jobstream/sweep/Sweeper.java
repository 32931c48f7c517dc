package dev.jobstream.sweep;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.StreamSupport;

import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.jobstream.config.JobstreamConfig;
import dev.jobstream.pg.Connectivity;
import dev.jobstream.pg.Schema;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * The one loop of the cluster's upkeep: every {@code jobstream.sweeper.interval}, each replica runs every
 * {@link MaintenanceTask} once, in their order — stale runs, stopped engines, expired runs and error events, the
 * replicas' retention, the outcome rollup, the queue's sample, workers' overdue attempts. The runs' own upkeep is
 * essential: its failure fails the sweep (and says the database cannot be reached); the others' failures are logged
 * and the sweep goes on. Sweeps of one replica run one after another; the SQL makes concurrent sweeps of several
 * replicas safe.
 */
@Singleton
public class Sweeper {

    private static final Logger LOG = Logger.getLogger(Sweeper.class);
    /** Rows one statement of a task changes or deletes. */
    static final int BATCH = 500;
    /** Statements of one kind per sweep; what is left waits for the next sweep. */
    static final int MAX_BATCHES = 20;

    /** What one sweep did. */
    public record Sweep(int staleRequeued, int staleFailed, int staleParked, int staleCancelled,
            int enginesForgotten, int runsDeleted, int errorsDeleted) {
    }

    private final StaleRescuer stale;
    private final EngineRetention engines;
    private final RunRetention runs;
    private final ErrorRetention errors;
    /** The tasks that are not essential, in their order. */
    private final List<MaintenanceTask> others;
    private final Connectivity connectivity;
    private final JobstreamConfig config;
    /** The sweep in progress (or the last one, done): sweeps of this replica run one after another. */
    private final AtomicReference<CompletableFuture<Void>> current = new AtomicReference<>(
            CompletableFuture.completedFuture(null));
    private final Instant createdAt = Instant.now();
    private volatile Instant lastStarted;
    private volatile Instant lastSwept;
    private volatile String lastFailure;

    Sweeper(StaleRescuer stale, EngineRetention engines, RunRetention runs, ErrorRetention errors,
            @Any Instance<MaintenanceTask> tasks, Connectivity connectivity, JobstreamConfig config) {
        this.stale = stale;
        this.engines = engines;
        this.runs = runs;
        this.errors = errors;
        this.others = StreamSupport.stream(tasks.spliterator(), false).filter(task -> !task.essential())
                .sorted(Comparator.comparingInt(MaintenanceTask::order)).toList();
        this.connectivity = connectivity;
        this.config = config;
    }

    @Scheduled(every = "${jobstream.sweeper.interval:10s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Schema.class)
    Uni<Void> scheduled() {
        if (!current.get().isDone()) {
            return Uni.createFrom().voidItem();
        }
        Duration interval = config.sweeper().interval();
        return runOnce().ifNoItem().after(interval.multipliedBy(2)).fail().replaceWithVoid()
                .onFailure().recoverWithNull();
    }

    /** One sweep now, by the database clock. */
    public Uni<Sweep> runOnce() {
        return runOnce(null);
    }

    /**
     * One sweep as if the time were {@code at} (null: now, by the database clock for heartbeats), after the sweep in
     * progress on this replica, if any. Returns what its essential tasks did.
     */
    public Uni<Sweep> runOnce(Instant at) {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> before = current.getAndSet(mine);
        return Uni.createFrom().completionStage(before).flatMap(v -> sweep(at))
                .onTermination().invoke(() -> mine.complete(null));
    }

    private Uni<Sweep> sweep(Instant at) {
        lastStarted = Instant.now();
        Uni<Sweep> essential = stale.rescue(at).flatMap(rescued -> engines.runOnce(at)
                .flatMap(forgotten -> runs.runOnce(at)
                        .flatMap(deletedRuns -> errors.runOnce(at)
                                .map(deletedErrors -> new Sweep(rescued.requeued(), rescued.failed(), rescued.parked(),
                                        rescued.cancelled(), forgotten, deletedRuns, deletedErrors)))));
        return essential
                .call(sweep -> apartInOrder(at, 0))
                .invoke(sweep -> {
                    lastSwept = Instant.now();
                    lastFailure = null;
                    if (sweep.runsDeleted() + sweep.errorsDeleted() > 0) {
                        LOG.infof("Retention deleted %d runs and %d error events", sweep.runsDeleted(),
                                sweep.errorsDeleted());
                    }
                })
                .invoke(connectivity::reached)
                .onFailure().invoke(connectivity::lost)
                .onFailure().invoke(failure -> {
                    lastFailure = failure.getMessage() == null ? failure.toString() : failure.getMessage();
                    LOG.warnf("Sweep failed (next one in %s): %s", config.sweeper().interval(), lastFailure);
                });
    }

    /** The tasks that are not essential, from the {@code i}th on, each whose failure is logged and passed over. */
    private Uni<Void> apartInOrder(Instant at, int i) {
        if (i == others.size()) {
            return Uni.createFrom().voidItem();
        }
        MaintenanceTask task = others.get(i);
        return task.runOnce(at).replaceWithVoid().onFailure().recoverWithUni(failure -> {
            LOG.warnf("Sweep: %s failed (next sweep tries again): %s", task.name(), failure.getMessage());
            return Uni.createFrom().voidItem();
        }).flatMap(v -> apartInOrder(at, i + 1));
    }

    /** When the last sweep started (or this replica started, before its first sweep). */
    public Instant lastStarted() {
        return lastStarted == null ? createdAt : lastStarted;
    }

    /** When the last successful sweep ended; null before the first. */
    public Instant lastSwept() {
        return lastSwept;
    }

    /** Why the last sweep failed; null if it succeeded. */
    public String lastFailure() {
        return lastFailure;
    }
}

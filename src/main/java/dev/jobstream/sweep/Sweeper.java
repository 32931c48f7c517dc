package dev.jobstream.sweep;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.jobstream.config.JobstreamConfig;
import dev.jobstream.engine.EngineRegistry;
import dev.jobstream.error.ErrorEventStore;
import dev.jobstream.pg.Connectivity;
import dev.jobstream.replica.ReplicaService;
import dev.jobstream.run.RunMetrics;
import dev.jobstream.run.RunStore;
import dev.jobstream.stats.StatsStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Cleans up after dead replicas and old data: stale runs are requeued, failed, kept paused or cancelled as asked, stopped engines leave
 * the registry, expired runs and error events are deleted in bounded batches, runs that ended are added to the
 * outcome rollup, and the queue is sampled once a minute. Every replica sweeps; the SQL makes concurrent sweeps safe.
 */
@Singleton
public class Sweeper {

    private static final Logger LOG = Logger.getLogger(Sweeper.class);
    /** Rows one statement changes or deletes. */
    static final int BATCH = 500;
    /** Batches of one kind per sweep; what is left waits for the next sweep. */
    static final int MAX_BATCHES = 20;

    /** What one sweep did. */
    public record Sweep(int staleRequeued, int staleFailed, int staleParked, int staleCancelled,
            int enginesForgotten, int runsDeleted, int errorsDeleted) {
    }

    /** What the stale batches of one sweep did to runs. */
    private record Stale(int requeued, int failed, int parked, int cancelled) {

        Stale plus(List<RunStore.Interrupted> runs) {
            int q = 0;
            int f = 0;
            int p = 0;
            int c = 0;
            for (RunStore.Interrupted run : runs) {
                switch (run.status()) {
                    case QUEUED -> q++;
                    case FAILED -> f++;
                    case PAUSED -> p++;
                    default -> c++;
                }
            }
            return new Stale(requeued + q, failed + f, parked + p, cancelled + c);
        }
    }

    /** How far behind now the outcome rollup is kept: an end committed later than that after its instant is missed. */
    static final Duration ROLLUP_LAG = Duration.ofSeconds(5);

    private final RunStore runs;
    private final Connectivity connectivity;
    private final ErrorEventStore errors;
    private final StatsStore rollup;
    private final EngineRegistry engines;
    private final ReplicaService replicas;
    private final JobstreamConfig config;
    private final RunMetrics runMetrics;
    private final MeterRegistry meters;
    /** The sweep in progress (or the last one, done): sweeps of this replica run one after another. */
    private final AtomicReference<CompletableFuture<Void>> current = new AtomicReference<>(
            CompletableFuture.completedFuture(null));
    private final Instant createdAt = Instant.now();
    private volatile Instant lastStarted;
    private volatile Instant lastSwept;
    private volatile String lastFailure;
    /** When this replica last deleted the outcome rollup's old rows (once an hour is enough: they age by the hour). */
    private volatile Instant rollupExpiredAt = Instant.EPOCH;

    Sweeper(RunStore runs, Connectivity connectivity, ErrorEventStore errors, StatsStore rollup,
            EngineRegistry engines, ReplicaService replicas, JobstreamConfig config, RunMetrics runMetrics,
            MeterRegistry meters) {
        this.replicas = replicas;
        this.runs = runs;
        this.connectivity = connectivity;
        this.errors = errors;
        this.rollup = rollup;
        this.runMetrics = runMetrics;
        this.meters = meters;
        this.engines = engines;
        this.config = config;
    }

    @Scheduled(every = "${jobstream.sweeper.interval:10s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
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
     * progress on this replica, if any. Returns what it did.
     */
    public Uni<Sweep> runOnce(Instant at) {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> before = current.getAndSet(mine);
        return Uni.createFrom().completionStage(before).flatMap(v -> sweep(at))
                .onTermination().invoke(() -> mine.complete(null));
    }

    private Uni<Sweep> sweep(Instant at) {
        lastStarted = Instant.now();
        Instant now = at == null ? Instant.now() : at;
        Uni<Stale> swept = connectivity.steadyFor(config.staleAfter(), now)
                ? stale(at, new Stale(0, 0, 0, 0), 0)
                : Uni.createFrom().item(new Stale(0, 0, 0, 0));
        return swept
                .flatMap(stale -> {
                    int forgotten = engines.forgetStopped(now.minus(config.engines().retention()));
                    return batches(runs::deleteExpired, now.minus(config.retention().runs()), 0, 0)
                            .flatMap(runs -> batches(errors::deleteExpired,
                                    now.minus(config.retention().errors()), 0, 0)
                                    .map(errors -> new Sweep(stale.requeued(), stale.failed(), stale.parked(),
                                            stale.cancelled(), forgotten, runs, errors)));
                })
                .call(sweep -> apart("the replicas' retention", replicas.deleteExpired(now)))
                .call(sweep -> apart("the outcome rollup", rollUp(0)
                        .call(ended -> rollup.sampleQueue()).call(ended -> expireRollup(now))))
                .invoke(sweep -> {
                    count("stale_requeued", sweep.staleRequeued());
                    count("stale_failed", sweep.staleFailed());
                    count("stale_parked", sweep.staleParked());
                    count("stale_cancelled", sweep.staleCancelled());
                    count("engines_forgotten", sweep.enginesForgotten());
                    count("runs_deleted", sweep.runsDeleted());
                    count("errors_deleted", sweep.errorsDeleted());
                    lastSwept = Instant.now();
                    lastFailure = null;
                    if (sweep.staleRequeued() + sweep.staleFailed() + sweep.staleParked()
                            + sweep.staleCancelled() > 0) {
                        LOG.warnf("Swept stale runs: %d requeued, %d failed, %d kept paused, %d cancelled as asked",
                                sweep.staleRequeued(), sweep.staleFailed(), sweep.staleParked(),
                                sweep.staleCancelled());
                    }
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

    /**
     * {@code step}, whose failure is logged and leaves the sweep (and what it says of the database's connectivity)
     * alone: the stats are not the runs.
     */
    private static Uni<Object> apart(String what, Uni<?> step) {
        return step.map(done -> (Object) done).onFailure().recoverWithItem(failure -> {
            LOG.warnf("Sweep: %s failed (next sweep tries again): %s", what, failure.getMessage());
            return null;
        });
    }

    /**
     * Adds the runs that ended up to {@link #ROLLUP_LAG} ago to the outcome rollup, an hour of them per pass, up to a
     * day of them per sweep (a replica that starts on a table of 8 days catches up in 8 sweeps).
     */
    private Uni<Long> rollUp(int pass) {
        return rollup.rollUp(ROLLUP_LAG).flatMap(done -> done.behind() && pass < 23
                ? rollUp(pass + 1).map(more -> more + done.ended())
                : Uni.createFrom().item(done.ended()));
    }

    private Uni<Integer> expireRollup(Instant now) {
        if (Duration.between(rollupExpiredAt, now).compareTo(Duration.ofHours(1)) < 0) {
            return Uni.createFrom().item(0);
        }
        return rollup.deleteExpired(now).invoke(deleted -> rollupExpiredAt = now);
    }

    private Uni<Stale> stale(Instant at, Stale sofar, int batch) {
        return runs.sweepStale(at, config.staleAfter(), BATCH).flatMap(done -> {
            done.stream().filter(run -> run.status().isTerminal())
                    .forEach(run -> runMetrics.finished(run.job(), run.status(), null));
            Stale total = sofar.plus(done);
            if (done.size() == BATCH && batch + 1 < MAX_BATCHES) {
                return stale(at, total, batch + 1);
            }
            return Uni.createFrom().item(total);
        });
    }

    private Uni<Integer> batches(BiFunction<Instant, Integer, Uni<Integer>> delete, Instant before, int total,
            int batch) {
        return delete.apply(before, BATCH).flatMap(deleted -> {
            if (deleted == BATCH && batch + 1 < MAX_BATCHES) {
                return batches(delete, before, total + deleted, batch + 1);
            }
            return Uni.createFrom().item(total + deleted);
        });
    }

    private void count(String action, int n) {
        if (n > 0) {
            Counter.builder("jobstream.sweeper.actions").description("What the sweeper of this replica did")
                    .tag("action", action).register(meters).increment(n);
        }
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

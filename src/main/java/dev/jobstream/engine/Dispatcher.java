package dev.jobstream.engine;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.jobstream.attempt.AttemptEnd;
import dev.jobstream.attempt.AttemptSpans;
import dev.jobstream.concurrent.Coalescer;
import dev.jobstream.concurrent.Timer;
import dev.jobstream.concurrent.VertxTimer;
import dev.jobstream.config.JobstreamConfig;
import dev.jobstream.pg.Channels;
import dev.jobstream.pg.Notifications;
import dev.jobstream.run.ClaimLimits;
import dev.jobstream.run.Run;
import dev.jobstream.run.service.FlowService;
import dev.jobstream.run.service.JobRegistry;
import dev.jobstream.run.service.RunWaiters;
import dev.jobstream.run.store.RunStore;
import dev.jobstream.spi.JobContext;
import dev.jobstream.spi.JobHandler;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * Claims queued runs for the free engine slots of this replica ({@code FOR UPDATE SKIP LOCKED}, many per statement)
 * and starts an engine for each. It claims when woken by a NOTIFY on the queued channel, when a slot frees while
 * more runs may be waiting, and on a slow poll as a safety net.
 */
@Singleton
public class Dispatcher {

    private static final Logger LOG = Logger.getLogger(Dispatcher.class);
    /**
     * How long a claim asked for while none is in flight waits for more: the slots of short jobs free within a
     * millisecond or two of each other, and one claim then takes runs for all of them instead of a claim each.
     */
    static final Duration CLAIM_LINGER = Duration.ofMillis(2);

    private final RunStore store;
    private final EngineRegistry registry;
    private final JobRegistry jobs;
    private final Timer timer;
    /**
     * The jobs of this replica without a cluster-wide limit: it claims only runs of its jobs (a rolling deploy may
     * add jobs the old version lacks).
     */
    private final String[] unlimited;
    /** The jobs of this replica with limits (active at once, rate, per key), claimed one job at a time. */
    private final Map<String, ClaimLimits> limited;
    private final Engine.Limits limits;
    private final RunWriter writer;
    private final RunWaiters waiters;
    private final Notifications notifications;
    private final LocalReplica replica;
    private final Vertx vertx;
    private final JobstreamConfig config;
    private final AttemptSpans spans;
    private final FlowService flows;

    private final Coalescer claimer;
    private volatile boolean backlog = true;
    /**
     * Runs of limited jobs may be waiting: set by a wake (a NOTIFY, the poll, a limited run's end) and by a limited
     * claim that took runs; a claim made only because a slot freed skips the limited jobs' statements otherwise, so
     * that a replica working off other jobs does not pay a transaction per limited job on every claim.
     */
    private volatile boolean limitedDue = true;
    private volatile boolean stopped;
    private long pollTimer = -1;

    Dispatcher(RunStore store, EngineRegistry registry, JobRegistry jobs,
            RunWriter writer, RunWaiters waiters, Notifications notifications, LocalReplica replica, Vertx vertx,
            JobstreamConfig config, AttemptSpans spans, FlowService flows) {
        this.flows = flows;
        this.spans = spans;
        this.store = store;
        this.registry = registry;
        this.jobs = jobs;
        this.timer = new VertxTimer(vertx);
        this.claimer = Coalescer.of(this::claimOnce, timer).linger(CLAIM_LINGER).build();
        this.unlimited = jobs.all().stream().filter(job -> ClaimLimits.of(job).isEmpty()).map(JobHandler::name)
                .toArray(String[]::new);
        this.limited = new java.util.TreeMap<>();
        jobs.all().forEach(job -> ClaimLimits.of(job).ifPresent(limits -> limited.put(job.name(), limits)));
        this.limits = new Engine.Limits(config.events().maxPerRun(), config.engines().pauseHold(),
                AttemptEnd.lease(config.staleAfter()), config.engines().timeoutGrace(), config.triggers().maxDelay());
        this.writer = writer;
        this.waiters = waiters;
        this.notifications = notifications;
        this.replica = replica;
        this.vertx = vertx;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        notifications.listen(Channels.QUEUED, this::queued);
        pollTimer = vertx.setPeriodic(config.dispatch().pollInterval().toMillis(), id -> wake());
        LOG.infof("Dispatcher of %s started: %d engines", replica.id(), config.engines().max());
        wake();
    }

    /**
     * Graceful shutdown (SIGTERM): claim nothing more, let every engine stop at its job's next checkpoint — its run
     * goes back to the queue as the next attempt, for another replica — and after {@code jobstream.shutdown.grace}
     * requeue in one statement the runs of engines that did not get there. Nothing stays {@code running}.
     */
    void stop(@Observes ShutdownEvent event) {
        stopped = true;
        claimer.stop();
        vertx.cancelTimer(pollTimer);
        List<Engine> live = List.copyOf(registry.all());
        if (live.isEmpty()) {
            return;
        }
        Duration grace = config.shutdown().grace();
        LOG.infof("Shutting down: %d engines stop at their next checkpoint (grace %s)", live.size(), grace);
        registry.stopAll();
        CompletableFuture<?>[] ends = live.stream().map(e -> e.ended().toCompletableFuture())
                .toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(ends).get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // some engines did not reach a checkpoint: requeued below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Engine> stuck = live.stream().filter(e -> e.state() != Engine.State.STOPPED).toList();
        if (stuck.isEmpty()) {
            LOG.infof("Shutdown: all %d engines stopped", live.size());
            return;
        }
        try {
            int requeued = store.interrupt(replica.id(), stuck.stream().map(e -> e.run().id()).toList(),
                    stuck.stream().map(e -> e.run().attempt()).toList(), Engine.SHUTDOWN)
                    .await().atMost(Duration.ofSeconds(5)).size();
            LOG.warnf("Shutdown: %d engines did not reach a checkpoint within %s; %d runs interrupted", stuck.size(),
                    grace, requeued);
        } catch (RuntimeException e) {
            LOG.errorf("Shutdown: requeueing %d runs failed (the sweeper of another replica will): %s",
                    stuck.size(), e.getMessage());
        }
        stuck.forEach(Engine::kill);
    }

    /**
     * A NOTIFY on the queued channel: runs were queued. Its payload names the jobs of inserted runs (empty: not
     * said); runs of a limited job are looked for only when it names one, or says nothing.
     */
    private void queued(String payload) {
        if (payload == null || payload.isEmpty()
                || java.util.Arrays.stream(payload.split(",")).anyMatch(limited::containsKey)) {
            limitedDue = true;
        }
        backlog = true;
        claimer.request();
    }

    /** Queued runs may be waiting: claim as many as there are free slots. */
    public void wake() {
        backlog = true;
        limitedDue = true;
        claimer.request();
    }

    /** A slot is free: claim again if the last claim left runs waiting. */
    private void slotFreed() {
        if (backlog) {
            claimer.request();
        }
    }

    /** Claims up to the free slots in one statement; more to claim when it took as many as it asked for. */
    private Uni<Boolean> claimOnce() {
        int free = Math.min(config.engines().max() - registry.executing(),
                config.engines().maxEnding() - registry.ending());
        if (stopped || free <= 0) {
            return Uni.createFrom().item(false);
        }
        int limit = Math.min(free, config.dispatch().claimBatch());
        backlog = false;
        registry.reserve(limit);
        return claim(limit).map(runs -> {
            registry.release(limit - runs.size());
            boolean full = runs.size() == limit;
            if (full) {
                backlog = true;
            }
            runs.forEach(run -> registry.claimed(run.id()));
            if (stopped) {
                runs.forEach(this::giveBack); // claimed while this replica began to stop: for another replica
                return false;
            }
            runs.forEach(this::start);
            return full;
        }).onFailure().invoke(failure -> {
            registry.release(limit);
            backlog = true;
            LOG.warnf("Claiming queued runs failed (retrying on the next poll): %s", failure.getMessage());
        });
    }

    /**
     * Claims up to {@code limit} runs: those of jobs without a cluster-wide limit in one statement, then each limited
     * job's within what its limit leaves (a statement each, serialized across replicas).
     */
    private Uni<List<Run>> claim(int limit) {
        Uni<List<Run>> claimed = unlimited.length == 0
                ? Uni.createFrom().item(List.of())
                : store.claim(replica.id(), limit, unlimited);
        if (limited.isEmpty() || !limitedDue) {
            return claimed;
        }
        limitedDue = false;
        for (Map.Entry<String, ClaimLimits> job : limited.entrySet()) {
            claimed = claimed.flatMap(runs -> runs.size() >= limit
                    ? notYet(runs)
                    : store.claimLimited(replica.id(), limit - runs.size(), job.getKey(), job.getValue(), null, null)
                            .map(more -> {
                                if (!more.isEmpty()) {
                                    limitedDue = true;
                                }
                                List<Run> all = new java.util.ArrayList<>(runs);
                                all.addAll(more);
                                return all;
                            }));
        }
        return claimed;
    }

    /** The claim is full before a limited job's turn: its runs are claimed next time. */
    private Uni<List<Run>> notYet(List<Run> runs) {
        limitedDue = true;
        return Uni.createFrom().item(runs);
    }

    /**
     * Starts the run's engine. Its slot frees as soon as the job is done, for the next run, while the end is stored
     * apart ({@code jobstream.engines.max-ending} at most: the runs a replica holds beyond its engines): a slot is
     * for a job's concurrency, not for the bookkeeping after it. The run is the engine's under the claim's lease,
     * which its heartbeats renew: no other engine or worker takes it while that holds.
     */
    private void start(Run run) {
        JobHandler handler = jobs.find(run.job()).orElseGet(() -> unknownJob(run.job()));
        Engine engine = new Engine(run, handler, writer, timer, limits, spans.engine(run, replica.id()), flows,
                replica.id());
        registry.add(engine);
        registry.unclaimed(run.id());
        AtomicBoolean slotHeld = new AtomicBoolean(true);
        engine.jobEnded().thenRun(() -> {
            if (slotHeld.compareAndSet(true, false)) {
                registry.jobEnded();
                slotFreed();
            }
        });
        engine.execute().subscribe().with(written -> ended(engine, slotHeld), failure -> {
            RunLog.error(Dispatcher.class, engine, failure, "Engine of %s failed", run.id());
            ended(engine, slotHeld);
        });
    }

    private void ended(Engine engine, AtomicBoolean slotHeld) {
        registry.remove(engine);
        if (slotHeld.compareAndSet(true, false)) {
            registry.release(1);
        } else {
            registry.endStored();
        }
        if (engine.outcome() != null && engine.outcome().isTerminal()) {
            waiters.ended(engine.run().id());
        }
        if (limited.containsKey(engine.run().job())) {
            wake(); // a limited job's runs may wait for this one's place
        } else {
            slotFreed();
        }
    }

    /** A run claimed while this replica began to stop: back to the queue at once, for another replica. */
    private void giveBack(Run run) {
        registry.release(1);
        giveBackClaim(run);
    }

    /** Gives the claim back to the queue; while the database is away, tries again every second (it is heartbeated). */
    private void giveBackClaim(Run run) {
        store.releaseClaims(List.of(run.id()), replica.id(), 0).subscribe().with(
                n -> registry.unclaimed(run.id()),
                failure -> {
                    LOG.warnf("Giving back %s failed (retrying): %s", run.id(), failure.getMessage());
                    vertx.setTimer(1000, id -> giveBackClaim(run));
                });
    }

    private static JobHandler unknownJob(String name) {
        return new JobHandler() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Uni<Map<String, Object>> run(JobContext context) {
                return Uni.createFrom()
                        .failure(new IllegalStateException("Unknown job '" + name + "' on this replica"));
            }
        };
    }
}

package dev.jobstream.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.jobstream.concurrent.Coalescer;
import dev.jobstream.concurrent.VertxTimer;
import dev.jobstream.config.JobstreamConfig;
import dev.jobstream.pg.PgErrors;
import dev.jobstream.run.RunFlush;
import dev.jobstream.run.RunStatus;
import dev.jobstream.run.service.RunMetrics;
import dev.jobstream.run.store.RunStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * Stores what engines report, for all engines of this replica at once: one statement (and one NOTIFY) per flush.
 * A flush starts at most {@code jobstream.events.flush-linger} after the first change, or as soon as the previous
 * flush ends; changes made during a flush go into the next one (a {@link Coalescer}). A failed flush is retried with
 * the same events.
 */
@Singleton
public class RunWriter {

    private static final Logger LOG = Logger.getLogger(RunWriter.class);
    private static final Duration RETRY_DELAY = Duration.ofMillis(500);

    private final RunStore store;
    private final LocalReplica replica;
    private final RunMetrics metrics;
    private final Timer flushTime;
    private final Counter events;

    private final Coalescer flusher;
    // guarded by this
    private final Set<Engine> changed = new LinkedHashSet<>();

    RunWriter(RunStore store, Vertx vertx, LocalReplica replica, JobstreamConfig config,
            RunMetrics metrics, MeterRegistry registry) {
        this.store = store;
        this.metrics = metrics;
        this.flushTime = Timer.builder("jobstream.events.flush").description("Time of one flush of engines' events")
                .publishPercentiles(0.5, 0.99).register(registry);
        this.events = Counter.builder("jobstream.events.stored").description("Run events stored by this replica")
                .register(registry);
        this.replica = replica;
        this.flusher = Coalescer.of(this::flush, new VertxTimer(vertx)).linger(config.events().flushLinger())
                .retryAfter(RETRY_DELAY).build();
    }

    /** The engine has something new to store. */
    void changed(Engine engine) {
        synchronized (this) {
            changed.add(engine);
        }
        flusher.request();
    }

    /** One flush of every engine that changed; changes made meanwhile go into the next one. */
    private Uni<Boolean> flush() {
        List<Engine> engines;
        synchronized (this) {
            if (changed.isEmpty()) {
                return Uni.createFrom().item(false);
            }
            engines = new ArrayList<>(changed);
            changed.clear();
        }
        List<RunFlush> batch = new ArrayList<>(engines.size());
        engines.forEach(engine -> batch.add(engine.drain()));
        return write(engines, batch).replaceWith(false);
    }

    /**
     * Writes a batch in one statement. When PostgreSQL refuses a value of it, the batch is split in halves and each
     * written on its own, down to the run that carries the value, which fails with a clean error while the others are
     * stored. Any other failure (the database is away) gives the changes back to their engines, for the retry.
     */
    private Uni<Void> write(List<Engine> engines, List<RunFlush> batch) {
        long started = System.nanoTime();
        return store.flush(replica.id(), batch).onItemOrFailure().transformToUni((written, failure) -> {
            if (failure == null) {
                flushTime.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
                stored(engines, batch, written);
                return interrupt(engines, written);
            }
            if (!PgErrors.isDataError(failure)) {
                LOG.warnf("Storing events of %d runs failed, retrying: %s", engines.size(), failure.getMessage());
                giveBack(engines, batch);
                return Uni.createFrom().failure(failure);
            }
            if (batch.size() == 1) {
                return unstorable(engines.get(0), batch.get(0), failure);
            }
            int half = batch.size() / 2;
            List<Engine> rightEngines = engines.subList(half, engines.size());
            List<RunFlush> right = batch.subList(half, batch.size());
            return write(engines.subList(0, half), batch.subList(0, half))
                    .onFailure().invoke(() -> giveBack(rightEngines, right))
                    .flatMap(v -> write(rightEngines, right));
        });
    }

    private void stored(List<Engine> engines, List<RunFlush> batch, java.util.Set<java.util.UUID> written) {
        List<java.util.UUID> waiting = new ArrayList<>();
        for (int i = 0; i < engines.size(); i++) {
            RunFlush pending = batch.get(i);
            boolean stored = written.contains(pending.runId());
            if (stored && pending.end() != null && pending.end().waits()) {
                waiting.add(pending.runId());
            }
            events.increment(stored ? pending.events().size() : 0);
            if (stored && pending.end() != null && pending.end().status() == RunStatus.QUEUED
                    && !pending.end().snoozed()) {
                metrics.retried(engines.get(i).run().job());
            }
            if (stored && pending.end() != null && pending.end().status().isTerminal()) {
                metrics.finished(engines.get(i).run().job(), pending.end().status(),
                        Duration.ofMillis(pending.end().durationMs()));
            }
            engines.get(i).flushed(pending, stored);
        }
        settle(waiting);
    }

    /**
     * Settles the runs whose wait this flush stored: due at once if what they wait for ended before the wait was
     * stored (an end after it settles them itself, in the database). If this fails, the sweep's safety net does it.
     */
    private void settle(List<java.util.UUID> waiting) {
        if (!waiting.isEmpty()) {
            store.settle(waiting).subscribe().with(settled -> {
            }, failure -> LOG.warnf("Settling %d waiting runs failed (the sweep will): %s", waiting.size(),
                    failure.getMessage()));
        }
    }

    /**
     * Interrupts the attempts of the engines that stopped before their jobs ended, now that what they reported is
     * stored: one statement per reason; the database decides what each run becomes. On failure the engines stay
     * pending, and the next flush tries again.
     */
    private Uni<Void> interrupt(List<Engine> engines, java.util.Set<java.util.UUID> written) {
        Map<String, List<Engine>> byReason = new java.util.TreeMap<>();
        for (Engine engine : engines) {
            String reason = engine.interruptReason();
            if (reason != null && written.contains(engine.run().id()) && engine.state() != Engine.State.STOPPED) {
                byReason.computeIfAbsent(reason, r -> new ArrayList<>()).add(engine);
            }
        }
        Uni<Void> all = Uni.createFrom().voidItem();
        for (Map.Entry<String, List<Engine>> entry : byReason.entrySet()) {
            List<Engine> stopping = entry.getValue();
            all = all.flatMap(v -> store
                    .interrupt(replica.id(), stopping.stream().map(e -> e.run().id()).toList(),
                            stopping.stream().map(e -> e.run().attempt()).toList(), entry.getKey())
                    .invoke(done -> {
                        Map<java.util.UUID, RunStore.Interrupted> byId = new java.util.HashMap<>();
                        done.forEach(i -> byId.put(i.id(), i));
                        for (Engine engine : stopping) {
                            RunStore.Interrupted result = byId.get(engine.run().id());
                            if (result != null && result.status().isTerminal()) {
                                metrics.finished(engine.run().job(), result.status(), null);
                            }
                            engine.interrupted(result == null ? null : result.status());
                        }
                    })
                    .onFailure().invoke(failure -> {
                        LOG.warnf("Interrupting %d runs failed, retrying: %s", stopping.size(), failure.getMessage());
                        synchronized (this) {
                            changed.addAll(stopping);
                        }
                    })
                    .replaceWithVoid());
        }
        return all;
    }

    /** The changes go back to their engines, ahead of newer ones, for the next flush. */
    private void giveBack(List<Engine> engines, List<RunFlush> batch) {
        for (int i = 0; i < engines.size(); i++) {
            engines.get(i).restore(batch.get(i));
        }
        synchronized (this) {
            changed.addAll(engines);
        }
    }

    /**
     * PostgreSQL refuses what one run reported: that run ends {@code failed} (error code {@code unstorable}) with an
     * end event in place of what could not be stored, and its job is stopped; if even that cannot be written, the
     * engine stops and the run is left to the sweeper.
     */
    private Uni<Void> unstorable(Engine engine, RunFlush refused, Throwable failure) {
        RunFlush end = engine.unstorable(refused, PgErrors.message(failure));
        RunLog.warn(RunWriter.class, engine, "What the run reported could not be stored (%s): it fails",
                PgErrors.message(failure));
        return store.flush(replica.id(), List.of(end)).onItemOrFailure().transformToUni((written, again) -> {
            if (again == null) {
                stored(List.of(engine), List.of(end), written);
                engine.kill();
                return Uni.createFrom().voidItem();
            }
            if (!PgErrors.isDataError(again)) {
                giveBack(List.of(engine), List.of(end));
                return Uni.createFrom().failure(again);
            }
            RunLog.error(RunWriter.class, engine, again, "Even the failure of the run could not be stored");
            engine.kill();
            engine.flushed(end, false);
            return Uni.createFrom().voidItem();
        });
    }
}

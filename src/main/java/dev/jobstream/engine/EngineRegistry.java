package dev.jobstream.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The engines of this replica: those executing a job or storing its end, and a record of those that stopped, kept
 * until the sweeper removes them ({@code jobstream.engines.retention}) and at most {@link #MAX_STOPPED} of them.
 */
@Singleton
public class EngineRegistry {

    /** Stopped engines remembered at most, whatever their age: a busy replica stops thousands a second. */
    static final int MAX_STOPPED = 1000;

    /** What the registry keeps of an engine: the run it executed, its state, when it started and stopped. */
    public record EngineInfo(UUID runId, String job, UUID workspaceId, int attempt, String state, String runStatus,
            Instant startedAt, Instant stoppedAt, Instant haltedAt) {

        static EngineInfo of(Engine engine) {
            String state = engine.state() == Engine.State.RUNNING && engine.haltedAt() != null
                    ? "holding" // for its lease
                    : engine.state().name().toLowerCase(java.util.Locale.ROOT);
            String status = engine.outcome() != null
                    ? engine.outcome().value()
                    : engine.state() == Engine.State.STOPPED ? "lost" : engine.runState().value();
            return new EngineInfo(engine.run().id(), engine.run().job(), engine.run().workspaceId(),
                    engine.run().attempt(), state, status, engine.startedAt(), engine.stoppedAt(),
                    engine.haltedAt());
        }
    }

    /** The live engines by run and attempt: an attempt that lost its run may still be stopping beside the next. */
    private final ConcurrentHashMap<Attempt, Engine> engines = new ConcurrentHashMap<>();
    /** The newest live engine of each run, for control requests that name the run. */
    private final ConcurrentHashMap<UUID, Engine> newest = new ConcurrentHashMap<>();

    /** A run's attempt: the key of an engine (and its fencing token). */
    private record Attempt(UUID runId, int attempt) {

        static Attempt of(Engine engine) {
            return new Attempt(engine.run().id(), engine.run().attempt());
        }
    }
    private final ConcurrentLinkedDeque<EngineInfo> stopped = new ConcurrentLinkedDeque<>();
    private final AtomicInteger stoppedCount = new AtomicInteger();
    /** Engines stopped since this replica started: the attempts it ended, whatever their outcome. */
    private final java.util.concurrent.atomic.AtomicLong ended = new java.util.concurrent.atomic.AtomicLong();
    private final AtomicInteger executing = new AtomicInteger();
    /** Engines whose job is done and whose end is still being stored. */
    private final AtomicInteger ending = new AtomicInteger();
    /** Runs claimed whose engine has not started yet: heartbeated like the others. */
    private final java.util.Set<UUID> claimed = ConcurrentHashMap.newKeySet();

    EngineRegistry(MeterRegistry metrics) {
        Gauge.builder("jobstream.engines.busy", engines, Map::size)
                .description("Engines of this replica executing a run or storing its end").register(metrics);
    }

    void add(Engine engine) {
        engine.onStopped(ended::incrementAndGet);
        engines.put(Attempt.of(engine), engine);
        Engine previous = newest.put(engine.run().id(), engine);
        if (previous != null && previous != engine) {
            // the run was claimed again: the old attempt lost it (taken elsewhere while it could not tell)
            previous.kill();
        }
    }

    /** The run was claimed; its engine is about to start. */
    void claimed(UUID runId) {
        claimed.add(runId);
    }

    /** The claimed run's engine started, or the run was given back. */
    void unclaimed(UUID runId) {
        claimed.remove(runId);
    }

    /** Runs claimed whose engine has not started yet. */
    List<UUID> claimed() {
        return List.copyOf(claimed);
    }

    /** Reserves an engine slot for a run about to be claimed. */
    void reserve(int slots) {
        executing.addAndGet(slots);
    }

    /** An engine stopped (or a reserved slot went unused): its slot is free again. */
    void release(int slots) {
        executing.addAndGet(-slots);
    }

    /** An engine's job is done: its slot is free, its end is being stored. */
    void jobEnded() {
        ending.incrementAndGet();
        executing.decrementAndGet();
    }

    /** The end of an engine whose job was done is stored. */
    void endStored() {
        ending.decrementAndGet();
    }

    /** The engine stopped: it leaves the live engines and is remembered as stopped. */
    void remove(Engine engine) {
        newest.remove(engine.run().id(), engine);
        if (engines.remove(Attempt.of(engine), engine)) {
            stopped.addLast(EngineInfo.of(engine));
            if (stoppedCount.incrementAndGet() > MAX_STOPPED && stopped.pollFirst() != null) {
                stoppedCount.decrementAndGet();
            }
        }
    }

    /** Forgets the stopped engines that stopped before {@code before}; returns how many. */
    public int forgetStopped(Instant before) {
        int forgotten = 0;
        for (Iterator<EngineInfo> it = stopped.iterator(); it.hasNext();) {
            EngineInfo info = it.next();
            if (info.stoppedAt() == null || info.stoppedAt().isBefore(before)) {
                it.remove();
                stoppedCount.decrementAndGet();
                forgotten++;
            }
        }
        return forgotten;
    }

    /** Engines executing a job, and slots reserved for a claim in flight: the engine slots taken. */
    public int executing() {
        return executing.get();
    }

    /** Engines whose job is done, storing its end. */
    public int ending() {
        return ending.get();
    }

    public Engine find(UUID runId) {
        return newest.get(runId);
    }

    /** The live engines: executing a job or storing its end. */
    public Collection<Engine> all() {
        return engines.values();
    }

    /** Live engines, then stopped ones, newest first in each group. */
    public List<EngineInfo> list() {
        List<EngineInfo> live = new ArrayList<>();
        engines.values().forEach(e -> live.add(EngineInfo.of(e)));
        live.sort(Comparator.comparing(EngineInfo::startedAt).reversed());
        List<EngineInfo> all = new ArrayList<>(live);
        stopped.descendingIterator().forEachRemaining(all::add);
        return all;
    }

    /** The engines that stopped since this replica started: the attempts it executed to their end. */
    public long ended() {
        return ended.get();
    }

    public int stoppedCount() {
        return stoppedCount.get();
    }

    /** The replica shuts down: every engine stops at its next checkpoint. */
    void stopAll() {
        engines.values().forEach(e -> e.stop(Engine.SHUTDOWN));
    }
}

package dev.jobstream.engine;

import java.util.Collection;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Singleton;

/** The engines of this replica: those executing a job, and those whose end is being stored. */
@Singleton
public class EngineRegistry {

    private final ConcurrentHashMap<UUID, Engine> engines = new ConcurrentHashMap<>();
    private final AtomicInteger executing = new AtomicInteger();

    void add(Engine engine) {
        engines.put(engine.run().id(), engine);
    }

    /** Reserves an engine slot for a run about to be claimed. */
    void reserve(int slots) {
        executing.addAndGet(slots);
    }

    /** An engine stopped (or a reserved slot went unused): its slot is free again. */
    void release(int slots) {
        executing.addAndGet(-slots);
    }

    void remove(Engine engine) {
        engines.remove(engine.run().id(), engine);
    }

    /** Engines executing a job or storing its end, and slots reserved for a claim in flight. */
    public int executing() {
        return executing.get();
    }

    public Engine find(UUID runId) {
        return engines.get(runId);
    }

    public Collection<Engine> all() {
        return engines.values();
    }

    /** Every engine holding an advisory lock is fenced: the lock connection is gone. */
    void fenceLocked() {
        engines.values().stream().filter(e -> e.lockKey() != null).forEach(Engine::fence);
    }
}

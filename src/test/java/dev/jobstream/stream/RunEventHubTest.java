package dev.jobstream.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;

/**
 * A notification of stored events makes the streams of the runs it names read again, and no others: a cluster's
 * flushes cost each replica a read per run that has new events, not one per run that has subscribers.
 */
class RunEventHubTest {

    /** Events kept in memory, with a count of the reads of each run's. */
    static final class MemoryStore implements RunEventStore {

        final Map<UUID, List<RunEvent>> events = new ConcurrentHashMap<>();
        final Map<UUID, AtomicInteger> reads = new ConcurrentHashMap<>();

        void add(UUID run, String event) {
            List<RunEvent> stored = events.computeIfAbsent(run, id -> new ArrayList<>());
            int seq = stored.size() + 1;
            stored.add(new RunEvent(run, seq, event, "{}", Instant.now(), Buffer.buffer("id: " + seq + "\n\n")));
        }

        int reads(UUID run) {
            return reads.getOrDefault(run, new AtomicInteger()).get();
        }

        @Override
        public Uni<List<RunEvent>> after(UUID runId, int after, int limit) {
            reads.computeIfAbsent(runId, id -> new AtomicInteger()).incrementAndGet();
            List<RunEvent> stored = events.getOrDefault(runId, List.of());
            return Uni.createFrom().item(List.copyOf(stored.subList(Math.min(after, stored.size()),
                    Math.min(stored.size(), after + limit))));
        }
    }

    /** Collects what a subscription delivers. */
    static final class Collected implements RunEventHub.Sink {
        final List<Integer> ids = new ArrayList<>();
        boolean completed;

        @Override
        public void deliver(List<RunEvent> events) {
            events.forEach(event -> ids.add(event.id()));
        }

        @Override
        public void complete() {
            completed = true;
        }

        @Override
        public void fail(Throwable failure) {
            throw new AssertionError(failure);
        }
    }

    @Test
    void aNotificationReadsOnlyTheRunsItNames() {
        MemoryStore store = new MemoryStore();
        RunEventHub hub = new RunEventHub(store, null);
        UUID quiet = UUID.randomUUID();
        UUID busy = UUID.randomUUID();
        store.add(quiet, "start_json");
        store.add(busy, "start_json");
        Collected quietStream = new Collected();
        Collected busyStream = new Collected();
        hub.subscribe(quiet, 0, null, quietStream);
        hub.subscribe(busy, 0, null, busyStream);
        int quietReads = store.reads(quiet);
        int busyReads = store.reads(busy);

        store.add(busy, "log");
        hub.notified(busy + "," + UUID.randomUUID());

        assertEquals(quietReads, store.reads(quiet), "the run the notification did not name read nothing");
        assertEquals(busyReads + 1, store.reads(busy), "the run it named read once");
        assertEquals(List.of(1, 2), busyStream.ids);
        assertEquals(List.of(1), quietStream.ids);
    }

    @Test
    void aNotificationThatNamesNoRunAndAReconnectReadEveryRun() {
        MemoryStore store = new MemoryStore();
        RunEventHub hub = new RunEventHub(store, null);
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        store.add(first, "start_json");
        store.add(second, "start_json");
        hub.subscribe(first, 0, null, new Collected());
        hub.subscribe(second, 0, null, new Collected());
        int before = store.reads(first) + store.reads(second);

        hub.notified("");
        assertEquals(before + 2, store.reads(first) + store.reads(second), "a payload naming no run: every run");
        hub.notified(null);
        assertEquals(before + 4, store.reads(first) + store.reads(second), "after a reconnect: every run");
        hub.notified("not-a-run-id");
        assertEquals(before + 4, store.reads(first) + store.reads(second), "a payload naming no run of ours");
    }
}

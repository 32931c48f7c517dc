package dev.jobstream.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;

import dev.jobstream.concurrent.Coalescer;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;

/**
 * The subscribers of one run on this replica, the one read of new events they share, and the run's recent events.
 * Subscribers are kept by the context that delivers to them: each read is handed to each event loop once, which
 * then writes to all its connections.
 */
final class RunEventGroup {

    /** Events read at a time. */
    static final int PAGE = 500;
    /** Events of a run kept in memory while it has subscribers here, for those that join (or rejoin) near its end. */
    static final int RECENT = 1000;
    /** The key of subscribers without a context: delivered to on the thread that read the events. */
    private static final Object DIRECT = new Object();
    private static final Logger LOG = Logger.getLogger(RunEventGroup.class);

    private final UUID runId;
    private final RunEventStore store;
    private final Map<Object, Set<RunEventSubscriber>> subscribers = new ConcurrentHashMap<>();
    private final Coalescer puller = Coalescer.of(this::readShared).build();
    // guarded by this
    private final List<RunEvent> recent = new ArrayList<>();
    private int fetched = -1;

    RunEventGroup(UUID runId, RunEventStore store) {
        this.runId = runId;
        this.store = store;
    }

    UUID runId() {
        return runId;
    }

    /** The events after {@code after}, a page at most. */
    Uni<List<RunEvent>> read(int after) {
        return store.after(runId, after, PAGE);
    }

    /** Called within the hub's {@code compute} for the run, like {@link #remove}. */
    void join(RunEventSubscriber subscriber, Context context) {
        Object key = context == null ? DIRECT : context;
        subscriber.joined(this, key);
        subscribers.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(subscriber);
    }

    /** Removes the subscriber; true if it was the last one. */
    boolean remove(RunEventSubscriber subscriber) {
        subscribers.computeIfPresent(subscriber.contextKey(), (key, set) -> {
            set.remove(subscriber);
            return set.isEmpty() ? null : set;
        });
        return subscribers.isEmpty();
    }

    /** Hands the events to every subscriber, on its context; per context in the order of the reads. */
    private void deliver(List<RunEvent> events) {
        subscribers.forEach((key, set) -> {
            if (key == DIRECT) {
                set.forEach(subscriber -> subscriber.live(events));
            } else {
                ((Context) key).runOnContext(v -> set.forEach(subscriber -> subscriber.live(events)));
            }
        });
    }

    /**
     * A subscriber is live from {@code seq} on, having read {@code read} from the table: the shared reads start no
     * later than that. Never later, not even when its own catch-up read further than the group has: moving the
     * shared position ahead would skip events that the other live subscribers still need, and send them all back to
     * the table. The first one seeds the recent events with what it read.
     */
    synchronized void liveFrom(int seq, List<RunEvent> read) {
        if (fetched < 0) {
            fetched = seq;
            remember(read);
        } else {
            fetched = Math.min(fetched, seq);
        }
    }

    /**
     * The events after {@code after} up to the shared position, from the recent ones, so that a subscriber that joins
     * near the end of the stream (a dashboard opening a running run) reads nothing from the table; null when they do
     * not reach back that far.
     */
    synchronized List<RunEvent> recentAfter(int after) {
        if (fetched < 0) {
            return null;
        }
        if (after >= fetched) {
            return List.of();
        }
        if (recent.isEmpty() || recent.get(0).id() > after + 1 || recent.get(recent.size() - 1).id() != fetched) {
            return null;
        }
        return List.copyOf(recent.subList(after + 1 - recent.get(0).id(), recent.size()));
    }

    /** Keeps the last {@link #RECENT} events, contiguous, ending at the newest one read. */
    private void remember(List<RunEvent> events) {
        for (RunEvent event : events) {
            int newest = recent.isEmpty() ? Integer.MIN_VALUE : recent.get(recent.size() - 1).id();
            if (event.id() <= newest) {
                continue;
            }
            if (event.id() != newest + 1) {
                recent.clear();
            }
            recent.add(event);
        }
        if (recent.size() > RECENT) {
            recent.subList(0, recent.size() - RECENT).clear();
        }
    }

    /** Reads the events after the shared position once for all live subscribers (again if asked meanwhile). */
    void pull() {
        puller.request();
    }

    /** One shared read; more to read when the page was full. */
    private Uni<Boolean> readShared() {
        int after;
        synchronized (this) {
            if (fetched < 0) {
                return Uni.createFrom().item(false); // nobody is live yet: the subscribers still catch up on their own
            }
            after = fetched;
        }
        return read(after).map(EventBatch::new).map(events -> {
            synchronized (this) {
                if (!events.isEmpty()) {
                    fetched = Math.max(fetched, events.get(events.size() - 1).id());
                    remember(events);
                }
            }
            deliver(events);
            return events.size() == PAGE;
        }).onFailure().invoke(failure -> LOG.debugf("Reading events of %s failed (next notification retries): %s",
                runId, failure.getMessage()));
    }
}

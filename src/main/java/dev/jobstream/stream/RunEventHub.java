package dev.jobstream.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.vertx.core.Context;

/**
 * Live events of runs for this replica's subscribers, wherever the runs execute. Engines store events and send one
 * NOTIFY per flush; on each notification (and after the LISTEN connection comes back) each run that has
 * subscribers here reads its new events once, from {@code job_run_events}, and hands the same event objects to all
 * its subscribers.
 * <p>
 * A subscriber first catches up on its own (stored events after its Last-Event-ID), then takes the shared live
 * events; whenever it sees a gap it catches up again. So every subscriber gets every event once, in order, also
 * across lost notifications; a stream ends after {@code end_json}. A catch-up reads the table only when the run's
 * last {@link #RECENT} events, kept in memory while it has subscribers, do not reach back far enough: joining a
 * stream near its end, the common case with thousands of subscribers, costs no query. Live events are handed to
 * each event loop once per read, and the loop writes them to its own connections.
 */
@Singleton
public class RunEventHub {

    /** Channel on which engines announce stored events (see the engine's flush). */
    public static final String EVENTS_CHANNEL = "jobstream_events";
    private static final Logger LOG = Logger.getLogger(RunEventHub.class);
    private static final int PAGE = 500;
    /** Events buffered for a slow subscriber before its stream is ended (it resumes with Last-Event-ID). */
    static final int MAX_BACKLOG = 1000;
    /** Events of a run kept in memory while it has subscribers here, for those that join (or rejoin) near its end. */
    static final int RECENT = 1000;

    private final RunEventStore store;
    private final Notifications notifications;
    private final Map<UUID, Group> groups = new ConcurrentHashMap<>();

    RunEventHub(RunEventStore store, Notifications notifications) {
        this.store = store;
        this.notifications = notifications;
    }

    void start(@Observes StartupEvent event) {
        notifications.listen(EVENTS_CHANNEL, payload -> groups.values().forEach(Group::pull));
    }

    /** Where a subscription's events go, in order; the same event objects go to every sink. */
    public interface Sink {

        /** New events, in order, none seen before. */
        void deliver(List<RunEvent> events);

        /** The run's stream is over (end_json was delivered). */
        void complete();

        /** Reading the events failed. */
        void fail(Throwable failure);
    }

    /**
     * Delivers the run's events after sequence number {@code after} to {@code sink}; the Runnable unsubscribes.
     * Live events reach the sink on {@code context} (the event loop of the subscriber's connection, so that its
     * writes need no hand-over), or on the thread that read them when it is null.
     */
    public Runnable subscribe(UUID runId, int after, Context context, Sink sink) {
        Subscriber subscriber = new Subscriber(after, sink);
        Group group = groups.compute(runId, (id, existing) -> {
            Group joined = existing == null ? new Group(id) : existing;
            joined.join(subscriber, context);
            return joined;
        });
        subscriber.group = group;
        subscriber.catchUp();
        return () -> {
            subscriber.closed = true;
            group.leave(subscriber);
        };
    }

    /** The run's events after sequence number {@code after}: stored ones first, then live ones, until end_json. */
    public Multi<RunEvent> events(UUID runId, int after) {
        return Multi.createFrom().<RunEvent>emitter(emitter -> {
            Runnable unsubscribe = subscribe(runId, after, null, new Sink() {
                @Override
                public void deliver(List<RunEvent> events) {
                    events.forEach(emitter::emit);
                }

                @Override
                public void complete() {
                    emitter.complete();
                }

                @Override
                public void fail(Throwable failure) {
                    emitter.fail(failure);
                }
            });
            emitter.onTermination(unsubscribe);
        }).onOverflow().buffer(MAX_BACKLOG);
    }

    /**
     * The subscribers of one run, and the one read of new events they share. They are kept by the context that
     * delivers to them: each read is handed to each event loop once, which then writes to all its connections.
     */
    private final class Group {

        /** The key of subscribers without a context: delivered to on the thread that read the events. */
        private static final Object DIRECT = new Object();

        private final UUID runId;
        private final Map<Object, Set<Subscriber>> subscribers = new ConcurrentHashMap<>();
        // guarded by this
        private final List<RunEvent> recent = new ArrayList<>();
        // guarded by this
        private int fetched = -1;
        private boolean pulling;
        private boolean again;

        Group(UUID runId) {
            this.runId = runId;
        }

        /** Called within {@code groups.compute}, like {@link #leave}, so that a group is never left empty. */
        void join(Subscriber subscriber, Context context) {
            subscriber.context = context == null ? DIRECT : context;
            subscribers.computeIfAbsent(subscriber.context, key -> ConcurrentHashMap.newKeySet()).add(subscriber);
        }

        void leave(Subscriber subscriber) {
            groups.computeIfPresent(runId, (id, group) -> {
                group.subscribers.computeIfPresent(subscriber.context, (key, set) -> {
                    set.remove(subscriber);
                    return set.isEmpty() ? null : set;
                });
                return group.subscribers.isEmpty() ? null : group;
            });
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
         * A subscriber is live from {@code seq} on, having read {@code read} from the table: the shared reads start
         * no later than that. Never later, not even when its own catch-up read further than the group has: moving
         * the shared position ahead would skip events that the other live subscribers still need, and send them all
         * back to the table. The first one seeds the recent events with what it read.
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
         * The events after {@code after} up to the shared position, from the recent ones, so that a subscriber that
         * joins near the end of the stream (a dashboard opening a running run) reads nothing from the table; null
         * when they do not reach back that far.
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

        void pull() {
            int after;
            synchronized (this) {
                if (fetched < 0) {
                    return; // nobody is live yet: the subscribers are still catching up on their own
                }
                if (pulling) {
                    again = true;
                    return;
                }
                pulling = true;
                again = false;
                after = fetched;
            }
            store.after(runId, after, PAGE).map(EventBatch::new).subscribe().with(events -> {
                boolean more;
                synchronized (this) {
                    if (!events.isEmpty()) {
                        fetched = Math.max(fetched, events.get(events.size() - 1).id());
                        remember(events);
                    }
                    pulling = false;
                    more = again || events.size() == PAGE;
                }
                deliver(events);
                if (more) {
                    pull();
                }
            }, failure -> {
                LOG.debugf("Reading events of %s failed (next notification retries): %s", runId, failure.getMessage());
                synchronized (this) {
                    pulling = false;
                }
            });
        }
    }

    /** One stream: its position, and whether it is catching up from the table or taking the shared events. */
    private final class Subscriber {

        private final Sink sink;
        private Group group;
        private Object context;
        private volatile boolean closed;
        // guarded by this
        private int last;
        private boolean catchingUp;
        private List<RunEvent> kept = new ArrayList<>();

        Subscriber(int after, Sink sink) {
            this.last = after;
            this.sink = sink;
        }

        /**
         * Reads stored events after its position until there are none left, then goes live. Shared events that
         * arrive meanwhile are kept (up to {@link #MAX_BACKLOG}) and delivered when they follow on, so a subscriber
         * normally reads the table once; only a real gap sends it back to the table.
         */
        void catchUp() {
            int after;
            synchronized (this) {
                catchingUp = true;
                after = last;
            }
            List<RunEvent> recent = group.recentAfter(after);
            if (recent != null) {
                caughtUp(recent, false);
            } else {
                store.after(group.runId, after, PAGE).subscribe().with(events -> caughtUp(events, true), sink::fail);
            }
        }

        /**
         * Takes what the catch-up read, then the shared events kept meanwhile if they follow on, and goes live; or
         * reads again. From the table there may be more ({@code fromTable}: a full page) and notifications may have
         * been missed (so the group reads once more); the recent events reach up to the shared position.
         */
        private void caughtUp(List<RunEvent> events, boolean fromTable) {
            if (emit(events)) {
                return;
            }
            boolean again;
            int position;
            synchronized (this) {
                again = fromTable && events.size() == PAGE || !followsOn(kept);
                if (!again) {
                    List<RunEvent> buffered = kept;
                    kept = new ArrayList<>();
                    catchingUp = false;
                    if (emit(buffered)) {
                        return;
                    }
                } else {
                    kept = new ArrayList<>();
                }
                position = last;
            }
            if (again) {
                catchUp();
            } else if (fromTable) {
                group.liveFrom(position, events);
                group.pull();
            }
        }

        /** Shared events: taken when they follow on; a gap sends this subscriber back to the table. */
        void live(List<RunEvent> events) {
            synchronized (this) {
                if (catchingUp) {
                    if (kept.size() + events.size() <= MAX_BACKLOG) {
                        kept.addAll(events);
                    } else {
                        kept.clear();
                        kept.add(null); // overflow marker: does not follow on
                    }
                    return;
                }
                if (followsOn(events)) {
                    emit(events);
                    return;
                }
            }
            catchUp();
        }

        /** True if the events continue this subscriber's sequence (or are all old news). */
        private boolean followsOn(List<RunEvent> events) {
            if (events.isEmpty()) {
                return true;
            }
            if (events.get(0) == null) {
                return false;
            }
            return events.get(0).id() <= last + 1 || events.get(events.size() - 1).id() <= last;
        }

        /**
         * Delivers the events after its position; true once end_json went out (the stream is complete). When all
         * of them are new, which is the rule for live events, the shared list itself goes to the sink.
         */
        private boolean emit(List<RunEvent> events) {
            if (closed) {
                return true;
            }
            int from = 0;
            int to = events.size();
            boolean ended = false;
            synchronized (this) {
                while (from < to && events.get(from).id() <= last) {
                    from++;
                }
                for (int i = from; i < to; i++) {
                    if (events.get(i).isEnd()) {
                        to = i + 1;
                        ended = true;
                        break;
                    }
                }
                if (from < to) {
                    last = events.get(to - 1).id();
                    // within the lock: a catch-up and a live delivery on two threads still write in order
                    sink.deliver(from == 0 && to == events.size() ? events : events.subList(from, to));
                }
            }
            if (ended) {
                sink.complete();
            }
            return ended;
        }
    }
}

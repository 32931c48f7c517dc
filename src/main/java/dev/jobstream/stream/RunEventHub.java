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

/**
 * Live events of runs for this replica's subscribers, wherever the runs execute. Engines store events and send one
 * NOTIFY per flush; on each notification (and after the LISTEN connection comes back) each run that has
 * subscribers here reads its new events once, from {@code job_run_events}, and hands the same event objects to all
 * its subscribers.
 * <p>
 * A subscriber first catches up on its own (stored events after its Last-Event-ID), then takes the shared live
 * events; whenever it sees a gap it catches up from the table again. So every subscriber gets every event once,
 * in order, also across lost notifications; a stream ends after {@code end_json}.
 */
@Singleton
public class RunEventHub {

    /** Channel on which engines announce stored events (see the engine's flush). */
    public static final String EVENTS_CHANNEL = "jobstream_events";
    private static final Logger LOG = Logger.getLogger(RunEventHub.class);
    private static final int PAGE = 500;
    /** Events buffered for a slow subscriber before its stream is ended (it resumes with Last-Event-ID). */
    static final int MAX_BACKLOG = 1000;

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

    /** Delivers the run's events after sequence number {@code after} to {@code sink}; the Runnable unsubscribes. */
    public Runnable subscribe(UUID runId, int after, Sink sink) {
        Subscriber subscriber = new Subscriber(after, sink);
        Group group = groups.compute(runId, (id, existing) -> {
            Group joined = existing == null ? new Group(id) : existing;
            joined.subscribers.add(subscriber);
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
            Runnable unsubscribe = subscribe(runId, after, new Sink() {
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

    /** The subscribers of one run, and the one read of new events they share. */
    private final class Group {

        private final UUID runId;
        private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
        // guarded by this
        private int fetched = -1;
        private boolean pulling;
        private boolean again;

        Group(UUID runId) {
            this.runId = runId;
        }

        void leave(Subscriber subscriber) {
            groups.computeIfPresent(runId, (id, group) -> {
                group.subscribers.remove(subscriber);
                return group.subscribers.isEmpty() ? null : group;
            });
        }

        /** A subscriber is live from {@code seq} on: the shared reads start no earlier than that. */
        synchronized void liveFrom(int seq) {
            fetched = Math.max(fetched, seq);
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
            store.after(runId, after, PAGE).subscribe().with(events -> {
                boolean more;
                synchronized (this) {
                    if (!events.isEmpty()) {
                        fetched = Math.max(fetched, events.get(events.size() - 1).id());
                    }
                    pulling = false;
                    more = again || events.size() == PAGE;
                }
                for (Subscriber subscriber : subscribers) {
                    subscriber.live(events);
                }
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
            store.after(group.runId, after, PAGE).subscribe().with(events -> {
                if (emit(events)) {
                    return;
                }
                boolean again;
                int position;
                synchronized (this) {
                    again = events.size() == PAGE || !followsOn(kept);
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
                } else {
                    group.liveFrom(position);
                    group.pull();
                }
            }, sink::fail);
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

        /** Delivers the events after its position; true once end_json went out (the stream is complete). */
        private boolean emit(List<RunEvent> events) {
            if (closed) {
                return true;
            }
            List<RunEvent> fresh = new ArrayList<>(events.size());
            boolean ended = false;
            synchronized (this) {
                for (RunEvent event : events) {
                    if (event.id() <= last) {
                        continue;
                    }
                    last = event.id();
                    fresh.add(event);
                    if (event.isEnd()) {
                        ended = true;
                        break;
                    }
                }
            }
            if (!fresh.isEmpty()) {
                sink.deliver(fresh);
            }
            if (ended) {
                sink.complete();
            }
            return ended;
        }
    }
}

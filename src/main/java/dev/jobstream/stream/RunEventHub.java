package dev.jobstream.stream;

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
import io.smallrye.mutiny.subscription.MultiEmitter;

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

    /** The run's events after sequence number {@code after}: stored ones first, then live ones, until end_json. */
    public Multi<RunEvent> events(UUID runId, int after) {
        return Multi.createFrom().<RunEvent>emitter(emitter -> {
            Subscriber subscriber = new Subscriber(after, emitter);
            Group group = groups.compute(runId, (id, existing) -> {
                Group joined = existing == null ? new Group(id) : existing;
                joined.subscribers.add(subscriber);
                return joined;
            });
            subscriber.group = group;
            emitter.onTermination(() -> group.leave(subscriber));
            subscriber.catchUp();
        }).onOverflow().buffer(MAX_BACKLOG);
    }

    /** Number of open subscriptions on this replica. */
    public int subscribers() {
        return groups.values().stream().mapToInt(g -> g.subscribers.size()).sum();
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

        private final MultiEmitter<? super RunEvent> emitter;
        private Group group;
        // guarded by this
        private int last;
        private boolean catchingUp;
        private boolean missed;

        Subscriber(int after, MultiEmitter<? super RunEvent> emitter) {
            this.last = after;
            this.emitter = emitter;
        }

        /** Reads stored events after its position until there are none left, then goes live. */
        void catchUp() {
            int after;
            synchronized (this) {
                catchingUp = true;
                missed = false;
                after = last;
            }
            store.after(group.runId, after, PAGE).subscribe().with(events -> {
                boolean done = emit(events);
                if (done) {
                    return;
                }
                boolean again;
                int position;
                synchronized (this) {
                    again = missed || events.size() == PAGE;
                    catchingUp = again;
                    position = last;
                }
                if (again) {
                    catchUp();
                } else {
                    group.liveFrom(position);
                    group.pull();
                }
            }, failure -> emitter.fail(failure));
        }

        /** Shared events: taken when they follow on; a gap means this subscriber catches up from the table. */
        void live(List<RunEvent> events) {
            boolean gap = false;
            synchronized (this) {
                if (catchingUp) {
                    missed |= !events.isEmpty();
                    return;
                }
                if (!events.isEmpty() && events.get(0).id() > last + 1 && events.get(events.size() - 1).id() > last) {
                    gap = true;
                }
            }
            if (gap) {
                catchUp();
            } else {
                emit(events);
            }
        }

        /** Emits the events after its position; true once end_json went out (the stream is complete). */
        private boolean emit(List<RunEvent> events) {
            for (RunEvent event : events) {
                synchronized (this) {
                    if (event.id() <= last) {
                        continue;
                    }
                    last = event.id();
                }
                if (emitter.isCancelled()) {
                    return true;
                }
                emitter.emit(event);
                if (event.isEnd()) {
                    emitter.complete();
                    return true;
                }
            }
            return false;
        }
    }
}

package dev.jobstream.stream;

import java.util.List;
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
 * NOTIFY per flush; on each notification (and after the LISTEN connection comes back) every subscription reads
 * the events after the last one it delivered from {@code job_run_events}. So a subscriber sees every event once,
 * in order, with no gap, also across lost notifications; a stream ends after {@code end_json}.
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
    private final Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();

    RunEventHub(RunEventStore store, Notifications notifications) {
        this.store = store;
        this.notifications = notifications;
    }

    void start(@Observes StartupEvent event) {
        notifications.listen(EVENTS_CHANNEL, payload -> storedEventsChanged());
    }

    private void storedEventsChanged() {
        subscriptions.forEach(Subscription::pull);
    }

    /** The run's events after sequence number {@code after}: stored ones first, then live ones, until end_json. */
    public Multi<RunEvent> events(UUID runId, int after) {
        return Multi.createFrom().<RunEvent>emitter(emitter -> {
            Subscription subscription = new Subscription(runId, after, emitter);
            subscriptions.add(subscription);
            emitter.onTermination(() -> subscriptions.remove(subscription));
            subscription.pull();
        }).onOverflow().buffer(MAX_BACKLOG);
    }

    /** Number of open subscriptions on this replica. */
    public int subscribers() {
        return subscriptions.size();
    }

    private final class Subscription {

        private final UUID runId;
        private final MultiEmitter<? super RunEvent> emitter;
        private volatile int last;
        // guarded by this
        private boolean pulling;
        private boolean again;

        Subscription(UUID runId, int after, MultiEmitter<? super RunEvent> emitter) {
            this.runId = runId;
            this.last = after;
            this.emitter = emitter;
        }

        void pull() {
            synchronized (this) {
                if (pulling) {
                    again = true;
                    return;
                }
                pulling = true;
                again = false;
            }
            store.after(runId, last, PAGE).subscribe().with(this::deliver, failure -> {
                LOG.debugf("Reading events of %s failed (next notification retries): %s", runId, failure.getMessage());
                synchronized (this) {
                    pulling = false;
                }
            });
        }

        private void deliver(List<RunEvent> events) {
            for (RunEvent event : events) {
                if (emitter.isCancelled()) {
                    return;
                }
                last = event.id();
                emitter.emit(event);
                if ("end_json".equals(event.event())) {
                    emitter.complete();
                    return;
                }
            }
            boolean more;
            synchronized (this) {
                pulling = false;
                more = again || events.size() == PAGE;
            }
            if (more) {
                pull();
            }
        }
    }
}

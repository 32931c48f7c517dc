package dev.jobstream.stream;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import dev.jobstream.pg.Channels;
import dev.jobstream.pg.Notifications;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;

/**
 * Live events of runs for this replica's subscribers, wherever the runs execute. Claims, flushes and reports send
 * one NOTIFY per statement, naming the runs; on each notification each run it names that has subscribers here (every
 * such run, after the LISTEN connection comes back) reads its new events once ({@link RunEventStore}: stored, and
 * read from the run's row) and hands the same event objects to all its subscribers.
 * <p>
 * A subscriber first catches up on its own (the events after its Last-Event-ID), then takes the shared live
 * events; whenever it sees a gap it catches up again. So every subscriber gets every event once, in order, also
 * across lost notifications; a stream ends after {@code end_json}. A catch-up reads the table only when the run's
 * last {@link RunEventGroup#RECENT} events, kept in memory while it has subscribers, do not reach back far enough: joining a
 * stream near its end, the common case with thousands of subscribers, costs no query. Live events are handed to
 * each event loop once per read, and the loop writes them to its own connections.
 */
@Singleton
public class RunEventHub {

    /** Events buffered for a slow subscriber before its stream is ended (it resumes with Last-Event-ID). */
    public static final int MAX_BACKLOG = 1000;

    private final RunEventStore store;
    private final Notifications notifications;
    private final Map<UUID, RunEventGroup> groups = new ConcurrentHashMap<>();

    RunEventHub(RunEventStore store, Notifications notifications) {
        this.store = store;
        this.notifications = notifications;
    }

    void start(@Observes StartupEvent event) {
        notifications.listen(Channels.EVENTS, this::notified);
    }

    /**
     * A notification of stored events: the runs it names read them, if they have subscribers here; every run does for
     * one that names none (too many runs to name) and after a reconnect ({@code null}), when any may have been missed.
     */
    void notified(String payload) {
        if (payload == null || payload.isEmpty()) {
            groups.values().forEach(RunEventGroup::pull);
            return;
        }
        for (String id : payload.split(",")) {
            RunEventGroup group;
            try {
                group = groups.get(UUID.fromString(id));
            } catch (IllegalArgumentException e) {
                continue; // not a run id: nothing of this replica's
            }
            if (group != null) {
                group.pull();
            }
        }
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

    /** Up to {@code limit} events of the run after sequence number {@code after}, in order. */
    public Uni<List<RunEvent>> stored(UUID runId, int after, int limit) {
        return store.after(runId, after, limit);
    }

    /**
     * Delivers the run's events after sequence number {@code after} to {@code sink}; the Runnable unsubscribes.
     * Live events reach the sink on {@code context} (the event loop of the subscriber's connection, so that its
     * writes need no hand-over), or on the thread that read them when it is null.
     */
    public Runnable subscribe(UUID runId, int after, Context context, Sink sink) {
        RunEventSubscriber subscriber = new RunEventSubscriber(after, sink);
        // joined within compute, so that a group that its last subscriber is leaving is not joined meanwhile
        RunEventGroup group = groups.compute(runId, (id, existing) -> {
            RunEventGroup joined = existing == null ? new RunEventGroup(id, store) : existing;
            joined.join(subscriber, context);
            return joined;
        });
        subscriber.catchUp();
        return () -> leave(group, subscriber);
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

    /** Ends a subscription: the run's group goes when its last subscriber does. */
    private void leave(RunEventGroup group, RunEventSubscriber subscriber) {
        subscriber.close();
        groups.computeIfPresent(group.runId(), (id, existing) -> existing.remove(subscriber) ? null : existing);
    }
}

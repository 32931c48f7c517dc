package dev.jobstream.stream;

import java.util.ArrayList;
import java.util.List;

/**
 * One stream of a run's events: its position, and whether it is catching up on its own or taking the events its
 * group reads for all.
 */
final class RunEventSubscriber {

    private final RunEventHub.Sink sink;
    private RunEventGroup group;
    private Object contextKey;
    private volatile boolean closed;
    // guarded by this
    private int last;
    private boolean catchingUp;
    private List<RunEvent> kept = new ArrayList<>();

    RunEventSubscriber(int after, RunEventHub.Sink sink) {
        this.last = after;
        this.sink = sink;
    }

    /** Set when it joins its group, before it catches up. */
    void joined(RunEventGroup group, Object contextKey) {
        this.group = group;
        this.contextKey = contextKey;
    }

    Object contextKey() {
        return contextKey;
    }

    /** Nothing more goes to the sink. */
    void close() {
        closed = true;
    }

    /**
     * Takes the events after its position — from the run's recent events when they reach back that far, else from
     * the table — then goes live. Shared events that arrive meanwhile are kept (up to
     * {@link RunEventHub#MAX_BACKLOG}) and delivered when they follow on; only a real gap sends it back.
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
            group.read(after).subscribe().with(events -> caughtUp(events, true), sink::fail);
        }
    }

    /**
     * Takes what the catch-up read, then the shared events kept meanwhile if they follow on, and goes live; or reads
     * again. From the table there may be more ({@code fromTable}: a full page) and notifications may have been
     * missed (so the group reads once more); the recent events reach up to the shared position.
     */
    private void caughtUp(List<RunEvent> events, boolean fromTable) {
        if (emit(events)) {
            return;
        }
        boolean again;
        int position;
        synchronized (this) {
            again = fromTable && events.size() == RunEventGroup.PAGE || !followsOn(kept);
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

    /** Shared events: taken when they follow on; a gap sends this subscriber back to catch up. */
    void live(List<RunEvent> events) {
        synchronized (this) {
            if (catchingUp) {
                if (kept.size() + events.size() <= RunEventHub.MAX_BACKLOG) {
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
     * Delivers the events after its position; true once end_json went out (the stream is complete). When all of
     * them are new, which is the rule for live events, the shared list itself goes to the sink.
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

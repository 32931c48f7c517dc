package dev.jobstream.run;

import java.util.List;
import java.util.UUID;

/**
 * What one flush writes for one run that an engine executes: its new events (sequence numbers continue the run's),
 * its latest progress and error log, a state change to {@code paused} or {@code running} with the control request it
 * carried out, and how it ended, if it did. {@code lastSeq} is the run's last sequence number after the flush: an
 * end takes the one after its events (its event is read from the run's row, not stored). Written only while the run
 * is still the engine's (owner and attempt).
 */
public record RunFlush(UUID runId, int attempt, int lastSeq, Long processed, Long total, String errorLog,
        RunStatus state, String acknowledged, End end, List<Event> events) {

    /**
     * This flush with its events, then its end, numbered right after {@code last}, the run's last event as stored
     * now: for an end built from a read of the run that another write (a worker's report) may have moved on since.
     */
    public RunFlush after(int last) {
        List<Event> renumbered = new java.util.ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            Event event = events.get(i);
            renumbered.add(new Event(last + 1 + i, event.event(), event.data()));
        }
        return new RunFlush(runId, attempt, last + events.size() + (end == null ? 0 : 1), processed, total, errorLog,
                state, acknowledged, end, List.copyOf(renumbered));
    }

    /** One event row: its sequence number, name and JSON data. */
    public record Event(int seq, String event, String data) {
    }

    /**
     * How the attempt ended: a terminal state, or {@code queued} — the run comes back as its next attempt in
     * {@code retryInMs} (a failed attempt to be retried; or {@code snoozed}, which allows one attempt more), or, with
     * {@code retryInMs} null, when the runs it waits for have ended (a wait: {@code snoozed} too).
     */
    public record End(RunStatus status, String metrics, String error, String errorCode, long durationMs,
            Long retryInMs, boolean snoozed) {

        public End(RunStatus status, String metrics, String error, String errorCode, long durationMs) {
            this(status, metrics, error, errorCode, durationMs, null, false);
        }

        /** True if the attempt ended as a wait for other runs. */
        public boolean waits() {
            return status == RunStatus.QUEUED && retryInMs == null;
        }
    }
}

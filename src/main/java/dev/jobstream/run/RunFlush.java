package dev.jobstream.run;

import java.util.List;
import java.util.UUID;

/**
 * What one flush writes for one run that an engine executes: its new events (sequence numbers continue the run's),
 * its latest progress and error log, a state change to {@code paused} or {@code running} with the control request it
 * carried out, and how it ended, if it did. Written only while the run is still the engine's (owner and attempt).
 */
public record RunFlush(UUID runId, int attempt, int lastSeq, Long processed, Long total, String errorLog,
        RunStatus state, String acknowledged, End end, List<Event> events) {

    /** One event row: its sequence number, name and JSON data. */
    public record Event(int seq, String event, String data) {
    }

    /**
     * How the attempt ended: a terminal state, or {@code queued} — the run comes back as its next attempt in
     * {@code retryInMs} (a failed attempt to be retried; or {@code snoozed}, which allows one attempt more).
     */
    public record End(RunStatus status, String metrics, String error, String errorCode, long durationMs,
            Long retryInMs, boolean snoozed) {

        public End(RunStatus status, String metrics, String error, String errorCode, long durationMs) {
            this(status, metrics, error, errorCode, durationMs, null, false);
        }
    }
}

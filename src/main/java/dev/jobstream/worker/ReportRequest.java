package dev.jobstream.worker;

import java.util.List;

/**
 * The body of {@code POST /v1/workers/runs/{id}/report}: the lease, the report's number within the claim
 * ({@code seq}, from 1; a report sent again after a lost reply carries the same number and is stored once), the
 * run's events since the last report (at most 100) and, to carry out a pause or resume the last answer asked for,
 * the run's new {@code state} ({@code paused} or {@code running}). An empty report renews the lease.
 */
public record ReportRequest(String lease, Integer seq, List<Event> events, String state) {

    /**
     * One event: {@code log} (level debug, info, warn or error, and message), {@code progress} (processed and total,
     * which also become the run's progress) or {@code error} (an item and a message: an entry of the run's error log,
     * streamed as a log line at level error).
     */
    public record Event(String type, String level, String message, Long processed, Long total, String item) {
    }
}

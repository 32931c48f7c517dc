package dev.jobstream.worker;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;

/**
 * The body of {@code POST /v1/workers/runs/{id}/report}: the lease, the report's number within the claim
 * ({@code seq}, from 1; a report sent again after a lost reply carries the same number and is stored once), the
 * run's events since the last report (at most 100) and, to carry out a pause or resume the last answer asked for,
 * the run's new {@code state} ({@code paused} or {@code running}). An empty report renews the lease.
 */
@Schema(requiredProperties = {"lease", "seq"}, properties = {
        @SchemaProperty(name = "lease", description = "the lease token of the claim"),
        @SchemaProperty(name = "seq", description = "the report's number within the claim, from 1; a report sent "
                + "again with the same number is stored once", minimum = "1"),
        @SchemaProperty(name = "events", maxItems = WorkerService.MAX_EVENTS),
        @SchemaProperty(name = "state", enumeration = {"paused", "running"}, description = "carries out the pause or "
                + "resume the last answer asked for")})
public record ReportRequest(String lease, Integer seq, List<Event> events, String state) {

    /**
     * One event: {@code log} (level debug, info, warn or error, and message), {@code progress} (processed and total,
     * which also become the run's progress) or {@code error} (an item and a message: an entry of the run's error log,
     * streamed as a log line at level error).
     */
    @Schema(name = "ReportRequestEventsInner", requiredProperties = "type", properties = {
            @SchemaProperty(name = "type", enumeration = {"log", "progress", "error"}),
            @SchemaProperty(name = "level", enumeration = {"debug", "info", "warn", "error"}),
            @SchemaProperty(name = "message"),
            @SchemaProperty(name = "processed", minimum = "0"),
            @SchemaProperty(name = "total", minimum = "0")})
    public record Event(String type, String level, String message, Long processed, Long total, String item) {
    }
}

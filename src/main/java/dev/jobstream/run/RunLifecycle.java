package dev.jobstream.run;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

import dev.jobstream.stream.RunEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A run's lifecycle events, read from its row rather than stored: each attempt's {@code start_json} (at the sequence
 * number its claim reserved), the {@code end_json} of an attempt its executor ended, and the {@code state_json} of a
 * requeue (a failed attempt retried, a snooze). The current attempt's are read from the run's columns
 * ({@code start_seq}, {@code end_seq}, status, error, metrics…), the earlier attempts' from their entries in the
 * attempt history. Together with the events a run stores (what its job emitted, interrupts, forced cancels) they
 * number 1 to the run's last sequence number without a gap.
 */
public final class RunLifecycle {

    /** The columns of a run that its lifecycle events are read from. */
    public record Row(UUID id, String job, UUID workspaceId, boolean dryRun, RunStatus status, int attempt,
            int maxAttempts,
            Instant startedAt, Instant finishedAt, Instant updatedAt, Integer startSeq, Integer endSeq,
            JsonObject metrics, String error, String errorCode, Long durationMs, JsonArray attempts) {
    }

    private RunLifecycle() {
    }

    /** The run's lifecycle events numbered above {@code after}, in order. */
    public static List<RunEvent> after(Row run, int after) {
        List<RunEvent> events = new ArrayList<>();
        if (run.attempts() != null) {
            for (Object item : run.attempts()) {
                if (item instanceof JsonObject entry) {
                    history(run, entry, after, events);
                }
            }
        }
        Integer start = run.startSeq();
        if (start != null && start > after) {
            Instant at = run.startedAt() != null ? run.startedAt() : run.updatedAt();
            events.add(start(run, start, run.attempt(), run.maxAttempts(), at));
        }
        Integer end = run.endSeq();
        if (end != null && end > after && run.status().isTerminal()) {
            events.add(end(run.id(), end, run.status().value(), run.error(), run.errorCode(), run.attempt(),
                    run.metrics(), run.durationMs(), run.finishedAt()));
        }
        events.sort(Comparator.comparingInt(RunEvent::id));
        return events;
    }

    /** The events of an attempt that ended before the current one: its start, and its end if its executor wrote it. */
    private static void history(Row run, JsonObject entry, int after, List<RunEvent> events) {
        Integer start = entry.getInteger("start_seq");
        int attempt = entry.getInteger("attempt", 0);
        int maxAttempts = entry.getInteger("max_attempts", run.maxAttempts());
        Instant started = instant(entry.getString("started_at"));
        Instant finished = instant(entry.getString("finished_at"));
        if (start != null && start > after) {
            events.add(start(run, start, attempt, maxAttempts, started != null ? started : finished));
        }
        Integer end = entry.getInteger("end_seq");
        if (end == null || end <= after) {
            return;
        }
        String outcome = entry.getString("outcome");
        if (entry.containsKey("retry_in_ms")) {
            boolean waits = "waiting".equals(outcome);
            boolean snoozed = waits || "snoozed".equals(outcome);
            JsonObject data = new JsonObject()
                    .put("state", RunStatus.QUEUED.value())
                    .put("previous", entry.getString("previous"))
                    .put("reason", waits ? "wait" : snoozed ? "snooze" : "retry")
                    .put("attempt", attempt + 1)
                    .put("ended_attempt", attempt)
                    .put("max_attempts", maxAttempts + (snoozed ? 1 : 0))
                    .put("error", entry.getString("error"))
                    .put("error_code", entry.getString("error_code"))
                    .put("retry_in_ms", entry.getLong("retry_in_ms"))
                    .put("duration_ms", entry.getLong("duration_ms"))
                    .put("ts", String.valueOf(finished));
            events.add(RunEvent.of(run.id(), end, "state_json", data.encode(), finished));
        } else {
            events.add(end(run.id(), end, outcome, entry.getString("error"), entry.getString("error_code"), attempt,
                    entry.getJsonObject("metrics"), entry.getLong("duration_ms"), finished));
        }
    }

    private static RunEvent start(Row run, int seq, int attempt, int maxAttempts, Instant at) {
        JsonObject data = new JsonObject()
                .put("run_id", run.id().toString())
                .put("job", run.job())
                .put("workspace_id", run.workspaceId().toString())
                .put("state", RunStatus.RUNNING.value())
                .put("dry_run", run.dryRun())
                .put("attempt", attempt)
                .put("max_attempts", maxAttempts)
                .put("ts", String.valueOf(at));
        return RunEvent.of(run.id(), seq, "start_json", data.encode(), at);
    }

    private static RunEvent end(UUID id, int seq, String state, String error, String errorCode, int attempt,
            JsonObject metrics, Long durationMs, Instant at) {
        JsonObject data = new JsonObject()
                .put("ok", RunStatus.COMPLETED.value().equals(state))
                .put("state", state)
                .put("cancelled", RunStatus.CANCELLED.value().equals(state))
                .put("error", error)
                .put("error_code", errorCode)
                .put("attempt", attempt)
                .put("metrics", metrics == null ? new JsonObject() : metrics)
                .put("duration_ms", durationMs)
                .put("ts", String.valueOf(at));
        return RunEvent.of(id, seq, "end_json", data.encode(), at);
    }

    /**
     * The first {@code limit} of the stored and the derived events, in order of sequence number: the stored ones are
     * the first {@code limit} after the same position, so none that belongs in the page is missing.
     */
    public static List<RunEvent> merge(List<RunEvent> stored, List<RunEvent> derived, int limit) {
        List<RunEvent> merged = new ArrayList<>(Math.min(limit, stored.size() + derived.size()));
        int s = 0;
        int d = 0;
        while (merged.size() < limit && (s < stored.size() || d < derived.size())) {
            if (d >= derived.size() || (s < stored.size() && stored.get(s).id() <= derived.get(d).id())) {
                RunEvent event = stored.get(s++);
                if (d < derived.size() && derived.get(d).id() == event.id()) {
                    d++; // stored before lifecycle events were derived: the stored one stands
                }
                merged.add(event);
            } else {
                merged.add(derived.get(d++));
            }
        }
        return merged;
    }

    /** A timestamp of the history (jsonb's text of a timestamptz); null for none. */
    private static Instant instant(String text) {
        return text == null ? null : OffsetDateTime.parse(text).toInstant();
    }
}

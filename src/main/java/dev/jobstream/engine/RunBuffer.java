package dev.jobstream.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.jobstream.run.Run;
import dev.jobstream.run.RunFlush;
import dev.jobstream.run.RunStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What an engine has to store and has not stored yet: events with their sequence numbers, the latest progress,
 * the error log, a state change and the end. The {@link RunWriter} drains it at each flush and gives it back if the
 * flush failed.
 */
final class RunBuffer {

    /** Entries kept in a run's error_log. */
    static final int MAX_ERROR_LOG = 100;

    private final Run run;
    private final int maxEvents;

    // guarded by this
    private int seq;
    private List<RunFlush.Event> events = new ArrayList<>();
    private Long processed;
    private Long total;
    private final JsonArray errorLog = new JsonArray();
    private boolean errorLogChanged;
    private RunStatus stateToWrite;
    private String acknowledged;
    private RunFlush.End end;
    private boolean truncated;
    private String interrupt;

    RunBuffer(Run run, int maxEvents) {
        this.run = run;
        this.maxEvents = maxEvents;
        this.seq = run.lastSeq();
        this.truncated = run.lastSeq() >= maxEvents;
    }

    /**
     * Adds an event with the next sequence number. A run stores at most {@code maxEvents} events: the last of them
     * is a notice that later ones are dropped; the end always follows it.
     */
    synchronized void add(String event, JsonObject data) {
        if (seq >= maxEvents - 1) {
            if (truncated) {
                return;
            }
            truncated = true;
            event = "log";
            data = new JsonObject().put("level", "warn").put("truncated", true).put("message",
                    "Event limit of " + maxEvents + " reached: further events of this run are not stored");
        }
        data.put("ts", Instant.now().toString());
        events.add(new RunFlush.Event(++seq, event, data.encode()));
    }

    synchronized void progress(long processed, Long total, JsonObject data) {
        this.processed = processed;
        this.total = total;
        add("progress_json", data);
    }

    /** Adds an error_log entry; false once the log holds {@link #MAX_ERROR_LOG} entries. */
    synchronized boolean recordError(JsonObject entry) {
        if (errorLog.size() >= MAX_ERROR_LOG) {
            return false;
        }
        errorLog.add(entry);
        errorLogChanged = true;
        return true;
    }

    /** A state change (paused, running) that carries out the control request {@code request}. */
    synchronized void state(RunStatus next, RunStatus previous, String request) {
        add("state_json", new JsonObject().put("state", next.value()).put("previous", previous.value()));
        stateToWrite = next;
        acknowledged = request;
    }

    /**
     * The attempt's end. It takes the next sequence number, past the event limit too: its event ({@code end_json},
     * or {@code state_json} for a requeue) is read from the run's row, not stored.
     */
    synchronized void end(RunFlush.End end) {
        this.end = end;
        seq++;
    }

    /**
     * The engine stopped before the job ended (shutdown, lost lock, pause held too long): once what it has is
     * flushed, its attempt is interrupted with {@code reason}, and the database decides what the run becomes.
     */
    synchronized void interrupt(String reason) {
        if (interrupt == null) {
            interrupt = reason;
        }
    }

    /** Why the attempt is to be interrupted; null while the job runs or once it ended by itself. */
    synchronized String interrupt() {
        return interrupt;
    }

    /** Takes what changed since the last flush. */
    synchronized RunFlush drain() {
        RunFlush pending = new RunFlush(run.id(), run.attempt(), seq, processed, total,
                errorLogChanged ? errorLog.encode() : null, stateToWrite, acknowledged, end, events);
        events = new ArrayList<>();
        errorLogChanged = false;
        stateToWrite = null;
        acknowledged = null;
        return pending;
    }

    /** A failed flush gives its changes back, ahead of newer ones, to be written by the next flush. */
    synchronized void restore(RunFlush pending) {
        List<RunFlush.Event> merged = new ArrayList<>(pending.events());
        merged.addAll(events);
        events = merged;
        if (pending.errorLog() != null) {
            errorLogChanged = true;
        }
        if (stateToWrite == null && pending.state() != null) {
            stateToWrite = pending.state();
            acknowledged = pending.acknowledged();
        }
    }
}

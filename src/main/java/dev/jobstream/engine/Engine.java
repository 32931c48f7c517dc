package dev.jobstream.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

import dev.jobstream.run.Run;
import dev.jobstream.run.RunStatus;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * The executor of one run on this replica. It is the job's {@link JobContext}: what the job reports is buffered here
 * as events and handed to the {@link RunWriter}, which stores many engines' buffers in one statement.
 */
public final class Engine implements JobContext {

    /** Longest error text stored on a run. */
    static final int MAX_ERROR_LENGTH = 1000;
    /** Entries kept in a run's error_log. */
    static final int MAX_ERROR_LOG = 100;

    public enum State {
        RUNNING, STOPPING, STOPPED
    }

    /** One event row to insert. */
    public record EventRow(int seq, String event, String data) {
    }

    /** How the run ended. */
    public record End(RunStatus status, String metrics, String error, String errorCode, long durationMs) {
    }

    /**
     * What a flush takes from this engine: the events since the last flush, the latest run values, a state change
     * to paused or running (with the control request it carried out), and the end if the run ended.
     */
    public record Pending(UUID runId, int attempt, int lastSeq, Long processed, Long total, String errorLog,
            RunStatus state, String acknowledged, End end, List<EventRow> events) {
    }

    /** Thrown at a checkpoint when the run must stop (its lock or row now belongs elsewhere). */
    static final class RunStopped extends RuntimeException {
        RunStopped(String message) {
            super(message, null, false, false);
        }
    }

    /** Thrown at a checkpoint when the run was asked to cancel; the run ends {@code cancelled}. */
    static final class RunCancelled extends RuntimeException {
        RunCancelled() {
            super("cancelled", null, false, false);
        }
    }

    private static final Object KILLED = new Object();

    private record Failed(Throwable failure) {
    }

    private final Run run;
    private final JobHandler handler;
    private final JsonObject params;
    private final Pool pool;
    private final RunWriter writer;
    private final Long lockKey;
    private final Instant startedAt = Instant.now();
    private final long startNanos = System.nanoTime();
    private final CompletableFuture<Boolean> endWritten = new CompletableFuture<>();
    private final int maxEvents;

    // guarded by this
    private int seq;
    private List<EventRow> events = new ArrayList<>();
    private Long processed;
    private Long total;
    private final JsonArray errorLog = new JsonArray();
    private boolean errorLogChanged;
    private End end;
    private boolean truncated;
    private RunStatus state = RunStatus.RUNNING;
    private RunStatus stateToWrite;
    private String acknowledged;
    private String requested;
    private CompletableFuture<String> wake;

    private volatile State lifecycle = State.RUNNING;
    private final CompletableFuture<Void> killed = new CompletableFuture<>();
    private volatile boolean lost;
    private volatile Instant stoppedAt;

    Engine(Run run, JobHandler handler, Pool pool, RunWriter writer, Long lockKey, int maxEvents) {
        this.run = run;
        this.maxEvents = maxEvents;
        this.truncated = run.lastSeq() >= maxEvents;
        this.handler = handler;
        this.params = new JsonObject(run.params());
        this.pool = pool;
        this.writer = writer;
        this.lockKey = lockKey;
        this.seq = run.lastSeq();
    }

    /**
     * Executes the job: a start event, the job, an end event. The Uni completes when the end is stored, with false
     * if the run was lost meanwhile. The engine's slot (and its lock) stay taken until then, which bounds the runs a
     * replica holds, and the advisory locks it holds, by {@code jobstream.engines.max}.
     */
    Uni<Boolean> execute() {
        emit("start_json", new JsonObject()
                .put("run_id", run.id().toString())
                .put("job", run.job())
                .put("workspace_id", run.workspaceId().toString())
                .put("state", "running")
                .put("dry_run", run.dryRun())
                .put("attempt", run.attempt()));
        Uni<Map<String, Object>> work;
        try {
            work = handler.run(this);
        } catch (RuntimeException e) {
            work = Uni.createFrom().failure(e);
        }
        // a kill (force-cancel, lost run) wins the race and cancels the job's subscription
        // (any() waits for an item, so the job's failure travels as an item too)
        Uni<Object> raced = Uni.combine().any().of(
                work.map(metrics -> (Object) metrics).onFailure().recoverWithItem(Failed::new),
                Uni.createFrom().completionStage(killed).map(v -> KILLED));
        return raced.flatMap(item -> {
            lifecycle = State.STOPPING;
            if (item == KILLED || killed.isDone()) {
                stopped(false);
            } else if (item instanceof Failed failed) {
                end(null, failed.failure());
            } else {
                @SuppressWarnings("unchecked")
                Map<String, Object> metrics = (Map<String, Object>) item;
                end(metrics, null);
            }
            return Uni.createFrom().completionStage(endWritten);
        });
    }

    private void end(Map<String, Object> metrics, Throwable failure) {
        long duration = (System.nanoTime() - startNanos) / 1_000_000;
        JsonObject metricsJson = metrics == null ? new JsonObject() : new JsonObject(metrics);
        boolean cancelled = failure instanceof RunCancelled;
        RunStatus status = failure == null
                ? RunStatus.COMPLETED
                : cancelled ? RunStatus.CANCELLED : RunStatus.FAILED;
        String error = failure == null || cancelled ? null : errorText(failure);
        String errorCode = failure == null || cancelled ? null : "job_failed";
        JsonObject data = new JsonObject()
                .put("ok", failure == null)
                .put("state", status.value())
                .put("cancelled", cancelled)
                .put("error", error)
                .put("metrics", metricsJson)
                .put("duration_ms", duration);
        synchronized (this) {
            end = new End(status, metricsJson.encode(), error, errorCode, duration);
            append("end_json", data);
        }
        writer.changed(this);
    }

    static String errorText(Throwable failure) {
        String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        return message.length() <= MAX_ERROR_LENGTH ? message : message.substring(0, MAX_ERROR_LENGTH);
    }

    private void emit(String event, JsonObject data) {
        synchronized (this) {
            append(event, data);
        }
        writer.changed(this);
    }

    /**
     * Adds an event with the next sequence number. A run stores at most {@code maxEvents} events: the last of them
     * is a notice that later ones are dropped, and the end event is always stored after it.
     */
    private void append(String event, JsonObject data) {
        if (!"end_json".equals(event) && seq >= maxEvents - 1) {
            if (truncated) {
                return;
            }
            truncated = true;
            event = "log";
            data = new JsonObject().put("level", "warn").put("truncated", true).put("message",
                    "Event limit of " + maxEvents + " reached: further events of this run are not stored");
        }
        data.put("ts", Instant.now().toString());
        events.add(new EventRow(++seq, event, data.encode()));
    }

    /** Takes what changed since the last flush. */
    synchronized Pending drain() {
        Pending pending = new Pending(run.id(), run.attempt(), seq, processed, total,
                errorLogChanged ? errorLog.encode() : null, stateToWrite, acknowledged, end, events);
        events = new ArrayList<>();
        errorLogChanged = false;
        stateToWrite = null;
        acknowledged = null;
        return pending;
    }

    /** A failed flush gives its events back, ahead of newer ones, to be written by the next flush. */
    synchronized void restore(Pending pending) {
        List<EventRow> merged = new ArrayList<>(pending.events());
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

    /** The outcome of a flush that held this engine's pending changes. */
    void flushed(Pending pending, boolean written) {
        if (!written) {
            lost = true;
        }
        if (!written) {
            kill();
        }
        if (pending.end() != null) {
            stopped(written);
        }
    }

    private void stopped(boolean written) {
        lifecycle = State.STOPPED;
        stoppedAt = Instant.now();
        endWritten.complete(written);
    }

    // ---- JobContext ----

    @Override
    public UUID runId() {
        return run.id();
    }

    @Override
    public UUID workspaceId() {
        return run.workspaceId();
    }

    @Override
    public JsonObject params() {
        return params;
    }

    @Override
    public boolean dryRun() {
        return run.dryRun();
    }

    @Override
    public String correlationId() {
        return run.correlationId();
    }

    @Override
    public int attempt() {
        return run.attempt();
    }

    @Override
    public void log(String level, String message) {
        emit("log", new JsonObject().put("level", level).put("message", message));
    }

    @Override
    public void progress(long processed, Long total) {
        JsonObject data = new JsonObject().put("processed", processed).put("total", total)
                .put("percent", total == null || total == 0 ? null : Math.min(100, processed * 100 / total));
        synchronized (this) {
            this.processed = processed;
            this.total = total;
            append("progress_json", data);
        }
        writer.changed(this);
    }

    @Override
    public void recordError(String item, String message) {
        synchronized (this) {
            if (errorLog.size() >= MAX_ERROR_LOG) {
                return;
            }
            errorLog.add(
                    new JsonObject().put("item", item).put("message", message).put("ts", Instant.now().toString()));
            errorLogChanged = true;
        }
        writer.changed(this);
    }

    @Override
    public Uni<Void> checkpoint() {
        if (lost) {
            return Uni.createFrom().failure(new RunStopped("Run " + run.id() + " is no longer owned by this replica"));
        }
        CompletableFuture<String> waiting;
        synchronized (this) {
            if ("cancel".equals(requested)) {
                return Uni.createFrom().failure(new RunCancelled());
            }
            if (!"pause".equals(requested)) {
                return Uni.createFrom().voidItem();
            }
            requested = null;
            changeState(RunStatus.PAUSED, "pause");
            waiting = new CompletableFuture<>();
            wake = waiting;
        }
        writer.changed(this);
        return Uni.createFrom().completionStage(waiting).flatMap(this::afterPause);
    }

    /** Leaves the pause: resumed, cancelled, or stopped because the run was lost. */
    private Uni<Void> afterPause(String signal) {
        if ("cancel".equals(signal)) {
            return Uni.createFrom().failure(new RunCancelled());
        }
        if (lost) {
            return Uni.createFrom().failure(new RunStopped("Run " + run.id() + " is no longer owned by this replica"));
        }
        synchronized (this) {
            changeState(RunStatus.RUNNING, "resume");
        }
        writer.changed(this);
        return Uni.createFrom().voidItem();
    }

    private void changeState(RunStatus next, String request) {
        append("state_json", new JsonObject().put("state", next.value()).put("previous", state.value()));
        state = next;
        stateToWrite = next;
        acknowledged = request;
    }

    /**
     * The control request stored on the run now (null for none). A pause is taken at the next checkpoint; a paused
     * engine wakes for resume or cancel.
     */
    void controlRequested(String request) {
        CompletableFuture<String> toWake = null;
        synchronized (this) {
            if (state == RunStatus.PAUSED) {
                if ("resume".equals(request) || "cancel".equals(request)) {
                    toWake = wake;
                    wake = null;
                }
            } else if (!"resume".equals(request)) {
                requested = request;
            }
        }
        if (toWake != null) {
            toWake.complete(request);
        }
    }

    /** The run was ended elsewhere (force-cancel) or lost: stop now, write nothing more, free the slot. */
    void kill() {
        fence();
        killed.complete(null);
    }

    @Override
    public Pool db() {
        return pool;
    }

    @Override
    public <T> Uni<T> blocking(Callable<T> work) {
        return Uni.createFrom().item(() -> {
            try {
                return work.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    // ---- registry view ----

    public Run run() {
        return run;
    }

    public State state() {
        return lifecycle;
    }

    /** running or paused, as this engine last set it. */
    public synchronized RunStatus runState() {
        return state;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public Instant stoppedAt() {
        return stoppedAt;
    }

    Long lockKey() {
        return lockKey;
    }

    /** The engine's lock is gone: the job stops at its next checkpoint and nothing more is written for it. */
    void fence() {
        lost = true;
        CompletableFuture<String> toWake;
        synchronized (this) {
            toWake = wake;
            wake = null;
        }
        if (toWake != null) {
            toWake.complete("stop");
        }
    }
}

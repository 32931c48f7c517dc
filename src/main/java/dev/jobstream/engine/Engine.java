package dev.jobstream.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

import dev.jobstream.attempt.AttemptEnd;
import dev.jobstream.attempt.AttemptSpan;
import dev.jobstream.attempt.Storable;
import dev.jobstream.concurrent.Timer;
import dev.jobstream.run.Control;
import dev.jobstream.run.Run;
import dev.jobstream.run.RunFlush;
import dev.jobstream.run.RunStatus;
import dev.jobstream.run.service.FlowService;
import dev.jobstream.spi.Dependency;
import dev.jobstream.spi.FencingToken;
import dev.jobstream.spi.JobContext;
import dev.jobstream.spi.JobHandler;
import dev.jobstream.spi.Wait;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Scope;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.json.JsonObject;

/**
 * The executor of one run on this replica. It is the job's {@link JobContext}: what the job reports goes into its
 * {@link RunBuffer}, which the {@link RunWriter} stores with many engines' buffers in one statement; control
 * requests (pause, resume, cancel, kill) take effect here, at the job's checkpoints.
 */
public final class Engine implements JobContext {

    public enum State {
        RUNNING, STOPPING, STOPPED
    }

    /**
     * Thrown at a checkpoint when the engine must stop before the job ends: the replica shuts down, or the run is no
     * longer this engine's (fencing). The run goes back to the queue, if it is still this engine's.
     */
    static final class RunStopped extends RuntimeException {
        final String reason;

        RunStopped(String reason) {
            super("Run stopped: " + reason, null, false, false);
            this.reason = reason;
        }
    }

    /** Why an engine stops before its job ends. */
    static final String SHUTDOWN = "shutdown";
    /** The run is no longer this engine's (force-cancelled, or taken elsewhere after its lease ran out). */
    static final String LOST = "lost";
    /** The run stayed paused longer than {@code jobstream.engines.pause-hold}: it is parked, its engine freed. */
    static final String PAUSE_HOLD = "pause_hold";

    /**
     * Thrown at a checkpoint once the attempt ran past its timeout, and raced in when it reached no checkpoint within
     * the grace after it: the attempt fails with {@code error_code "timeout"}.
     */
    static final class RunTimedOut extends RuntimeException {
        RunTimedOut(long timeoutMs, boolean abandoned) {
            super("Timed out after " + timeoutMs + " ms" + (abandoned
                    ? " and reached no checkpoint within the grace period: abandoned"
                    : ""), null, false, false);
        }
    }

    /**
     * What bounds an engine: events stored per run, how long a pause holds its slot, the lease a heartbeat gives, how
     * long a job past its timeout may take to reach a checkpoint, and the longest snooze.
     */
    record Limits(int maxEvents, Duration pauseHold, Duration lease, Duration timeoutGrace, Duration maxSnooze) {
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
    private final RunWriter writer;
    private final Instant startedAt = Instant.now();
    private final long startNanos = System.nanoTime();
    private final CompletableFuture<Boolean> endWritten = new CompletableFuture<>();
    /** Told before {@link #ended()} completes, so that whoever waits for the end sees it counted. */
    private volatile Runnable onStopped = () -> {
    };
    /** Completed when the job's code no longer executes: its end, or its interruption, is left to store. */
    private final CompletableFuture<Void> jobEnded = new CompletableFuture<>();
    private final RunBuffer buffer;
    private final Timer timer;
    private final Limits limits;
    private final long leaseMillis;
    /** Completed with a {@link Failed} when the job ran past its timeout and its grace: it is abandoned. */
    private final CompletableFuture<Object> abandoned = new CompletableFuture<>();
    private volatile boolean timedOut;
    /** Cancels the timeout's timers once the attempt ended (a long timeout must not hold an ended engine). */
    private volatile Timer.Cancel[] timeoutTimers = new Timer.Cancel[0];
    /** The time ({@link Timer#now()}) after which the run may be taken elsewhere: the job then holds. */
    private volatile long leaseUntil;
    // guarded by this: completed when the lease is renewed, or the engine must stop
    private CompletableFuture<Void> leaseWait;
    private Instant haltedAt;

    // guarded by this
    private RunStatus state = RunStatus.RUNNING;
    private Control requested;
    private CompletableFuture<Control> wake;

    private volatile State lifecycle = State.RUNNING;
    private final CompletableFuture<Void> killed = new CompletableFuture<>();
    /** Set when the engine must stop at its next checkpoint: {@link #SHUTDOWN} or {@link #LOST}. */
    private volatile String stopReason;
    private volatile RunStatus outcome;
    private volatile Instant stoppedAt;
    /** The attempt's span: current while the job's code runs, ended when the engine stops. */
    private final AttemptSpan span;
    /** The end this engine stored, for its span; null until then, and for an interrupted or lost attempt. */
    private volatile RunFlush.End storedEnd;

    /** What the run does in a flow (children, waits); null where there is none (unit tests). */
    private final FlowService flows;
    /** This replica: the owner of the run while the engine holds it. */
    private final String owner;

    Engine(Run run, JobHandler handler, RunWriter writer, Timer timer, Limits limits, AttemptSpan span,
            FlowService flows, String owner) {
        this.flows = flows;
        this.owner = owner;
        this.span = span;
        this.timer = timer;
        this.limits = limits;
        this.leaseMillis = limits.lease().toMillis();
        this.leaseUntil = timer.now() + leaseMillis; // the claim was a heartbeat
        this.run = run;
        this.buffer = new RunBuffer(run, limits.maxEvents());
        this.handler = handler;
        this.params = new JsonObject(run.params());
        this.writer = writer;
    }

    /**
     * Executes the job, then stores its end. (The attempt's start event is the claim's, its end event the end's: both
     * are read from the run's row.) The Uni completes when the end is stored, with false if the run was lost
     * meanwhile; {@link #jobEnded()} completes before that, as soon as the job's code is done.
     */
    Uni<Boolean> execute() {
        if (run.timeoutMs() != null) {
            watchTimeout(run.timeoutMs());
        }
        // the first of the job's end, a kill (force-cancel, lost run) and its abandonment (past the timeout's grace);
        // a kill or an abandonment cancels the job's subscription. (Not Uni.combine().any(): it cancels the losers,
        // and cancelling a Uni of a future builds a CancellationException, with its stack, for every run.)
        CompletableFuture<Object> first = new CompletableFuture<>();
        Cancellable job;
        // the attempt's span is current while the job's code runs here (and in context.blocking(…)): its log lines
        // and the spans of what it calls belong to the attempt
        try (Scope current = span.makeCurrent()) {
            Uni<Map<String, Object>> work;
            try {
                work = handler.run(this);
            } catch (RuntimeException e) {
                work = Uni.createFrom().failure(e);
            }
            job = work.subscribe().with(metrics -> first.complete(metrics),
                    failure -> first.complete(new Failed(failure)));
        }
        killed.thenRun(() -> {
            if (first.complete(KILLED)) {
                job.cancel();
            }
        });
        abandoned.thenAccept(item -> {
            if (first.complete(item)) {
                job.cancel();
            }
        });
        return Uni.createFrom().completionStage(first).flatMap(item -> {
            lifecycle = State.STOPPING;
            jobEnded.complete(null);
            for (Timer.Cancel timeout : timeoutTimers) {
                timeout.cancel();
            }
            if (item == KILLED || killed.isDone()) {
                stopped(false);
            } else if (item instanceof Failed failed && failed.failure() instanceof RunStopped stop) {
                buffer.interrupt(stop.reason);
                writer.changed(this);
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

    /**
     * The attempt ended by itself: completed, cancelled, failed or snoozed. What the run becomes — its end, or its
     * next attempt (a failure the retry policy allows another attempt for, a snooze) — is the attempt core's decision
     * ({@link AttemptEnd#decide}), as for a worker's attempt.
     */
    private void end(Map<String, Object> metrics, Throwable failure) {
        long duration = (System.nanoTime() - startNanos) / 1_000_000;
        boolean cancelAsked;
        synchronized (this) {
            cancelAsked = requested == Control.CANCEL;
        }
        AttemptEnd ending = ending(metrics, failure);
        if (ending.kind() == AttemptEnd.Kind.FAILED) {
            span.failedWith(failure);
        }
        RunFlush.End end = ending.decide(run.attempt(), run.maxAttempts(), cancelAsked, handler.retry(),
                limits.maxSnooze(), duration, ThreadLocalRandom.current().nextDouble());
        buffer.end(end);
        writer.changed(this);
        if (end.status() == RunStatus.QUEUED && end.snoozed()) {
            RunLog.info(Engine.class, this, "Run snoozed for %d ms after attempt %d", end.retryInMs(), run.attempt());
        } else if (end.status() == RunStatus.QUEUED) {
            RunLog.warn(Engine.class, this, "Attempt %d of %d failed after %d ms, retried in %d ms: %s",
                    run.attempt(), run.maxAttempts(), duration, end.retryInMs(), end.error());
        } else if (end.status() == RunStatus.FAILED) {
            RunLog.warn(Engine.class, this, "Run failed after %d ms (attempt %d of %d): %s", duration, run.attempt(),
                    run.maxAttempts(), end.error());
        } else {
            RunLog.debug(Engine.class, this, "Run %s after %d ms", end.status().value(), duration);
        }
    }

    /**
     * What the job's return ({@code metrics}) or failure says of its attempt: the engine's own stops (a cancel carried
     * out, a timeout) here, the rest as the attempt core reads any job's.
     */
    private static AttemptEnd ending(Map<String, Object> metrics, Throwable failure) {
        if (failure instanceof RunCancelled) {
            return AttemptEnd.cancelled(null);
        }
        if (failure instanceof RunTimedOut) {
            return AttemptEnd.failed(AttemptEnd.text(failure), "timeout", true);
        }
        return AttemptEnd.of(metrics, failure);
    }

    /**
     * Past the timeout the job stops at its next checkpoint; past the grace after it, it is abandoned (its work is
     * no longer awaited, its attempt fails, its slot frees) as a force-cancel would — unless it is paused then, which
     * holds no job code (a pause that lasts parks the run anyway).
     */
    private void watchTimeout(long timeoutMs) {
        Timer.Cancel stop = timer.schedule(timeoutMs, () -> {
            timedOut = true;
            RunLog.info(Engine.class, this, "Timeout of %d ms reached: the job stops at its next checkpoint",
                    timeoutMs);
        });
        Timer.Cancel abandon = timer.schedule(timeoutMs + limits.timeoutGrace().toMillis(), () -> {
            if (lifecycle == State.RUNNING && runState() == RunStatus.RUNNING && stopReason == null) {
                RunLog.warn(Engine.class, this, "No checkpoint within %s of the timeout: the job is abandoned",
                        limits.timeoutGrace());
                abandoned.complete(new Failed(new RunTimedOut(timeoutMs, true)));
            }
        });
        timeoutTimers = new Timer.Cancel[]{stop, abandon};
    }

    private void emit(String event, JsonObject data) {
        buffer.add(event, data);
        writer.changed(this);
    }

    /**
     * The flush that ends this run {@code failed} in place of {@code refused}, which PostgreSQL would not store: the
     * end takes the sequence number of the first refused event, so the run's events stay gap-free.
     */
    RunFlush unstorable(RunFlush refused, String reason) {
        int seq = (refused.events().isEmpty() ? refused.lastSeq() : refused.events().get(0).seq() - 1) + 1;
        long duration = (System.nanoTime() - startNanos) / 1_000_000;
        String error = Storable.text("What the run reported could not be stored: " + reason, Storable.MAX_ERROR);
        return new RunFlush(run.id(), run.attempt(), seq, null, null, null, null, null,
                new RunFlush.End(RunStatus.FAILED, "{}", error, "unstorable", duration), java.util.List.of());
    }

    RunFlush drain() {
        return buffer.drain();
    }

    void restore(RunFlush pending) {
        buffer.restore(pending);
    }

    /** The outcome of a flush that held this engine's pending changes; not written means the run was lost. */
    void flushed(RunFlush pending, boolean written) {
        if (!written) {
            RunLog.info(Engine.class, this, "Run is no longer owned by this replica (force-cancelled or taken over): "
                    + "its engine stops");
            kill();
        }
        if (pending.end() != null) {
            if (written) {
                outcome = pending.end().status();
                storedEnd = pending.end();
            }
            stopped(written);
        } else if (!written && buffer.interrupt() != null) {
            stopped(false);
        }
    }

    /** Why this engine's attempt is to be interrupted once its changes are flushed; null if it is not. */
    String interruptReason() {
        return buffer.interrupt();
    }

    /**
     * The attempt was interrupted: the run is now {@code status} (queued, parked as paused, or cancelled), or it was
     * no longer this engine's ({@code null}).
     */
    void interrupted(RunStatus status) {
        outcome = status;
        stopped(status != null);
    }

    private void stopped(boolean written) {
        if (lifecycle == State.STOPPED) {
            return;
        }
        lifecycle = State.STOPPED;
        stoppedAt = Instant.now();
        span.end(storedEnd, written ? "interrupted" : "lost");
        onStopped.run();
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
    public Uni<UUID> trigger(String job, Map<String, Object> params, String childKey) {
        return Uni.createFrom().deferred(() -> flows.triggerChild(run, owner, job, params, childKey))
                .map(child -> child.orElseThrow(() -> new RunStopped(LOST)));
    }

    @Override
    public <T> Uni<T> waitFor(java.util.List<UUID> runs) {
        return Uni.createFrom().deferred(() -> flows.waitFor(run.id(), owner, run.attempt(), runs))
                .flatMap(held -> Uni.createFrom().failure(held ? new Wait(runs) : new RunStopped(LOST)));
    }

    @Override
    public Uni<java.util.List<Dependency>> dependencies() {
        return run.hasDependencies() ? flows.dependencies(run.id()) : Uni.createFrom().item(java.util.List.of());
    }

    @Override
    public void log(String level, String message) {
        String cleanLevel = Storable.level(level);
        String cleanMessage = Storable.text(String.valueOf(message), Storable.MAX_MESSAGE);
        emit("log", new JsonObject().put("level", cleanLevel).put("message", cleanMessage));
        RunLog.jobLine(this, cleanLevel, cleanMessage);
    }

    @Override
    public void progress(long reportedProcessed, Long reportedTotal) {
        long processed = Storable.count(reportedProcessed);
        Long total = Storable.total(reportedTotal);
        JsonObject data = new JsonObject().put("processed", processed).put("total", total)
                .put("percent", total == null || total == 0 ? null : Math.min(100, processed * 100 / total));
        buffer.progress(processed, total, data);
        writer.changed(this);
    }

    @Override
    public void recordError(String item, String message) {
        if (buffer.recordError(new JsonObject().put("item", Storable.text(item, Storable.MAX_ERROR_LOG_TEXT))
                .put("message", Storable.text(message, Storable.MAX_ERROR_LOG_TEXT))
                .put("ts", Instant.now().toString()))) {
            writer.changed(this);
        }
    }

    @Override
    public Uni<Void> checkpoint() {
        String stop = stopReason;
        if (stop != null) {
            halted();
            return Uni.createFrom().failure(new RunStopped(stop));
        }
        if (timedOut) {
            return Uni.createFrom().failure(new RunTimedOut(run.timeoutMs(), false));
        }
        if (timer.now() > leaseUntil) {
            return holdForLease().flatMap(v -> checkpoint());
        }
        CompletableFuture<Control> waiting;
        synchronized (this) {
            if (requested == Control.CANCEL) {
                return Uni.createFrom().failure(new RunCancelled());
            }
            if (requested != Control.PAUSE) {
                return Uni.createFrom().voidItem();
            }
            requested = null;
            changeState(RunStatus.PAUSED, Control.PAUSE);
            waiting = new CompletableFuture<>();
            wake = waiting;
        }
        writer.changed(this);
        // a pause that lasts parks the run: its engine and slot are freed, the pause is kept, resume queues it
        timer.schedule(limits.pauseHold().toMillis(), () -> {
            boolean stillPaused;
            synchronized (this) {
                stillPaused = wake == waiting;
            }
            if (stillPaused) {
                RunLog.info(Engine.class, this, "Paused for %s: the run is parked and its engine freed",
                        limits.pauseHold());
                stop(PAUSE_HOLD);
            }
        });
        return Uni.createFrom().completionStage(waiting).flatMap(this::afterPause);
    }

    /** Leaves the pause: resumed, cancelled, or stopped because the run was lost ({@code signal} null). */
    private Uni<Void> afterPause(Control signal) {
        if (signal == Control.CANCEL) {
            return Uni.createFrom().failure(new RunCancelled());
        }
        String stop = stopReason;
        if (stop != null) {
            return Uni.createFrom().failure(new RunStopped(stop));
        }
        synchronized (this) {
            changeState(RunStatus.RUNNING, Control.RESUME);
        }
        writer.changed(this);
        if (timedOut) {
            return Uni.createFrom().failure(new RunTimedOut(run.timeoutMs(), false));
        }
        return Uni.createFrom().voidItem();
    }

    private void changeState(RunStatus next, Control request) {
        buffer.state(next, state, request.value());
        state = next;
    }

    /**
     * The control request stored on the run now (null for none). A pause is taken at the next checkpoint; a paused
     * engine wakes for resume or cancel.
     */
    void controlRequested(Control request) {
        CompletableFuture<Control> toWake = null;
        synchronized (this) {
            if (state == RunStatus.PAUSED) {
                if (request == Control.RESUME || request == Control.CANCEL) {
                    toWake = wake;
                    wake = null;
                }
            } else if (request != Control.RESUME) {
                requested = request;
            }
        }
        if (toWake != null) {
            toWake.complete(request);
        }
    }

    /** The run was ended or taken elsewhere (force-cancel, sweeper): stop now, write nothing more, free the slot. */
    void kill() {
        stop(LOST);
        killed.complete(null);
    }

    // ---- registry view ----

    public Run run() {
        return run;
    }

    public State state() {
        return lifecycle;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public Instant stoppedAt() {
        return stoppedAt;
    }

    /**
     * Completes when the job's code is done — ended, failed, interrupted at a checkpoint or killed — and only its end
     * is left to store: the engine's slot may take the next run.
     */
    java.util.concurrent.CompletionStage<Void> jobEnded() {
        return jobEnded;
    }

    /** {@code action} runs once the engine stops, before {@link #ended()} completes. */
    void onStopped(Runnable action) {
        onStopped = action;
    }

    /** Completes when the engine stopped: true if its end (or requeue) was stored, false if the run was lost. */
    java.util.concurrent.CompletionStage<Boolean> ended() {
        return endWritten;
    }

    /** The state the engine left its run in (completed, failed, cancelled, queued); null while it executes. */
    public RunStatus outcome() {
        return outcome;
    }

    /** The run's state as this engine last set it: running or paused. */
    public synchronized RunStatus runState() {
        return state;
    }

    /**
     * The engine must stop at the job's next checkpoint (a paused job wakes at once): {@link #LOST} when its run is
     * no longer its own, {@link #SHUTDOWN} when the replica stops. The run then goes back to the
     * queue, written only if this replica still owns it at that attempt.
     */
    void stop(String reason) {
        if (stopReason == null) {
            stopReason = reason;
        }
        CompletableFuture<Control> toWake;
        CompletableFuture<Void> lease;
        synchronized (this) {
            toWake = wake;
            wake = null;
            lease = leaseWait;
            leaseWait = null;
        }
        if (toWake != null) {
            toWake.complete(null); // no control: stopped
        }
        if (lease != null) {
            lease.complete(null);
        }
    }

    /**
     * Lease self-fencing: the last heartbeat that reached the database is older than the lease (stale-after minus a
     * margin), so the run may already be taken elsewhere. The job holds here — executing nothing — until a
     * heartbeat renews the lease (the run is still this engine's) or the engine is killed (it is not) or stopped.
     */
    private Uni<Void> holdForLease() {
        CompletableFuture<Void> wait;
        boolean first;
        synchronized (this) {
            first = leaseWait == null;
            if (first) {
                leaseWait = new CompletableFuture<>();
                haltedAt = Instant.now();
            }
            wait = leaseWait;
        }
        if (first) {
            RunLog.warn(Engine.class, this, "No heartbeat reached the database for %d ms: the job holds at its "
                    + "checkpoint until one does", timer.now() - leaseUntil + leaseMillis);
        }
        return Uni.createFrom().completionStage(wait);
    }

    /** The time of this engine's clock, for a heartbeat about to be sent. */
    long now() {
        return timer.now();
    }

    /** A heartbeat sent at {@code sent} (this engine's {@link #now()}) found the run still this engine's. */
    void renewLease(long sent) {
        CompletableFuture<Void> toWake;
        synchronized (this) {
            leaseUntil = Math.max(leaseUntil, sent + leaseMillis);
            toWake = timer.now() <= leaseUntil ? leaseWait : null;
            if (toWake != null) {
                leaseWait = null;
                haltedAt = null;
            }
        }
        if (toWake != null) {
            RunLog.info(Engine.class, this, "A heartbeat reached the database again: the job goes on");
            toWake.complete(null);
        }
    }

    /**
     * When the job last stopped executing at a checkpoint — holding for its lease, or stopping — while its run was
     * this engine's; null while it executes.
     */
    public synchronized Instant haltedAt() {
        return haltedAt;
    }

    private synchronized void halted() {
        if (haltedAt == null) {
            haltedAt = Instant.now();
        }
    }

    @Override
    public FencingToken fencingToken() {
        return new FencingToken(run.id(), run.attempt());
    }

    /** Blocking code on a worker thread, with the attempt's span current there too. */
    @Override
    public <T> Uni<T> blocking(Callable<T> work) {
        return JobContext.super.blocking(span.wrap(work));
    }

    /** The trace context of the attempt's span, for its log lines: invalid when tracing is off. */
    SpanContext trace() {
        return span.context();
    }
}

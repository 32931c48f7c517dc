package dev.jobstream.attempt;

import java.time.Duration;
import java.util.Map;

import dev.jobstream.run.RunFlush;
import dev.jobstream.run.RunStatus;
import dev.jobstream.spi.JobFailure;
import dev.jobstream.spi.RetryPolicy;
import dev.jobstream.spi.Snooze;
import dev.jobstream.spi.Wait;
import io.vertx.core.json.JsonObject;

/**
 * How an attempt ended, as its executor tells it — an engine's job returning or failing, a worker's end, the service
 * ending a worker's attempt past its timeout — and the one decision of what the run becomes ({@link #decide}): an
 * end of the run, or its next attempt. Engines, workers' endpoints and the job-author test kit decide through it
 * alike; what it decides is written by the run's flush, and its event read from the run's row.
 *
 * @param kind what the executor says
 * @param metrics the metrics' JSON (cleaned), for a completion or a cancel
 * @param error the error's text (cleaned), for a failure
 * @param errorCode the error's code, for a failure
 * @param retryable false for a failure that no later attempt can mend
 * @param delay how long a snooze waits
 */
public record AttemptEnd(Kind kind, String metrics, String error, String errorCode, boolean retryable,
        Duration delay) {

    /** What an executor says of its attempt. */
    public enum Kind {
        COMPLETED, FAILED, SNOOZED, WAITING, CANCELLED
    }

    /**
     * What a job's return or failure says of its attempt: no failure, completed with {@code metrics}; a
     * {@link Snooze}, snoozed; a {@link JobFailure}, failed with its code (retryable as it says); any other failure,
     * failed with its message and {@code job_failed}, retryable.
     */
    public static AttemptEnd of(Map<?, ?> metrics, Throwable failure) {
        if (failure == null) {
            return completed(metrics);
        }
        if (failure instanceof Snooze snooze) {
            return snoozed(snooze.duration());
        }
        if (failure instanceof Wait) {
            return waiting();
        }
        if (failure instanceof JobFailure jobFailure) {
            return failed(text(failure), jobFailure.code(), jobFailure.retryable());
        }
        return failed(text(failure), "job_failed", true);
    }

    /** The failure's message (or class name), cleaned and cut to what a run stores. */
    public static String text(Throwable failure) {
        String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        return Storable.text(message, Storable.MAX_ERROR);
    }

    /** The attempt's work is done; {@code metrics} (null: none) are made storable. */
    public static AttemptEnd completed(Map<?, ?> metrics) {
        return new AttemptEnd(Kind.COMPLETED, metricsJson(metrics), null, null, false, null);
    }

    /** The attempt failed: retried as the job's policy says, unless not {@code retryable}. */
    public static AttemptEnd failed(String error, String errorCode, boolean retryable) {
        return new AttemptEnd(Kind.FAILED, null, Storable.text(error, Storable.MAX_ERROR), errorCode, retryable, null);
    }

    /** The attempt asks to run again after {@code delay}, with one attempt more allowed. */
    public static AttemptEnd snoozed(Duration delay) {
        return new AttemptEnd(Kind.SNOOZED, null, null, null, false, delay);
    }

    /**
     * The attempt waits for other runs (recorded before: see {@code RunStore.addWaits}): the run comes back when they
     * have all ended, with one attempt more allowed.
     */
    public static AttemptEnd waiting() {
        return new AttemptEnd(Kind.WAITING, null, null, null, false, null);
    }

    /** The attempt stopped because a cancel was asked. */
    public static AttemptEnd cancelled(Map<?, ?> metrics) {
        return new AttemptEnd(Kind.CANCELLED, metricsJson(metrics), null, null, false, null);
    }

    /**
     * What the run becomes after this end of its attempt {@code attempt} of {@code maxAttempts}, which took
     * {@code durationMs}: a cancel that was asked wins over a failure or a snooze (the run must not come back); a
     * snooze comes back after its delay (at most {@code maxSnooze}) with one attempt more allowed; a failure with
     * attempts left that is retryable comes back after the policy's backoff ({@code jitter} in [0, 1) picks within
     * its jitter); a wait comes back when the runs it waits for have ended ({@code retryInMs} null), with one attempt
     * more allowed; anything else ends the run.
     */
    public RunFlush.End decide(int attempt, int maxAttempts, boolean cancelAsked, RetryPolicy policy,
            Duration maxSnooze, long durationMs, double jitter) {
        Kind decided = cancelAsked && (kind == Kind.FAILED || kind == Kind.SNOOZED || kind == Kind.WAITING)
                ? Kind.CANCELLED
                : kind;
        return switch (decided) {
            case COMPLETED -> new RunFlush.End(RunStatus.COMPLETED, metrics, null, null, durationMs);
            case CANCELLED -> new RunFlush.End(RunStatus.CANCELLED, metrics == null ? "{}" : metrics, null, null,
                    durationMs);
            case SNOOZED -> new RunFlush.End(RunStatus.QUEUED, null, null, null, durationMs,
                    (delay.compareTo(maxSnooze) > 0 ? maxSnooze : delay).toMillis(), true);
            case WAITING -> new RunFlush.End(RunStatus.QUEUED, null, null, null, durationMs, null, true);
            case FAILED -> retryable && attempt < maxAttempts
                    ? new RunFlush.End(RunStatus.QUEUED, null, error, errorCode, durationMs,
                            policy.delay(attempt, jitter).toMillis(), false)
                    : new RunFlush.End(RunStatus.FAILED, "{}", error, errorCode, durationMs);
        };
    }

    /**
     * How long a heartbeat or a report keeps an attempt its executor's: stale-after less a fifth, so that an
     * executor whose renewals fail holds before any sweeper can declare its run stale and hand it to another.
     */
    public static Duration lease(Duration staleAfter) {
        return staleAfter.minus(staleAfter.dividedBy(5));
    }

    private static String metricsJson(Map<?, ?> metrics) {
        return new JsonObject(Storable.metrics(metrics)).encode();
    }
}

package dev.jobstream.attempt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.jobstream.run.RunFlush;
import dev.jobstream.run.RunStatus;
import dev.jobstream.spi.JobFailure;
import dev.jobstream.spi.RetryPolicy;
import dev.jobstream.spi.Snooze;

/**
 * The one decision of what a run becomes when an attempt ends, which engines, workers and the test kit share: a
 * cancel asked wins over a failure or a snooze, never over a completion; a retryable failure with attempts left comes
 * back after the policy's backoff; a snooze after its delay, at most the longest one allowed, with one attempt more.
 */
class AttemptEndTest {

    private static final RetryPolicy POLICY = new RetryPolicy(3, Duration.ofSeconds(5), Duration.ofMinutes(10), 0);
    private static final Duration MAX_SNOOZE = Duration.ofHours(1);

    private static RunFlush.End decide(AttemptEnd end, int attempt, boolean cancelAsked) {
        return end.decide(attempt, 3, cancelAsked, POLICY, MAX_SNOOZE, 42, 0.5);
    }

    @Test
    void aRetryableFailureWithAttemptsLeftComesBackAfterTheBackoff() {
        RunFlush.End end = decide(AttemptEnd.failed("boom", "job_failed", true), 2, false);
        assertEquals(RunStatus.QUEUED, end.status());
        assertFalse(end.snoozed());
        assertEquals(POLICY.delay(2, 0.5).toMillis(), end.retryInMs());
        assertEquals("boom", end.error());
        assertEquals(42, end.durationMs());
    }

    @Test
    void theLastAttemptOrAPermanentFailureEndsTheRunFailed() {
        assertEquals(RunStatus.FAILED, decide(AttemptEnd.failed("boom", "job_failed", true), 3, false).status());
        RunFlush.End permanent = decide(AttemptEnd.of(null, new JobFailure("bad_input", "no", false)), 1, false);
        assertEquals(RunStatus.FAILED, permanent.status());
        assertEquals("bad_input", permanent.errorCode());
        assertNull(permanent.retryInMs());
    }

    @Test
    void aCancelAskedWinsOverAFailureAndASnoozeButNotOverACompletion() {
        assertEquals(RunStatus.CANCELLED, decide(AttemptEnd.failed("boom", "job_failed", true), 1, true).status());
        assertEquals(RunStatus.CANCELLED, decide(AttemptEnd.snoozed(Duration.ofSeconds(1)), 1, true).status());
        RunFlush.End completed = decide(AttemptEnd.completed(Map.of("n", 1)), 1, true);
        assertEquals(RunStatus.COMPLETED, completed.status());
        assertEquals("{\"n\":1}", completed.metrics());
    }

    @Test
    void aSnoozeComesBackAfterItsDelayAtMostTheLongestAllowed() {
        RunFlush.End end = decide(AttemptEnd.of(null, new Snooze(Duration.ofDays(2))), 3, false);
        assertEquals(RunStatus.QUEUED, end.status());
        assertTrue(end.snoozed());
        assertEquals(MAX_SNOOZE.toMillis(), end.retryInMs());
    }

    @Test
    void anyOtherFailureIsRetryableWithItsMessageAndJobFailed() {
        AttemptEnd end = AttemptEnd.of(null, new IllegalStateException("bad\u0000state"));
        assertEquals("badstate", end.error());
        assertEquals("job_failed", end.errorCode());
        assertTrue(end.retryable());
    }
}

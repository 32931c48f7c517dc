package dev.jobstream.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.jobstream.run.FlakyJob;

/** The harness makes attempts as the engine does: backoff between retries on its clock, permanent failures, snooze. */
class JobHarnessTest {

    @Test
    void aFailingJobIsRetriedAfterItsBackoffOnTheHarnessClock() {
        MutableClock clock = new MutableClock(Instant.parse("2026-06-01T12:00:00Z"));
        JobHarness.Outcome outcome = JobHarness.of(new FlakyJob()).clock(clock).params(Map.of("fail_times", 2))
                .runWithRetries();
        assertEquals(List.of("retrying", "retrying", "completed"), outcome.outcomes());
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2)),
                outcome.attempts().subList(0, 2).stream().map(JobHarness.Attempt::next).toList());
        assertEquals(Instant.parse("2026-06-01T12:00:03Z"), outcome.last().startedAt());
        assertEquals(List.of("attempt 3"), outcome.last().messages());
        assertEquals("flaky attempt 2", outcome.attempts().get(1).failure().getMessage());
    }

    @Test
    void aJobFailingEveryAttemptFailsAfterItsPolicysAttempts() {
        JobHarness.Outcome outcome = JobHarness.of(new FlakyJob()).params(Map.of("fail_times", 10)).runWithRetries();
        assertEquals(List.of("retrying", "retrying", "failed"), outcome.outcomes());
    }

    @Test
    void aPermanentFailureEndsAtOnceAndASnoozeComesBackWithoutUsingAnAttempt() {
        assertEquals(List.of("failed"),
                JobHarness.of(new FlakyJob()).params(Map.of("mode", "permanent")).runWithRetries().outcomes());
        MutableClock clock = new MutableClock(Instant.parse("2026-06-01T12:00:00Z"));
        JobHarness.Outcome snoozed = JobHarness.of(new FlakyJob()).clock(clock)
                .params(Map.of("mode", "snooze", "snooze_ms", 50_000)).runWithRetries();
        assertEquals(List.of("snoozed", "completed"), snoozed.outcomes());
        assertEquals(Instant.parse("2026-06-01T12:00:50Z"), snoozed.last().startedAt());
    }

    @Test
    void paramsAreMergedOverTheDefaultsAndCheckedAgainstTheSchemaAsATriggersAre() {
        JobHarness.Attempt attempt = JobHarness.of(new dev.jobstream.run.ExportJob())
                .params(Map.of("columns", List.of("id"))).run();
        assertEquals(Map.of("format", "csv", "columns", 1, "since", "-"), attempt.metrics(),
                "the schema's default format, the given columns");
        IllegalArgumentException refused = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class,
                () -> JobHarness.of(new dev.jobstream.run.ExportJob()).params(Map.of("columns", List.of(1))).run());
        org.junit.jupiter.api.Assertions.assertTrue(refused.getMessage().contains("/columns/0"), refused.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> JobHarness.of(new FlakyJob()).params(Map.of("fail_times", 1000)).run(),
                "typed params keep their bounds");
    }
}

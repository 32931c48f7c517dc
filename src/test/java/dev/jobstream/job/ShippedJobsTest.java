package dev.jobstream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.jobstream.support.DatabaseTest;
import dev.jobstream.testing.JobHarness;
import dev.jobstream.testing.MutableClock;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The shipped jobs, run by {@link JobHarness} against the embedded database — no HTTP, no run tables: what they log,
 * report and return, dry runs, failures, a cancel at a checkpoint, and the rollup's day read from the clock.
 */
@QuarkusTest
class ShippedJobsTest extends DatabaseTest {

    @Inject
    DemoSleepJob sleep;

    @Inject
    ErrorsRollupJob rollup;

    @Inject
    ErrorsCleanupJob cleanup;

    @Test
    void demoSleepLogsCountsAndReturnsItsSteps() {
        JobHarness.Attempt attempt = JobHarness.of(sleep).params(Map.of("items", 3, "delay_ms", 0)).run();
        assertEquals("completed", attempt.outcome());
        assertEquals(List.of("[ 1 / 3 ] Processing item 1...", "[ 2 / 3 ] Processing item 2...",
                "[ 3 / 3 ] Processing item 3..."), attempt.messages());
        assertEquals(List.of(new JobHarness.Progress(1, 3L), new JobHarness.Progress(2, 3L),
                new JobHarness.Progress(3, 3L)), attempt.progress());
        assertEquals(Map.of("items", 3, "processed", 3, "dry_run", false), attempt.metrics());
        assertEquals(3, attempt.checkpoints());
    }

    @Test
    void demoSleepDryRunSaysSoAndFailAtFailsOnceWithoutRetry() {
        JobHarness.Attempt dry = JobHarness.of(sleep).params(Map.of("items", 1, "delay_ms", 0)).dryRun(true).run();
        assertTrue(dry.messages().get(0).startsWith("[dry-run] "), dry.messages().toString());

        JobHarness.Outcome failed = JobHarness.of(sleep).params(Map.of("items", 3, "delay_ms", 0, "fail_at", 2))
                .runWithRetries();
        assertEquals(List.of("failed"), failed.outcomes(), "demo.sleep has one attempt");
        assertEquals("Failed at item 2 of 3 (fail_at)", failed.last().failure().getMessage());
        assertEquals(1, failed.last().progress().size());
    }

    @Test
    void demoSleepStopsAtTheCheckpointWhereACancelArrives() {
        JobHarness.Attempt attempt = JobHarness.of(sleep).params(Map.of("items", 5, "delay_ms", 0))
                .cancelAtCheckpoint(3).run();
        assertEquals("cancelled", attempt.outcome());
        assertEquals(2, attempt.progress().size());
        assertNull(attempt.metrics());
    }

    @Test
    void theRollupRollsUpTheDayBeforeTheClocksAndADryRunWritesNothing() {
        for (String kind : new String[]{"STALE_RUN", "STALE_RUN", "JOB_FAILED"}) {
            db.execute("INSERT INTO error_events (occurred_at, severity, kind, message) "
                    + "VALUES ('2026-03-14T12:00:00Z', 'warning', $1, 'seeded')", kind);
        }
        MutableClock clock = new MutableClock(Instant.parse("2026-03-15T06:00:00Z"));
        JobHarness.Attempt dry = JobHarness.of(rollup).clock(clock).dryRun(true).run();
        assertEquals("2026-03-14", dry.metrics().get("date"));
        assertEquals(List.of(2L, 3L, 0L),
                List.of(number(dry, "groups"), number(dry, "events"), number(dry, "written")));
        assertEquals(0, db.count("SELECT count(*) FROM error_event_rollups"));

        JobHarness.Attempt real = JobHarness.of(rollup).clock(clock).run();
        assertEquals(2L, number(real, "written"));
        assertEquals(List.of("Wrote 2 rollup rows for 3 error events of 2026-03-14"), real.messages());

        clock.advance(Duration.ofDays(1)); // the next day has nothing to roll up
        assertEquals(0L, number(JobHarness.of(rollup).clock(clock).run(), "written"));
    }

    @Test
    void theCleanupDeletesOnlyOldResolvedEvents() {
        db.execute("INSERT INTO error_events (occurred_at, severity, kind, message, resolved_at, resolved_by) "
                + "VALUES (now() - interval '100 days', 'error', 'JOB_FAILED', 'old', now(), 'ops'), "
                + "(now() - interval '100 days', 'error', 'JOB_FAILED', 'open', NULL, NULL), "
                + "(now() - interval '1 day', 'error', 'JOB_FAILED', 'recent', now(), 'ops')");
        JobHarness.Attempt attempt = JobHarness.of(cleanup).params(Map.of("older_than", "30d")).run();
        assertEquals(List.of(1L, 1L), List.of(number(attempt, "eligible"), number(attempt, "deleted")));
        assertEquals(2, db.count("SELECT count(*) FROM error_events"));
    }

    private static long number(JobHarness.Attempt attempt, String metric) {
        return ((Number) attempt.metrics().get(metric)).longValue();
    }
}

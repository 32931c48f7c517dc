package dev.jobstream.run.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.jobstream.support.DatabaseTest;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The queue's gauges: how many runs are queued, and how long the oldest due one has waited since it became due — a
 * run asked for later is queued but not due, and waits for nothing.
 */
@QuarkusTest
class QueueDepthTest extends DatabaseTest {

    /** A job no replica has: its runs stay queued. */
    private static final String JOB = "test.gone";

    @Inject
    QueueDepth depth;

    @Inject
    MeterRegistry metrics;

    @Test
    void theOldestDueRunsWaitIsMeasuredFromWhenItBecameDue() {
        queue("now() + interval '1 hour'"); // asked for later: not due
        refresh();
        assertEquals(1, gauge("jobstream.runs.queued"));
        assertEquals(0, gauge("jobstream.runs.due.age"));

        queue("now() - interval '10 minutes'");
        queue("now() - interval '2 minutes'");
        refresh();
        assertEquals(3, gauge("jobstream.runs.queued"));
        double age = gauge("jobstream.runs.due.age");
        assertTrue(age >= 600 && age < 660, () -> "the oldest due run waited " + age + " s");
    }

    private void queue(String runAfter) {
        db.execute("INSERT INTO job_runs (id, job_name, workspace_id, exclusive, run_after)"
                + " VALUES (gen_random_uuid(), $1, gen_random_uuid(), false, " + runAfter + ")", JOB);
    }

    private void refresh() {
        depth.refresh().await().atMost(Duration.ofSeconds(10));
    }

    private double gauge(String name) {
        return metrics.get(name).gauge().value();
    }
}

package dev.jobstream.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.StreamSupport;

import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The cluster's upkeep as small named tasks under the sweeper's one loop: which there are, in which order, which
 * fail a sweep, and each driven alone by its {@code runOnce(at)} with the time it is given.
 */
@QuarkusTest
class MaintenanceTasksTest extends DatabaseTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    @Any
    Instance<MaintenanceTask> tasks;

    @Inject
    StaleRescuer stale;

    @Inject
    RunRetention runs;

    @Inject
    QueueSampler queue;

    @Test
    void everyTaskRunsUnderTheOneLoopInItsOrder() {
        List<MaintenanceTask> all = StreamSupport.stream(tasks.spliterator(), false)
                .sorted(Comparator.comparingInt(MaintenanceTask::order)).toList();
        assertEquals(List.of("stale runs", "stopped engines", "expired runs", "counted starts", "expired error events",
                "waits of flows", "the replicas' retention", "the outcome rollup", "the queue's sample",
                "workers' overdue attempts"),
                all.stream().map(MaintenanceTask::name).toList());
        assertEquals(List.of("stale runs", "stopped engines", "expired runs", "counted starts", "expired error events"),
                all.stream().filter(MaintenanceTask::essential).map(MaintenanceTask::name).toList(),
                "the runs' own upkeep fails a sweep; the rest is passed over");
    }

    @Test
    void eachTaskRunsAloneAsAtTheTimeItIsGiven() {
        UUID silent = UUID.randomUUID();
        db.execute("""
                INSERT INTO job_runs (id, job_name, workspace_id, exclusive, status, owner, attempt, max_attempts,
                                      started_at, heartbeat_at, last_seq)
                VALUES ($1, 'test.gone', $2, true, 'running', 'dead-replica', 1, 1, now() - interval '1 minute',
                        now() - interval '5 seconds', 0)
                """, silent, UUID.randomUUID());
        Instant now = Instant.now();
        assertEquals(0, stale.runOnce(now.plusSeconds(20)).await().atMost(WAIT), "not stale yet");
        assertEquals(1, stale.runOnce(now.plusSeconds(31)).await().atMost(WAIT), "stale: failed");
        assertEquals(1, db.count("SELECT count(*) FROM job_runs WHERE id = $1 AND status = 'failed'", silent));

        assertEquals(0, runs.runOnce(now).await().atMost(WAIT), "ended just now: kept");
        assertEquals(1, runs.runOnce(now.plus(Duration.ofDays(400))).await().atMost(WAIT), "past retention: gone");
        assertEquals(0, db.count("SELECT count(*) FROM job_runs WHERE id = $1", silent));

        queue.runOnce(now).await().atMost(WAIT);
        assertEquals(0, queue.runOnce(now).await().atMost(WAIT), "one sample a minute, whoever takes it");
    }
}

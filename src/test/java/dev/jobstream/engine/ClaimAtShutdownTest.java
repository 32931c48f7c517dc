package dev.jobstream.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.jobstream.support.Database;
import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * SIGTERM arrives while a claim is in flight (here it waits on a table lock the test holds): the runs it claims come
 * back to a replica that is stopping, which gives them back to the queue at once instead of starting them or
 * leaving them to the sweeper.
 */
@QuarkusTest
@TestProfile(ClaimAtShutdownTest.OwnApp.class)
class ClaimAtShutdownTest extends DatabaseTest {

    /** An application of its own: this test stops its dispatcher. */
    public static class OwnApp implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("jobstream.shutdown.grace", "1s");
        }
    }

    @Inject
    Dispatcher dispatcher;

    @Test
    void runsClaimedWhileTheReplicaStopsAreGivenBack() {
        // the test holds a lock that every claim waits for, and queues a run under it
        Database.Open hold = db.begin("LOCK TABLE job_runs IN SHARE ROW EXCLUSIVE MODE");
        UUID id = UUID.randomUUID();
        hold.execute("""
                INSERT INTO job_runs (id, job_name, workspace_id, exclusive, created_at, run_after)
                VALUES ($1, 'demo.sleep', $2, false, now() - interval '1 minute', now() - interval '1 minute')
                """, id, UUID.randomUUID());
        dispatcher.wake();
        // the claim waits for the table lock: it is in flight
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> db.count("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                        + " AND query LIKE '%WITH claimed AS%'") >= 1);

        dispatcher.stop(null);
        hold.commit();

        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> db.count("SELECT count(*) FROM job_runs WHERE id = $1 AND status = 'queued'"
                        + " AND owner IS NULL", id) == 1);
        assertEquals(1, db.count("SELECT attempt FROM job_runs WHERE id = $1", id), "given back, not interrupted");
        assertEquals(0, db.count("SELECT count(*) FROM job_run_events WHERE run_id = $1", id), "never started");
    }
}

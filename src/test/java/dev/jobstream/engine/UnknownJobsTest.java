package dev.jobstream.engine;

import static dev.jobstream.support.Api.awaitStatus;
import static dev.jobstream.support.Api.trigger;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.junit.QuarkusTest;

/**
 * In a rolling deploy that adds a job, replicas of the old version see its runs queued: they leave them for a
 * replica that knows the job instead of claiming and failing them.
 */
@QuarkusTest
class UnknownJobsTest extends DatabaseTest {

    @Test
    void aReplicaClaimsOnlyTheJobsItKnows() {
        UUID unknown = UUID.randomUUID();
        db.execute("""
                INSERT INTO job_runs (id, job_name, workspace_id, exclusive, created_at, run_after)
                VALUES ($1, 'jobs.of.a.newer.version', $2, false, now() - interval '1 minute',
                        now() - interval '1 minute')
                """, unknown, UUID.randomUUID());
        String known = trigger("demo.sleep", Map.of("workspace_id", UUID.randomUUID().toString(),
                "params", Map.of("items", 0)));

        awaitStatus(known, "completed"); // the dispatcher claimed after the unknown run was queued, and before it
        assertEquals(1, db.count("SELECT count(*) FROM job_runs WHERE id = $1 AND status = 'queued'"
                + " AND owner IS NULL AND attempt = 1", unknown), "left in the queue, untouched");
    }
}

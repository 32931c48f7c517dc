package dev.jobstream.engine;

import static dev.jobstream.support.Api.admin;
import static dev.jobstream.support.Api.awaitStatus;
import static dev.jobstream.support.Api.trigger;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.jobstream.pg.AdvisoryLocks;
import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The connection that holds this replica's advisory locks drops while a job that never reaches a checkpoint holds a
 * lock, and the run is taken from it and claimed again — here, by the same replica: the old engine is stopped when
 * its run is claimed again, and its unlock, which belongs to the lost connection, does not release the new
 * attempt's lock.
 */
@QuarkusTest
class LockGenerationTest extends DatabaseTest {

    private static final String LOCK_HOLDER = """
            SELECT pid FROM pg_locks
             WHERE locktype = 'advisory' AND granted AND objsubid = 1
               AND ((classid::bigint << 32) | objid::bigint) = $1
            """;

    @Test
    void anEngineOfALostLockConnectionNeverReleasesTheLockOfTheNextAttempt() {
        UUID workspace = UUID.randomUUID();
        String id = trigger("test.hang", Map.of("workspace_id", workspace.toString()));
        awaitStatus(id, "running");
        long key = AdvisoryLocks.key("test.hang", workspace);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> locks(key) == 1);

        db.execute("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                + " AND ((classid::bigint << 32) | objid::bigint) = $1", key);
        // the run is taken from its engine (which never reaches a checkpoint) and queued again as attempt 2, as a
        // sweeper that found it stale would
        db.execute("""
                UPDATE job_runs SET status = 'queued', owner = NULL, attempt = attempt + 1, started_at = NULL,
                                    heartbeat_at = NULL, run_after = now(), updated_at = now()
                 WHERE id = $1::uuid
                """, UUID.fromString(id));
        db.execute("SELECT pg_notify('jobstream_queued', '')");
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> db.count("SELECT count(*) FROM job_runs WHERE id = $1::uuid AND attempt = 2"
                        + " AND status = 'running'", UUID.fromString(id)) == 1);

        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> "stopped".equals(engine(id, 1).get("state")));
        assertEquals("lost", engine(id, 1).get("run_status"), "the old engine was stopped: its run is not its own");
        assertEquals("running", engine(id, 2).get("state"));
        assertEquals(1, locks(key), "the next attempt still holds the lock");

        admin().post("/v1/runs/{id}/cancel?force=true", id).then().statusCode(202);
    }

    private long locks(long key) {
        return db.count("SELECT count(*) FROM (" + LOCK_HOLDER + ") l", key);
    }

    private static Map<String, Object> engine(String runId, int attempt) {
        List<Map<String, Object>> engines = admin().get("/v1/engines").then().statusCode(200).extract().jsonPath()
                .getList("engines");
        return engines.stream().filter(e -> runId.equals(e.get("run_id")))
                .filter(e -> ((Number) e.get("attempt")).intValue() == attempt).findFirst().orElse(Map.of());
    }
}

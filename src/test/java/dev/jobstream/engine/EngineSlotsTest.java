package dev.jobstream.engine;

import static dev.jobstream.support.Api.json;
import static dev.jobstream.support.Api.trigger;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.jobstream.support.Database;
import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.junit.QuarkusTest;

/**
 * An engine slot is for a job's concurrency, not for the bookkeeping after it: once a job is done its slot takes the
 * next run while the end is stored, and {@code jobstream.engines.max-ending} (64 in tests) bounds the runs that a
 * replica holds meanwhile. The test holds the row of a running run, so that every flush of
 * the replica waits for it: nothing the engines report is stored until it lets go.
 */
@QuarkusTest
class EngineSlotsTest extends DatabaseTest {

    private static final int ENGINES = 16;
    private static final int MAX_ENDING = 64;

    @Test
    void aSlotTakesTheNextRunWhileTheEndOfTheLastIsStored() {
        String slow = trigger("demo.sleep", Map.of("workspace_id", UUID.randomUUID().toString(),
                "params", Map.of("items", 300, "delay_ms", 20)));
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> db.count("SELECT count(*) FROM job_runs WHERE id = $1::uuid AND processed > 0",
                        slow) == 1);
        Database.Open hold = db.begin("SELECT 1 FROM job_runs WHERE id = $1::uuid FOR UPDATE", slow);
        long[] most = {0};
        try {
            // the slow run's next flush waits for the row; so does every flush after it
            Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                    .until(() -> db.count("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                            + " AND query LIKE '%WITH changes AS%'") >= 1);
            List<Map<String, Object>> quick = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                quick.add(Map.of("workspace_id", UUID.randomUUID().toString(), "params", Map.of("items", 0)));
            }
            json(Map.of("runs", quick)).post("/v1/jobs/demo.sleep/runs/batch").then().statusCode(200);
            // the quick runs' jobs are done at once; their slots take more runs until the ends waiting reach the bound
            Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> {
                most[0] = Math.max(most[0], db.count("SELECT count(*) FROM job_runs WHERE status = 'running'"));
                return most[0] >= ENGINES + MAX_ENDING / 2;
            });
            // and no further: the bound holds while the flushes wait
            for (int i = 0; i < 25; i++) {
                most[0] = Math.max(most[0], db.count("SELECT count(*) FROM job_runs WHERE status = 'running'"));
            }
            assertEquals(0, db.count("SELECT count(*) FROM job_runs WHERE status = 'completed'"),
                    "no end is stored while the flush waits");
        } finally {
            hold.commit();
        }
        assertTrue(most[0] <= ENGINES + MAX_ENDING, "claimed beyond engines + max-ending: " + most[0]);
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> db.count("SELECT count(*) FROM job_runs WHERE status = 'completed'") == 200);
        assertEquals(200, db.count("SELECT count(*) FROM job_runs WHERE id <> $1::uuid AND start_seq = 1"
                + " AND end_seq = 2 AND last_seq = 2", slow), "a start and an end of every quick run, in its row");
    }
}

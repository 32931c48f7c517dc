package dev.jobstream.schedule;

import static dev.jobstream.support.Api.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.jobstream.support.Database;
import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Row;

/**
 * A schedule's PATCH races what else writes the schedule: a tick that fires it, another PATCH. Each PATCH is held
 * between its read and its write (a row lock the test holds) while the other write commits: nothing either wrote is
 * lost.
 */
@QuarkusTest
class ScheduleRacesTest extends DatabaseTest {

    @Test
    void aPatchRacingATickKeepsTheTickFired() throws Exception {
        UUID id = schedule();
        Row before = row(id);
        OffsetDateTime tick = before.getOffsetDateTime("next_fire_at");
        OffsetDateTime nextTick = tick.plusMinutes(1);
        UUID run = UUID.randomUUID();

        Database.Open held = db.begin("SELECT 1 FROM job_schedules WHERE id = $1 FOR UPDATE", id);
        CompletableFuture<Integer> patch = patch(id, Map.of("priority", 5));
        awaitBlockedUpdate(1);
        held.execute(ScheduleSql.ADVANCE, new UUID[]{id}, new OffsetDateTime[]{tick},
                new OffsetDateTime[]{nextTick}, new UUID[]{run});
        held.commit();

        assertEquals(200, patch.get(20, TimeUnit.SECONDS));
        Row after = row(id);
        assertEquals(nextTick.toInstant(), after.getOffsetDateTime("next_fire_at").toInstant(),
                "the tick fired stays fired: its next one is not set back");
        assertEquals(run, after.getUUID("last_run_id"));
        assertEquals(5, after.getInteger("priority"), "the PATCH is applied");
    }

    @Test
    void twoRacingPatchesKeepBothChanges() throws Exception {
        UUID id = schedule();

        Database.Open held = db.begin("SELECT 1 FROM job_schedules WHERE id = $1 FOR UPDATE", id);
        CompletableFuture<Integer> priority = patch(id, Map.of("priority", 7));
        CompletableFuture<Integer> disable = patch(id, Map.of("enabled", false));
        awaitBlockedUpdate(2);
        held.commit();

        assertEquals(List.of(200, 200), List.of(priority.get(20, TimeUnit.SECONDS), disable.get(20, TimeUnit.SECONDS)));
        Row after = row(id);
        assertEquals(7, after.getInteger("priority"));
        assertFalse(after.getBoolean("enabled"));
    }

    /** A PATCH on a thread of its own, answering its status. */
    private static CompletableFuture<Integer> patch(UUID id, Map<String, Object> body) {
        CompletableFuture<Integer> status = new CompletableFuture<>();
        new Thread(() -> {
            try {
                status.complete(json(body).patch("/v1/schedules/" + id).then().extract().statusCode());
            } catch (RuntimeException e) {
                status.completeExceptionally(e);
            }
        }).start();
        return status;
    }

    private UUID schedule() {
        String id = json(Map.of("job", "demo.sleep", "workspace_id", UUID.randomUUID().toString(), "cron",
                "* * * * *")).post("/v1/schedules").then().statusCode(201).extract().path("id");
        return UUID.fromString(id);
    }

    private Row row(UUID id) {
        return db.rows("SELECT next_fire_at, last_run_id, priority, enabled FROM job_schedules WHERE id = $1", id)
                .iterator().next();
    }

    /** Waits until {@code n} PATCHes read the schedule and wait, at their write, for the row the test holds. */
    private void awaitBlockedUpdate(int n) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> db.count("""
                SELECT count(*) FROM pg_stat_activity
                 WHERE wait_event_type = 'Lock' AND query LIKE '%UPDATE job_schedules%'""") == n);
    }
}

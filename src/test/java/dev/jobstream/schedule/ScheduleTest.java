package dev.jobstream.schedule;

import static dev.jobstream.support.Api.admin;
import static dev.jobstream.support.Api.awaitStatus;
import static dev.jobstream.support.Api.json;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Schedules through HTTP against the real database: added, listed with their next fire times, changed, disabled,
 * deleted; a due tick fires one run, a tick whose exclusive slot is taken records a skipped run, and ticks missed
 * while nothing ran fire once. Bad input is a 400 naming the field.
 */
@QuarkusTest
class ScheduleTest extends DatabaseTest {

    @Test
    void aScheduleIsAddedListedWithItsNextFireTimesChangedAndDeleted() {
        String workspace = UUID.randomUUID().toString();
        JsonPath created = create(Map.of("job", "demo.sleep", "workspace_id", workspace, "cron", "30 8 * * 1-5",
                "time_zone", "Europe/Berlin", "params", Map.of("items", 2), "priority", 5)).statusCode(201)
                .body("enabled", equalTo(true)).body("source", equalTo("api")).body("next_fire_times", hasSize(5))
                .extract().jsonPath();
        String id = created.getString("id");
        Instant next = Instant.parse(created.getString("next_fire_at"));
        assertTrue(next.isAfter(Instant.now()));
        assertEquals(created.getString("next_fire_at"), created.getString("next_fire_times[0]"));
        java.time.ZonedDateTime local = next.atZone(java.time.ZoneId.of("Europe/Berlin"));
        assertEquals(List.of(8, 30), List.of(local.getHour(), local.getMinute()));

        admin().get("/v1/schedules?workspace_id=" + workspace).then().statusCode(200)
                .body("schedules.id", equalTo(List.of(id)));
        admin().get("/v1/schedules/" + id).then().statusCode(200).body("params.items", equalTo(2))
                .body("priority", equalTo(5));

        json(Map.of("enabled", false)).patch("/v1/schedules/" + id).then().statusCode(200)
                .body("enabled", equalTo(false)).body("next_fire_times", hasSize(0));
        json(Map.of("enabled", true, "cron", "@hourly")).patch("/v1/schedules/" + id).then().statusCode(200)
                .body("enabled", equalTo(true)).body("cron", equalTo("@hourly"));
        admin().delete("/v1/schedules/" + id).then().statusCode(204);
        admin().get("/v1/schedules/" + id).then().statusCode(404);
    }

    @Test
    void aDueTickFiresOneRunAndTheScheduleMovesOnToItsNextTick() {
        String workspace = UUID.randomUUID().toString();
        String id = create(Map.of("job", "demo.sleep", "workspace_id", workspace, "cron", "* * * * *",
                "params", Map.of("items", 0))).statusCode(201).extract().path("id");
        Instant tick = makeDue(id, Duration.ZERO);
        String run = awaitFired(id, tick);
        awaitStatus(run, "completed").body("schedule_id", equalTo(id)).body("triggered_by", equalTo("schedule"))
                .body("workspace_id", equalTo(workspace));
        admin().get("/v1/schedules/" + id).then().body("last_run_status", equalTo("completed"));
        admin().get("/v1/schedules?workspace_id=" + workspace).then()
                .body("schedules[0].last_run_status", equalTo("completed"));
        Instant next = Instant.parse(admin().get("/v1/schedules/" + id).then().extract().path("next_fire_at"));
        assertTrue(next.isAfter(Instant.now().minusSeconds(1)) && next.getEpochSecond() % 60 == 0, next.toString());
        assertEquals(1, db.count("SELECT count(*) FROM job_runs WHERE schedule_id = $1", UUID.fromString(id)));
    }

    @Test
    void aTickWhoseExclusiveSlotIsTakenRecordsASkippedRunNamingTheActiveOne() {
        String workspace = UUID.randomUUID().toString();
        String active = json(Map.of("workspace_id", workspace, "params", Map.of("items", 100, "delay_ms", 100)))
                .post("/v1/jobs/demo.sleep/runs").then().statusCode(202).extract().path("id");
        String id = create(Map.of("job", "demo.sleep", "workspace_id", workspace, "cron", "* * * * *"))
                .statusCode(201).extract().path("id");
        String run = awaitFired(id, makeDue(id, Duration.ZERO));
        admin().get("/v1/runs/" + run).then().body("status", equalTo("skipped"))
                .body("error_code", equalTo("slot_taken"))
                .body("error", containsString(active));
        admin().get("/v1/schedules/" + id).then().body("last_run_status", equalTo("skipped"));
        admin().delete("/v1/runs/" + run).then().statusCode(204);
        admin().get("/v1/schedules/" + id).then().body("last_run_status", nullValue());
        admin().post("/v1/runs/" + active + "/cancel?force=true").then().statusCode(202);
    }

    @Test
    void ticksMissedWhileNoReplicaRanFireOnceNotOnceEach() {
        String id = create(Map.of("job", "demo.sleep", "workspace_id", UUID.randomUUID().toString(),
                "cron", "* * * * *", "params", Map.of("items", 0))).statusCode(201).extract().path("id");
        Instant missed = makeDue(id, Duration.ofMinutes(30)); // 30 ticks missed
        awaitFired(id, missed);
        Instant next = Instant.parse(admin().get("/v1/schedules/" + id).then().extract().path("next_fire_at"));
        assertTrue(next.isAfter(Instant.now().minusSeconds(1)), "the next tick is after now: " + next);
        // runs made before the next tick: one (the next tick itself may come within these seconds, a minute on)
        Awaitility.await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                .until(() -> db.count("SELECT count(*) FROM job_runs WHERE schedule_id = $1 AND created_at < $2",
                        UUID.fromString(id), next.atOffset(java.time.ZoneOffset.UTC)) == 1);
    }

    @Test
    void theMaintenanceJobsDeclareDailySchedulesThatCanBeDisabledButNotDeleted() {
        JsonPath all = admin().get("/v1/schedules?job=errors.rollup").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("code"), all.getList("schedules.source"));
        assertEquals(List.of("5 0 * * *"), all.getList("schedules.cron"));
        assertEquals(List.of("ffffffff-ffff-ffff-ffff-ffffffffffff"), all.getList("schedules.workspace_id"));
        String id = all.getString("schedules[0].id");
        admin().delete("/v1/schedules/" + id).then().statusCode(409).body("detail", containsString("disable it"));
        json(Map.of("cron", "@hourly")).patch("/v1/schedules/" + id).then().statusCode(400)
                .body("detail", containsString("only 'enabled'"));
        json(Map.of("enabled", false)).patch("/v1/schedules/" + id).then().statusCode(200)
                .body("enabled", equalTo(false));
        json(Map.of("enabled", true)).patch("/v1/schedules/" + id).then().statusCode(200);
        admin().get("/v1/schedules?job=errors.cleanup").then().body("schedules.cron", equalTo(List.of("30 0 * * *")));
    }

    @Test
    void aPreviewShowsTheNextFireTimesOfACronInAZone() {
        JsonPath preview = admin().get("/v1/schedules/preview?cron=@daily&time_zone=America/New_York").then()
                .statusCode(200).body("next_fire_times", hasSize(5)).extract().jsonPath();
        Instant first = Instant.parse(preview.getString("next_fire_times[0]"));
        assertEquals(0, first.atZone(java.time.ZoneId.of("America/New_York")).getHour());
        admin().get("/v1/schedules/preview?cron=61 * * * *").then().statusCode(400)
                .body("detail", containsString("'cron'"));
    }

    @Test
    void badSchedulesAreProblemsNamingTheField() {
        Map<String, Object> good = Map.of("job", "demo.sleep", "cron", "*/5 * * * *");
        create(with(good, "cron", "every minute")).statusCode(400).body("detail", containsString("'cron'"));
        create(with(good, "cron", "* * * * * *")).statusCode(400).body("detail", containsString("5 fields"));
        create(with(good, "cron", "@fortnightly")).statusCode(400).body("detail", containsString("alias"));
        create(with(good, "cron", "0 0 30 2 *")).statusCode(400).body("detail", containsString("never fires"));
        create(with(good, "time_zone", "Mars/Olympus")).statusCode(400).body("detail", containsString("'time_zone'"));
        create(with(good, "priority", 500)).statusCode(400).body("detail", containsString("'priority'"));
        create(with(good, "params", Map.of("items", -1))).statusCode(400)
                .body("detail", containsString("Params of job 'demo.sleep': /items"));
        create(with(good, "colour", "blue")).statusCode(400).body("detail", containsString("colour"));
        create(Map.of("cron", "* * * * *")).statusCode(400).body("detail", containsString("'job'"));
        create(Map.of("job", "demo.sleep")).statusCode(400).body("detail", containsString("'cron'"));
        create(with(good, "job", "no.such.job")).statusCode(404);
        create(with(good, "job", "selftest.sleep")).statusCode(404);
    }

    private static io.restassured.response.ValidatableResponse create(Map<String, Object> body) {
        return json(body).post("/v1/schedules").then();
    }

    private static Map<String, Object> with(Map<String, Object> body, String key, Object value) {
        Map<String, Object> copy = new HashMap<>(body);
        copy.put(key, value);
        return copy;
    }

    /** Makes the schedule's next tick {@code ago} in the past (the minute, as cron ticks are), as if it were due. */
    private Instant makeDue(String id, Duration ago) {
        Instant tick = Instant.now().minus(ago).truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
        db.execute("UPDATE job_schedules SET next_fire_at = $2 WHERE id = $1", UUID.fromString(id),
                tick.atOffset(java.time.ZoneOffset.UTC));
        return tick;
    }

    /** Waits until the tick fired; answers the run it made. */
    private String awaitFired(String id, Instant tick) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> db.count("SELECT count(*) FROM job_runs WHERE schedule_id = $1 AND idempotency_key = $2",
                        UUID.fromString(id), "schedule:" + id + ":" + tick) == 1);
        String run = admin().get("/v1/schedules/" + id).then().extract().path("last_run_id");
        assertEquals(db.rows("SELECT id FROM job_runs WHERE schedule_id = $1 AND idempotency_key = $2",
                UUID.fromString(id), "schedule:" + id + ":" + tick).iterator().next().getUUID("id").toString(), run);
        return run;
    }
}

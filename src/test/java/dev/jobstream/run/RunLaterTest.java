package dev.jobstream.run;

import static dev.jobstream.support.Api.admin;
import static dev.jobstream.support.Api.awaitStatus;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A trigger may ask for its run later ({@code run_at} or {@code delay}): the run is queued as {@code scheduled}, not
 * claimed before it is due (while runs triggered after it are), claimed once due, holds its exclusive slot meanwhile,
 * and can be cancelled or deleted before it starts. Bad times are 400 problems naming the field.
 */
@QuarkusTest
class RunLaterTest extends DatabaseTest {

    @Test
    void aRunAskedForLaterWaitsWhileLaterRunsGoAheadHoldsItsSlotAndCanBeCancelled() {
        String workspace = UUID.randomUUID().toString();
        String later = trigger(Map.of("workspace_id", workspace, "delay", "1h", "params", Map.of("items", 0)))
                .then().statusCode(202).body("display_status", equalTo("scheduled")).body("status", equalTo("queued"))
                .extract().path("id");
        Instant runAfter = Instant.parse(admin().get("/v1/runs/" + later).then().extract().path("run_after"));
        assertTrue(runAfter.isAfter(Instant.now().plus(Duration.ofMinutes(59))), runAfter.toString());

        trigger(Map.of("workspace_id", workspace)).then().statusCode(409).body("active_run_id", equalTo(later));
        String now = trigger(Map.of("params", Map.of("items", 0))).then().statusCode(202).extract().path("id");
        awaitStatus(now, "completed");
        admin().get("/v1/runs/" + later).then().body("status", equalTo("queued"))
                .body("display_status", equalTo("scheduled"));

        admin().post("/v1/runs/" + later + "/cancel").then().statusCode(202);
        awaitStatus(later, "cancelled").body("started_at", equalTo(null));
    }

    @Test
    void aScheduledRunCanBeDeletedBeforeItStartsWhichFreesItsSlot() {
        String workspace = UUID.randomUUID().toString();
        String later = trigger(Map.of("workspace_id", workspace, "delay", "1h")).then().statusCode(202)
                .extract().path("id");
        admin().delete("/v1/runs/" + later).then().statusCode(204);
        admin().get("/v1/runs/" + later).then().statusCode(404);
        String now = trigger(Map.of("workspace_id", workspace, "params", Map.of("items", 0))).then().statusCode(202)
                .extract().path("id");
        awaitStatus(now, "completed");
    }

    @Test
    void aRunAtAnInstantStartsOnceDueAndNotBefore() {
        Instant at = Instant.now().plusSeconds(2);
        String id = trigger(Map.of("run_at", at.toString(), "params", Map.of("items", 0))).then().statusCode(202)
                .body("display_status", equalTo("scheduled")).extract().path("id");
        Instant started = Instant.parse(awaitStatus(id, "completed").extract().path("started_at"));
        assertFalse(started.isBefore(at), "started " + started + " before " + at);
    }

    @Test
    void badTimesAreProblemsNamingTheField() {
        String soon = Instant.now().plusSeconds(60).toString();
        trigger(Map.of("run_at", soon, "delay", "1m")).then().statusCode(400)
                .body("detail", containsString("'run_at' and 'delay' exclude each other"));
        trigger(Map.of("run_at", Instant.now().minusSeconds(600).toString())).then().statusCode(400)
                .body("detail", containsString("is in the past"));
        trigger(Map.of("run_at", Instant.now().plus(Duration.ofDays(40)).toString())).then().statusCode(400)
                .body("detail", containsString("more than 30 days ahead"));
        trigger(Map.of("delay", "40d")).then().statusCode(400).body("detail", containsString("'delay'"));
        trigger(Map.of("run_at", "tomorrow")).then().statusCode(400).body("detail", containsString("'run_at'"));
        trigger(Map.of("delay", "soon")).then().statusCode(400).body("detail", containsString("'delay'"));
        trigger(Map.of("delay", "-5m")).then().statusCode(400).body("detail", containsString("'delay'"));
        org.junit.jupiter.api.Assertions.assertEquals(0, db.count("SELECT count(*) FROM job_runs"));
    }

    private static io.restassured.response.Response trigger(Map<String, Object> body) {
        return admin().contentType("application/json").body(body).post("/v1/jobs/demo.sleep/runs");
    }
}

package dev.jobstream.run;

import static dev.jobstream.support.Api.admin;
import static dev.jobstream.support.Api.awaitStatus;
import static dev.jobstream.support.Api.json;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Priorities (a late high-priority run overtakes a backlog), timeouts (with and without checkpoints; the slot is
 * freed), a cluster-wide concurrency limit honoured by the claim, and the 400s for bad values of these fields.
 */
@QuarkusTest
class JobModelTest extends DatabaseTest {

    @Test
    void aLateHighPriorityRunOvertakesABacklogOfLowPriorityOnes() {
        List<Map<String, Object>> backlog = new ArrayList<>();
        for (int i = 0; i < 160; i++) {
            backlog.add(Map.of("workspace_id", UUID.randomUUID().toString(), "priority", -10,
                    "params", Map.of("items", 1, "delay_ms", 150)));
        }
        json(Map.of("runs", backlog)).post("/v1/jobs/demo.sleep/runs/batch").then().statusCode(200);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> db.count(
                "SELECT count(*) FROM job_runs WHERE status = 'running'") > 0);
        String urgent = json(Map.of("priority", 50, "params", Map.of("items", 1, "delay_ms", 0)))
                .post("/v1/jobs/demo.sleep/runs").then().statusCode(202).body("priority", equalTo(50))
                .extract().path("id");
        Instant started = Instant.parse(awaitStatus(urgent, "completed").extract().path("started_at"));
        long startedBefore = db.count("SELECT count(*) FROM job_runs WHERE priority = -10 AND started_at < $1",
                started.atOffset(java.time.ZoneOffset.UTC));
        assertTrue(startedBefore < 80, "the urgent run started after " + startedBefore + " of 160 backlog runs");
        Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> db.count("SELECT count(*) FROM job_runs WHERE status <> 'completed'") == 0);
    }

    @Test
    void aRunPastItsTimeoutStopsAtItsNextCheckpointAndFailsWithTimeout() {
        String id = json(Map.of("timeout", "1s", "max_attempts", 1, "params", Map.of("mode", "loop")))
                .post("/v1/jobs/test.flaky/runs").then().statusCode(202).body("timeout_ms", equalTo(1000))
                .extract().path("id");
        JsonPath run = awaitStatus(id, "failed").extract().jsonPath();
        assertEquals("timeout", run.getString("error_code"));
        assertTrue(run.getLong("duration_ms") >= 1000 && run.getLong("duration_ms") < 1900,
                "stopped at the first checkpoint after the timeout: " + run.getLong("duration_ms"));
    }

    @Test
    void aJobThatReachesNoCheckpointIsAbandonedAfterTheGraceAndFreesItsSlot() {
        String workspace = UUID.randomUUID().toString();
        String id = json(Map.of("timeout", "1s", "workspace_id", workspace, "max_attempts", 1))
                .post("/v1/jobs/test.hang/runs").then().statusCode(202).extract().path("id");
        JsonPath run = awaitStatus(id, "failed").extract().jsonPath();
        assertEquals("timeout", run.getString("error_code"));
        assertTrue(run.getString("error").contains("abandoned"), run.getString("error"));
        assertTrue(run.getLong("duration_ms") >= 3000, "timeout 1 s + grace 2 s: " + run.getLong("duration_ms"));
        // its exclusive slot and its engine are free
        String next = json(Map.of("workspace_id", workspace, "timeout", "1s", "max_attempts", 1))
                .post("/v1/jobs/test.hang/runs").then().statusCode(202).extract().path("id");
        admin().post("/v1/runs/" + next + "/cancel?force=true").then().statusCode(202);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> admin().get("/v1/engines").then().extract()
                .jsonPath().getList("engines.findAll { it.run_id == '" + id + "' && it.state != 'stopped' }")
                .isEmpty());
    }

    @Test
    void aTimedOutAttemptIsRetriedByThePolicy() {
        String id = json(Map.of("timeout", "1s", "max_attempts", 2, "params", Map.of("mode", "loop")))
                .post("/v1/jobs/test.flaky/runs").then().statusCode(202).extract().path("id");
        JsonPath run = awaitStatus(id, "failed").extract().jsonPath();
        assertEquals(2, run.getInt("attempt"));
        assertEquals(List.of("timeout", "timeout"), run.getList("attempts.error_code"), run.prettify());
    }

    @Test
    void aClusterWideLimitBoundsTheActiveRunsOfAJob() {
        List<Map<String, Object>> runs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            runs.add(Map.of("params", Map.of("items", 2, "delay_ms", 100)));
        }
        json(Map.of("runs", runs)).post("/v1/jobs/demo.throttled/runs/batch").then().statusCode(200);
        AtomicLong most = new AtomicLong();
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
            most.accumulateAndGet(db.count("SELECT count(*) FROM job_runs WHERE job_name = 'demo.throttled' "
                    + "AND status IN ('running', 'paused')"), Math::max);
            return db.count("SELECT count(*) FROM job_runs WHERE status = 'completed'") == 8;
        });
        assertEquals(2, most.get(), "at most 2 active at once, and 2 reached");
        admin().get("/v1/jobs").then().body("find { it.name == 'demo.throttled' }.max_active", equalTo(2));
    }

    @Test
    void badValuesOfTheJobModelFieldsAreProblemsNamingTheField() {
        json(Map.of("priority", 101)).post("/v1/jobs/demo.sleep/runs").then().statusCode(400)
                .body("detail", containsString("'priority' must be from -100 to 100"));
        json(Map.of("priority", -101)).post("/v1/jobs/demo.sleep/runs").then().statusCode(400)
                .body("detail", containsString("'priority'"));
        json(Map.of("timeout", "500ms")).post("/v1/jobs/demo.sleep/runs").then().statusCode(400)
                .body("detail", containsString("'timeout'"));
        json(Map.of("timeout", "0s")).post("/v1/jobs/demo.sleep/runs").then().statusCode(400)
                .body("detail", containsString("'timeout' must be from 1s to 7d"));
        json(Map.of("timeout", "8d")).post("/v1/jobs/demo.sleep/runs").then().statusCode(400)
                .body("detail", containsString("'timeout' must be from 1s to 7d"));
        json(Map.of("timeout", "20m")).post("/v1/jobs/test.flaky/runs").then().statusCode(400)
                .body("detail", containsString("not lengthen it"));
        json(Map.of("prioritee", 1)).post("/v1/jobs/demo.sleep/runs").then().statusCode(400)
                .body("detail", containsString("prioritee"));
    }
}

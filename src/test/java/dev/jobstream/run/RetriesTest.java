package dev.jobstream.run;

import static dev.jobstream.support.Api.admin;
import static dev.jobstream.support.Api.awaitStatus;
import static dev.jobstream.support.Api.json;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Retries: a failed attempt comes back after the job's backoff as the next attempt of the same run ("retrying"),
 * recorded as a JOB_ATTEMPT_FAILED warning and in the run's attempt history; the last failure is JOB_FAILED. A
 * permanent failure is not retried, a snooze does not use an attempt, and an operator can retry a failed run.
 */
@QuarkusTest
class RetriesTest extends DatabaseTest {

    @Test
    void aJobFailingTwiceThenSucceedingTakesThreeAttemptsAfterItsBackoff() {
        String id = trigger(Map.of("params", Map.of("fail_times", 2)));
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> "retrying".equals(admin().get("/v1/runs/" + id).then().extract().path("display_status")));
        JsonPath run = awaitStatus(id, "completed").extract().jsonPath();

        assertEquals(3, run.getInt("attempt"));
        assertEquals(3, run.getInt("metrics.attempt"));
        assertNull(run.getString("error"), "an attempt that completes clears the error of the one before");
        List<Map<String, Object>> attempts = run.getList("attempts");
        assertEquals(List.of(1, 2, 3), attempts.stream().map(a -> a.get("attempt")).toList());
        assertEquals(List.of("failed", "failed", "completed"), attempts.stream().map(a -> a.get("outcome")).toList());
        assertEquals("flaky attempt 1", attempts.get(0).get("error"));
        assertEquals("job_failed", attempts.get(1).get("error_code"));
        attempts.forEach(a -> assertTrue(a.get("owner") != null && a.get("started_at") != null
                && a.get("finished_at") != null, a.toString()));
        // backoff: 1 s after the first failure, 2 s after the second (no jitter)
        assertFalse(at(attempts.get(1), "started_at").isBefore(at(attempts.get(0), "finished_at").plusMillis(1000)));
        assertFalse(at(attempts.get(2), "started_at").isBefore(at(attempts.get(1), "finished_at").plusMillis(2000)));

        JsonPath errors = admin().get("/v1/errors?run_id=" + id).then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("JOB_ATTEMPT_FAILED", "JOB_ATTEMPT_FAILED"), errors.getList("errors.kind"));
        assertEquals(List.of("warning", "warning"), errors.getList("errors.severity"));
        assertEquals(Map.of(1, 2, 2, 3), Map.of(errors.getInt("errors[1].details.attempt"),
                errors.getInt("errors[1].details.next_attempt"), errors.getInt("errors[0].details.attempt"),
                errors.getInt("errors[0].details.next_attempt")));

        JsonPath events = admin().accept(io.restassured.http.ContentType.JSON).get("/v1/runs/" + id + "/events").then()
                .statusCode(200)
                .extract().jsonPath();
        List<Map<String, Object>> requeues = events.<Map<String, Object>>getList("$").stream()
                .filter(e -> "state_json".equals(e.get("event"))).toList();
        assertEquals(2, requeues.size(), requeues.toString());
        assertEquals(List.of(2, 3), requeues.stream().map(e -> ((Map<?, ?>) e.get("data")).get("attempt")).toList());
        assertEquals(List.of(1000, 2000),
                requeues.stream().map(e -> ((Map<?, ?>) e.get("data")).get("retry_in_ms")).toList());
    }

    @Test
    void theLastFailedAttemptFailsTheRunWithJobFailed() {
        String id = trigger(Map.of("params", Map.of("fail_times", 5), "max_attempts", 2));
        JsonPath run = awaitStatus(id, "failed").extract().jsonPath();
        assertEquals(2, run.getInt("attempt"));
        assertEquals("flaky attempt 2", run.getString("error"));
        assertEquals(List.of("JOB_FAILED", "JOB_ATTEMPT_FAILED"),
                admin().get("/v1/errors?run_id=" + id).then().extract().jsonPath().getList("errors.kind"));
    }

    @Test
    void aPermanentFailureIsNotRetried() {
        String id = trigger(Map.of("params", Map.of("mode", "permanent")));
        JsonPath run = awaitStatus(id, "failed").extract().jsonPath();
        assertEquals(1, run.getInt("attempt"));
        assertEquals("bad_input", run.getString("error_code"));
        assertEquals("no such record", run.getString("error"));
        assertEquals(List.of("JOB_FAILED"),
                admin().get("/v1/errors?run_id=" + id).then().extract().jsonPath().getList("errors.kind"));
    }

    @Test
    void aSnoozeComesBackLaterWithoutUsingAnAttempt() {
        String id = trigger(Map.of("params", Map.of("mode", "snooze", "snooze_ms", 1500)));
        JsonPath run = awaitStatus(id, "completed").extract().jsonPath();
        assertEquals(2, run.getInt("attempt"));
        assertEquals(4, run.getInt("max_attempts"), "a snooze allows one attempt more");
        List<Map<String, Object>> attempts = run.getList("attempts");
        assertEquals(List.of("snoozed", "completed"), attempts.stream().map(a -> a.get("outcome")).toList());
        assertFalse(at(attempts.get(1), "started_at").isBefore(at(attempts.get(0), "finished_at").plusMillis(1500)));
        assertEquals(0, admin().get("/v1/errors?run_id=" + id).then().extract().jsonPath().getList("errors").size());
    }

    @Test
    void anOperatorRetriesAFailedRunAsItsNextAttempt() {
        String id = trigger(Map.of("params", Map.of("fail_times", 1), "max_attempts", 1));
        awaitStatus(id, "failed");
        admin().post("/v1/runs/" + id + "/retry").then().statusCode(202).body("status", equalTo("queued"))
                .body("attempt", equalTo(2)).body("controlled_by", equalTo("admin"));
        JsonPath run = awaitStatus(id, "completed").extract().jsonPath();
        assertEquals(List.of("failed", "completed"),
                run.<Map<String, Object>>getList("attempts").stream().map(a -> a.get("outcome")).toList());
        admin().post("/v1/runs/" + id + "/retry").then().statusCode(409)
                .body("detail", containsString("only failed and cancelled runs can be retried"));
    }

    @Test
    void aRunningRunCannotBeRetriedNorARetryTakeAnotherRunsSlot() {
        String running = trigger(Map.of("params", Map.of("mode", "loop"), "workspace_id", WORKSPACE));
        awaitStatus(running, "running");
        admin().post("/v1/runs/" + running + "/retry").then().statusCode(409).body("detail", containsString("running"));
        admin().post("/v1/runs/" + running + "/cancel").then().statusCode(202);
        awaitStatus(running, "cancelled");
        String other = trigger(Map.of("params", Map.of("mode", "loop"), "workspace_id", WORKSPACE));
        admin().post("/v1/runs/" + running + "/retry").then().statusCode(409)
                .body("detail", containsString("another run of this job and workspace is active"));
        admin().post("/v1/runs/" + other + "/cancel?force=true").then().statusCode(202);
        admin().post("/v1/runs/" + running + "/retry").then().statusCode(202).body("attempt", equalTo(2));
        admin().post("/v1/runs/" + running + "/cancel?force=true").then().statusCode(202);
    }

    @Test
    void maxAttemptsOfATriggerMayLowerTheJobsNotRaiseIt() {
        json(Map.of("max_attempts", 4)).post("/v1/jobs/test.flaky/runs").then().statusCode(400)
                .body("detail", containsString("'max_attempts' must be from 1 to 3"));
        json(Map.of("max_attempts", 0)).post("/v1/jobs/test.flaky/runs").then().statusCode(400)
                .body("detail", containsString("'max_attempts'"));
    }

    private static final String WORKSPACE = "7f1c2a4e-0000-4000-8000-000000000012";

    private static String trigger(Map<String, Object> body) {
        return json(body).post("/v1/jobs/test.flaky/runs").then().statusCode(202).extract().path("id");
    }

    private static Instant at(Map<String, Object> attempt, String field) {
        return Instant.parse((String) attempt.get(field));
    }
}

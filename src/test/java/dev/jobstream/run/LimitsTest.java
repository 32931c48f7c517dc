package dev.jobstream.run;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.jobstream.support.Api;
import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Rate limits and limits per key, as the engines honour them: a key's third start within its window waits, shown
 * {@code throttled} with when it may start; a key's runs beyond its places at once wait for one to free, while other
 * keys' runs start; a job that refuses a busy key answers 409 naming the runs that hold it.
 */
@QuarkusTest
class LimitsTest extends DatabaseTest {

    private final String workspace = UUID.randomUUID().toString();

    @AfterEach
    void stopWhatStillRuns() {
        db.rows("SELECT id FROM job_runs WHERE status IN ('queued', 'running', 'paused')")
                .forEach(row -> Api.admin().post("/v1/runs/{id}/cancel?force=true", row.getUUID(0).toString()));
    }

    private String trigger(String job, String customer) {
        return Api.trigger(job, Map.of("workspace_id", workspace, "params", Map.of("customer", customer)));
    }

    private long executing(String job) {
        return db.count("SELECT count(*) FROM job_runs WHERE job_name = $1 AND status = 'running'", job);
    }

    @Test
    void aKeysThirdStartInItsWindowWaitsShownThrottledUntilItsWindowHasRoom() {
        List<String> first = List.of(trigger("test.rated", "a"), trigger("test.rated", "a"));
        String third = trigger("test.rated", "a");
        String other = trigger("test.rated", "b");
        first.forEach(id -> Api.awaitStatus(id, "completed"));
        Api.awaitStatus(other, "completed");

        JsonPath waiting = Api.run(third).extract().jsonPath();
        assertEquals("queued", waiting.getString("status"));
        assertEquals("throttled", waiting.getString("display_status"));
        assertEquals("a", waiting.getString("limit_key"));
        Instant lastStart = Instant.parse(Api.run(first.get(1)).extract().path("started_at"));
        Instant firstStart = Instant.parse(Api.run(first.get(0)).extract().path("started_at"));
        Instant until = Instant.parse(waiting.getString("throttled_until"));
        // the window frees a place when the older of the two starts leaves it
        assertEquals(firstStart.isBefore(lastStart)
                ? firstStart.plus(Duration.ofHours(1))
                : lastStart.plus(Duration.ofHours(1)), until);
        assertEquals(2, db.count("SELECT count(*) FROM job_starts WHERE job_name = 'test.rated' AND limit_key = 'a'"));
    }

    @Test
    void aKeysRunsBeyondItsPlacesWaitForOneToFreeWhileOtherKeysRunsStart() {
        List<String> runs = List.of(trigger("test.keyed", "x"), trigger("test.keyed", "x"), trigger("test.keyed", "x"),
                trigger("test.keyed", "x"));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> executing("test.keyed") == 2);
        // however often the dispatchers claim in the meantime, the workspace keeps its two places
        Instant until = Instant.now().plusSeconds(2);
        while (Instant.now().isBefore(until)) {
            assertTrue(executing("test.keyed") <= 2, "more than two runs of the workspace execute at once");
        }
        assertEquals(2, db.count("SELECT count(*) FROM job_runs WHERE job_name = 'test.keyed' AND status = 'queued'"));

        // another workspace's run is not held back
        String elsewhere = Api.trigger("test.keyed", Map.of("workspace_id", UUID.randomUUID().toString()));
        Api.awaitStatus(elsewhere, "running");

        String running = runs.stream().filter(id -> "running".equals(Api.run(id).extract().path("status")))
                .findFirst().orElseThrow();
        Api.admin().post("/v1/runs/{id}/cancel?force=true", running).then().statusCode(202);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> db.count(
                "SELECT count(*) FROM job_runs WHERE job_name = 'test.keyed' AND workspace_id = $1::uuid"
                        + " AND status = 'running'",
                UUID.fromString(workspace)) == 2
                && db.count("SELECT count(*) FROM job_runs WHERE job_name ="
                        + " 'test.keyed' AND status = 'queued'") == 1);
    }

    @Test
    void aJobThatRefusesABusyKeyAnswers409NamingTheRunThatHoldsIt() {
        String holder = trigger("test.refusing", "x");
        Api.json(Map.of("workspace_id", workspace, "params", Map.of("customer", "x")))
                .post("/v1/jobs/test.refusing/runs").then().statusCode(409)
                .contentType("application/problem+json").body("reason", equalTo("key_busy"))
                .body("limit_key", equalTo("x")).body("max_active_per_key", equalTo(1))
                .body("active_run_ids", equalTo(List.of(holder)));
        trigger("test.refusing", "y");

        // in a batch, each run is answered for itself
        JsonPath batch = Api.json(Map.of("runs", List.of(
                Map.of("workspace_id", workspace, "params", Map.of("customer", "x")),
                Map.of("workspace_id", workspace, "params", Map.of("customer", "z")))))
                .post("/v1/jobs/test.refusing/runs/batch").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(409, 202), batch.getList("results.status"));
        assertEquals(List.of(holder), batch.getList("results[0].active_run_ids"));

        Api.admin().post("/v1/runs/{id}/cancel?force=true", holder).then().statusCode(202);
        Api.awaitStatus(holder, "cancelled");
        trigger("test.refusing", "x");
        assertEquals(1, db.count("SELECT count(*) FROM job_runs WHERE job_name = 'test.refusing'"
                + " AND limit_key = 'x' AND status IN ('queued', 'running')"));
    }

    @Test
    void aKeyLongerThanAKeyMayBeIsA400() {
        Api.json(Map.of("workspace_id", workspace, "params", Map.of("customer", "c".repeat(201))))
                .post("/v1/jobs/test.rated/runs").then().statusCode(400)
                .body("detail", org.hamcrest.Matchers.containsString("at most 200 characters"));
    }

    @Test
    void theJobsListTheirLimits() {
        JsonPath jobs = Api.admin().get("/v1/jobs").then().statusCode(200).extract().jsonPath();
        Map<String, Object> rated = jobs.getMap("find { it.name == 'test.rated' }.limits");
        assertEquals(Map.of("limit_key", "/customer", "rate_limit_per_key", Map.of("limit", 2, "window", "PT1H")),
                withoutNulls(rated));
        assertEquals("refuse", jobs.getString("find { it.name == 'test.refusing' }.limits.when_key_busy"));
        assertEquals(null, (Object) jobs.get("find { it.name == 'demo.noop' }.limits"));
    }

    private static Map<String, Object> withoutNulls(Map<String, Object> map) {
        Map<String, Object> kept = new java.util.HashMap<>(map);
        kept.values().removeIf(java.util.Objects::isNull);
        return kept;
    }
}

package dev.jobstream.bulk;

import static dev.jobstream.auth.Security.ADMIN;
import static dev.jobstream.auth.Security.OPERATOR;
import static dev.jobstream.auth.Security.SCOPED;
import static dev.jobstream.auth.Security.VIEWER;
import static dev.jobstream.auth.Security.WORKSPACE_A;
import static dev.jobstream.auth.Security.WORKSPACE_B;
import static dev.jobstream.auth.Security.as;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.jobstream.auth.Security;
import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * {@code POST /v1/runs/bulk}: a dry run counts, a bulk request is carried out by a {@code runs.bulk} run in pages — each
 * run through the single action's guarded statement and audit, refusals kept in its error log — on the runs of the
 * filter created up to the request only, in the caller's workspaces only; bad requests are 400, 403 or 409 problems.
 * The runs here are of a job no replica executes, so that what the bulk run left them as stays to be read.
 */
@QuarkusTest
@TestProfile(Security.Profile.class)
class BulkTest extends DatabaseTest {

    private static final UUID A = UUID.fromString(WORKSPACE_A);
    private static final UUID B = UUID.fromString(WORKSPACE_B);

    /** {@code count} runs of {@code job} in {@code workspace}, in {@code status}, created {@code age} ago. */
    private void runs(String job, UUID workspace, String status, int count, boolean exclusive, String age) {
        db.execute("""
                INSERT INTO job_runs (id, job_name, workspace_id, status, exclusive, created_at, finished_at)
                SELECT gen_random_uuid(), $1, $2, $3, $4, now() - $5::text::interval - make_interval(secs => i),
                       CASE WHEN $3 IN ('failed', 'cancelled', 'completed') THEN now() END
                  FROM generate_series(1, $6) i
                """, job, workspace, status, exclusive, age, count);
    }

    private long count(String job, UUID workspace, String status) {
        return db.count("SELECT count(*) FROM job_runs WHERE job_name = $1 AND workspace_id = $2 AND status = $3", job,
                workspace, status);
    }

    private static JsonPath post(String token, Map<String, Object> body, int status) {
        return as(token).contentType("application/json").body(body).post("/v1/runs/bulk").then().statusCode(status)
                .extract().jsonPath();
    }

    private static JsonPath awaitEnded(String id) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> List
                .of("completed", "failed").contains(as(ADMIN).get("/v1/runs/" + id).then().extract().path("status")));
        return as(ADMIN).get("/v1/runs/" + id).then().statusCode(200).extract().jsonPath();
    }

    @Test
    void aDryRunCountsAndTheBulkRunRetriesEveryFailedRunOfTheFilterInPages() {
        runs("bulk.test", A, "failed", 450, false, "1 minute"); // more than two pages
        runs("bulk.test", B, "failed", 5, false, "1 minute");
        runs("bulk.test", A, "completed", 3, false, "1 minute");
        runs("bulk.other", A, "failed", 2, false, "1 minute");
        Map<String, Object> request = Map.of("action", "retry", "job", "bulk.test", "workspace_id", WORKSPACE_A);

        JsonPath preview = post(OPERATOR, with(request, "dry_run", true), 200);
        assertEquals(450, preview.getInt("matched"));
        assertEquals("failed", preview.getString("status"), "retry selects failed runs unless told");
        assertNull(preview.get("run"));
        assertEquals(450, count("bulk.test", A, "failed"), "a dry run changes nothing");

        String id = as(OPERATOR).contentType("application/json").body(request).post("/v1/runs/bulk").then()
                .statusCode(202).body("matched", equalTo(450)).body("run.job", equalTo("runs.bulk"))
                .body("run.workspace_id", equalTo(WORKSPACE_A)).body("run.triggered_by", equalTo("operator"))
                .header("Location", containsString("/v1/runs/")).extract().path("run.id");
        JsonPath bulk = awaitEnded(id);

        assertEquals("completed", bulk.getString("status"), bulk.prettify());
        assertEquals(450, bulk.getInt("metrics.retried"));
        assertEquals(0, bulk.getInt("metrics.refused"));
        assertEquals(450, bulk.getLong("processed"));
        assertEquals(450, bulk.getLong("total"));
        assertEquals(0, count("bulk.test", A, "failed"));
        assertEquals(450, count("bulk.test", A, "queued"));
        assertEquals(5, count("bulk.test", B, "failed"), "another workspace");
        assertEquals(2, count("bulk.other", A, "failed"), "another job");
        assertEquals(3, count("bulk.test", A, "completed"), "another status");
        assertEquals(450, db.count("SELECT count(*) FROM job_runs WHERE job_name = 'bulk.test' AND attempt = 2"
                + " AND controlled_by = $1", "operator (bulk " + id + ")"), "each retried as the bulk's, audited");
    }

    @Test
    void aBulkCancelOfAScopedTokenActsOnItsWorkspaceAndNotOnRunsCreatedAfterTheRequest() {
        runs("bulk.test", A, "queued", 250, false, "1 minute");
        db.execute("UPDATE job_runs SET run_after = now() + interval '1 hour' WHERE id IN "
                + "(SELECT id FROM job_runs WHERE status = 'queued' LIMIT 50)"); // scheduled ones, cancelled too
        runs("bulk.test", A, "queued", 2, false, "-1 hour"); // created after the request
        runs("bulk.test", B, "queued", 7, false, "1 minute");

        JsonPath accepted = post(SCOPED, Map.of("action", "cancel"), 202);
        assertEquals(250, accepted.getInt("matched"), "the token's one workspace, runs created up to now");
        assertEquals(WORKSPACE_A, accepted.getString("workspace_id"));
        JsonPath bulk = awaitEnded(accepted.getString("run.id"));

        assertEquals("completed", bulk.getString("status"), bulk.prettify());
        assertEquals(250, bulk.getInt("metrics.cancelled"));
        assertEquals(250, count("bulk.test", A, "cancelled"));
        assertEquals(2, count("bulk.test", A, "queued"), "created after the request");
        assertEquals(7, count("bulk.test", B, "queued"), "outside the token's workspace");
    }

    @Test
    void aRunThatCannotBeRetriedIsRefusedAndKeptInTheBulkRunsErrorLogAndTheOthersGoOn() {
        runs("bulk.exclusive", A, "failed", 2, true, "1 minute"); // one at a time: the second's retry conflicts
        runs("bulk.test", A, "failed", 3, false, "1 minute");

        JsonPath bulk = awaitEnded(post(ADMIN, Map.of("action", "retry", "workspace_id", WORKSPACE_A), 202)
                .getString("run.id"));

        assertEquals("completed", bulk.getString("status"), bulk.prettify());
        assertEquals(4, bulk.getInt("metrics.retried"));
        assertEquals(1, bulk.getInt("metrics.refused"));
        List<Map<String, Object>> errors = bulk.getList("error_log");
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).toString().contains("exclusive"), errors.toString());
        assertEquals(1, count("bulk.exclusive", A, "failed"));
    }

    @Test
    void anAdminsBulkWithoutAWorkspaceActsOnEveryWorkspaceAndIsRecordedInTheSystemWorkspace() {
        runs("bulk.test", A, "cancelled", 3, false, "1 minute");
        runs("bulk.test", B, "cancelled", 4, false, "1 minute");

        JsonPath accepted = post(ADMIN, Map.of("action", "retry", "status", "cancelled"), 202);
        assertEquals(7, accepted.getInt("matched"));
        assertEquals("ffffffff-ffff-ffff-ffff-ffffffffffff", accepted.getString("run.workspace_id"));
        assertEquals("completed", awaitEnded(accepted.getString("run.id")).getString("status"));
        assertEquals(7, db.count("SELECT count(*) FROM job_runs WHERE job_name = 'bulk.test' AND status = 'queued'"));
        as(SCOPED).get("/v1/runs/" + accepted.getString("run.id")).then().statusCode(404);
    }

    @Test
    void badRequestsAreProblemsAndNothingStarts() {
        for (Map<String, Object> body : List.<Map<String, Object>>of(Map.of(), Map.of("action", "delete"),
                Map.of("action", "retry", "status", "running"), Map.of("action", "cancel", "status", "failed"),
                Map.of("action", "retry", "workspace_id", "nope"), Map.of("action", "retry", "job", "runs.bulk"),
                Map.of("action", "retry", "job", "x".repeat(201)))) {
            post(ADMIN, body, 400).getString("detail");
        }
        as(ADMIN).contentType("application/json").post("/v1/runs/bulk").then().statusCode(400);
        as(SCOPED).contentType("application/json").body(Map.of("action", "retry", "workspace_id", WORKSPACE_B))
                .post("/v1/runs/bulk").then().statusCode(403);
        as(VIEWER).contentType("application/json").body(Map.of("action", "retry")).post("/v1/runs/bulk").then()
                .statusCode(403);
        io.restassured.RestAssured.given().contentType("application/json").body(Map.of("action", "retry"))
                .post("/v1/runs/bulk").then().statusCode(401);
        assertEquals(0, db.count("SELECT count(*) FROM job_runs WHERE job_name = 'runs.bulk'"));
    }

    @Test
    void aSecondBulkOfAWorkspaceWhileOneIsActiveIsAConflictAndTheJobIsNotTriggeredDirectly() {
        db.execute("""
                INSERT INTO job_runs (id, job_name, workspace_id, status, exclusive, run_after)
                VALUES (gen_random_uuid(), 'runs.bulk', $1, 'queued', true, now() + interval '1 hour')
                """, A);
        post(ADMIN, Map.of("action", "retry", "workspace_id", WORKSPACE_A), 409);
        post(ADMIN, Map.of("action", "retry", "workspace_id", WORKSPACE_A, "dry_run", true), 200)
                .getInt("matched");

        as(ADMIN).contentType("application/json").body(Map.of("workspace_id", WORKSPACE_A))
                .post("/v1/jobs/runs.bulk/runs").then().statusCode(404);
        as(ADMIN).get("/v1/jobs").then().statusCode(200).body("find { it.name == 'runs.bulk' }", nullValue());
    }

    @Test
    void aBulkOfEveryWorkspaceAndOneOfAWorkspaceAreNeverActiveAtOnce() {
        UUID system = dev.jobstream.spi.Workspaces.SYSTEM;
        String later = "INSERT INTO job_runs (id, job_name, workspace_id, status, exclusive, run_after)"
                + " VALUES (gen_random_uuid(), 'runs.bulk', $1, 'queued', true, now() + interval '1 hour')";
        db.execute(later, system);
        String detail = post(ADMIN, Map.of("action", "retry", "workspace_id", WORKSPACE_A), 409).getString("detail");
        assertTrue(detail.contains("runs.bulk"), detail);
        db.execute("DELETE FROM job_runs WHERE job_name = 'runs.bulk'");

        db.execute(later, B);
        post(ADMIN, Map.of("action", "retry"), 409);
        post(ADMIN, Map.of("action", "retry", "workspace_id", WORKSPACE_A), 202);
    }

    @Test
    void ofBulksSubmittedAtOnceForEveryWorkspaceAndForOneOnlyOneStarts() throws Exception {
        // the run to cancel is held here: the bulk run that started stays active while the others are submitted
        UUID queued = UUID.randomUUID();
        db.execute("INSERT INTO job_runs (id, job_name, workspace_id, status, exclusive, run_after)"
                + " VALUES ($1, 'demo.sleep', $2, 'queued', false, now() + interval '1 hour')", queued, A);
        dev.jobstream.support.Database.Open held = db.begin("SELECT 1 FROM job_runs WHERE id = $1 FOR UPDATE",
                queued);
        java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<Integer>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Map<String, Object> body = i % 2 == 0
                        ? Map.of("action", "cancel")
                        : Map.of("action", "cancel", "workspace_id", WORKSPACE_A);
                answers.add(clients.submit(() -> as(ADMIN).contentType("application/json").body(body)
                        .post("/v1/runs/bulk").then().extract().statusCode()));
            }
            List<Integer> statuses = new java.util.ArrayList<>();
            for (var answer : answers) {
                statuses.add(answer.get(30, java.util.concurrent.TimeUnit.SECONDS));
            }
            assertEquals(1, statuses.stream().filter(s -> s == 202).count(), statuses.toString());
            assertEquals(7, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
        } finally {
            clients.shutdownNow();
            held.commit();
        }
    }

    private static Map<String, Object> with(Map<String, Object> map, String key, Object value) {
        Map<String, Object> copy = new HashMap<>(map);
        copy.put(key, value);
        return copy;
    }
}

package dev.jobstream.auth;

import static dev.jobstream.auth.Security.ADMIN;
import static dev.jobstream.auth.Security.SCOPED;
import static dev.jobstream.auth.Security.WORKSPACE_A;
import static dev.jobstream.auth.Security.WORKSPACE_B;
import static dev.jobstream.auth.Security.as;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * A token limited to workspaces cannot reach another workspace through any job: system jobs (which act on every
 * workspace) refuse it, and every other job, run in its own workspace, leaves everything outside it as it was. The
 * runs of system jobs are recorded in the system workspace, which no limited token sees.
 */
@QuarkusTest
@TestProfile(Security.Profile.class)
class SystemJobsTest extends DatabaseTest {

    private static final String SYSTEM = "ffffffff-ffff-ffff-ffff-ffffffffffff";
    /** Every row outside workspace A, as one digest: runs, their events, error events, rollups. */
    private static final String OUTSIDE_A = """
            SELECT md5(coalesce((SELECT string_agg(r::text, ',' ORDER BY r.id) FROM job_runs r
                                  WHERE r.workspace_id <> $1), '')
                    || coalesce((SELECT string_agg(e::text, ',' ORDER BY e.run_id, e.seq) FROM job_run_events e
                                   JOIN job_runs r ON r.id = e.run_id WHERE r.workspace_id <> $1), '')
                    || coalesce((SELECT string_agg(x::text, ',' ORDER BY x.id) FROM error_events x
                                  WHERE x.workspace_id IS DISTINCT FROM $1), '')
                    || coalesce((SELECT string_agg(u::text, ',') FROM error_event_rollups u), ''))
            """;

    @BeforeEach
    void errorEventsOfTwoWorkspaces() {
        for (String workspace : List.of(WORKSPACE_A, WORKSPACE_B)) {
            db.execute(
                    """
                            INSERT INTO error_events (severity, kind, message, workspace_id, occurred_at, resolved_at, resolved_by)
                            SELECT 'error', 'OLD_AND_RESOLVED', 'old', $1, now() - interval '40 days', now() - interval '39 days',
                                   'someone'
                              FROM generate_series(1, 3)
                            """,
                    UUID.fromString(workspace));
            db.execute("INSERT INTO error_events (severity, kind, message, workspace_id, occurred_at) "
                    + "VALUES ('error', 'YESTERDAY', 'y', $1, now() - interval '1 day')", UUID.fromString(workspace));
        }
    }

    @Test
    void aTokenLimitedToWorkspacesMayNotTriggerASystemJob() {
        List<String> system = systemJobs();
        assertEquals(List.of("errors.cleanup", "errors.rollup"), system.stream().sorted().toList());
        String before = outsideA();

        for (String job : system) {
            // params that would reach the events above (cleanup's default age is the retention's)
            Map<String, Object> params = job.equals("errors.cleanup") ? Map.of("older_than", "30d") : Map.of();
            for (Map<String, Object> body : List.<Map<String, Object>>of(Map.of("params", params),
                    Map.of("workspace_id", WORKSPACE_A, "params", params), Map.of("dry_run", true))) {
                as(SCOPED).contentType("application/json").body(body).post("/v1/jobs/" + job + "/runs").then()
                        .statusCode(403).contentType("application/problem+json")
                        .body("detail", containsString("acts on every workspace"));
            }
            as(SCOPED).contentType("application/json").body(Map.of("runs", List.of(Map.of("params", params))))
                    .post("/v1/jobs/" + job + "/runs/batch").then().statusCode(403);
            assertEquals(403, as(SCOPED).accept("text/event-stream").contentType("application/json").body(Map.of())
                    .post("/v1/jobs/" + job + "/runs").statusCode());
        }

        assertEquals(0, db.count("SELECT count(*) FROM job_runs"), "no run of a refused trigger");
        assertEquals(before, outsideA());
        assertEquals(4, db.count("SELECT count(*) FROM error_events WHERE workspace_id = $1",
                UUID.fromString(WORKSPACE_B)));
    }

    @Test
    void everyOtherJobRunInItsWorkspaceLeavesTheOthersAsTheyWere() {
        // every job a trigger without params starts (a job whose schema requires params cannot be)
        List<String> jobs = JsonPath.from(as(ADMIN).get("/v1/jobs").asString())
                .getList("findAll { !it.system && !it.params_schema.required }.name");
        assertFalse(jobs.isEmpty());
        String before = outsideA();
        for (String job : jobs) {
            for (boolean dryRun : List.of(true, false)) {
                String id = as(SCOPED).contentType("application/json")
                        .body(Map.of("workspace_id", WORKSPACE_A, "dry_run", dryRun))
                        .post("/v1/jobs/" + job + "/runs").then().statusCode(202).extract().path("id");
                awaitEnd(id);
            }
        }
        if (!before.equals(outsideA())) {
            db.rows("SELECT x::text FROM error_events x").forEach(r -> System.err.println("DEBUG " + r.getString(0)));
            db.rows("SELECT r.id || ' ' || r.workspace_id || ' ' || r.job_name FROM job_runs r")
                    .forEach(r -> System.err.println("DEBUG " + r.getString(0)));
        }
        assertEquals(before, outsideA(), "nothing outside workspace A changed");
    }

    @Test
    void theRunsOfASystemJobAreInTheSystemWorkspaceWhichNoLimitedTokenSees() {
        String id = as(ADMIN).contentType("application/json").body(Map.of("dry_run", true))
                .post("/v1/jobs/errors.cleanup/runs").then().statusCode(202)
                .body("workspace_id", equalTo(SYSTEM)).extract().path("id");
        Awaitility.await().until(() -> as(ADMIN).get("/v1/runs/" + id).then().extract().path("finished_at") != null);

        as(SCOPED).get("/v1/runs/" + id).then().statusCode(404);
        as(SCOPED).get("/v1/runs").then().statusCode(200).body("runs", equalTo(List.of()));
        String naming = Security.jwt("naming-system", List.of("viewer"), List.of(WORKSPACE_A, SYSTEM),
                Instant.now().plusSeconds(300));
        as(naming).get("/v1/runs/" + id).then().statusCode(404);
        as(naming).get("/v1/me").then().statusCode(200).body("workspaces", equalTo(List.of(WORKSPACE_A)));
    }

    @Test
    void theSystemWorkspaceHoldsSystemRunsOnly() {
        as(ADMIN).contentType("application/json").body(Map.of("workspace_id", SYSTEM))
                .post("/v1/jobs/demo.sleep/runs").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("reserved for the runs of system jobs"));
        as(ADMIN).contentType("application/json").body(Map.of("workspace_id", WORKSPACE_A))
                .post("/v1/jobs/errors.rollup/runs").then().statusCode(400)
                .body("detail", containsString("leave 'workspace_id' out"));
        as(ADMIN).contentType("application/json").body(Map.of("workspace_id", SYSTEM, "dry_run", true))
                .post("/v1/jobs/errors.rollup/runs").then().statusCode(202).body("workspace_id", equalTo(SYSTEM));
        assertTrue(JsonPath.from(as(ADMIN).get("/v1/jobs").asString())
                .getBoolean("find { it.name == 'errors.rollup' }.system"));
    }

    /** Waits for the run to end; one that has not after a few seconds (a job that hangs) is force-cancelled. */
    private static void awaitEnd(String id) {
        try {
            Awaitility.await().atMost(Duration.ofSeconds(8)).until(() -> ended(id));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            as(SCOPED).post("/v1/runs/" + id + "/cancel?force=true").then().statusCode(202);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ended(id));
        }
    }

    private static boolean ended(String id) {
        return as(SCOPED).get("/v1/runs/" + id).then().extract().path("finished_at") != null;
    }

    private static List<String> systemJobs() {
        return JsonPath.from(as(ADMIN).get("/v1/jobs").asString()).getList("findAll { it.system }.name");
    }

    private String outsideA() {
        return db.rows(OUTSIDE_A, UUID.fromString(WORKSPACE_A)).iterator().next().getString(0);
    }
}

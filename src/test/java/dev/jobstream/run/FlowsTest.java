package dev.jobstream.run;

import static dev.jobstream.auth.Security.SCOPED;
import static dev.jobstream.auth.Security.WORKSPACE_A;
import static dev.jobstream.auth.Security.WORKSPACE_B;
import static dev.jobstream.auth.Security.as;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.jobstream.auth.Security;
import dev.jobstream.support.Api;
import dev.jobstream.support.DatabaseTest;
import dev.jobstream.sweep.WaitSettler;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * Flows on PostgreSQL and over HTTP: a run that depends on others waits (shown {@code waiting}) until they end, then
 * runs and reads their results, or fails or is cancelled as its policy says; a parent job triggers children (one per
 * key, however often asked), waits for them and sums their results; cancelling a parent cancels its children; a
 * dependency that ends while its dependent is inserted is never missed; the sweep settles what was.
 */
@QuarkusTest
@TestProfile(Security.Profile.class)
class FlowsTest extends DatabaseTest {

    private final String workspace = UUID.randomUUID().toString();

    @Inject
    WaitSettler settler;

    @AfterEach
    void stopWhatStillRuns() {
        db.rows("SELECT id FROM job_runs WHERE status IN ('queued', 'running', 'paused')")
                .forEach(row -> Api.admin().post("/v1/runs/{id}/cancel?force=true", row.getUUID(0).toString()));
    }

    private String step(int value, String mode, Map<String, Object> more) {
        Map<String, Object> body = new HashMap<>(more);
        body.put("workspace_id", workspace);
        body.put("params", Map.of("value", value, "mode", mode));
        return Api.trigger("test.flow.step", body);
    }

    private static JsonPath run(String id) {
        return Api.run(id).extract().jsonPath();
    }

    @Test
    void aRunThatDependsOnAnotherWaitsUntilItEndsThenReadsItsResult() {
        String first = step(10, "ok", Map.of("delay", "2s"));
        String second = step(1, "ok", Map.of("depends_on", List.of(first)));

        JsonPath waiting = run(second);
        assertEquals("queued", waiting.getString("status"));
        assertEquals("waiting", waiting.getString("display_status"));
        assertNull(waiting.get("run_after"));
        assertEquals(List.of(first), waiting.getList("depends_on"));
        assertEquals("fail", waiting.getString("on_dependency_failure"));
        // in lists too
        List<Map<String, Object>> listed = Api.admin().get("/v1/runs?workspace_id=" + workspace).then()
                .statusCode(200).extract().jsonPath().getList("runs");
        assertTrue(
                listed.stream().anyMatch(r -> second.equals(r.get("id")) && "waiting".equals(r.get("display_status"))),
                listed.toString());

        JsonPath done = Api.awaitStatus(second, "completed").extract().jsonPath();
        assertEquals(11, done.getInt("metrics.value"));
        assertEquals(1, done.getInt("metrics.dependencies"));
        assertTrue(Api.run(first).extract().jsonPath().getString("finished_at")
                .compareTo(done.getString("started_at")) <= 0, "the dependent started before its dependency ended");
    }

    @Test
    void aDependencyThatAlreadyEndedMakesItsDependentDueAtOnce() {
        String first = step(5, "ok", Map.of());
        Api.awaitStatus(first, "completed");
        String second = step(1, "ok", Map.of("depends_on", List.of(first)));
        assertEquals(6, Api.awaitStatus(second, "completed").extract().jsonPath().getInt("metrics.value"));
    }

    @Test
    void aFailedDependencyFailsCancelsOrLetsThroughItsDependentsAsEachDeclares() {
        String failing = step(1, "fail", Map.of("delay", "1s"));
        String fails = step(1, "ok", Map.of("depends_on", List.of(failing)));
        String cancels = step(1, "ok", Map.of("depends_on", List.of(failing), "on_dependency_failure", "cancel"));
        String runs = step(1, "ok", Map.of("depends_on", List.of(failing), "on_dependency_failure", "run"));

        JsonPath failed = Api.awaitStatus(fails, "failed").extract().jsonPath();
        assertEquals("dependency_failed", failed.getString("error_code"));
        assertTrue(failed.getString("error").contains(failing), failed.getString("error"));
        assertNull(failed.get("started_at"));
        Api.awaitStatus(cancels, "cancelled");
        JsonPath ran = Api.awaitStatus(runs, "completed").extract().jsonPath();
        assertEquals(List.of("failed"), ran.getList("metrics.statuses"));
        // a dependent's end is in its events, as a cancel's is
        List<String> events = Api.admin().accept("application/json").get("/v1/runs/" + fails + "/events").then()
                .statusCode(200).extract().jsonPath().getList("event");
        assertEquals("end_json", events.get(events.size() - 1));
    }

    @Test
    void aParentTriggersThreeChildrenWaitsForThemAndSumsTheirResults() {
        String parent = Api.trigger("test.flow.parent", Map.of("workspace_id", workspace));
        JsonPath done = Api.awaitStatus(parent, "completed").extract().jsonPath();
        assertEquals(6, done.getInt("metrics.sum"));
        assertEquals(3, done.getInt("metrics.children"));
        assertEquals(2, done.getInt("metrics.attempt"), "the attempt after the wait completes");
        assertEquals("waiting", done.getString("attempts[0].outcome"));

        // one child per key, though each key was asked twice; each names its parent, the parent names them
        List<String> children = done.getList("children");
        assertEquals(3, children.size());
        assertEquals(3, db.count("SELECT count(*) FROM job_runs WHERE parent_id = $1", UUID.fromString(parent)));
        assertEquals(children, done.getList("depends_on"));
        for (String child : children) {
            JsonPath read = run(child);
            assertEquals(parent, read.getString("parent_id"));
            assertEquals("completed", read.getString("status"));
            assertEquals(1, read.getInt("attempt"));
        }
    }

    @Test
    void cancellingAParentCancelsItsChildrenAndItsWaitingDependents() {
        String parent = Api.trigger("test.flow.parent", Map.of("workspace_id", workspace, "params",
                Map.of("child_mode", "hold")));
        String dependent = step(1, "ok", Map.of("depends_on", List.of(parent), "on_dependency_failure", "cancel"));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> "waiting".equals(run(parent)
                .getString("display_status"))
                && db.count("SELECT count(*) FROM job_runs WHERE parent_id = $1 AND status = 'running'",
                        UUID.fromString(parent)) == 3);

        Api.admin().post("/v1/runs/{id}/cancel", parent).then().statusCode(202);
        Api.awaitStatus(parent, "cancelled");
        for (String child : run(parent).<String>getList("children")) {
            JsonPath cancelled = Api.awaitStatus(child, "cancelled").extract().jsonPath();
            assertEquals("parent:" + parent, cancelled.getString("controlled_by"));
        }
        Api.awaitStatus(dependent, "cancelled");
    }

    @Test
    void aBadDependsOnIsRefused() {
        String elsewhere = step(1, "ok", Map.of());
        Map<String, Object> base = Map.of("workspace_id", WORKSPACE_A);
        // a run that is not there
        refused(SCOPED, with(base, "depends_on", List.of(UUID.randomUUID().toString())), "no run");
        // a run of another workspace, for a token limited to one: as if it were not there
        refused(SCOPED, with(base, "depends_on", List.of(elsewhere)), "no run " + elsewhere);
        // more than 100
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            many.add(UUID.randomUUID().toString());
        }
        refused(Api.ADMIN_TOKEN, with(base, "depends_on", many), "at most 100");
        // not a list, not an id, a policy unknown or without depends_on, with a delay
        as(Api.ADMIN_TOKEN).contentType("application/json").body(with(base, "depends_on", elsewhere))
                .post("/v1/jobs/test.flow.step/runs").then().statusCode(400);
        refused(Api.ADMIN_TOKEN, with(base, "depends_on", List.of("nope")), "depends_on[0]");
        refused(Api.ADMIN_TOKEN, with(with(base, "depends_on", List.of(elsewhere)), "on_dependency_failure",
                "ignore"), "fail, cancel or run");
        refused(Api.ADMIN_TOKEN, with(base, "on_dependency_failure", "run"), "needs 'depends_on'");
        refused(Api.ADMIN_TOKEN, with(with(base, "depends_on", List.of(elsewhere)), "delay", "1m"), "excludes");
        assertEquals(0, db.count("SELECT count(*) FROM job_runs WHERE workspace_id = $1",
                UUID.fromString(WORKSPACE_A)));
        // the same token names a run of its own workspace
        String own = as(SCOPED).contentType("application/json").body(base).post("/v1/jobs/test.flow.step/runs")
                .then().statusCode(202).extract().path("id");
        as(SCOPED).contentType("application/json").body(with(base, "depends_on", List.of(own)))
                .post("/v1/jobs/test.flow.step/runs").then().statusCode(202);
        assertTrue(!WORKSPACE_B.equals(workspace));
    }

    private static Map<String, Object> with(Map<String, Object> body, String key, Object value) {
        Map<String, Object> more = new HashMap<>(body);
        more.put(key, value);
        return more;
    }

    private static void refused(String token, Map<String, Object> body, String detail) {
        as(token).contentType("application/json").body(body).post("/v1/jobs/test.flow.step/runs").then()
                .statusCode(400).body("detail", containsString(detail));
    }

    /**
     * A dependency that ends while its dependent is inserted, on another connection: the end's transaction holds the
     * dependency while the trigger comes, and commits once the trigger waits for it; and the two sent at once. Either
     * way the dependent runs, every time.
     */
    @Test
    void aDependencyEndingWhileItsDependentIsInsertedNeverLeavesItWaiting() throws Exception {
        for (int i = 0; i < 50; i++) {
            UUID dependency = runningRow();
            CompletableFuture<String> dependent;
            if (i % 2 == 0) {
                var ending = db.begin(END, dependency);
                dependent = CompletableFuture.supplyAsync(() -> step(1, "ok", Map.of("depends_on",
                        List.of(dependency.toString()))));
                try {
                    // the trigger waits for the end to commit (on the dependency's row, or in the settle after it)
                    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> db.count("""
                            SELECT count(*) FROM pg_stat_activity
                             WHERE wait_event_type = 'Lock'
                               AND (query LIKE '%has_dependents = true%' OR query LIKE '%job_runs_settle%')""") > 0);
                } finally {
                    ending.commit();
                }
            } else {
                CyclicBarrier together = new CyclicBarrier(2);
                CompletableFuture<Void> ended = CompletableFuture.runAsync(() -> {
                    await(together);
                    db.execute(END, dependency);
                });
                dependent = CompletableFuture.supplyAsync(() -> {
                    await(together);
                    return step(1, "ok", Map.of("depends_on", List.of(dependency.toString())));
                });
                ended.get();
            }
            Api.awaitStatus(dependent.get(), "completed");
        }
    }

    /** Ends a running run (a stand-in for any statement that ends one: a flush, a cancel, a sweep). */
    private static final String END = """
            UPDATE job_runs SET status = 'completed', finished_at = now(), metrics = '{"value": 1}'
             WHERE id = $1 AND status = 'running'""";

    /** A run of {@code test.flow.step} that an owner of no replica executes (never claimed by the tests' engines). */
    private UUID runningRow() {
        UUID id = RunIds.next();
        db.execute("""
                INSERT INTO job_runs (id, job_name, workspace_id, exclusive, status, owner, started_at, heartbeat_at)
                VALUES ($1, 'test.flow.step', $2, false, 'running', 'race-test', now(), now())""", id,
                UUID.fromString(workspace));
        return id;
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theSweepSettlesAWaitWhoseDependencyEndedUnseen() {
        UUID dependency = runningRow();
        // the dependency ends before its mark was set: no trigger fires; the wait is written after, unsettled
        db.execute(END, dependency);
        UUID waiting = RunIds.next();
        db.execute("""
                INSERT INTO job_runs (id, job_name, workspace_id, exclusive, run_after, has_dependencies,
                                      on_dependency_failure, params)
                VALUES ($1, 'test.flow.step', $2, false, 'infinity', true, 'fail', '{"value": 2, "mode": "ok"}')""",
                waiting, UUID.fromString(workspace));
        db.execute("INSERT INTO job_run_dependencies (run_id, depends_on, on_failure) VALUES ($1, $2, 'fail')",
                waiting, dependency);
        assertEquals("waiting", run(waiting.toString()).getString("display_status"));

        assertEquals(1, settler.runOnce(null).await().atMost(Duration.ofSeconds(10)));
        assertEquals(3, Api.awaitStatus(waiting.toString(), "completed").extract().jsonPath().getInt("metrics.value"));
        assertEquals(0, settler.runOnce(null).await().atMost(Duration.ofSeconds(10)));
    }
}

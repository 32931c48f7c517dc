package dev.jobstream.worker;

import static dev.jobstream.auth.Security.OPERATOR;
import static dev.jobstream.auth.Security.SCOPED_WORKER;
import static dev.jobstream.auth.Security.SCOPED_WORKER_JOB;
import static dev.jobstream.auth.Security.WORKER;
import static dev.jobstream.auth.Security.WORKSPACE_A;
import static dev.jobstream.auth.Security.as;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.jobstream.auth.Security;
import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * A worker in a flow: it triggers children of the run it holds, under its lease (the same key twice: one child), ends
 * its attempt with {@code wait}, and claims the run again once the children ended, with their results as
 * {@code dependencies}; a token limited to jobs triggers children of those jobs alone.
 */
@QuarkusTest
@TestProfile(Security.Profile.class)
class WorkerFlowsTest extends DatabaseTest {

    private static JsonPath claim(String token, String job) {
        return as(token).contentType("application/json")
                .body(Map.of("worker", "host-1", "jobs", List.of(job), "max", 1, "wait", 5))
                .post("/v1/workers/claim").then().statusCode(200).extract().jsonPath();
    }

    private static JsonPath call(String token, String runId, String what, Map<String, Object> body, int status) {
        return as(token).contentType("application/json").body(body).post("/v1/workers/runs/" + runId + "/" + what)
                .then().statusCode(status).extract().jsonPath();
    }

    @Test
    void aWorkerTriggersChildrenWaitsForThemAndIsClaimedAgainWithTheirResults() {
        WorkerTest.register("remote.fanout", Map.of());
        String parent = as(OPERATOR).contentType("application/json").body(Map.of("workspace_id", WORKSPACE_A))
                .post("/v1/jobs/remote.fanout/runs").then().statusCode(202).extract().path("id");

        JsonPath claimed = claim(WORKER, "remote.fanout");
        assertEquals(parent, claimed.getString("runs[0].run_id"));
        assertEquals(List.of(), claimed.getList("runs[0].dependencies"));
        assertNull(claimed.get("runs[0].parent_id"));
        String lease = claimed.getString("runs[0].lease.token");

        String first = call(WORKER, parent, "children", Map.of("lease", lease, "job", "test.flow.step", "key",
                "a", "params", Map.of("value", 4)), 200).getString("run_id");
        String again = call(WORKER, parent, "children", Map.of("lease", lease, "job", "test.flow.step", "key",
                "a", "params", Map.of("value", 4)), 200).getString("run_id");
        assertEquals(first, again, "the same key twice makes one child");
        String second = call(WORKER, parent, "children", Map.of("lease", lease, "job", "test.flow.step", "key",
                "b", "params", Map.of("value", 5)), 200).getString("run_id");
        // a child of a job that does not exist, or without a key
        call(WORKER, parent, "children", Map.of("lease", lease, "job", "no.such.job", "key", "c"), 404);
        call(WORKER, parent, "children", Map.of("lease", lease, "job", "test.flow.step"), 400);

        JsonPath waited = call(WORKER, parent, "wait", Map.of("lease", lease, "children", List.of(first, second)),
                200);
        assertEquals("queued", waited.getString("status"));
        // the lease ended with the wait: no more children under it
        call(WORKER, parent, "children", Map.of("lease", lease, "job", "test.flow.step", "key", "d"), 409);

        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> "queued".equals(WorkerTest.run(parent)
                .getString("display_status")));
        JsonPath again2 = claim(WORKER, "remote.fanout");
        assertEquals(parent, again2.getString("runs[0].run_id"));
        assertEquals(2, again2.getInt("runs[0].attempt"));
        assertEquals(List.of(first, second), again2.getList("runs[0].dependencies.run_id"));
        assertEquals(List.of("completed", "completed"), again2.getList("runs[0].dependencies.status"));
        assertEquals(List.of(4, 5), again2.getList("runs[0].dependencies.metrics.value"));
        assertEquals(List.of("test.flow.step", "test.flow.step"), again2.getList("runs[0].dependencies.job"));
        call(WORKER, parent, "complete", Map.of("lease", again2.getString("runs[0].lease.token"), "metrics",
                Map.of("sum", 9)), 200);
        JsonPath done = WorkerTest.run(parent);
        assertEquals("completed", done.getString("status"));
        assertEquals(List.of(first, second), done.getList("children"));
        assertEquals(parent, WorkerTest.run(first).getString("parent_id"));
    }

    @Test
    void aTokenLimitedToJobsTriggersChildrenOfThoseJobsAlone() {
        WorkerTest.register(SCOPED_WORKER_JOB, Map.of("exclusive", false));
        String parent = as(OPERATOR).contentType("application/json").body(Map.of("workspace_id", WORKSPACE_A))
                .post("/v1/jobs/" + SCOPED_WORKER_JOB + "/runs").then().statusCode(202).extract().path("id");
        String lease = claim(SCOPED_WORKER, SCOPED_WORKER_JOB).getString("runs[0].lease.token");
        as(SCOPED_WORKER).contentType("application/json")
                .body(Map.of("lease", lease, "job", "test.flow.step", "key", "a"))
                .post("/v1/workers/runs/" + parent + "/children").then().statusCode(403)
                .body("detail", containsString("jobs its token names"));
        String child = call(SCOPED_WORKER, parent, "children", Map.of("lease", lease, "job", SCOPED_WORKER_JOB,
                "key", "a"), 200).getString("run_id");
        assertEquals(WORKSPACE_A, WorkerTest.run(child).getString("workspace_id"), "a child is in its parent's");
        // a wait names runs
        call(SCOPED_WORKER, parent, "wait", Map.of("lease", lease), 400);
        call(SCOPED_WORKER, parent, "wait", Map.of("lease", lease, "children", List.of("nope")), 400);
    }
}

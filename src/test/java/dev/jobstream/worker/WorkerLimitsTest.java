package dev.jobstream.worker;

import static dev.jobstream.auth.Security.ADMIN;
import static dev.jobstream.auth.Security.OPERATOR;
import static dev.jobstream.auth.Security.WORKER;
import static dev.jobstream.auth.Security.WORKSPACE_A;
import static dev.jobstream.auth.Security.as;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.jobstream.support.DatabaseTest;
import dev.jobstream.support.SmallLimits;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * A worker's reports under the per-run event limit (3,000 here), as an engine's run is: the events past it are
 * dropped after one truncation notice, a state change past it too, and the end is stored after the notice.
 */
@QuarkusTest
@TestProfile(SmallLimits.class)
class WorkerLimitsTest extends DatabaseTest {

    private static void report(String id, String lease, int seq, List<Map<String, Object>> events, String state) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("lease", lease, "seq", seq, "events", events));
        if (state != null) {
            body.put("state", state);
        }
        as(WORKER).contentType("application/json").body(body).post("/v1/workers/runs/" + id + "/report").then()
                .statusCode(200).body("stored", equalTo(true));
    }

    private static List<Map<String, Object>> lines(int from, int count) {
        List<Map<String, Object>> lines = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            lines.add(Map.of("type", "log", "message", "line " + i));
        }
        return lines;
    }

    @Test
    void reportsPastTheLimitStoreOneNoticeAndTheEndIsStoredAfterIt() {
        WorkerTest.register("remote.chatty", Map.of());
        String id = as(OPERATOR).contentType("application/json").body(Map.of("workspace_id", WORKSPACE_A))
                .post("/v1/jobs/remote.chatty/runs").then().statusCode(202).extract().path("id");
        String lease = as(WORKER).contentType("application/json")
                .body(Map.of("worker", "chatty-1", "jobs", List.of("remote.chatty"), "max", 1, "wait", 0))
                .post("/v1/workers/claim").then().statusCode(200).extract().path("runs[0].lease.token");

        // 2,950 lines after the start (events 2 … 2951), then a report that crosses the limit: 48 stored, a notice
        for (int seq = 1; seq <= 29; seq++) {
            report(id, lease, seq, lines(seq * 100, 100), null);
        }
        report(id, lease, 30, lines(3000, 50), null);
        report(id, lease, 31, lines(3050, 100), null);
        // a pause carried out past the limit changes the run, not its events
        as(OPERATOR).post("/v1/runs/{id}/pause", id).then().statusCode(202);
        report(id, lease, 32, lines(3150, 100), "paused");
        assertEquals("paused", WorkerTest.run(id).getString("status"));
        as(OPERATOR).post("/v1/runs/{id}/resume", id).then().statusCode(202);
        report(id, lease, 33, List.of(), "running");
        assertEquals("running", WorkerTest.run(id).getString("status"));
        as(WORKER).contentType("application/json").body(Map.of("lease", lease))
                .post("/v1/workers/runs/" + id + "/complete").then().statusCode(200);

        as(ADMIN).accept("application/json").get("/v1/runs/{id}/events?after=2997", id).then().statusCode(200)
                .body("id", contains(2998, 2999, 3000, 3001))
                .body("[1].data.message", equalTo("line 3097"))
                .body("[2].event", equalTo("log"))
                .body("[2].data.truncated", equalTo(true))
                .body("[2].data.level", equalTo("warn"))
                .body("[3].event", equalTo("end_json"));
        // stored: what the worker reported up to the notice; the start (1) and the end (3001) are read from the row
        assertEquals(2999, db.count("SELECT count(*) FROM job_run_events WHERE run_id = $1 AND seq BETWEEN 2 AND 3000",
                UUID.fromString(id)));
        assertEquals(2999, db.count("SELECT count(*) FROM job_run_events WHERE run_id = $1", UUID.fromString(id)));
        assertEquals(3001, db.count("SELECT last_seq FROM job_runs WHERE id = $1", UUID.fromString(id)));
    }
}

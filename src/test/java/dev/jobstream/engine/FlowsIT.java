package dev.jobstream.engine;

import static dev.jobstream.support.ReplicaCalls.admin;
import static dev.jobstream.support.ReplicaCalls.assertGapFree;
import static dev.jobstream.support.ReplicaCalls.awaitStatus;
import static dev.jobstream.support.ReplicaCalls.events;
import static dev.jobstream.support.ReplicaCalls.get;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.jobstream.config.EmbeddedDatabase;
import dev.jobstream.support.Replica;
import io.restassured.path.json.JsonPath;

/**
 * Two packaged replicas on one database and a flow: replica A executes {@code demo.fanout}'s parent, which triggers
 * its three children (A executes them too) and holds before its wait; A is killed ({@code kill -9}) mid-flow. B's
 * sweeper finds the parent stale and requeues it; B's attempt triggers the same keys — and gets the same children,
 * already completed, never a second one — waits, and completes with their results added up. Each child ran once.
 */
class FlowsIT {

    static int pgPort;

    @BeforeAll
    static void database() {
        pgPort = EmbeddedDatabase.start().port();
    }

    @Test
    void aFlowWhoseReplicaIsKilledMidFlowIsFinishedByAnotherWithEachChildRunOnce() throws Exception {
        String database = Replica.newDatabase(pgPort);
        String workspace = UUID.randomUUID().toString();
        String parent;
        List<String> children;
        try (Replica a = Replica.start("flow-a", pgPort, database, CrashIT.FAST)) {
            parent = admin().contentType("application/json")
                    .body(Map.of("workspace_id", workspace, "params",
                            Map.of("children", 3, "items", 1, "delay_ms", 10, "hold_ms", 60_000)))
                    .post(a.url("/v1/jobs/demo.fanout/runs")).then().statusCode(202).extract().path("id");
            // the parent triggered its children, which completed on a; the parent holds before its wait
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
                JsonPath run = get(a, "/v1/runs/" + parent);
                return "running".equals(run.getString("status")) && run.getList("children").size() == 3
                        && run.<String>getList("children").stream().allMatch(
                                child -> "completed".equals(get(a, "/v1/runs/" + child).getString("status")));
            });
            children = get(a, "/v1/runs/" + parent).getList("children");
            try (Replica b = Replica.start("flow-b", pgPort, database, CrashIT.FAST)) {
                a.kill();
                awaitStatus(b, parent, "completed");
                // (30 s: stale-after, the sweep, the stale attempt's backoff, and the two attempts of b)
                JsonPath done = get(b, "/v1/runs/" + parent);
                assertEquals(3, done.getInt("metrics.children"));
                assertEquals(3, done.getInt("metrics.processed"));
                assertEquals(List.of(), done.getList("metrics.not_completed"));
                assertEquals(List.of("stale", "waiting", "completed"), done.getList("attempts.outcome"),
                        "a's attempt went stale, b's waited, the next completed");
                assertEquals("flow-a", done.getString("attempts[0].owner"));
                assertEquals(List.of("flow-b", "flow-b"), done.getList("attempts.owner").subList(1, 3));
                assertEquals(children, done.getList("children"), "the same children, no other");
                assertEquals(children, done.getList("depends_on"));
                assertGapFree(events(b, parent));
                for (String child : children) {
                    JsonPath ran = get(b, "/v1/runs/" + child);
                    assertEquals("completed", ran.getString("status"));
                    assertEquals(parent, ran.getString("parent_id"));
                    assertEquals(1, ran.getInt("attempt"));
                    assertEquals(List.of("completed"), ran.getList("attempts.outcome"), "ran once: " + child);
                    assertEquals("flow-a", ran.getString("attempts[0].owner"));
                }
                Map<String, Object> filter = new HashMap<>();
                filter.put("workspace_id", workspace);
                List<Map<String, Object>> all = admin().queryParams(filter).get(b.url("/v1/runs")).then()
                        .statusCode(200).extract().jsonPath().getList("runs");
                assertEquals(4, all.size(), "the parent and its three children, no other run: " + all);
            }
        }
    }
}

package dev.jobstream.replica;

import static dev.jobstream.auth.Security.SCOPED;
import static dev.jobstream.auth.Security.VIEWER;
import static dev.jobstream.auth.Security.WORKSPACE_A;
import static dev.jobstream.auth.Security.WORKSPACE_B;
import static dev.jobstream.auth.Security.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.jobstream.auth.Security;
import dev.jobstream.config.JobstreamConfig;
import dev.jobstream.engine.LocalReplica;
import dev.jobstream.support.DatabaseTest;
import dev.jobstream.sweep.Sweeper;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * {@code GET /v1/replicas}: this replica up with its version and engines, others lost when their heartbeat ages past
 * stale-after or stopped when they said so, the runs each executes counted in the caller's workspaces only, load
 * figures hidden from a token limited to workspaces, and rows gone from the registry after their retention.
 */
@QuarkusTest
@TestProfile(Security.Profile.class)
class ReplicasTest extends DatabaseTest {

    private static final Instant STARTED = Instant.parse("2026-11-30T12:00:00Z");

    @Inject
    ReplicaService replicas;
    @Inject
    ReplicaStore store;
    @Inject
    LocalReplica replica;
    @Inject
    JobstreamConfig config;
    @Inject
    Sweeper sweeper;
    @Inject
    dev.jobstream.engine.EngineRegistry engines;

    @ConfigProperty(name = "quarkus.application.version")
    String version;

    @Test
    void thisReplicaIsUpWithItsVersionAndEngines() {
        // the engines of runs another test left behind stop once their runs are gone (the tables were emptied)
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> engines.executing() == 0);
        replicas.beatNow().await().atMost(Duration.ofSeconds(5));

        JsonPath body = as(VIEWER).get("/v1/replicas").then().statusCode(200).extract().jsonPath();
        Map<String, Object> self = replica(body, replica.id());
        assertEquals(true, self.get("self"));
        assertEquals("up", self.get("state"));
        assertEquals(version, self.get("version"));
        assertEquals(config.engines().max(), self.get("engines_max"));
        assertEquals(0, self.get("engines_busy"));
        assertNotNull(self.get("started_at"));
        assertNull(self.get("stopped_at"));
        assertEquals(config.staleAfter().toMillis(), body.getLong("stale_after_ms"));
        assertEquals(Duration.ofHours(24).toMillis(), body.getLong("retention_ms"));
    }

    @Test
    void theRunsAReplicaExecutesAreThoseOfTheCallersWorkspacesAndItsLoadIsForAllWorkspacesOnly() {
        store.beat("replica-x", "9.9.9", STARTED, 8, 6, 1234).await().atMost(Duration.ofSeconds(5));
        executing("replica-x", WORKSPACE_A, "running", 2);
        executing("replica-x", WORKSPACE_A, "paused", 1);
        executing("replica-x", WORKSPACE_B, "running", 3);

        Map<String, Object> all = replica(as(VIEWER).get("/v1/replicas").then().statusCode(200).extract().jsonPath(),
                "replica-x");
        assertEquals(5, all.get("running"));
        assertEquals(1, all.get("paused"));
        assertEquals(6, all.get("engines_busy"));
        assertEquals(8, all.get("engines_max"));
        assertEquals(1234, all.get("runs_ended"));
        assertEquals("9.9.9", all.get("version"));
        assertEquals(false, all.get("self"));
        assertEquals(STARTED, Instant.parse((String) all.get("started_at")));

        Map<String, Object> scoped = replica(as(SCOPED).get("/v1/replicas").then().statusCode(200).extract()
                .jsonPath(), "replica-x");
        assertEquals(2, scoped.get("running"), "only the runs of workspace A");
        assertEquals(1, scoped.get("paused"));
        assertNull(scoped.get("engines_busy"), "the load of every workspace is not a scoped token's to see");
        assertNull(scoped.get("runs_ended"));
        assertEquals(8, scoped.get("engines_max"));
    }

    @Test
    void aSilentReplicaIsLostAStoppedOneStoppedAndBothLeaveAfterTheRetention() {
        replicas.beatNow().await().atMost(Duration.ofSeconds(5));
        store.beat("replica-lost", "1", STARTED, 4, 4, 10).await().atMost(Duration.ofSeconds(5));
        store.beat("replica-stopped", "1", STARTED, 4, 2, 10).await().atMost(Duration.ofSeconds(5));
        store.stop("replica-stopped", 77).await().atMost(Duration.ofSeconds(5));
        store.beat("replica-gone", "1", STARTED, 4, 0, 10).await().atMost(Duration.ofSeconds(5));
        store.stop("replica-gone", 5).await().atMost(Duration.ofSeconds(5));
        db.execute("UPDATE replicas SET heartbeat_at = now() - make_interval(secs => $2) WHERE id = $1",
                "replica-lost", (double) config.staleAfter().toSeconds() + 5);
        db.execute("UPDATE replicas SET stopped_at = now() - interval '25 hours' WHERE id = 'replica-gone'");

        JsonPath before = as(VIEWER).get("/v1/replicas").then().statusCode(200).extract().jsonPath();
        assertEquals("lost", replica(before, "replica-lost").get("state"));
        Map<String, Object> stopped = replica(before, "replica-stopped");
        assertEquals("stopped", stopped.get("state"));
        assertEquals(0, stopped.get("engines_busy"), "a stopped replica has no engine busy");
        assertEquals(77, stopped.get("runs_ended"));
        assertNotNull(stopped.get("stopped_at"));
        List<String> order = before.getList("replicas.state");
        assertEquals(order.lastIndexOf("up") < order.indexOf("stopped"), true, "running ones first: " + order);

        sweeper.runOnce().await().atMost(Duration.ofSeconds(10));

        List<String> ids = as(VIEWER).get("/v1/replicas").then().statusCode(200).extract().jsonPath()
                .getList("replicas.id");
        assertFalse(ids.contains("replica-gone"), "stopped 25 h ago, past the 24 h retention: " + ids);
        assertTrue(ids.containsAll(List.of("replica-lost", "replica-stopped", replica.id())), ids.toString());
    }

    @Test
    void aCallerWithoutATokenIsRefused() {
        io.restassured.RestAssured.get("/v1/replicas").then().statusCode(401);
    }

    private void executing(String owner, String workspace, String status, int count) {
        db.execute("""
                INSERT INTO job_runs (id, job_name, workspace_id, status, exclusive, owner, started_at, heartbeat_at)
                SELECT gen_random_uuid(), 'replicas.test', $1, $2, false, $3, now(), now()
                  FROM generate_series(1, $4)
                """, UUID.fromString(workspace), status, owner, count);
    }

    private static Map<String, Object> replica(JsonPath body, String id) {
        Map<String, Object> replica = body.getMap("replicas.find { it.id == '" + id + "' }");
        assertNotNull(replica, "replica " + id + " in " + body.prettify());
        return replica;
    }
}

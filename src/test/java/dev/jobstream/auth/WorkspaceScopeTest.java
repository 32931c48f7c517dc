package dev.jobstream.auth;

import static dev.jobstream.auth.Security.ADMIN;
import static dev.jobstream.auth.Security.SCOPED;
import static dev.jobstream.auth.Security.WORKSPACE_A;
import static dev.jobstream.auth.Security.WORKSPACE_B;
import static dev.jobstream.auth.Security.as;
import static dev.jobstream.support.Api.awaitStatus;
import static dev.jobstream.support.Api.trigger;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.jobstream.support.DatabaseTest;
import dev.jobstream.support.SseClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.vertx.core.json.JsonArray;

/**
 * A token limited to workspace A sees only A's runs, events, feed entries, errors and engines, gets 404 for
 * anything of workspace B, and may not trigger into B; who triggered and who controlled a run is recorded.
 */
@QuarkusTest
@TestProfile(Security.Profile.class)
class WorkspaceScopeTest extends DatabaseTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void aScopedTokenSeesAndTouchesOnlyItsWorkspaces() throws Exception {
        String inA = trigger("demo.sleep", Map.of("workspace_id", WORKSPACE_A, "params", Map.of("items", 1)));
        String inB = trigger("demo.sleep", Map.of("workspace_id", WORKSPACE_B, "params", Map.of("items", 1)));
        awaitStatus(inA, "completed");
        awaitStatus(inB, "completed");
        db.execute("INSERT INTO error_events (severity, kind, message, workspace_id) VALUES ('error', 'X_A', 'a', $1)",
                UUID.fromString(WORKSPACE_A));
        db.execute("INSERT INTO error_events (severity, kind, message, workspace_id) VALUES ('error', 'X_B', 'b', $1)",
                UUID.fromString(WORKSPACE_B));
        db.execute("INSERT INTO error_events (severity, kind, message) VALUES ('critical', 'X_GLOBAL', 'g')");

        as(SCOPED).get("/v1/runs").then().statusCode(200).body("runs.id", equalTo(List.of(inA)));
        as(SCOPED).get("/v1/runs?workspace_id=" + WORKSPACE_B).then().statusCode(200).body("runs", equalTo(List.of()));
        as(SCOPED).get("/v1/runs/" + inA).then().statusCode(200).body("triggered_by", equalTo("admin"));
        for (String path : List.of("", "/progress", "/result", "/events")) {
            as(SCOPED).accept("application/json").get("/v1/runs/" + inB + path).then().statusCode(404);
        }
        assertEquals(404, as(SCOPED).accept("text/event-stream").get("/v1/runs/" + inB + "/events").statusCode());
        for (String control : List.of("pause", "resume", "cancel", "cancel?force=true")) {
            as(SCOPED).post("/v1/runs/" + inB + "/" + control).then().statusCode(404);
        }
        as(SCOPED).get("/v1/errors").then().statusCode(200).body("errors.kind", equalTo(List.of("X_A")));
        long errorOfB = db.count("SELECT id FROM error_events WHERE kind = 'X_B'");
        as(SCOPED).post("/v1/errors/" + errorOfB + "/resolve").then().statusCode(404);
        as(SCOPED).get("/v1/engines").then().statusCode(200)
                .body("engines.workspace_id", everyItem(equalTo(WORKSPACE_A)));

        as(SCOPED).contentType("application/json").body(Map.of("workspace_id", WORKSPACE_B))
                .post("/v1/jobs/demo.sleep/runs").then().statusCode(403)
                .body("detail", equalTo("Token 'scoped' may not trigger runs in workspace " + WORKSPACE_B));
        as(SCOPED).contentType("application/json").body(Map.of())
                .post("/v1/jobs/demo.sleep/runs").then().statusCode(403);
        as(SCOPED).contentType("application/json").body(Map.of("runs", List.of(Map.of("workspace_id", WORKSPACE_A),
                Map.of("workspace_id", WORKSPACE_B)))).post("/v1/jobs/demo.sleep/runs/batch").then().statusCode(403);
        assertEquals(2, db.count("SELECT count(*) FROM job_runs"), "nothing of the refused triggers was inserted");

        String own = as(SCOPED).contentType("application/json")
                .body(Map.of("workspace_id", WORKSPACE_A, "params", Map.of("items", 100, "delay_ms", 20)))
                .post("/v1/jobs/demo.sleep/runs").then().statusCode(202)
                .body("triggered_by", equalTo("scoped")).extract().path("id");
        awaitStatus(own, "running");
        as(SCOPED).post("/v1/runs/" + own + "/cancel").then().statusCode(202)
                .body("controlled_by", equalTo("scoped"));
        awaitStatus(own, "cancelled");
    }

    @Test
    void aScopedTokenSeesAndChangesOnlyTheSchedulesOfItsWorkspaces() {
        String inA = as(SCOPED).contentType("application/json").body(Map.of("job", "demo.sleep", "workspace_id",
                WORKSPACE_A, "cron", "@hourly")).post("/v1/schedules").then().statusCode(201).extract().path("id");
        as(SCOPED).contentType("application/json").body(Map.of("job", "demo.sleep", "workspace_id", WORKSPACE_B,
                "cron", "@hourly")).post("/v1/schedules").then().statusCode(403);
        as(SCOPED).contentType("application/json").body(Map.of("job", "errors.rollup", "cron", "@hourly"))
                .post("/v1/schedules").then().statusCode(403);
        String inB = as(ADMIN).contentType("application/json").body(Map.of("job", "demo.sleep", "workspace_id",
                WORKSPACE_B, "cron", "@hourly")).post("/v1/schedules").then().statusCode(201).extract().path("id");

        as(SCOPED).get("/v1/schedules").then().statusCode(200).body("schedules.id", equalTo(List.of(inA)));
        as(SCOPED).get("/v1/schedules/" + inB).then().statusCode(404);
        as(SCOPED).contentType("application/json").body(Map.of("enabled", false)).patch("/v1/schedules/" + inB)
                .then().statusCode(404);
        as(SCOPED).delete("/v1/schedules/" + inB).then().statusCode(404);
        as(SCOPED).delete("/v1/schedules/" + inA).then().statusCode(204);
        as(ADMIN).get("/v1/schedules/" + inB).then().statusCode(200).body("enabled", equalTo(true));
    }

    @Test
    void theFeedOfAScopedTokenCarriesOnlyItsWorkspaces() throws Exception {
        try (SseClient.Subscription feed = SseClient.subscribe(base + "v1/stream", SCOPED).awaitOpen()) {
            String inB = trigger("demo.sleep", Map.of("workspace_id", WORKSPACE_B, "params", Map.of("items", 1)));
            String inA = trigger("demo.sleep", Map.of("workspace_id", WORKSPACE_A, "params", Map.of("items", 1)));
            awaitStatus(inB, "completed");
            awaitStatus(inA, "completed");
            List<String> seen = new ArrayList<>();
            Instant deadline = Instant.now().plusSeconds(10);
            while (Instant.now().isBefore(deadline)) {
                SseClient.Event event = feed.next(Duration.ofMillis(500));
                if (event != null) {
                    JsonPath run = JsonPath.from(event.data());
                    seen.add(run.getString("workspace_id"));
                    if (inA.equals(run.getString("id")) && "completed".equals(run.getString("status"))) {
                        break;
                    }
                }
            }
            assertTrue(seen.contains(WORKSPACE_A), "A's run: " + seen);
            assertTrue(seen.stream().allMatch(WORKSPACE_A::equals), "only A's runs: " + seen);
        }
    }

    @Test
    void theMetricsWhichCountEveryWorkspaceNeedATokenNotLimitedToWorkspaces() {
        as(SCOPED).get("/q/metrics").then().statusCode(403).contentType("application/problem+json")
                .body("detail", org.hamcrest.Matchers.containsString("limited to workspaces"));
        String scopedJwt = Security.jwt("scoped-viewer", List.of("viewer"), List.of(WORKSPACE_A),
                Instant.now().plusSeconds(300));
        as(scopedJwt).get("/q/metrics").then().statusCode(403);
        as(Security.VIEWER).get("/q/metrics").then().statusCode(200);
        as(SCOPED).get("/q/openapi").then().statusCode(200);
    }

    @Test
    void theHealthDataWhichCountsEveryWorkspaceNeedsATokenNotLimitedToWorkspaces() {
        String scopedJwt = Security.jwt("scoped-viewer", List.of("viewer"), List.of(WORKSPACE_A),
                Instant.now().plusSeconds(300));
        for (String token : List.of(SCOPED, scopedJwt)) {
            for (String probe : List.of("/q/health", "/q/health/live", "/q/health/ready", "/q/health/started")) {
                as(token).get(probe).then().statusCode(200)
                        .body("checks.data", org.hamcrest.Matchers.everyItem(org.hamcrest.Matchers.nullValue()))
                        .body("checks.name", org.hamcrest.Matchers.not(org.hamcrest.Matchers.empty()));
            }
            as(token).get("/q/health/group").then().statusCode(403).contentType("application/problem+json")
                    .body("detail", org.hamcrest.Matchers.containsString("limited to workspaces"));
        }
        as(Security.VIEWER).get("/q/health/ready").then().statusCode(200)
                .body("checks.data", org.hamcrest.Matchers.hasItem(org.hamcrest.Matchers.notNullValue()));
    }

    @Test
    void aTokenAddedToTheFileWorksWithoutARestartAndAnInvalidChangeIsIgnored() throws Exception {
        String added = "added-token-0123456789";
        assertEquals(401, as(added).get("/v1/runs").statusCode());
        JsonArray tokens = new JsonArray(Files.readString(Security.TOKENS))
                .add(Security.entry("added", added, List.of("viewer"), null, null));
        Files.writeString(Security.TOKENS, tokens.encodePrettily());
        Files.setLastModifiedTime(Security.TOKENS, java.nio.file.attribute.FileTime.from(Instant.now()));

        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> as(added).get("/v1/runs").statusCode() == 200);

        Files.writeString(Security.TOKENS, "[{\"name\": \"broken\"}]");
        Files.setLastModifiedTime(Security.TOKENS,
                java.nio.file.attribute.FileTime.from(Instant.now().plusSeconds(5)));
        Thread.sleep(1500);
        as(added).get("/v1/runs").then().statusCode(200);
        as(Security.VIEWER).get("/v1/runs").then().statusCode(200);
        Security.write();
    }
}

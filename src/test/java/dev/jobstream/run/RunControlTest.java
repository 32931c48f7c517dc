package dev.jobstream.run;

import static dev.jobstream.support.Api.admin;
import static dev.jobstream.support.Api.awaitStatus;
import static dev.jobstream.support.Api.run;
import static dev.jobstream.support.Api.trigger;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;

@QuarkusTest
class RunControlTest extends DatabaseTest {

    private static ValidatableResponse control(String id, String action) {
        return admin().post("/v1/runs/{id}/" + action, id).then();
    }

    private static void refused(String id, String action, String detail) {
        control(id, action).statusCode(409).contentType("application/problem+json")
                .body("detail", equalTo(detail));
    }

    private static List<Map<String, Object>> events(String id) {
        return admin().accept("application/json").get("/v1/runs/{id}/events", id).then().statusCode(200).extract()
                .jsonPath().getList("$");
    }

    private static String slow(int items) {
        return trigger("demo.sleep", Map.of("workspace_id", UUID.randomUUID().toString(),
                "params", Map.of("items", items, "delay_ms", 40)));
    }

    @Test
    void anAttemptThatFailsAfterACancelWasAskedEndsTheRunCancelledNotRetried() {
        dev.jobstream.engine.FailOnSignalJob.signal = new java.util.concurrent.CompletableFuture<>();
        String id = trigger("test.fail-on-signal", Map.of());
        awaitStatus(id, "running");
        admin().post("/v1/runs/{id}/cancel", id).then().statusCode(202).body("control_requested", equalTo("cancel"));
        admin().post("/v1/runs/{id}/pause", id).then().statusCode(409);

        dev.jobstream.engine.FailOnSignalJob.signal.complete(null);

        awaitStatus(id, "cancelled").body("attempt", equalTo(1));
    }

    @Test
    void pauseStopsProgressUntilResumeAndTheRunThenCompletes() throws Exception {
        String id = slow(100); // 4 s: long enough to be seen running and paused on a cold JVM
        awaitStatus(id, "running");
        refused(id, "resume", "Cannot resume: run is running");

        control(id, "pause").statusCode(202).body("id", equalTo(id));
        awaitStatus(id, "paused").body("control_requested", nullValue());
        int processed = run(id).extract().path("processed");
        Thread.sleep(300); // long enough for several steps of 40 ms, had the run not been paused
        assertEquals(processed, (int) run(id).extract().path("processed"), "no progress while paused");
        refused(id, "pause", "Cannot pause: run is already paused");

        control(id, "resume").statusCode(202);
        awaitStatus(id, "completed").body("processed", equalTo(100));
        List<Map<String, Object>> events = events(id);
        List<Object> states = events.stream().filter(e -> "state_json".equals(e.get("event")))
                .map(e -> ((Map<?, ?>) e.get("data")).get("state")).map(Object.class::cast).toList();
        assertEquals(List.of("paused", "running"), states);
        for (int i = 0; i < events.size(); i++) {
            assertEquals(i + 1, events.get(i).get("id"), "gap-free ids across pause and resume");
        }
        refused(id, "pause", "Cannot pause: run is already completed");
    }

    @Test
    void cancelEndsTheRunCancelledWithItsEndEvent() {
        String id = slow(50);
        awaitStatus(id, "running");

        control(id, "cancel").statusCode(202);
        awaitStatus(id, "cancelled").body("finished_at", org.hamcrest.Matchers.notNullValue())
                .body("error", nullValue());
        List<Map<String, Object>> events = events(id);
        Map<?, ?> end = (Map<?, ?>) events.get(events.size() - 1).get("data");
        assertEquals("end_json", events.get(events.size() - 1).get("event"));
        assertEquals(true, end.get("cancelled"));
        assertEquals(false, end.get("ok"));
        assertEquals("cancelled", end.get("state"));
        admin().get("/v1/runs/{id}/result", id).then().statusCode(200).body("status", equalTo("cancelled"))
                .body("ok", equalTo(false));
        refused(id, "cancel", "Cannot cancel: run is already cancelled");
        refused(id, "resume", "Cannot resume: run is already cancelled");
        refused(id, "pause", "Cannot pause: run is already cancelled");
    }

    @Test
    void aPausedRunCanBeCancelled() {
        String id = slow(50);
        awaitStatus(id, "running");
        control(id, "pause").statusCode(202);
        awaitStatus(id, "paused");
        control(id, "cancel").statusCode(202);
        awaitStatus(id, "cancelled");
    }

    @Test
    void queuedRunsAreCancelledAtOnceAndForceCancelStopsRunsThatIgnoreCheckpoints() {
        List<String> hanging = new ArrayList<>();
        for (int i = 0; i < 16; i++) { // every engine slot of this replica
            hanging.add(trigger("test.hang", Map.of("workspace_id", UUID.randomUUID().toString())));
        }
        hanging.forEach(id -> awaitStatus(id, "running"));
        String queued = slow(1);
        assertEquals("queued", run(queued).extract().path("status"));

        control(queued, "cancel").statusCode(202).body("status", equalTo("cancelled"));
        admin().accept("application/json").get("/v1/runs/{id}/events", queued).then()
                .body("event", contains("end_json")).body("[0].data.cancelled", equalTo(true));

        String stuck = hanging.get(0);
        control(stuck, "cancel").statusCode(202);
        Awaitility.await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> "running".equals(run(stuck).extract().path("status")));
        for (String id : hanging) {
            control(id, "cancel?force=true").statusCode(202).body("status", equalTo("cancelled"))
                    .body("error_code", equalTo("force_cancelled"));
        }
        List<Map<String, Object>> events = events(stuck);
        assertEquals("end_json", events.get(events.size() - 1).get("event"));
        assertEquals(true, ((Map<?, ?>) events.get(events.size() - 1).get("data")).get("forced"));

        // the engines were interrupted and their slots freed: new runs execute again
        String after = slow(1);
        awaitStatus(after, "completed");
        String again = trigger("test.hang", Map.of("workspace_id", run(stuck).extract().path("workspace_id")));
        awaitStatus(again, "running");
        control(again, "cancel?force=true").statusCode(202);
        JsonPath engines = admin().get("/v1/runs?status=running").then().extract().jsonPath();
        assertTrue(engines.getList("runs").isEmpty());
        admin().get("/v1/runs?status=cancelled&limit=500").then().body("runs.id", hasItem(stuck));
    }
}

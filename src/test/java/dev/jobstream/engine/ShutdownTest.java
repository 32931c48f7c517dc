package dev.jobstream.engine;

import static dev.jobstream.support.Api.admin;
import static dev.jobstream.support.Api.awaitStatus;
import static dev.jobstream.support.Api.trigger;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Graceful shutdown with a short grace: engines that reach a checkpoint interrupt their attempt themselves (a running
 * run is requeued, a paused one stays paused without an engine), a job that never checkpoints is requeued after the
 * grace; no run stays running or held by the stopped replica.
 */
@QuarkusTest
@TestProfile(ShutdownTest.ShortGrace.class)
class ShutdownTest extends DatabaseTest {

    public static class ShortGrace implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("jobstream.shutdown.grace", "1s");
        }
    }

    @Inject
    Dispatcher dispatcher;

    @Test
    void onShutdownEveryRunGoesBackToTheQueueAsItsNextAttemptAndAPausedOneStaysPaused() {
        String running = trigger("demo.sleep", Map.of("workspace_id", UUID.randomUUID().toString(),
                "params", Map.of("items", 1000, "delay_ms", 20)));
        String paused = trigger("demo.sleep", Map.of("workspace_id", UUID.randomUUID().toString(),
                "params", Map.of("items", 1000, "delay_ms", 20)));
        String hanging = trigger("test.hang", Map.of());
        awaitStatus(running, "running");
        awaitStatus(hanging, "running");
        awaitStatus(paused, "running");
        admin().post("/v1/runs/{id}/pause", paused).then().statusCode(202);
        awaitStatus(paused, "paused");

        dispatcher.stop(null);

        assertEquals(0, db.count("SELECT count(*) FROM job_runs WHERE status = 'running' OR owner IS NOT NULL"));
        for (String id : List.of(running, paused, hanging)) {
            admin().get("/v1/runs/{id}", id).then().statusCode(200)
                    .body("status", org.hamcrest.Matchers.equalTo(id.equals(paused) ? "paused" : "queued"))
                    .body("attempt", org.hamcrest.Matchers.equalTo(2))
                    .body("owner", org.hamcrest.Matchers.nullValue());
        }
        assertEquals(List.of("shutdown"), requeueReasons(running));
        assertEquals(List.of("shutdown"), requeueReasons(hanging));
        assertEquals(List.of("shutdown"), admin().accept("application/json").get("/v1/runs/{id}/events", paused)
                .then().statusCode(200)
                .extract().path("findAll { it.data.state == 'paused' && it.data.parked }.data.reason"),
                "the paused run is kept paused, without an engine");
        assertEquals(0, db.count("SELECT count(*) FROM job_run_events WHERE event = 'end_json'"));
    }

    private static List<String> requeueReasons(String id) {
        return admin().accept("application/json").get("/v1/runs/{id}/events", id).then().statusCode(200).extract()
                .path("findAll { it.event == 'state_json' && it.data.state == 'queued' }.data.reason");
    }
}

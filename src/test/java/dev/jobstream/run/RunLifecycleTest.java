package dev.jobstream.run;

import static dev.jobstream.support.Api.admin;
import static dev.jobstream.support.Api.awaitStatus;
import static dev.jobstream.support.Api.trigger;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class RunLifecycleTest extends DatabaseTest {

    @Test
    void theDemoJobsParamsHaveMaximumsShownInItsSchemaAndChecked() {
        admin().get("/v1/jobs").then().statusCode(200)
                .body("find { it.name == 'demo.sleep' }.params_schema.properties.items.maximum", equalTo(100000))
                .body("find { it.name == 'demo.sleep' }.params_schema.properties.delay_ms.maximum", equalTo(60000));
        admin().contentType("application/json").body(java.util.Map.of("params", java.util.Map.of("items", 100001)))
                .post("/v1/jobs/demo.sleep/runs").then().statusCode(400)
                .body("detail", equalTo("Params of job 'demo.sleep': /items must have a maximum value of 100000"))
                .body("errors.pointer", contains("/items"));
    }

    @Test
    void demoSleepRunsToCompletedWithOrderedEvents() {
        String workspace = UUID.randomUUID().toString();
        String id = trigger("demo.sleep",
                Map.of("workspace_id", workspace, "params", Map.of("items", 3, "delay_ms", 10)));

        awaitStatus(id, "completed")
                .body("job", equalTo("demo.sleep"))
                .body("workspace_id", equalTo(workspace))
                .body("display_status", equalTo("completed"))
                .body("processed", equalTo(3))
                .body("total", equalTo(3))
                .body("metrics.items", equalTo(3))
                .body("metrics.processed", equalTo(3))
                .body("error", nullValue())
                .body("duration_ms", greaterThanOrEqualTo(30))
                .body("started_at", notNullValue())
                .body("finished_at", notNullValue())
                .body("triggered_by", equalTo("admin"))
                .body("attempt", equalTo(1));

        admin().accept("application/json").get("/v1/runs/{id}/events", id).then().statusCode(200)
                .body("id", contains(1, 2, 3, 4, 5, 6, 7, 8))
                .body("event", contains("start_json", "log", "progress_json", "log", "progress_json", "log",
                        "progress_json", "end_json"))
                .body("[1].data.message", equalTo("[ 1 / 3 ] Processing item 1..."))
                .body("[2].data.percent", equalTo(33))
                .body("[7].data.ok", equalTo(true))
                .body("[7].data.state", equalTo("completed"))
                .body("[7].data.cancelled", equalTo(false));

        admin().get("/v1/runs/{id}/progress", id).then().statusCode(200)
                .body("status", equalTo("completed")).body("percent", equalTo(100)).body("processed", equalTo(3));
        admin().get("/v1/runs/{id}/result", id).then().statusCode(200)
                .body("ok", equalTo(true)).body("metrics.items", equalTo(3)).body("error", nullValue());
        admin().get("/v1/runs?job=demo.sleep").then().statusCode(200).body("runs.id", contains(id));
    }

    @Test
    void failingRunIsFailedWithItsErrorEvent() {
        String id = trigger("demo.sleep", Map.of("params", Map.of("items", 4, "delay_ms", 5, "fail_at", 2)));

        awaitStatus(id, "failed")
                .body("error", equalTo("Failed at item 2 of 4 (fail_at)"))
                .body("error_code", equalTo("job_failed"))
                .body("processed", equalTo(1));
        admin().get("/v1/runs/{id}/result", id).then().statusCode(200)
                .body("ok", equalTo(false)).body("error", startsWith("Failed at item 2"));
        admin().get("/v1/errors?run_id={id}", id).then().statusCode(200)
                .body("errors", hasSize(1))
                .body("errors[0].kind", equalTo("JOB_FAILED"))
                .body("errors[0].severity", equalTo("error"))
                .body("errors[0].job", equalTo("demo.sleep"))
                .body("errors[0].resolved_at", nullValue());
        long errorId = ((Number) admin().get("/v1/errors?run_id={id}", id).then().extract().path("errors[0].id"))
                .longValue();
        admin().post("/v1/errors/{id}/resolve", errorId).then().statusCode(200)
                .body("resolved_by", equalTo("admin")).body("resolved_at", notNullValue());
        admin().get("/v1/errors?unresolved=true&run_id={id}", id).then().statusCode(200).body("errors", hasSize(0));
        List<String> events = admin().accept("application/json").get("/v1/runs/{id}/events", id).then().extract()
                .path("event");
        org.junit.jupiter.api.Assertions.assertEquals("end_json", events.get(events.size() - 1));
    }

    @Test
    void waitAnswersWhenTheRunEnds() {
        admin().contentType("application/json").body(Map.of("params", Map.of("items", 2, "delay_ms", 20)))
                .post("/v1/jobs/demo.sleep/runs?wait=20").then().statusCode(200)
                .body("status", equalTo("completed"));
        admin().contentType("application/json").body(Map.of("workspace_id", UUID.randomUUID().toString(), "params",
                Map.of("items", 50, "delay_ms", 100))).post("/v1/jobs/demo.sleep/runs?wait=1").then().statusCode(202)
                .body("status", equalTo("running"));
    }
}

package dev.jobstream.run;

import static dev.jobstream.support.Api.admin;
import static dev.jobstream.support.Api.awaitStatus;
import static dev.jobstream.support.Api.json;
import static dev.jobstream.support.Api.trigger;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.jobstream.run.service.JobRegistry;
import dev.jobstream.run.service.RemoteJobs;
import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Params as JSON declared by a JSON Schema, over HTTP: a built-in job's schema, a schema registered for workers,
 * every violation in the 400 problem for triggers, batches, dry runs and schedules, and the bounds that hold
 * whatever a schema allows.
 */
@QuarkusTest
class JsonParamsTest extends DatabaseTest {

    private static final Map<String, Object> EXPORT = Map.of("columns", List.of("id", "total"),
            "filter", Map.of("since", "2024-05-31", "status", List.of("paid")));

    @Test
    void aJobDeclaringASchemaTakesNestedParamsAndReadsThem() {
        admin().get("/v1/jobs").then().statusCode(200)
                .body("find { it.name == 'test.export' }.params_schema.$defs.filter.type", equalTo("object"))
                .body("find { it.name == 'test.export' }.params_defaults", equalTo(Map.of("format", "csv")));
        String id = trigger("test.export", Map.of("params", EXPORT));
        awaitStatus(id, "completed").body("params.format", equalTo("csv"))
                .body("params.filter.status", contains("paid"))
                .body("metrics.columns", equalTo(2)).body("metrics.since", equalTo("2024-05-31"));
    }

    @Test
    void everyViolationIsInTheProblemAndNothingIsStored() {
        Map<String, Object> bad = Map.of("format", "pdf", "columns", List.of(""),
                "filter", Map.of("since", "yesterday", "status", List.of("lost")), "extra", 1);
        for (boolean dryRun : new boolean[]{false, true}) {
            json(Map.of("params", bad, "dry_run", dryRun)).post("/v1/jobs/test.export/runs").then().statusCode(400)
                    .body("detail", startsWith("Params of job 'test.export': "))
                    .body("detail", org.hamcrest.Matchers.endsWith("(and 4 more, in 'errors')"))
                    .body("errors.pointer", containsInAnyOrder("/format", "/columns/0", "/filter/since",
                            "/filter/status/0", "/extra"))
                    .body("errors.find { it.pointer == '/extra' }.message", equalTo("is not a param of this job"));
        }
        json(Map.of("params", Map.of())).post("/v1/jobs/test.export/runs").then().statusCode(400)
                .body("detail", equalTo("Params of job 'test.export': /columns is required"));
        json(Map.of("runs", List.of(Map.of("params", EXPORT), Map.of("params", Map.of("columns", List.of(1))))))
                .post("/v1/jobs/test.export/runs/batch").then().statusCode(400)
                .body("detail", startsWith("runs[1]: Params of job 'test.export': /columns/0"))
                .body("errors.pointer", contains("/columns/0"));
        json(Map.of("job", "test.export", "cron", "@hourly", "params", Map.of("columns", List.of()))).post(
                "/v1/schedules").then().statusCode(400).body("errors.pointer", contains("/columns"));
        assertEquals(0, db.count("SELECT count(*) FROM job_runs"));
        assertEquals(0, db.count("SELECT count(*) FROM job_schedules WHERE job_name = 'test.export'"));
        json(Map.of("job", "test.export", "cron", "@hourly", "params", EXPORT)).post("/v1/schedules").then()
                .statusCode(201).body("params.filter.since", equalTo("2024-05-31"));
    }

    @Test
    void paramsKeepTheirBoundsWhateverTheSchema() {
        String deep = "1";
        for (int i = 0; i < 40; i++) {
            deep = "[" + deep + "]";
        }
        String[][] cases = {
                {"{\"params\": {\"columns\": [\"a\"], \"deep\": " + deep + "}}", "/deep" + "/0".repeat(31)},
                {"{\"params\": {\"columns\": [\"a\"], \"n\": 1e400}}", "/n"},
                {"{\"params\": {\"columns\": [\"a\"], \"a\\u0000b\": 1}}", "/a\u0000b"},
                {"{\"params\": {\"columns\": [\"" + "x".repeat(17_000) + "\"]}}", ""},
        };
        for (String[] c : cases) {
            admin().contentType("application/json").body(c[0]).post("/v1/jobs/test.export/runs").then()
                    .statusCode(400).body("errors[0].pointer", equalTo(c[1]));
        }
        assertEquals(0, db.count("SELECT count(*) FROM job_runs"));
    }

    @Test
    void aJobForWorkersIsRegisteredWithASchemaCheckedAgainstTheMetaSchema() {
        String name = "json.report";
        Map<String, Object> schema = Map.of("type", "object", "properties",
                Map.of("query", Map.of("type", "object", "required", List.of("table")),
                        "limit", Map.of("type", "integer", "minimum", 1, "default", 100)));
        json(Map.of("params_schema", schema)).put("/v1/jobs/" + name).then().statusCode(201)
                .body("params_schema.properties.query.required", contains("table"))
                .body("params_defaults.limit", equalTo(100));
        json(Map.of("params", Map.of("query", Map.of()))).post("/v1/jobs/" + name + "/runs").then().statusCode(400)
                .body("errors.pointer", contains("/query/table"));
        String id = trigger(name, Map.of("params", Map.of("query", Map.of("table", "invoices", "where",
                Map.of("paid", false)))));
        run(id).body("params.limit", equalTo(100)).body("params.query.where.paid", equalTo(false));

        json(Map.of("params_schema", Map.of("type", "object", "properties", Map.of("n", Map.of("type", "integr")))))
                .put("/v1/jobs/" + name).then().statusCode(400)
                .body("detail", startsWith("'params_schema': /properties/n/type"))
                .body("errors.pointer", hasItem("/properties/n/type"));
        json(Map.of("params_schema", Map.of("type", "object", "properties",
                Map.of("n", Map.of("$ref", "http://169.254.169.254/latest/meta-data")))))
                .put("/v1/jobs/" + name).then().statusCode(400);
        json(Map.of("params_schema", Map.of("type", "string"))).put("/v1/jobs/" + name).then().statusCode(400)
                .body("errors.pointer", contains("/type"));
        json(Map.of("params_schema", schema, "params", List.of(Map.of("name", "n")))).put("/v1/jobs/" + name)
                .then().statusCode(400).body("detail", equalTo("Give 'params' or 'params_schema', not both"));
        // the refused definitions left the registered one in place
        admin().get("/v1/jobs").then().body("find { it.name == '" + name + "' }.params_defaults.limit",
                equalTo(100));
    }

    @jakarta.inject.Inject
    RemoteJobs remoteJobs;
    @jakarta.inject.Inject
    JobRegistry registry;

    @Test
    void aSchemaIsCompiledOnceUntilItsJobChanges() {
        String name = "json.compiled";
        json(Map.of("params_schema", Map.of("type", "object"))).put("/v1/jobs/" + name).then().statusCode(201);
        RemoteJob registered = registry.remote(name).orElseThrow();
        remoteJobs.reloaded().await().atMost(java.time.Duration.ofSeconds(10));
        org.junit.jupiter.api.Assertions.assertSame(registered, registry.remote(name).orElseThrow(),
                "a reload of an unchanged definition keeps the job and its compiled schema");
        json(Map.of("params_schema", Map.of("type", "object", "required", List.of("a")))).put("/v1/jobs/" + name)
                .then().statusCode(200);
        json(Map.of()).post("/v1/jobs/" + name + "/runs").then().statusCode(400)
                .body("errors.pointer", contains("/a"));
    }

    private static io.restassured.response.ValidatableResponse run(String id) {
        return dev.jobstream.support.Api.run(id);
    }
}

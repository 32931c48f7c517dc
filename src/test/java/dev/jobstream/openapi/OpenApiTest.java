package dev.jobstream.openapi;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.jobstream.auth.Endpoints;
import dev.jobstream.support.Api;
import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** {@code /q/openapi} documents every endpoint of the HTTP API, the SSE forms, problem+json and the bearer scheme. */
@QuarkusTest
class OpenApiTest extends DatabaseTest {

    /** The HTTP API under /v1, method and path, as the service serves it. */
    static final List<String> API_ENDPOINTS = List.of(
            "GET /v1/jobs",
            "POST /v1/jobs/{job}/runs",
            "POST /v1/jobs/{job}/runs/batch",
            "GET /v1/runs",
            "GET /v1/runs/{id}",
            "GET /v1/runs/{id}/progress",
            "GET /v1/runs/{id}/result",
            "GET /v1/runs/{id}/events",
            "POST /v1/runs/{id}/pause",
            "POST /v1/runs/{id}/resume",
            "POST /v1/runs/{id}/cancel",
            "POST /v1/runs/{id}/retry",
            "POST /v1/runs/bulk",
            "DELETE /v1/runs/{id}",
            "GET /v1/schedules",
            "POST /v1/schedules",
            "GET /v1/schedules/preview",
            "GET /v1/schedules/{id}",
            "PATCH /v1/schedules/{id}",
            "DELETE /v1/schedules/{id}",
            "GET /v1/stream",
            "GET /v1/errors",
            "POST /v1/errors/{id}/resolve",
            "GET /v1/selftest",
            "GET /v1/engines",
            "GET /v1/replicas",
            "GET /v1/stats",
            "GET /v1/me",
            "POST /v1/workers/claim",
            "POST /v1/workers/runs/{id}/report",
            "POST /v1/workers/runs/{id}/complete",
            "POST /v1/workers/runs/{id}/fail",
            "POST /v1/workers/runs/{id}/snooze",
            "POST /v1/workers/runs/{id}/wait",
            "POST /v1/workers/runs/{id}/children",
            "POST /v1/workers/runs/{id}/cancelled",
            "POST /v1/workers/runs/ends",
            "PUT /v1/jobs/{job}",
            "DELETE /v1/jobs/{job}",
            "GET /v1/runs/{id}/deliveries",
            "GET /v1/webhooks",
            "GET /v1/webhooks/{name}",
            "PUT /v1/webhooks/{name}",
            "POST /v1/webhooks/{name}/secret",
            "DELETE /v1/webhooks/{name}");

    private static JsonPath document() {
        return openapi().then().statusCode(200).extract().jsonPath();
    }

    private static io.restassured.response.Response openapi() {
        return Api.admin().accept("application/json").get("/q/openapi");
    }

    private static List<String> documentedEndpoints(JsonPath doc) {
        List<String> found = new ArrayList<>();
        Map<String, Map<String, Object>> paths = doc.getMap("paths");
        paths.forEach((path, item) -> item.keySet().forEach(method -> found.add(method.toUpperCase() + " " + path)));
        return found;
    }

    @Test
    void everyEndpointOfTheDesignIsDocumented() {
        List<String> documented = documentedEndpoints(document());
        List<String> missing = new ArrayList<>(API_ENDPOINTS);
        missing.removeAll(documented);
        assertEquals(List.of(), missing, "endpoints of the API missing from /q/openapi");
        List<String> undocumented = Endpoints.all().stream().map(e -> e.method() + " " + e.path()).distinct()
                .filter(endpoint -> !documented.contains(endpoint)).toList();
        assertEquals(List.of(), undocumented, "endpoints served but missing from /q/openapi");
    }

    @Test
    void theJobModelsFieldsAreDocumented() {
        JsonPath doc = document();
        assertEquals(List.of("workspace_id", "dry_run", "params", "idempotency_key", "run_at", "delay", "priority",
                "timeout", "max_attempts", "webhook", "depends_on", "on_dependency_failure"),
                List.copyOf(doc.getMap("components.schemas.TriggerRequest.properties").keySet()));
        Map<String, Object> run = doc.getMap("components.schemas.Run.properties");
        for (String field : List.of("attempts", "priority", "timeout_ms", "schedule_id", "run_after", "parent_id",
                "depends_on", "on_dependency_failure", "children")) {
            org.junit.jupiter.api.Assertions.assertTrue(run.containsKey(field), "Run." + field);
        }
        Map<String, Object> schedule = doc.getMap("components.schemas.Schedule.properties");
        for (String field : List.of("cron", "time_zone", "next_fire_at", "next_fire_times", "enabled", "source")) {
            org.junit.jupiter.api.Assertions.assertTrue(schedule.containsKey(field), "Schedule." + field);
        }
    }

    /**
     * The request bodies are documented from their records: a property the annotations name but the record lacks would
     * have no type (the scan types every field; a param's {@code default} is any JSON value).
     */
    @Test
    @SuppressWarnings("unchecked")
    void everyPropertyOfTheSchemasIsAFieldOfItsRecord() {
        Map<String, Map<String, Object>> schemas = document().getMap("components.schemas");
        List<String> untyped = new ArrayList<>();
        schemas.forEach((name, schema) -> {
            Map<String, Map<String, Object>> properties = (Map<String, Map<String, Object>>) schema.get("properties");
            if (!name.startsWith(JobParamsDocument.PREFIX) && properties != null) {
                properties.forEach((property, field) -> {
                    if (!field.containsKey("type") && !field.containsKey("$ref")) {
                        untyped.add(name + "." + property);
                    }
                });
            }
        });
        assertEquals(List.of("RemoteJobRequestParamsInner.default"), untyped);
    }

    @Test
    void theDocumentCarriesEachJobsParamsSchemaAsTheJobsAreNow() {
        JsonPath doc = document();
        assertEquals(100000, doc.getInt("components.schemas.'JobParams.demo.sleep'.properties.items.maximum"));
        assertEquals("#/components/schemas/JobParams.demo.sleep",
                doc.getString("paths.'/v1/jobs/{job}/runs'.post.'x-jobstream-params'.'demo.sleep'.$ref"));
        org.junit.jupiter.api.Assertions.assertNull(doc.get("components.schemas.'JobParams.runs.bulk'"),
                "an internal job is not in the document");

        // a job registered for workers is in the next document served, its references into itself rebased
        String name = "openapi.report";
        Api.json(Map.of("params_schema", Map.of("type", "object", "required", List.of("filter"), "properties",
                Map.of("filter", Map.of("$ref", "#/$defs/filter")), "$defs",
                Map.of("filter", Map.of("type", "object")))))
                .put("/v1/jobs/" + name).then().statusCode(201);
        JsonPath after = document();
        assertEquals(List.of("filter"), after.getList("components.schemas.'JobParams." + name + "'.required"));
        assertEquals("#/components/schemas/JobParams." + name + "/$defs/filter",
                after.getString("components.schemas.'JobParams." + name + "'.properties.filter.$ref"));
        Api.admin().delete("/v1/jobs/" + name).then().statusCode(204);
    }

    @Test
    void theDocumentNeedsAToken() {
        given().accept("application/json").get("/q/openapi").then().statusCode(401)
                .header("WWW-Authenticate", startsWith("Bearer"));
    }

    @Test
    void runEventsAreDocumentedAsJsonAndAsServerSentEvents() {
        openapi().then().statusCode(200)
                .body("paths.'/v1/runs/{id}/events'.get.responses.'200'.content",
                        hasKey("text/event-stream"))
                .body("paths.'/v1/runs/{id}/events'.get.responses.'200'.content", hasKey("application/json"))
                .body("paths.'/v1/runs/{id}/events'.get.parameters.name", hasItem("Last-Event-ID"))
                .body("paths.'/v1/stream'.get.responses.'200'.content", hasKey("text/event-stream"))
                .body("paths.'/v1/selftest'.get.responses.'200'.content", hasKey("text/event-stream"))
                .body("paths.'/v1/jobs/{job}/runs'.post.responses.'200'.content", hasKey("text/event-stream"));
    }

    @Test
    void statusCodesAndProblemsAreTheDesignOnes() {
        String problem = "#/components/schemas/Problem";
        openapi().then().statusCode(200)
                .body("components.schemas.Problem.required",
                        equalTo(List.of("type", "title", "status", "detail", "instance", "timestamp")))
                .body("paths.'/v1/jobs/{job}/runs'.post.responses.'202'.content.'application/json'.schema.$ref",
                        equalTo("#/components/schemas/Run"))
                .body("paths.'/v1/jobs/{job}/runs'.post.responses.'409'.content.'application/problem+json'"
                        + ".schema.$ref", equalTo(problem))
                .body("paths.'/v1/runs/{id}'.delete.responses", hasKey("204"))
                .body("paths.'/v1/runs/{id}'.delete.responses", not(hasKey("200")))
                .body("paths.'/v1/runs/{id}/pause'.post.responses", hasKey("202"))
                .body("paths.'/v1/runs/{id}'.get.responses.'404'.content.'application/problem+json'.schema.$ref",
                        equalTo(problem))
                .body("paths.'/v1/jobs/{job}/runs'.post.requestBody.required", equalTo(false))
                .body("paths.'/v1/jobs/{job}/runs'.post.requestBody.content.'application/json'.schema.$ref",
                        equalTo("#/components/schemas/TriggerRequest"))
                .body("paths.'/v1/jobs/{job}/runs/batch'.post.requestBody.content.'application/json'.schema.$ref",
                        equalTo("#/components/schemas/BatchRequest"))
                .body("components.schemas.TriggerRequest.properties", hasKey("idempotency_key"))
                .body("components.schemas.Run.properties", hasKey("workspace_id"))
                .body("components.schemas.Run.properties", hasKey("control_requested"));
    }

    /** What a generated client needs: a server, and a unique operationId (its method's name) on every operation. */
    @Test
    void everyOperationHasAUniqueOperationIdAndTheDocumentAServer() {
        JsonPath doc = document();
        Map<String, Map<String, Map<String, Object>>> paths = doc.getMap("paths");
        List<String> ids = new ArrayList<>();
        paths.forEach((path, item) -> item.forEach((method, operation) -> {
            Object id = operation.get("operationId");
            assertTrue(id instanceof String name && name.matches("[a-z][A-Za-z]+"),
                    method + " " + path + " has no operationId: " + id);
            ids.add((String) id);
        }));
        assertEquals(ids.size(), new java.util.HashSet<>(ids).size(), "operationIds repeat: " + ids);
        assertEquals("/", doc.getString("servers[0].url"));
        assertEquals(Set.of("bearer"), doc.getMap("components.securitySchemes").keySet(),
                "no security scheme left unused");
    }

    /** What makes a generated client typed: parameters by type, one API class per tag, no Java types leaked. */
    @Test
    void parametersAreTypedOperationsTaggedAndTheInternalHeaderLeftOut() {
        openapi().then().statusCode(200)
                .body("paths.'/v1/jobs/{job}/runs'.post.parameters.name", not(hasItem("X-Jobstream-Internal")))
                .body("paths.'/v1/jobs/{job}/runs'.post.parameters.find { it.name == 'dry_run' }.schema.type",
                        equalTo("boolean"))
                .body("paths.'/v1/runs/{id}'.get.parameters.find { it.name == 'id' }.schema.format",
                        equalTo("uuid"))
                .body("paths.'/v1/errors/{id}/resolve'.post.parameters.find { it.name == 'id' }.schema.type",
                        equalTo("integer"))
                .body("paths.'/v1/workers/claim'.post.tags", equalTo(List.of("workers")))
                .body("paths.'/v1/stream'.get.tags", equalTo(List.of("runs")))
                .body("tags.name",
                        equalTo(List.of("jobs", "runs", "schedules", "webhooks", "errors", "workers", "service")))
                .body("paths.'/v1/webhooks/{name}'.put.tags", equalTo(List.of("webhooks")))
                .body("paths.'/v1/webhooks/{name}'.put.responses.'201'.content.'application/json'.schema.$ref",
                        equalTo("#/components/schemas/Webhook"))
                .body("paths.'/v1/jobs/{job}'.put.responses.'201'.content.'application/json'.schema.$ref",
                        equalTo("#/components/schemas/JobDefinition"))
                .body("components.schemas", not(hasKey("OutboundSseEvent")))
                .body("info.license.identifier", equalTo("LicenseRef-Proprietary"));
    }

    @Test
    void everyOperationNeedsTheBearerToken() {
        openapi().then().statusCode(200)
                .body("components.securitySchemes.bearer.type", equalTo("http"))
                .body("components.securitySchemes.bearer.scheme", equalTo("bearer"))
                .body("security[0]", hasKey("bearer"))
                .body("paths.'/v1/runs'.get.responses.'401'", notNullValue());
    }
}

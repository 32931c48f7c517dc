package dev.jobstream.openapi;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;

import dev.jobstream.problem.Problem;

/**
 * Completes the scanned {@code /q/openapi} document with what annotations cannot say: the bearer security scheme,
 * the problem+json schema and each operation's documented status codes, and the SSE form of
 * {@code GET /v1/runs/{id}/events}, which a Vert.x route serves beside its JSON resource.
 */
public class ApiDocumentFilter implements OASFilter {

    static final String BEARER = "bearer";
    static final String EVENT_STREAM = "text/event-stream";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        Components components = openAPI.getComponents() == null
                ? OASFactory.createComponents()
                : openAPI.getComponents();
        openAPI.setComponents(components);
        components.addSecurityScheme(BEARER, OASFactory.createSecurityScheme().type(SecurityScheme.Type.HTTP)
                .scheme("bearer").description("An API token or a JWT: Authorization: Bearer <token>"));
        components.addSchema("Problem", problemSchema());
        openAPI.addSecurityRequirement(OASFactory.createSecurityRequirement().addScheme(BEARER));
        if (openAPI.getServers() == null || openAPI.getServers().isEmpty()) {
            // relative: the document is served by the replica (or the ingress) that the client talks to
            openAPI.addServer(OASFactory.createServer().url("/").description("the host that served this document"));
        }
        boolean runSchema = components.getSchemas().containsKey("Run");
        openAPI.getPaths().getPathItems().forEach((path, item) -> item.getOperations().forEach((method, operation) -> {
            Endpoints.Endpoint endpoint = Endpoints.find(method + " " + path);
            if (endpoint != null) {
                document(operation, endpoint, runSchema);
            }
        }));
        PathItem events = openAPI.getPaths().getPathItem("/v1/runs/{id}/events");
        if (events != null && events.getGET() != null) {
            addEventStream(events.getGET());
        }
        components.addSchema("TriggerRequest", triggerRequestSchema());
        components.addSchema("BatchRequest", OASFactory.createSchema().addType(SchemaType.OBJECT)
                .required(List.of("runs")).addProperty("runs", OASFactory.createSchema().addType(SchemaType.ARRAY)
                        .maxItems(1000).items(ref("TriggerRequest"))));
        jsonBody(openAPI.getPaths().getPathItem("/v1/jobs/{job}/runs"), "TriggerRequest", false);
        jsonBody(openAPI.getPaths().getPathItem("/v1/jobs/{job}/runs/batch"), "BatchRequest", true);
    }

    /** The trigger and batch resources read their body as text (to bound and parse it themselves): it is JSON. */
    private static void jsonBody(PathItem item, String schema, boolean required) {
        if (item != null && item.getPOST() != null) {
            item.getPOST().requestBody(OASFactory.createRequestBody().required(required)
                    .content(OASFactory.createContent().addMediaType("application/json",
                            OASFactory.createMediaType().schema(ref(schema)))));
        }
    }

    private static Schema triggerRequestSchema() {
        return OASFactory.createSchema().addType(SchemaType.OBJECT)
                .description("Every field is optional; workspace_id and dry_run may also be query parameters")
                .addProperty("workspace_id", OASFactory.createSchema().addType(SchemaType.STRING).format("uuid"))
                .addProperty("dry_run", OASFactory.createSchema().addType(SchemaType.BOOLEAN))
                .addProperty("params", OASFactory.createSchema().addType(SchemaType.OBJECT)
                        .description("the job's params (GET /v1/jobs: params_schema), at most 16 KiB"))
                .addProperty("idempotency_key", OASFactory.createSchema().addType(SchemaType.STRING).maxLength(200))
                .addProperty("run_at", OASFactory.createSchema().addType(SchemaType.STRING).format("date-time")
                        .description("run later, at this instant (at most a minute past; not with delay)"))
                .addProperty("delay", OASFactory.createSchema().addType(SchemaType.STRING)
                        .description("run later, after this duration: 90s, 15m, 2h, 1d or PT30M (not with run_at)"))
                .addProperty("priority", OASFactory.createSchema().addType(SchemaType.INTEGER)
                        .minimum(java.math.BigDecimal.valueOf(-100)).maximum(java.math.BigDecimal.valueOf(100))
                        .description("higher runs first among due runs; default: the job's (0 unless it says)"))
                .addProperty("timeout", OASFactory.createSchema().addType(SchemaType.STRING)
                        .description("how long one attempt may run: a duration of at least 1s, at most the job's"))
                .addProperty("max_attempts", OASFactory.createSchema().addType(SchemaType.INTEGER).minimum(
                        java.math.BigDecimal.ONE).description("at most the job's retry policy's attempts"))
                .additionalPropertiesBoolean(false);
    }

    private static Schema ref(String schema) {
        return OASFactory.createSchema().ref("#/components/schemas/" + schema);
    }

    private static void document(Operation operation, Endpoints.Endpoint endpoint, boolean runSchema) {
        operation.operationId(endpoint.operationId()).summary(endpoint.summary());
        APIResponses responses = operation.getResponses() == null
                ? OASFactory.createAPIResponses()
                : operation.getResponses();
        operation.setResponses(responses);
        APIResponse scanned = responses.getAPIResponse("200");
        if (!endpoint.success().contains(200)) {
            responses.removeAPIResponse("200");
        }
        for (int status : endpoint.success()) {
            if (status == 204) {
                responses.addAPIResponse("204", OASFactory.createAPIResponse().description("No Content"));
            } else if (status != 200 || scanned == null) {
                responses.addAPIResponse(Integer.toString(status), OASFactory.createAPIResponse()
                        .description(endpoint.summary())
                        .content(runSchema && endpoint.answersRun() ? json("Run") : null));
            }
        }
        for (int status : endpoint.problems()) {
            responses.addAPIResponse(Integer.toString(status), OASFactory.createAPIResponse()
                    .description("A problem (RFC 9457)").content(problem()));
        }
        responses.addAPIResponse("401", OASFactory.createAPIResponse()
                .description("Missing or invalid bearer token").content(problem()));
    }

    private static void addEventStream(Operation operation) {
        APIResponse ok = operation.getResponses().getAPIResponse("200");
        ok.getContent().addMediaType(EVENT_STREAM, OASFactory.createMediaType().schema(OASFactory.createSchema()
                .addType(SchemaType.STRING)
                .description("SSE: stored events after Last-Event-ID (or ?after=), then live ones; closes after "
                        + "end_json. Frames: 'id: <seq>', 'event: start_json|log|progress_json|state_json|end_json', "
                        + "'data: <JSON>'; ': keepalive' comments on idle streams; 'retry: 3000'.")));
        operation.description("With Accept: text/event-stream, the run's events as SSE (resumable with "
                + "Last-Event-ID); with Accept: application/json, the stored events as a JSON array.");
        operation.addParameter(OASFactory.createParameter().name("Last-Event-ID").in(Parameter.In.HEADER)
                .description("SSE only: the last sequence number received; later events follow")
                .schema(OASFactory.createSchema().addType(SchemaType.INTEGER)));
    }

    private static Content json(String schema) {
        return OASFactory.createContent().addMediaType("application/json",
                OASFactory.createMediaType().schema(ref(schema)));
    }

    private static Content problem() {
        return OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE,
                OASFactory.createMediaType().schema(ref("Problem")));
    }

    private static Schema problemSchema() {
        Map<String, SchemaType> fields = Map.of("type", SchemaType.STRING, "title", SchemaType.STRING,
                "status", SchemaType.INTEGER, "detail", SchemaType.STRING, "instance", SchemaType.STRING,
                "timestamp", SchemaType.STRING);
        Schema schema = OASFactory.createSchema().addType(SchemaType.OBJECT)
                .description("RFC 9457 problem details; instance is the request path. The 409 of an exclusive "
                        + "conflict adds lock_acquired (false), reason (already_running) and active_run_id.")
                .required(List.of("type", "title", "status", "detail", "instance", "timestamp"));
        fields.forEach((name, type) -> schema.addProperty(name, OASFactory.createSchema().addType(type)));
        schema.addProperty("lock_acquired", OASFactory.createSchema().addType(SchemaType.BOOLEAN));
        schema.addProperty("reason", OASFactory.createSchema().addType(SchemaType.STRING));
        schema.addProperty("active_run_id", OASFactory.createSchema().addType(SchemaType.STRING).format("uuid"));
        return schema;
    }
}

package dev.jobstream.openapi;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.MediaType;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;

import dev.jobstream.auth.InternalKey;
import dev.jobstream.problem.Problem;
import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * Completes the scanned {@code /q/openapi} document with what annotations cannot say: the bearer security scheme,
 * the problem+json schema and each operation's documented status codes, and the SSE form of
 * {@code GET /v1/runs/{id}/events}, which a Vert.x route serves beside its JSON resource.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class ApiDocumentFilter implements OASFilter {

    static final String BEARER = "bearer";
    static final String EVENT_STREAM = "text/event-stream";

    /** A tag of the document: its operations are those whose path begins with one of {@code paths}. */
    private record Tag(String name, String description, List<String> paths) {
    }

    private static final String SERVICE_TAG = "service";
    private static final List<Tag> TAGS = List.of(
            new Tag("jobs", "Job definitions, jobs executed by workers, and triggers", List.of("/v1/jobs")),
            new Tag("runs", "Runs: read, watch (SSE), pause, resume, cancel, retry, delete",
                    List.of("/v1/runs", "/v1/stream")),
            new Tag("schedules", "Cron schedules of jobs", List.of("/v1/schedules")),
            new Tag("errors", "Error events of failed, stale and timed-out runs", List.of("/v1/errors")),
            new Tag("workers", "Workers outside the service: claim runs and report on them under a lease",
                    List.of("/v1/workers")),
            new Tag(SERVICE_TAG, "The replicas, their engines and workers, statistics, the caller, the self-test",
                    List.of()));

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
        license(openAPI);
        openAPI.getPaths().getPathItems().forEach((path, item) -> item.getOperations().forEach((method, operation) -> {
            Endpoints.Endpoint endpoint = Endpoints.find(method + " " + path);
            if (endpoint != null) {
                document(operation, endpoint, components);
            }
        }));
        Schema event = components.getSchemas().get("RunEvent");
        if (event != null) {
            // a String of JSON text in Java, written as it is (@JsonRawValue): an object on the wire
            event.addProperty("data", object().description("the event's JSON, as an SSE frame's data carries it"));
        }
        tag(openAPI);
        typeParameters(openAPI);
        eventStreams(openAPI, components);
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
        workerBodies(openAPI, components);
    }

    /**
     * No licence is granted; generators and linters want the field (an SPDX reference for "none"). Set again when
     * the document is served, where the info of the configuration replaces the one built.
     */
    static void license(OpenAPI openAPI) {
        if (openAPI.getInfo() != null && openAPI.getInfo().getLicense() == null) {
            openAPI.getInfo().license(OASFactory.createLicense().name("Proprietary")
                    .identifier("LicenseRef-Proprietary"));
        }
    }

    /** The bodies of the worker endpoints and of a job's registration, which their resources read as text. */
    private static void workerBodies(OpenAPI openAPI, Components components) {
        components.addSchema("RemoteJobRequest", object()
                .description("A job executed by workers; absent fields take a built-in job's defaults")
                .addProperty("description", string())
                .addProperty("exclusive", bool().description("one active run per workspace (default true)"))
                .addProperty("params", array(object().required(List.of("name", "type"))
                        .addProperty("name", string()).addProperty("type", string()
                                .enumeration(List.of("string", "integer", "date", "duration")))
                        .addProperty("description", string()).addProperty("default", OASFactory.createSchema())
                        .addProperty("minimum", integer(null, null)).addProperty("maximum", integer(null, null)))
                        .description("typed params; or give params_schema"))
                .addProperty("params_schema", object().description("the params as a JSON Schema 2020-12 of an "
                        + "object, at most 64 KiB; or give params"))
                .addProperty("retry", object()
                        .addProperty("max_attempts", integer(1L, (long) dev.jobstream.spi.RetryPolicy.MAX_ATTEMPTS))
                        .addProperty("backoff_base_ms", integer(0L, null)).addProperty("backoff_max_ms",
                                integer(0L, null))
                        .addProperty("jitter", number().description("0 (none) to less than 1")))
                .addProperty("timeout_ms", integer(1000L, 604_800_000L))
                .addProperty("priority", integer(-100L, 100L))
                .addProperty("max_active", integer(1L, 100_000L).description("cluster-wide limit of executing runs")));
        components.addSchema("ClaimRequest", object().required(List.of("worker", "jobs"))
                .addProperty("worker", string().pattern("^[A-Za-z0-9._:@-]{1,100}$")
                        .description("this worker's id among the token's workers, such as host and pid"))
                .addProperty("jobs", array(string()).minItems(1).maxItems(50))
                .addProperty("max", integer(1L, 100L).description("runs it can take (default 1)"))
                .addProperty("wait", integer(0L, 60L).description("seconds to wait for a run (default 30)")));
        components.addSchema("ReportRequest", object().required(List.of("lease", "seq"))
                .addProperty("lease", string().description("the lease token of the claim"))
                .addProperty("seq", integer(1L, null).description("the report's number within the claim, from 1; "
                        + "a report sent again with the same number is stored once"))
                .addProperty("events", array(object().required(List.of("type"))
                        .addProperty("type", string().enumeration(List.of("log", "progress", "error")))
                        .addProperty("level", string().enumeration(List.of("debug", "info", "warn", "error")))
                        .addProperty("message", string()).addProperty("processed", integer(0L, null))
                        .addProperty("total", integer(0L, null)).addProperty("item", string())).maxItems(100))
                .addProperty("state", string().enumeration(List.of("paused", "running"))
                        .description("carries out the pause or resume the last answer asked for")));
        components.addSchema("EndRequest", endFields(object().required(List.of("lease"))));
        components.addSchema("EndsRequest", object().required(List.of("ends"))
                .addProperty("ends", array(endFields(object().required(List.of("run_id", "outcome", "lease"))
                        .addProperty("run_id", string().format("uuid"))
                        .addProperty("outcome", string().enumeration(List.of("complete", "fail", "snooze",
                                "cancelled")))))
                        .minItems(1).maxItems(100)));
        jsonBody(openAPI.getPaths().getPathItem("/v1/workers/runs/ends"), "EndsRequest", true);
        jsonBody(openAPI.getPaths().getPathItem("/v1/workers/claim"), "ClaimRequest", true);
        jsonBody(openAPI.getPaths().getPathItem("/v1/workers/runs/{id}/report"), "ReportRequest", true);
        for (String end : List.of("complete", "fail", "snooze", "cancelled")) {
            jsonBody(openAPI.getPaths().getPathItem("/v1/workers/runs/{id}/" + end), "EndRequest", true);
        }
        PathItem job = openAPI.getPaths().getPathItem("/v1/jobs/{job}");
        if (job != null && job.getPUT() != null) {
            job.getPUT().requestBody(OASFactory.createRequestBody().required(true).content(OASFactory
                    .createContent().addMediaType("application/json",
                            OASFactory.createMediaType().schema(ref("RemoteJobRequest")))));
        }
    }

    /** The fields of an attempt's end: its lease, and what each way of ending it carries. */
    private static Schema endFields(Schema end) {
        return end.addProperty("lease", string())
                .addProperty("metrics", object().description("complete: the run's metrics"))
                .addProperty("error", string().description("fail: the message"))
                .addProperty("error_code", string().pattern("^[a-z][a-z0-9_]{0,63}$")
                        .description("fail: default job_failed"))
                .addProperty("retryable", bool().description("fail: another attempt may follow (default true)"))
                .addProperty("delay_ms", integer(0L, null).description("snooze: when the next attempt is due"));
    }

    private static Schema object() {
        return OASFactory.createSchema().addType(SchemaType.OBJECT);
    }

    private static Schema string() {
        return OASFactory.createSchema().addType(SchemaType.STRING);
    }

    private static Schema bool() {
        return OASFactory.createSchema().addType(SchemaType.BOOLEAN);
    }

    private static Schema number() {
        return OASFactory.createSchema().addType(SchemaType.NUMBER);
    }

    private static Schema array(Schema items) {
        return OASFactory.createSchema().addType(SchemaType.ARRAY).items(items);
    }

    private static Schema integer(Long minimum, Long maximum) {
        Schema schema = OASFactory.createSchema().addType(SchemaType.INTEGER);
        if (minimum != null) {
            schema.minimum(java.math.BigDecimal.valueOf(minimum));
        }
        return maximum == null ? schema : schema.maximum(java.math.BigDecimal.valueOf(maximum));
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
                        .description("the job's params, as its params_schema (GET /v1/jobs; in this document "
                                + "as served, components JobParams.<job>) takes them; at most 16 KiB, 32 levels"))
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

    private static void document(Operation operation, Endpoints.Endpoint endpoint, Components components) {
        operation.operationId(endpoint.operationId()).summary(endpoint.summary());
        APIResponses responses = operation.getResponses() == null
                ? OASFactory.createAPIResponses()
                : operation.getResponses();
        operation.setResponses(responses);
        APIResponse scanned = responses.getAPIResponse("200");
        if (!endpoint.success().contains(200)) {
            responses.removeAPIResponse("200");
        }
        boolean answers = endpoint.answers() != null && components.getSchemas().containsKey(endpoint.answers());
        for (int status : endpoint.success()) {
            if (status == 204) {
                responses.addAPIResponse("204", OASFactory.createAPIResponse().description("No Content"));
                continue;
            }
            APIResponse response = status == 200 && scanned != null
                    ? scanned
                    : OASFactory.createAPIResponse().description(endpoint.summary());
            if (answers) {
                answerJson(response, endpoint.answers());
            }
            responses.addAPIResponse(Integer.toString(status), response);
        }
        for (int status : endpoint.problems()) {
            responses.addAPIResponse(Integer.toString(status), OASFactory.createAPIResponse()
                    .description("A problem (RFC 9457)").content(problem()));
        }
        responses.addAPIResponse("401", OASFactory.createAPIResponse()
                .description("Missing or invalid bearer token").content(problem()));
    }

    /** Gives the JSON of {@code response} the schema the resource answers with, where the scan found none. */
    private static void answerJson(APIResponse response, String schema) {
        if (response.getContent() == null) {
            response.content(OASFactory.createContent());
        }
        MediaType json = response.getContent().getMediaType("application/json");
        if (json == null) {
            json = OASFactory.createMediaType();
        }
        if (json.getSchema() == null) {
            json.schema(ref(schema));
        }
        // JSON first: a generator types the method's answer by the first media type
        Content content = OASFactory.createContent().addMediaType("application/json", json);
        response.getContent().getMediaTypes().forEach((type, media) -> {
            if (!type.equals("application/json")) {
                content.addMediaType(type, media);
            }
        });
        response.content(content);
    }

    /**
     * The tag of each operation, by the resource it acts on: a generated client gets one class per tag (JobsApi,
     * RunsApi, …) instead of one per Java resource.
     */
    private static void tag(OpenAPI openAPI) {
        openAPI.setTags(new ArrayList<>());
        TAGS.forEach(tag -> openAPI.addTag(OASFactory.createTag().name(tag.name()).description(tag.description())));
        openAPI.getPaths().getPathItems().forEach((path, item) -> item.getOperations().forEach((method, operation) -> {
            String tag = TAGS.stream().filter(candidate -> candidate.paths().stream().anyMatch(path::startsWith))
                    .map(Tag::name).findFirst().orElse(SERVICE_TAG);
            operation.setTags(new ArrayList<>(List.of(tag)));
        }));
    }

    /**
     * Parameters as a client should send them (the resources read them as text, to answer a bad one with a 400
     * naming it): types and formats by name; the service's internal header left out.
     */
    private static void typeParameters(OpenAPI openAPI) {
        Map<String, Supplier<Schema>> types = Map.of(
                "id", () -> string().format("uuid"),
                "workspace_id", () -> string().format("uuid"),
                "run_id", () -> string().format("uuid"),
                "limit", () -> integer(1L, null),
                "dry_run", ApiDocumentFilter::bool,
                "unresolved", ApiDocumentFilter::bool,
                "force", ApiDocumentFilter::bool,
                "wait", () -> integer(0L, null).description("seconds"),
                "after", () -> integer(0L, null));
        openAPI.getPaths().getPathItems().forEach((path, item) -> item.getOperations().forEach((method, operation) -> {
            if (operation.getParameters() == null) {
                return;
            }
            for (Parameter parameter : List.copyOf(operation.getParameters())) {
                if (InternalKey.HEADER.equalsIgnoreCase(parameter.getName())) {
                    operation.removeParameter(parameter);
                    continue;
                }
                Supplier<Schema> type = path.startsWith("/v1/errors/") && parameter.getName().equals("id")
                        ? () -> integer(1L, null).format("int64") // error events are numbered
                        : types.get(parameter.getName());
                if (type != null && parameter.getIn() != Parameter.In.HEADER) {
                    parameter.schema(type.get());
                }
            }
        }));
    }

    /**
     * Every SSE response as what it is on the wire, text of frames, in place of the scanned Java type; the events
     * of a run get their own description.
     */
    private static void eventStreams(OpenAPI openAPI, Components components) {
        openAPI.getPaths().getPathItems().forEach((path, item) -> item.getOperations().forEach((method, operation) -> {
            if (operation.getResponses() == null || operation.getResponses().getAPIResponses() == null) {
                return;
            }
            operation.getResponses().getAPIResponses().values().forEach(response -> {
                MediaType stream = response.getContent() == null
                        ? null
                        : response.getContent().getMediaType(EVENT_STREAM);
                if (stream != null) {
                    stream.schema(OASFactory.createSchema().addType(SchemaType.STRING).description(
                            "Server-Sent Events: 'id:', 'event:' and 'data: <JSON>' lines per event; "
                                    + "': keepalive' comments on idle streams"));
                }
            });
        }));
        components.removeSchema("OutboundSseEvent");
        components.removeSchema("MediaType");
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

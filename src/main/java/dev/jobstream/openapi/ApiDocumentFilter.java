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
            new Tag("webhooks", "Webhooks runs call, signed, when they end", List.of("/v1/webhooks")),
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

    private static Schema object() {
        return OASFactory.createSchema().addType(SchemaType.OBJECT);
    }

    private static Schema string() {
        return OASFactory.createSchema().addType(SchemaType.STRING);
    }

    private static Schema bool() {
        return OASFactory.createSchema().addType(SchemaType.BOOLEAN);
    }

    private static Schema integer(long minimum) {
        return OASFactory.createSchema().addType(SchemaType.INTEGER).minimum(java.math.BigDecimal.valueOf(minimum));
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
                "limit", () -> integer(1),
                "dry_run", ApiDocumentFilter::bool,
                "unresolved", ApiDocumentFilter::bool,
                "force", ApiDocumentFilter::bool,
                "wait", () -> integer(0).description("seconds"),
                "after", () -> integer(0));
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
                        ? () -> integer(1).format("int64") // error events are numbered
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

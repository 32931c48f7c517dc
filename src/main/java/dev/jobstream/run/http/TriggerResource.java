package dev.jobstream.run.http;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.jobstream.auth.Caller;
import dev.jobstream.auth.InternalKey;
import dev.jobstream.auth.Roles;
import dev.jobstream.auth.TokenLimits;
import dev.jobstream.problem.ApiException;
import dev.jobstream.problem.BodySize;
import dev.jobstream.problem.Params;
import dev.jobstream.refusal.Conflict;
import dev.jobstream.refusal.Forbidden;
import dev.jobstream.refusal.Invalid;
import dev.jobstream.run.JobDefinition;
import dev.jobstream.run.NewRun;
import dev.jobstream.run.Run;
import dev.jobstream.run.TriggerOutcome;
import dev.jobstream.run.TriggerRequest;
import dev.jobstream.run.service.JobRegistry;
import dev.jobstream.run.service.RemoteJobRequest;
import dev.jobstream.run.service.RemoteJobs;
import dev.jobstream.run.service.RunService;
import dev.jobstream.stream.EventStreams;
import dev.jobstream.stream.RunStreams;
import dev.jobstream.trace.Traceparent;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerResponse;

/** The jobs, those executed by workers registered and deleted, and triggering their runs: one, one and wait, or a batch. */
@Path("/v1/jobs")
@Produces(MediaType.APPLICATION_JSON)
public class TriggerResource {

    private static final int MAX_WAIT_SECONDS = 300;

    private final RunService runs;
    private final JobRegistry jobs;
    private final ObjectMapper json;
    private final RunStreams runStreams;
    private final EventStreams streams;
    private final TokenLimits limits;
    private final InternalKey internalKey;

    private final RemoteJobs remoteJobs;

    TriggerResource(RunService runs, JobRegistry jobs, ObjectMapper json, RunStreams runStreams, EventStreams streams,
            TokenLimits limits, InternalKey internalKey, RemoteJobs remoteJobs) {
        this.remoteJobs = remoteJobs;
        this.limits = limits;
        this.internalKey = internalKey;
        this.runs = runs;
        this.jobs = jobs;
        this.json = json;
        this.runStreams = runStreams;
        this.streams = streams;
    }

    @GET
    @RolesAllowed(Roles.VIEWER)
    public List<JobDefinition> list() {
        return jobs.definitions();
    }

    /**
     * Registers a job executed by workers, or replaces its definition (runs already queued keep the params, attempts
     * and timeout they were given): 201 when created, 200 when replaced.
     */
    @PUT
    @Path("{job}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    public Uni<Response> put(@PathParam("job") String job, @Context SecurityContext security,
            RemoteJobRequest request) {
        return remoteJobs.put(job, request, Caller.of(security)).map(created -> Response
                .status(created ? 201 : 200)
                .entity(jobs.definitions().stream().filter(d -> d.name().equals(job)).findFirst().orElseThrow())
                .build());
    }

    /** Deletes a job executed by workers that has no active runs. */
    @DELETE
    @Path("{job}")
    @RolesAllowed(Roles.ADMIN)
    public Uni<Response> delete(@PathParam("job") String job) {
        return remoteJobs.delete(job).map(v -> Response.noContent().build());
    }

    @POST
    @Path("{job}/runs")
    @RolesAllowed(Roles.OPERATOR)
    public Uni<Response> trigger(@PathParam("job") String job, @QueryParam("workspace_id") String workspace,
            @QueryParam("dry_run") String dryRun, @QueryParam("wait") String wait,
            @HeaderParam("X-Correlation-Id") String correlation, @HeaderParam(InternalKey.HEADER) String internal,
            @HeaderParam(TRACEPARENT) String traceparent, @Context SecurityContext security,
            @RequestBody(required = false) TriggerRequest body) {
        int waitSeconds = Params.intInRange("wait", wait, 0, MAX_WAIT_SECONDS, 0);
        Caller caller = Caller.of(security);
        NewRun run = prepare(job, body, workspace, dryRun, correlation, traceparent, caller, fromService(internal));
        if (waitSeconds == 0) {
            return trigger(run, 0);
        }
        // a wait holds a place of its token's until it ends — also when its client goes away, which cancels it
        TokenLimits.Permit permit = limits.acquire(caller, TokenLimits.Kind.WAIT);
        return trigger(run, waitSeconds).onTermination().invoke(permit::release);
    }

    private Uni<Response> trigger(NewRun run, int waitSeconds) {
        return runs.trigger(run).flatMap(outcome -> {
            if (outcome instanceof TriggerOutcome.Refused refused) {
                return Uni.createFrom().failure(refused.conflict());
            }
            if (outcome instanceof TriggerOutcome.Existing existing) {
                return Uni.createFrom().item(Response.ok(existing.run()).header("Idempotent-Replayed", "true").build());
            }
            Run created = ((TriggerOutcome.Created) outcome).run();
            if (waitSeconds == 0) {
                return Uni.createFrom().item(accepted(created));
            }
            return runs.awaitEnd(created.id(), Duration.ofSeconds(waitSeconds))
                    .map(ended -> ended.status().isTerminal() ? Response.ok(ended).build() : accepted(ended));
        });
    }

    /**
     * Trigger and stream: the new run's events as SSE until it ends, after a {@code run_json} event that carries the
     * run (as {@code GET /v1/runs/{id}} answers it; an event without an id), with the run's address in
     * {@code Location}. The run is triggered here before the stream begins — on a worker thread, which waits for the
     * insert — so that a bad request, an unknown job, an exclusive conflict, a token with all its streams open or a
     * database away is answered as a problem, and a stream that cannot begin triggers nothing.
     */
    @POST
    @Path("{job}/runs")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RolesAllowed(Roles.OPERATOR)
    @Blocking
    public Multi<OutboundSseEvent> triggerAndStream(@PathParam("job") String job,
            @QueryParam("workspace_id") String workspace, @QueryParam("dry_run") String dryRun,
            @HeaderParam("X-Correlation-Id") String correlation, @HeaderParam(InternalKey.HEADER) String internal,
            @HeaderParam(TRACEPARENT) String traceparent, @Context SecurityContext security, @Context Sse sse,
            @Context HttpServerResponse response, @RequestBody(required = false) TriggerRequest body)
            throws JsonProcessingException {
        Caller caller = Caller.of(security);
        NewRun prepared = prepare(job, body, workspace, dryRun, correlation, traceparent, caller,
                fromService(internal));
        TokenLimits.Permit permit = streams.reserve(caller);
        Run run;
        try {
            TriggerOutcome outcome = runs.trigger(prepared).await().atMost(TRIGGER_WAIT);
            if (outcome instanceof TriggerOutcome.Refused refused) {
                throw refused.conflict();
            }
            run = outcome instanceof TriggerOutcome.Created created
                    ? created.run()
                    : ((TriggerOutcome.Existing) outcome).run();
        } catch (io.smallrye.mutiny.TimeoutException e) {
            permit.release();
            throw ApiException.unavailable("The run could not be triggered within " + TRIGGER_WAIT.toSeconds()
                    + " s; retry", 1);
        } catch (RuntimeException e) {
            permit.release();
            throw e;
        }
        response.putHeader(HttpHeaders.LOCATION, "/v1/runs/" + run.id());
        OutboundSseEvent named = sse.newEventBuilder().name(RUN_EVENT).data(json.writeValueAsString(run)).build();
        return streams.stream(permit, caller, sse, "run " + run.id(), List.of(named),
                runStreams.events(run.id(), 0, sse));
    }

    /** Longest a trigger-and-stream waits for its run to be inserted (triggers wait in line when the pool is busy). */
    static final Duration TRIGGER_WAIT = Duration.ofSeconds(30);

    /** The first event of trigger-and-stream: the new run. */
    static final String RUN_EVENT = "run_json";
    /** The W3C trace context header: the trigger's, stored on its runs ({@link Traceparent#ofRequest}). */
    static final String TRACEPARENT = "traceparent";

    /**
     * Validates a trigger, whose body may be absent (null: every field its default); 400 or 404 problems for bad input
     * or an unknown job. {@code fromService}: the request carries this process's {@link InternalKey} (the self-test),
     * which may trigger internal jobs. The run keeps the request's trace context; a malformed {@code traceparent}
     * header is ignored.
     */
    NewRun prepare(String job, TriggerRequest body, String workspace, String dryRun, String correlation,
            String traceparent, Caller caller, boolean fromService) {
        TriggerRequest request = merge(body == null ? TriggerRequest.EMPTY : body,
                Params.optionalUuid("workspace_id", workspace), Params.optionalBoolean("dry_run", dryRun));
        return runs.prepare(job, request, caller, correlationId(correlation), Traceparent.ofRequest(traceparent),
                fromService);
    }

    /** True if the request carries this process's internal key. */
    boolean fromService(String header) {
        return internalKey.matches(header);
    }

    @POST
    @Path("{job}/runs/batch")
    @RolesAllowed(Roles.OPERATOR)
    public Uni<Map<String, Object>> batch(@PathParam("job") String job,
            @HeaderParam("X-Correlation-Id") String correlation, @HeaderParam(TRACEPARENT) String traceparent,
            @Context SecurityContext security, @BodySize.Large BatchRequest request) {
        if (request == null || request.runs() == null || request.runs().isEmpty()
                || request.runs().size() > RunService.MAX_BATCH) {
            throw ApiException.badRequest("'runs' must hold 1 to " + RunService.MAX_BATCH + " runs");
        }
        Caller caller = Caller.of(security);
        String correlationId = correlationId(correlation);
        String trace = Traceparent.ofRequest(traceparent);
        List<NewRun> prepared = new ArrayList<>(request.runs().size());
        for (int i = 0; i < request.runs().size(); i++) {
            TriggerRequest item = request.runs().get(i);
            try {
                prepared.add(runs.prepare(job, item == null ? TriggerRequest.EMPTY : item, caller, correlationId,
                        trace, false));
            } catch (Invalid | Forbidden e) {
                throw ApiException.from(e).prefixed("runs[" + i + "]: ");
            }
        }
        return runs.triggerAll(prepared).map(outcomes -> Map.of("results", outcomes.stream()
                .map(TriggerResource::result).toList()));
    }

    private static Map<String, Object> result(TriggerOutcome outcome) {
        Map<String, Object> result = new LinkedHashMap<>();
        if (outcome instanceof TriggerOutcome.Created created) {
            result.put("status", 202);
            result.put("run", created.run());
        } else if (outcome instanceof TriggerOutcome.Existing existing) {
            result.put("status", 200);
            result.put("run", existing.run());
        } else {
            Conflict conflict = ((TriggerOutcome.Refused) outcome).conflict();
            result.put("status", 409);
            result.put("detail", conflict.getMessage());
            result.putAll(conflict.facts());
        }
        return result;
    }

    private static Response accepted(Run run) {
        return Response.accepted(run).location(URI.create("/v1/runs/" + run.id())).build();
    }

    /** Query parameters fill what the body leaves out; both giving different values is a 400. */
    private static TriggerRequest merge(TriggerRequest body, UUID workspace, Boolean dryRun) {
        if (workspace != null && body.workspaceId() != null && !workspace.equals(body.workspaceId())) {
            throw ApiException.badRequest("'workspace_id' differs between query and body");
        }
        if (dryRun != null && body.dryRun() != null && !dryRun.equals(body.dryRun())) {
            throw ApiException.badRequest("'dry_run' differs between query and body");
        }
        return new TriggerRequest(workspace != null ? workspace : body.workspaceId(),
                dryRun != null ? dryRun : body.dryRun(), body.params(), body.idempotencyKey(), body.runAt(),
                body.delay(), body.priority(), body.timeout(), body.maxAttempts(), body.webhook(), body.dependsOn(),
                body.onDependencyFailure());
    }

    private static String correlationId(String header) {
        if (header != null && !header.isBlank() && header.length() <= 200 && header.chars().allMatch(c -> c > 32
                && c < 127)) {
            return header;
        }
        return UUID.randomUUID().toString();
    }
}

package dev.jobstream.run.http;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import dev.jobstream.auth.Caller;
import dev.jobstream.auth.Roles;
import dev.jobstream.problem.ApiException;
import dev.jobstream.problem.Params;
import dev.jobstream.run.Run;
import dev.jobstream.run.RunCursor;
import dev.jobstream.run.RunPage;
import dev.jobstream.run.RunQuery;
import dev.jobstream.run.RunStatus;
import dev.jobstream.run.service.RunService;
import io.smallrye.mutiny.Uni;

/** Reading, listing and deleting runs. */
@Path("/v1/runs")
@Produces(MediaType.APPLICATION_JSON)
public class RunResource {

    private final RunService runs;

    RunResource(RunService runs) {
        this.runs = runs;
    }

    @GET
    @RolesAllowed(Roles.VIEWER)
    public Uni<RunPage> list(@QueryParam("job") String job, @QueryParam("workspace_id") String workspace,
            @QueryParam("status") String status, @QueryParam("dry_run") String dryRun,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor,
            @Context SecurityContext security) {
        boolean stale = "stale".equals(status);
        RunStatus state = status == null || status.isEmpty() || stale
                ? null
                : RunStatus.parse(status).orElseThrow(() -> ApiException.badRequest(
                        "'status' must be one of queued, running, paused, completed, failed, cancelled, skipped, stale"));
        RunQuery query = new RunQuery(Params.optionalText("job", job, 200),
                Params.optionalUuid("workspace_id", workspace),
                state, stale, Params.optionalBoolean("dry_run", dryRun), Params.intInRange("limit", limit, 1, 500, 50),
                cursor == null || cursor.isEmpty() ? null : RunCursor.decode(cursor), Caller.of(security).workspaces());
        return runs.list(query);
    }

    @GET
    @Path("{id}")
    @RolesAllowed(Roles.VIEWER)
    public Uni<Run> get(@PathParam("id") String id, @Context SecurityContext security) {
        return runs.show(Params.uuid("id", id), Caller.of(security));
    }

    @GET
    @Path("{id}/progress")
    @RolesAllowed(Roles.VIEWER)
    public Uni<Progress> progress(@PathParam("id") String id, @Context SecurityContext security) {
        return runs.get(Params.uuid("id", id), Caller.of(security)).map(Progress::of);
    }

    @GET
    @Path("{id}/result")
    @RolesAllowed(Roles.VIEWER)
    public Uni<Result> result(@PathParam("id") String id, @Context SecurityContext security) {
        return runs.get(Params.uuid("id", id), Caller.of(security)).map(run -> {
            if (run.status().isActive()) {
                throw ApiException.conflict("Run " + run.id() + " is still " + run.status().value()
                        + "; its result is not available yet");
            }
            return new Result(run.status(), run.status() == RunStatus.COMPLETED, run.metrics(), run.error());
        });
    }

    /** The webhook the run calls when it ends, and each delivery of its ends with every attempt of it. */
    @GET
    @Path("{id}/deliveries")
    @RolesAllowed(Roles.VIEWER)
    public Uni<RunService.RunDeliveries> deliveries(@PathParam("id") String id, @Context SecurityContext security) {
        return runs.deliveries(Params.uuid("id", id), Caller.of(security));
    }

    @DELETE
    @Path("{id}")
    @RolesAllowed(Roles.ADMIN)
    public Uni<Response> delete(@PathParam("id") String id, @Context SecurityContext security) {
        UUID runId = Params.uuid("id", id);
        return runs.checkVisible(runId, Caller.of(security)).flatMap(v -> runs.delete(runId))
                .replaceWith(() -> Response.noContent().build());
    }

    /** {@code GET /v1/runs/{id}/progress}; percent stays at or below 99 until the run is terminal. */
    public record Progress(RunStatus status, long processed, Long total, int percent, Instant updatedAt) {

        static Progress of(Run run) {
            int percent;
            if (run.total() != null && run.total() > 0) {
                percent = (int) Math.min(100, run.processed() * 100 / run.total());
            } else {
                percent = run.status() == RunStatus.COMPLETED ? 100 : 0;
            }
            if (run.status().isActive()) {
                percent = Math.min(99, percent);
            } else if (run.status() == RunStatus.COMPLETED) {
                percent = 100;
            }
            return new Progress(run.status(), run.processed(), run.total(), percent, run.updatedAt());
        }
    }

    /** {@code GET /v1/runs/{id}/result} of a terminal run. */
    public record Result(RunStatus status, boolean ok, Map<String, Object> metrics, String error) {
    }
}

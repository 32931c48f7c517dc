package dev.jobstream.run.http;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
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
import dev.jobstream.problem.Params;
import dev.jobstream.run.Run;
import dev.jobstream.run.service.RunControlService;
import io.smallrye.mutiny.Uni;

/**
 * {@code POST /v1/runs/{id}/pause|resume|cancel|retry}: 202 and the run; 409 when its state does not allow it.
 */
@Path("/v1/runs/{id}")
@Produces(MediaType.APPLICATION_JSON)
public class RunControlResource {

    private final RunControlService control;

    RunControlResource(RunControlService control) {
        this.control = control;
    }

    @POST
    @Path("pause")
    @RolesAllowed(Roles.OPERATOR)
    public Uni<Response> pause(@PathParam("id") String id, @Context SecurityContext security) {
        return control.pause(Params.uuid("id", id), Caller.of(security)).map(RunControlResource::accepted);
    }

    @POST
    @Path("resume")
    @RolesAllowed(Roles.OPERATOR)
    public Uni<Response> resume(@PathParam("id") String id, @Context SecurityContext security) {
        return control.resume(Params.uuid("id", id), Caller.of(security)).map(RunControlResource::accepted);
    }

    @POST
    @Path("cancel")
    @RolesAllowed(Roles.OPERATOR)
    public Uni<Response> cancel(@PathParam("id") String id, @QueryParam("force") String force,
            @Context SecurityContext security) {
        boolean forced = Boolean.TRUE.equals(Params.optionalBoolean("force", force));
        return control.cancel(Params.uuid("id", id), forced, Caller.of(security))
                .map(RunControlResource::accepted);
    }

    @POST
    @Path("retry")
    @RolesAllowed(Roles.OPERATOR)
    public Uni<Response> retry(@PathParam("id") String id, @Context SecurityContext security) {
        return control.retry(Params.uuid("id", id), Caller.of(security)).map(RunControlResource::accepted);
    }

    private static Response accepted(Run run) {
        return Response.accepted(run).build();
    }
}

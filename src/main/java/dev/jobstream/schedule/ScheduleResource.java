package dev.jobstream.schedule;

import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
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
import dev.jobstream.problem.ApiException;
import dev.jobstream.problem.Params;
import io.smallrye.mutiny.Uni;

/**
 * {@code /v1/schedules}: schedules that fire jobs on a cron. Viewers read them (those of their workspaces), operators
 * add, change, enable, disable and delete them.
 */
@Path("/v1/schedules")
@Produces(MediaType.APPLICATION_JSON)
public class ScheduleResource {

    private final ScheduleService schedules;

    ScheduleResource(ScheduleService schedules) {
        this.schedules = schedules;
    }

    /** The schedules, each with its next fire times. */
    public record ScheduleList(List<Schedule> schedules) {
    }

    @GET
    @RolesAllowed(Roles.VIEWER)
    public Uni<ScheduleList> list(@QueryParam("job") String job, @QueryParam("workspace_id") String workspace,
            @QueryParam("limit") String limit, @Context SecurityContext security) {
        return schedules.list(Params.optionalText("job", job, 200), Params.optionalUuid("workspace_id", workspace),
                Caller.of(security), Params.intInRange("limit", limit, 1, ScheduleService.MAX_LIST, 100))
                .map(ScheduleList::new);
    }

    /** The next fire times of a cron expression in a time zone: a schedule previewed as it is written. */
    @GET
    @Path("preview")
    @RolesAllowed(Roles.VIEWER)
    public ScheduleService.Preview preview(@QueryParam("cron") String cron, @QueryParam("time_zone") String zone) {
        return schedules.preview(cron, zone == null || zone.isEmpty() ? null : zone);
    }

    @GET
    @Path("{id}")
    @RolesAllowed(Roles.VIEWER)
    public Uni<Schedule> get(@PathParam("id") String id, @Context SecurityContext security) {
        return schedules.get(Params.uuid("id", id), Caller.of(security));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.OPERATOR)
    public Uni<Response> create(ScheduleRequest request, @Context SecurityContext security) {
        if (request == null) {
            throw ApiException.badRequest("A JSON body with 'job' and 'cron' is required");
        }
        return schedules.create(request, Caller.of(security))
                .map(schedule -> Response.status(201).header("Location", "/v1/schedules/" + schedule.id())
                        .entity(schedule).build());
    }

    @PATCH
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.OPERATOR)
    public Uni<Schedule> patch(@PathParam("id") String id, SchedulePatch patch, @Context SecurityContext security) {
        UUID scheduleId = Params.uuid("id", id);
        if (patch == null) {
            throw ApiException.badRequest("A JSON body with the fields to change is required");
        }
        return schedules.patch(scheduleId, patch, Caller.of(security));
    }

    @DELETE
    @Path("{id}")
    @RolesAllowed(Roles.OPERATOR)
    public Uni<Response> delete(@PathParam("id") String id, @Context SecurityContext security) {
        return schedules.delete(Params.uuid("id", id), Caller.of(security))
                .replaceWith(() -> Response.noContent().build());
    }
}

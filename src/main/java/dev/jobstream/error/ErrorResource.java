package dev.jobstream.error;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;

import dev.jobstream.auth.Caller;
import dev.jobstream.auth.Roles;
import dev.jobstream.problem.ApiException;
import dev.jobstream.problem.Params;
import io.smallrye.mutiny.Uni;

/** Error events, newest first, and their resolution. */
@Path("/v1/errors")
@Produces(MediaType.APPLICATION_JSON)
public class ErrorResource {

    private final ErrorService errors;

    ErrorResource(ErrorService errors) {
        this.errors = errors;
    }

    @GET
    @RolesAllowed(Roles.VIEWER)
    public Uni<ErrorPage> list(@QueryParam("severity") String severity, @QueryParam("kind") String kind,
            @QueryParam("job") String job, @QueryParam("workspace_id") String workspace,
            @QueryParam("run_id") String run, @QueryParam("unresolved") String unresolved,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor,
            @Context SecurityContext security) {
        if (severity != null && !severity.isEmpty() && !ErrorEvent.SEVERITIES.contains(severity)) {
            throw ApiException.badRequest("'severity' must be one of " + String.join(", ", ErrorEvent.SEVERITIES));
        }
        if (kind != null && !kind.isEmpty() && !kind.matches("[A-Z][A-Z0-9_]{0,63}")) {
            throw ApiException.badRequest("'kind' must be an UPPER_SNAKE name such as JOB_FAILED");
        }
        int max = Params.intInRange("limit", limit, 1, 500, 50);
        ErrorQuery query = new ErrorQuery(severity == null || severity.isEmpty() ? null : severity,
                kind == null || kind.isEmpty() ? null : kind, Params.optionalText("job", job, 200),
                Params.optionalUuid("workspace_id", workspace), Params.optionalUuid("run_id", run),
                Params.optionalBoolean("unresolved", unresolved), max, decodeCursor(cursor),
                Caller.of(security).workspaces());
        return errors.list(query);
    }

    @POST
    @Path("{id}/resolve")
    @RolesAllowed(Roles.OPERATOR)
    public Uni<ErrorEvent> resolve(@PathParam("id") String id, @Context SecurityContext security) {
        long eventId = parseId(id);
        return errors.resolve(eventId, Caller.of(security));
    }

    private static Long decodeCursor(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        if (cursor.matches("e[1-9][0-9]{0,17}")) {
            return Long.parseLong(cursor.substring(1));
        }
        throw ApiException.badRequest("Invalid 'cursor': use the next_cursor of a previous page");
    }

    private static long parseId(String id) {
        if (id.matches("[1-9][0-9]{0,17}")) {
            return Long.parseLong(id);
        }
        throw ApiException.badRequest("'id' must be a positive integer");
    }
}

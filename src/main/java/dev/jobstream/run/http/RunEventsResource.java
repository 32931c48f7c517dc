package dev.jobstream.run.http;

import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;

import dev.jobstream.auth.Caller;
import dev.jobstream.auth.Roles;
import dev.jobstream.problem.Params;
import dev.jobstream.run.service.RunService;
import dev.jobstream.stream.RunEvent;
import dev.jobstream.stream.RunEventHub;
import io.smallrye.mutiny.Uni;

/** The stored events of a run as JSON; the SSE form of the same path is {@link RunEventsRoute}. */
@Path("/v1/runs/{id}/events")
public class RunEventsResource {

    private final RunEventHub events;
    private final RunService runs;

    RunEventsResource(RunEventHub events, RunService runs) {
        this.events = events;
        this.runs = runs;
    }

    /** The stored events as a JSON array of {@code {id, event, data, created_at}}. */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.VIEWER)
    public Uni<List<RunEvent>> stored(@PathParam("id") String id, @QueryParam("after") String after,
            @QueryParam("limit") String limit, @Context SecurityContext security) {
        UUID runId = Params.uuid("id", id);
        int from = Params.intInRange("after", after, 0, Integer.MAX_VALUE, 0);
        int max = Params.intInRange("limit", limit, 1, 10_000, 1000);
        return runs.get(runId, Caller.of(security)).flatMap(run -> events.stored(runId, from, max));
    }
}

package dev.jobstream.feed;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import dev.jobstream.auth.Caller;
import dev.jobstream.auth.Roles;
import dev.jobstream.problem.Params;
import dev.jobstream.stream.EventStreams;
import io.smallrye.mutiny.Multi;

/**
 * {@code GET /v1/stream}: SSE of run changes ({@code event: created | state | progress}, data: the run's summary),
 * filtered by {@code job} and {@code workspace_id}; progress of a run at most 4 times a second.
 */
@Path("/v1/stream")
public class RunFeedResource {

    private final RunFeed feed;
    private final EventStreams streams;

    RunFeedResource(RunFeed feed, EventStreams streams) {
        this.feed = feed;
        this.streams = streams;
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RolesAllowed(Roles.VIEWER)
    public Multi<OutboundSseEvent> changes(@QueryParam("job") String job,
            @QueryParam("workspace_id") String workspace, @Context Sse sse, @Context SecurityContext security) {
        Caller caller = Caller.of(security);
        Multi<OutboundSseEvent> changes = feed
                .changes(Params.optionalText("job", job, 200), Params.optionalUuid("workspace_id", workspace),
                        caller.workspaces())
                .map(change -> sse.newEventBuilder().name(change.type()).data(change.json()).build());
        return streams.stream(caller, sse, "run changes", List.of(), changes);
    }
}

package dev.jobstream.stream;

import java.util.List;
import java.util.UUID;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import dev.jobstream.run.RunService;
import dev.jobstream.support.Params;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/** The events of a run: as an SSE stream (replay, then live, then close), or the stored ones as JSON. */
@Path("/v1/runs/{id}/events")
public class RunEventsResource {

    private final RunEventStore events;
    private final RunStreams streams;
    private final RunService runs;

    RunEventsResource(RunEventStore events, RunStreams streams, RunService runs) {
        this.events = events;
        this.streams = streams;
        this.runs = runs;
    }

    /** The stored events as a JSON array of {@code {id, event, data, created_at}}. */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<List<RunEvent>> stored(@PathParam("id") String id, @QueryParam("after") String after,
            @QueryParam("limit") String limit) {
        UUID runId = Params.uuid("id", id);
        int from = Params.intInRange("after", after, 0, Integer.MAX_VALUE, 0);
        int max = Params.intInRange("limit", limit, 1, 10_000, 1000);
        return runs.get(runId).flatMap(run -> events.after(runId, from, max));
    }

    /**
     * SSE: every event after {@code Last-Event-ID} (or {@code ?after=}), stored ones first, then live ones; the
     * stream closes after {@code end_json}. {@code id:} is the event's sequence number within the run.
     */
    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public Multi<OutboundSseEvent> stream(@PathParam("id") String id, @QueryParam("after") String after,
            @HeaderParam("Last-Event-ID") String lastEventId, @Context Sse sse) {
        UUID runId = Params.uuid("id", id);
        int from = lastEventId != null && !lastEventId.isEmpty()
                ? Params.intInRange("Last-Event-ID", lastEventId, 0, Integer.MAX_VALUE, 0)
                : Params.intInRange("after", after, 0, Integer.MAX_VALUE, 0);
        return runs.get(runId).onItem().transformToMulti(run -> streams.stream(runId, from, sse));
    }
}

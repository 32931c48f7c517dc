package dev.jobstream.stream;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
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

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.jobstream.run.RunService;
import dev.jobstream.support.Params;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/** The events of a run: as an SSE stream (replay, then live, then close), or the stored ones as JSON. */
@Path("/v1/runs/{id}/events")
public class RunEventsResource {

    /** Comment sent on idle streams so that proxies and ingresses keep them open. */
    static final Duration KEEPALIVE = Duration.ofSeconds(15);
    static final long RETRY_MILLIS = 3000;

    private final RunEventStore events;
    private final RunEventHub hub;
    private final RunService runs;
    private final ObjectMapper json;

    RunEventsResource(RunEventStore events, RunEventHub hub, RunService runs, ObjectMapper json) {
        this.events = events;
        this.hub = hub;
        this.runs = runs;
        this.json = json;
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
        // live events end with an empty marker, which also ends the keepalive ticks merged beside them
        Multi<Optional<OutboundSseEvent>> live = hub.events(runId, from)
                .map(event -> Optional.of(sse.newEventBuilder()
                        .id(Integer.toString(event.id()))
                        .name(event.event())
                        .data(encode(event))
                        .build()))
                .onCompletion().continueWith(Optional.empty());
        Multi<Optional<OutboundSseEvent>> keepalive = Multi.createFrom().ticks().every(KEEPALIVE)
                .map(tick -> Optional.of(sse.newEventBuilder().comment("keepalive").build()));
        OutboundSseEvent hello = sse.newEventBuilder().comment("run " + runId).reconnectDelay(RETRY_MILLIS).build();
        return runs.get(runId).onItem().transformToMulti(run -> Multi.createBy().concatenating().streams(
                Multi.createFrom().item(hello),
                Multi.createBy().merging().streams(live, keepalive)
                        .select().first(Optional::isPresent)
                        .map(Optional::get)));
    }

    private String encode(RunEvent event) {
        try {
            return json.writeValueAsString(event.data());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event data is not serialisable", e);
        }
    }
}

package dev.jobstream.stream;

import java.util.UUID;

import jakarta.inject.Singleton;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import io.smallrye.mutiny.Multi;

/** A run's events as SSE events of a REST resource's stream (opened by {@link EventStreams}): each with its id. */
@Singleton
public class RunStreams {

    private final RunEventHub hub;

    RunStreams(RunEventHub hub) {
        this.hub = hub;
    }

    /** The events after sequence number {@code after}, live until {@code end_json}; the run must exist. */
    public Multi<OutboundSseEvent> events(UUID runId, int after, Sse sse) {
        return hub.events(runId, after).map(event -> sse.newEventBuilder()
                .id(Integer.toString(event.id()))
                .name(event.event())
                .data(event.data())
                .build());
    }
}

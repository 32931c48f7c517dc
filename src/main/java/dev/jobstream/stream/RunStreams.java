package dev.jobstream.stream;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Singleton;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import dev.jobstream.config.JobstreamConfig;
import io.smallrye.mutiny.Multi;

/** A run's events in the SSE wire format (README "Streams"): a retry hint, the events, keepalive comments, the end. */
@Singleton
public class RunStreams {

    static final long RETRY_MILLIS = 3000;

    private final RunEventHub hub;
    private final Duration keepalive;

    RunStreams(RunEventHub hub, JobstreamConfig config) {
        this.hub = hub;
        this.keepalive = config.streams().keepalive();
    }

    /** Keepalive comments for an SSE stream, at {@code jobstream.streams.keepalive}. */
    public Multi<OutboundSseEvent> keepalive(Sse sse) {
        return Multi.createFrom().ticks().every(keepalive)
                .map(tick -> sse.newEventBuilder().comment("keepalive").build());
    }

    /** The events after sequence number {@code after}, live until end_json; the run must exist. */
    public Multi<OutboundSseEvent> stream(UUID runId, int after, Sse sse) {
        // live events end with an empty marker, which also ends the keepalive ticks merged beside them
        Multi<Optional<OutboundSseEvent>> live = hub.events(runId, after)
                .map(event -> Optional.of(sse.newEventBuilder()
                        .id(Integer.toString(event.id()))
                        .name(event.event())
                        .data(event.data())
                        .build()))
                .onCompletion().continueWith(Optional.empty());
        Multi<Optional<OutboundSseEvent>> comments = keepalive(sse).map(Optional::of);
        OutboundSseEvent hello = sse.newEventBuilder().comment("run " + runId).reconnectDelay(RETRY_MILLIS).build();
        return Multi.createBy().concatenating().streams(
                Multi.createFrom().item(hello),
                Multi.createBy().merging().streams(live, comments)
                        .select().first(Optional::isPresent)
                        .map(Optional::get));
    }
}

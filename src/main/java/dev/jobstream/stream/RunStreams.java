package dev.jobstream.stream;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import jakarta.inject.Singleton;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import dev.jobstream.config.JobstreamConfig;
import io.smallrye.mutiny.Multi;

/** A run's events in the SSE wire format (README "Streams"): a retry hint, the events, keepalive comments, the end. */
@Singleton
public class RunStreams {

    static final long RETRY_MILLIS = 3000;
    /** How often an open stream asks whether its credential still holds. */
    public static final Duration CREDENTIAL_CHECK = Duration.ofSeconds(1);

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

    /**
     * The stream until it ends by itself or the credential it was opened with no longer holds ({@code ended} gives
     * why: "revoked", "expired"; asked every second): then one comment {@code : token <why>, stream closed} and the
     * stream closes, so that a revoked or expired token stops receiving within a second.
     */
    public Multi<OutboundSseEvent> whileValid(Multi<OutboundSseEvent> stream, Supplier<Optional<String>> ended,
            Sse sse) {
        Multi<Optional<OutboundSseEvent>> guard = Multi.createFrom().ticks().every(CREDENTIAL_CHECK)
                .map(tick -> ended.get()).select().where(Optional::isPresent).select().first()
                .map(why -> Optional.of(sse.newEventBuilder().comment(closing(why.get())).build()))
                .onCompletion().continueWith(Optional.empty());
        Multi<Optional<OutboundSseEvent>> events = stream.map(Optional::of).onCompletion()
                .continueWith(Optional.empty());
        return Multi.createBy().merging().streams(events, guard).select().first(Optional::isPresent)
                .map(Optional::get);
    }

    /** The comment that closes a stream whose credential ended. */
    public static String closing(String why) {
        return "token " + why + ", stream closed";
    }

    /** The events after sequence number {@code after}, live until end_json; the run must exist. */
    public Multi<OutboundSseEvent> stream(UUID runId, int after, Sse sse) {
        return stream(runId, after, sse, java.util.List.of());
    }

    /**
     * {@link #stream(UUID, int, Sse)}, with {@code opening} events after the retry hint and before the run's own
     * events (which alone carry ids: the opening ones leave a client's Last-Event-ID as it was).
     */
    public Multi<OutboundSseEvent> stream(UUID runId, int after, Sse sse, java.util.List<OutboundSseEvent> opening) {
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
        java.util.List<OutboundSseEvent> first = new java.util.ArrayList<>();
        first.add(hello);
        first.addAll(opening);
        return Multi.createBy().concatenating().streams(
                Multi.createFrom().iterable(first),
                Multi.createBy().merging().streams(live, comments)
                        .select().first(Optional::isPresent)
                        .map(Optional::get));
    }
}

package dev.jobstream.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import dev.jobstream.auth.Caller;
import dev.jobstream.auth.TokenLimits;
import dev.jobstream.concurrent.Periodic;
import dev.jobstream.config.JobstreamConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.vertx.core.Vertx;

/**
 * Every SSE stream of the service — a run's events, the live feed, trigger-and-stream, the self-test — is opened
 * here, and kept alike: one place per stream of its token's {@code jobstream.streams.max-per-token} (429 beyond), the
 * same {@code retry} hint first, a {@code : keepalive} comment on a stream that had nothing written for 40 % of
 * {@code jobstream.streams.keepalive} (one ticker for all, checking every half interval), and the credential it was
 * opened with asked every second by one ticker for all: when it was revoked or expired, one comment
 * {@code : token <why>, stream closed} and the stream ends. A stream ends one way: its channel's {@link Channel#close},
 * then its place is given back.
 */
@Singleton
public class EventStreams {

    /** How long a client waits before it reconnects, as every stream's first line says. */
    public static final long RETRY_MILLIS = 3000;
    /** How often an open stream's credential is asked whether it still holds. */
    public static final Duration CREDENTIAL_CHECK = Duration.ofSeconds(1);
    static final String KEEPALIVE = "keepalive";

    /** Where a stream's bytes go: the Vert.x response of a route, or the emitter of a REST resource's stream. */
    public interface Channel {

        /** Writes one {@code : keepalive} comment, unless the channel is gone or has a backlog. */
        void keepalive();

        /** Writes {@code : <comment>} if it is still open, then ends the stream. */
        void close(String comment);
    }

    /** An open stream: {@link #written()} after each write, {@link #end()} once it ended, however. */
    public final class Registration {

        private final Channel channel;
        private final Caller.Validity validity;
        private final TokenLimits.Permit permit;
        private final AtomicLong written = new AtomicLong(System.nanoTime());
        private final AtomicBoolean ended = new AtomicBoolean();

        private Registration(Channel channel, Caller.Validity validity, TokenLimits.Permit permit) {
            this.channel = channel;
            this.validity = validity;
            this.permit = permit;
        }

        /** Something was written now: no keepalive is due. */
        public void written() {
            written.set(System.nanoTime());
        }

        /** The stream ended (completed, closed by either side): it leaves the tickers and gives its place back. */
        public void end() {
            if (ended.compareAndSet(false, true)) {
                open.remove(this);
                permit.release();
            }
        }
    }

    private final TokenLimits limits;
    private final Duration keepalive;
    private final Periodic periodic;
    private final Map<Registration, Boolean> open = new ConcurrentHashMap<>();

    EventStreams(TokenLimits limits, JobstreamConfig config, Vertx vertx) {
        this.limits = limits;
        this.keepalive = config.streams().keepalive();
        this.periodic = new Periodic(vertx);
    }

    void start(@Observes StartupEvent event) {
        periodic.every(keepalive.dividedBy(2), this::keepIdleAlive);
        periodic.every(CREDENTIAL_CHECK, this::closeRevoked);
    }

    void stop(@Observes ShutdownEvent event) {
        periodic.cancelAll();
    }

    /** The first lines of every stream: the reconnect delay and a comment saying what it is. */
    public static String opening(String comment) {
        return "retry: " + RETRY_MILLIS + "\n: " + comment + "\n\n";
    }

    /** The comment that ends a stream whose credential ended. */
    public static String closing(String why) {
        return "token " + why + ", stream closed";
    }

    /**
     * One of the caller's places for a stream, taken before anything of it is read or written; 429 if it holds as
     * many as it may. {@link #open} or {@link #stream} keep it; release it if the stream does not begin.
     */
    public TokenLimits.Permit reserve(Caller caller) {
        return limits.acquire(caller, TokenLimits.Kind.STREAM);
    }

    /**
     * A stream of a route begins on {@code channel}, in the place {@code permit} holds: the route has written
     * {@link #opening} and calls {@link Registration#written()} at each write and {@link Registration#end()} when the
     * stream ends.
     */
    public Registration open(TokenLimits.Permit permit, Caller caller, Channel channel) {
        Registration registration = new Registration(channel, caller.validity(), permit);
        open.put(registration, Boolean.TRUE);
        return registration;
    }

    /** {@link #stream(TokenLimits.Permit, Caller, Sse, String, List, Multi)} in a place taken now. */
    public Multi<OutboundSseEvent> stream(Caller caller, Sse sse, String comment, List<OutboundSseEvent> first,
            Multi<OutboundSseEvent> events) {
        return stream(reserve(caller), caller, sse, comment, first, events);
    }

    /**
     * A stream of a REST resource, in the place {@code permit} holds: the opening ({@code comment}, with the retry
     * hint), the {@code first} events, then {@code events} until they end (their demand kept: a slow client slows
     * them, as they allow), kept alive and closed on a revoked credential as every stream.
     */
    public Multi<OutboundSseEvent> stream(TokenLimits.Permit permit, Caller caller, Sse sse, String comment,
            List<OutboundSseEvent> first, Multi<OutboundSseEvent> events) {
        AtomicReference<Registration> held = new AtomicReference<>();
        // keepalives and the closing comment, beside the events; an empty item ends the merged stream
        Multi<Optional<OutboundSseEvent>> side = Multi.createFrom().emitter(emitter -> {
            Object lock = new Object();
            Registration registration = open(permit, caller, new Channel() {
                @Override
                public void keepalive() {
                    synchronized (lock) {
                        emitter.emit(Optional.of(sse.newEventBuilder().comment(KEEPALIVE).build()));
                    }
                }

                @Override
                public void close(String text) {
                    synchronized (lock) {
                        emitter.emit(Optional.of(sse.newEventBuilder().comment(text).build()));
                        emitter.emit(Optional.empty());
                    }
                }
            });
            held.set(registration);
            emitter.onTermination(registration::end);
        });
        List<OutboundSseEvent> opening = new ArrayList<>();
        opening.add(sse.newEventBuilder().comment(comment).reconnectDelay(RETRY_MILLIS).build());
        opening.addAll(first);
        Multi<Optional<OutboundSseEvent>> main = Multi.createBy().concatenating()
                .streams(Multi.createFrom().iterable(opening), events.invoke(event -> {
                    Registration registration = held.get();
                    if (registration != null) {
                        registration.written();
                    }
                }))
                .map(Optional::of).onCompletion().continueWith(Optional.empty());
        return Multi.createBy().merging().streams(main, side).select().first(Optional::isPresent)
                .map(Optional::get)
                .onTermination().invoke(() -> {
                    Registration registration = held.get();
                    if (registration != null) {
                        registration.end();
                    } else {
                        permit.release();
                    }
                });
    }

    /** One keepalive on each stream idle for 40 % of the interval: none stays silent for longer than it. */
    private void keepIdleAlive() {
        long idleSince = System.nanoTime() - keepalive.toNanos() * 2 / 5;
        open.keySet().forEach(stream -> {
            if (stream.written.get() - idleSince < 0) {
                stream.written();
                stream.channel.keepalive();
            }
        });
    }

    /** Ends each stream whose credential was revoked or expired. */
    private void closeRevoked() {
        open.keySet().forEach(stream -> stream.validity.ended().ifPresent(why -> {
            stream.end();
            stream.channel.close(closing(why));
        }));
    }
}

package dev.jobstream.run;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import dev.jobstream.auth.Caller;
import dev.jobstream.auth.Role;
import dev.jobstream.auth.TokenLimits;
import dev.jobstream.auth.Tokens;
import dev.jobstream.concurrent.Periodic;
import dev.jobstream.config.JobstreamConfig;
import dev.jobstream.problem.ApiException;
import dev.jobstream.problem.Params;
import dev.jobstream.problem.Problem;
import dev.jobstream.stream.EventBatch;
import dev.jobstream.stream.EventStreamAccept;
import dev.jobstream.stream.RunEvent;
import dev.jobstream.stream.RunEventHub;
import dev.jobstream.stream.RunStreams;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /v1/runs/{id}/events} with {@code Accept: text/event-stream}: a run's events as SSE, replayed from
 * {@code Last-Event-ID} (or {@code ?after=}), then live, closed after {@code end_json}.
 * <p>
 * This one endpoint is a Vert.x route rather than a REST resource because it is the fan-out hot path: each event
 * is encoded once ({@link RunEvent#frame()}) and the same bytes are written to every subscriber, with no per
 * subscriber serialisation. A subscriber that does not keep up has its connection closed (it resumes with
 * Last-Event-ID); a subscriber that goes away is normal and logs nothing. Other media types fall through to
 * {@link RunEventsResource}.
 */
@Singleton
public class RunEventsRoute {

    private static final Buffer KEEPALIVE_FRAME = Buffer.buffer(": keepalive\n\n");

    private final Tokens tokens;
    private final TokenLimits limits;
    private final RunService runs;
    private final RunEventHub hub;
    private final Vertx vertx;
    private final Periodic periodic;
    private final Duration keepalive;
    private final int writeQueueBytes;
    /** Open streams, with when each was last written to (System.nanoTime()) and the credential they hold. */
    private final Map<HttpServerResponse, Stream> open = new ConcurrentHashMap<>();

    private record Stream(AtomicLong written, Caller.Validity validity, AtomicReference<Runnable> unsubscribe) {
    }

    /** The route's path (Vert.x syntax) and the role it needs: the SSE variant of the run's events. */
    public static final String PATH = "/v1/runs/:id/events";
    public static final Role ROLE = Role.VIEWER;

    RunEventsRoute(Tokens tokens, RunService runs, RunEventHub hub, Vertx vertx, JobstreamConfig config,
            MeterRegistry metrics, TokenLimits limits) {
        this.limits = limits;
        Gauge.builder("jobstream.sse.subscribers", this, RunEventsRoute::open)
                .description("Open SSE streams of runs' events on this replica").tag("stream", "run")
                .register(metrics);
        this.tokens = tokens;
        this.runs = runs;
        this.hub = hub;
        this.vertx = vertx;
        this.periodic = new Periodic(vertx);
        this.keepalive = config.streams().keepalive();
        this.writeQueueBytes = config.streams().writeQueueBytes();
    }

    void install(@Observes Router router) {
        router.get(PATH).order(-100).handler(this::handle);
        // checked every half interval for streams idle for 40 % of it, none is silent for longer than the interval
        periodic.every(keepalive.dividedBy(2), () -> {
            long idleSince = System.nanoTime() - keepalive.toNanos() * 2 / 5;
            open.forEach((response, stream) -> {
                if (stream.written().get() - idleSince < 0) {
                    keepalive(response, stream.written());
                }
            });
        });
        // a stream whose token was revoked or expired gets one comment saying so and is closed
        periodic.every(RunStreams.CREDENTIAL_CHECK, () -> open.forEach((response, stream) -> stream
                .validity().ended().ifPresent(why -> {
                    open.remove(response);
                    stream.unsubscribe().get().run();
                    if (!response.ended() && !response.closed()) {
                        response.end(": " + RunStreams.closing(why) + "\n\n");
                    }
                })));
    }

    void stop(@Observes ShutdownEvent event) {
        periodic.cancelAll();
    }

    /**
     * One keepalive comment on a stream that had nothing written for a while (a stream with events needs
     * none, and 10,000 of them would all be written to at once), unless it is already gone or has a
     * backlog (then it is not idle).
     */
    private void keepalive(HttpServerResponse response, AtomicLong written) {
        if (response.ended() || response.closed()) {
            open.remove(response);
            return;
        }
        if (!response.writeQueueFull()) {
            written.set(System.nanoTime());
            response.write(KEEPALIVE_FRAME);
        }
    }

    /** Streams currently open on this replica. */
    public int open() {
        return open.size();
    }

    private void handle(RoutingContext context) {
        if (!EventStreamAccept.prefersEventStream(context.request().getHeader("Accept"))) {
            context.next();
            return;
        }
        Tokens.Authentication authentication = tokens.authenticateHeader(context.request().getHeader("Authorization"));
        if (!authentication.ok()) {
            problem(context, new ApiException(401, "Unauthorized", authentication.failure()));
            return;
        }
        Caller caller = authentication.caller();
        if (!caller.has(ROLE)) {
            problem(context, new ApiException(403, "Forbidden", "This needs the " + ROLE.value() + " role; token '"
                    + caller.name() + "' has no role"));
            return;
        }
        UUID runId;
        int after;
        String position;
        try {
            runId = Params.uuid("id", context.pathParam("id"));
            String lastEventId = context.request().getHeader("Last-Event-ID");
            position = lastEventId != null && !lastEventId.isEmpty() ? "Last-Event-ID" : "after";
            after = Params.intInRange(position, position.equals("after")
                    ? context.request().getParam("after")
                    : lastEventId, 0, Integer.MAX_VALUE, 0);
        } catch (ApiException e) {
            problem(context, e);
            return;
        }
        // the connection's event loop (the root of the request's duplicated context), on which its live events
        // will be written; all connections of a loop share it, so a read of events is handed to it once
        Context current = Vertx.currentContext();
        Context loop = current == null ? null : VertxContext.getRootContext(current);
        TokenLimits.Permit permit;
        try {
            permit = limits.acquire(caller, TokenLimits.Kind.STREAM);
        } catch (ApiException e) {
            problem(context, e);
            return;
        }
        // the place is given back when the response ends (the run ended, the token was revoked, a problem was
        // sent) or its connection closes, whichever comes first
        context.response().endHandler(v -> permit.release());
        runs.get(runId, caller).subscribe().with(run -> {
            if (after > run.lastSeq()) {
                // an id this run never gave: its stream would wait for events that were sent long ago
                problem(context, ApiException.badRequest("'" + position + "' " + after + " is past the last event of"
                        + " run " + runId + " (" + run.lastSeq() + ")"));
            } else if (run.status().isTerminal() && after == run.lastSeq()) {
                // the client has every event of a run that has ended: 204 tells an EventSource not to reconnect
                context.response().setStatusCode(204).end();
            } else {
                stream(context, loop, runId, after, caller, permit);
            }
        },
                failure -> problem(context,
                        failure instanceof ApiException e
                                ? e
                                : new ApiException(503, "Service Unavailable", "The run could not be read; retry")));
    }

    private void stream(RoutingContext context, Context loop, UUID runId, int after, Caller caller,
            TokenLimits.Permit permit) {
        HttpServerResponse response = context.response();
        if (response.closed()) {
            permit.release(); // the client went away while the run was read
            return;
        }
        response.setWriteQueueMaxSize(writeQueueBytes);
        response.setChunked(true)
                .putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no")
                .putHeader("X-Content-Type-Options", "nosniff");
        response.write("retry: 3000\n: run " + runId + "\n\n");
        AtomicReference<Runnable> unsubscribe = new AtomicReference<>(() -> {
        });
        response.exceptionHandler(e -> {
            // the client went away: normal for a stream
        });
        response.closeHandler(v -> {
            open.remove(response);
            unsubscribe.get().run();
            permit.release();
        });
        AtomicLong written = new AtomicLong(System.nanoTime());
        open.put(response, new Stream(written, caller.validity(), unsubscribe));
        unsubscribe.set(hub.subscribe(runId, after, loop, new RunEventHub.Sink() {
            @Override
            public void deliver(List<RunEvent> events) {
                if (response.ended() || response.closed()) {
                    return;
                }
                if (response.writeQueueFull()) {
                    // too slow: close, and let the client resume from its Last-Event-ID
                    context.request().connection().close();
                    return;
                }
                written.set(System.nanoTime());
                response.write(EventBatch.frames(events));
            }

            @Override
            public void complete() {
                open.remove(response);
                if (!response.ended() && !response.closed()) {
                    response.end();
                }
            }

            @Override
            public void fail(Throwable failure) {
                complete();
            }
        }));
    }

    private static void problem(RoutingContext context, ApiException e) {
        Problem.send(context.response(), e, context.request().path());
    }
}

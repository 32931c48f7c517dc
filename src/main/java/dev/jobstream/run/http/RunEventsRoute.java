package dev.jobstream.run.http;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import dev.jobstream.auth.AccessDenied;
import dev.jobstream.auth.BearerMechanism;
import dev.jobstream.auth.Caller;
import dev.jobstream.auth.Role;
import dev.jobstream.auth.TokenLimits;
import dev.jobstream.config.JobstreamConfig;
import dev.jobstream.problem.ApiException;
import dev.jobstream.problem.Params;
import dev.jobstream.problem.Problem;
import dev.jobstream.refusal.Refusal;
import dev.jobstream.run.service.RunService;
import dev.jobstream.stream.EventBatch;
import dev.jobstream.stream.EventStreamAccept;
import dev.jobstream.stream.EventStreams;
import dev.jobstream.stream.RunEvent;
import dev.jobstream.stream.RunEventHub;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
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

    private final RunService runs;
    private final RunEventHub hub;
    private final EventStreams streams;
    private final int writeQueueBytes;
    /** Streams of runs' events open on this replica. */
    private final AtomicInteger open = new AtomicInteger();

    /** The route's path (Vert.x syntax) and the role it needs: the SSE variant of the run's events. */
    public static final String PATH = "/v1/runs/:id/events";
    public static final Role ROLE = Role.VIEWER;

    RunEventsRoute(RunService runs, RunEventHub hub, EventStreams streams, JobstreamConfig config,
            MeterRegistry metrics) {
        Gauge.builder("jobstream.sse.subscribers", open, AtomicInteger::get)
                .description("Open SSE streams of runs' events on this replica").tag("stream", "run")
                .register(metrics);
        this.runs = runs;
        this.hub = hub;
        this.streams = streams;
        this.writeQueueBytes = config.streams().writeQueueBytes();
    }

    void install(@Observes Router router) {
        router.get(PATH).order(BearerMechanism.ROUTE_ORDER).handler(this::handle);
    }

    /** Streams currently open on this replica. */
    public int open() {
        return open.get();
    }

    private void handle(RoutingContext context) {
        if (!EventStreamAccept.prefersEventStream(context.request().getHeader("Accept"))) {
            context.next();
            return;
        }
        Caller caller = Caller.of(context);
        if (!caller.has(ROLE)) {
            problem(context, new ApiException(403, "Forbidden", AccessDenied.needs(ROLE, caller)));
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
        } catch (Refusal e) {
            problem(context, ApiException.from(e));
            return;
        }
        // the connection's event loop (the root of the request's duplicated context), on which its live events
        // will be written; all connections of a loop share it, so a read of events is handed to it once
        Context current = Vertx.currentContext();
        Context loop = current == null ? null : VertxContext.getRootContext(current);
        TokenLimits.Permit permit;
        try {
            permit = streams.reserve(caller);
        } catch (Refusal e) {
            problem(context, ApiException.from(e));
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
                        failure instanceof Refusal refusal
                                ? ApiException.from(refusal)
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
        response.write(EventStreams.opening("run " + runId));
        AtomicReference<Runnable> unsubscribe = new AtomicReference<>(() -> {
        });
        EventStreams.Registration registration = streams.open(permit, caller, new EventStreams.Channel() {
            @Override
            public void keepalive() {
                // none on a stream that has a backlog: it is not idle
                if (!response.ended() && !response.closed() && !response.writeQueueFull()) {
                    response.write(KEEPALIVE_FRAME);
                }
            }

            @Override
            public void close(String comment) {
                unsubscribe.get().run();
                if (!response.ended() && !response.closed()) {
                    response.end(": " + comment + "\n\n");
                }
            }
        });
        open.incrementAndGet();
        AtomicBoolean counted = new AtomicBoolean(true);
        Runnable ended = () -> {
            registration.end();
            if (counted.compareAndSet(true, false)) {
                open.decrementAndGet();
            }
        };
        response.endHandler(v -> ended.run());
        response.exceptionHandler(e -> {
            // the client went away: normal for a stream
        });
        response.closeHandler(v -> {
            ended.run();
            unsubscribe.get().run();
        });
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
                registration.written();
                response.write(EventBatch.frames(events));
            }

            @Override
            public void complete() {
                ended.run();
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

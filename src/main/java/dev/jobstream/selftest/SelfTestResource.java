package dev.jobstream.selftest;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import org.eclipse.microprofile.config.ConfigProvider;

import dev.jobstream.auth.Caller;
import dev.jobstream.auth.InternalKey;
import dev.jobstream.auth.Roles;
import dev.jobstream.problem.ApiException;
import dev.jobstream.stream.EventStreams;
import io.quarkus.runtime.LaunchMode;
import io.smallrye.mutiny.Multi;
import io.vertx.core.json.JsonObject;

/**
 * {@code GET /v1/selftest}: the end-to-end self-test against this instance, as SSE: a {@code log} event per check,
 * then {@code end_json} {@code {"ok", "data": {"passed", "failed", "passed_tests", "failed_tests"}}}.
 */
@Path("/v1/selftest")
public class SelfTestResource {

    private final InternalKey internalKey;

    private final EventStreams streams;

    SelfTestResource(InternalKey internalKey, EventStreams streams) {
        this.internalKey = internalKey;
        this.streams = streams;
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RolesAllowed(Roles.ADMIN)
    public Multi<OutboundSseEvent> run(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @Context Sse sse, @Context SecurityContext security) {
        Caller caller = Caller.of(security);
        if (caller.scoped()) {
            throw new ApiException(403, "Forbidden",
                    "The self-test triggers runs in workspaces of its own: it needs an admin token for all workspaces");
        }
        SelfTest test = new SelfTest(new SelfTestClient(port(), authorization, internalKey.value()));
        AtomicInteger seq = new AtomicInteger();
        Multi<OutboundSseEvent> reports = test.run().map(report -> {
            String ts = Instant.now().toString();
            if (report.summary() != null) {
                return sse.newEventBuilder().id(Integer.toString(seq.incrementAndGet())).name("end_json")
                        .data(new JsonObject().put("ok", report.passed()).put("data", report.summary())
                                .put("ts", ts).encode())
                        .build();
            }
            return sse.newEventBuilder().id(Integer.toString(seq.incrementAndGet())).name("log")
                    .data(new JsonObject().put("level", report.passed() ? "info" : "error")
                            .put("message", report.message()).put("check", report.check())
                            .put("passed", report.passed()).put("ts", ts).encode())
                    .build();
        });
        return streams.stream(caller, sse, "self-test", java.util.List.of(), reports);
    }

    /** The port this instance listens on (the test port is chosen at startup). */
    private static int port() {
        String key = LaunchMode.current() == LaunchMode.TEST ? "quarkus.http.test-port" : "quarkus.http.port";
        return ConfigProvider.getConfig().getOptionalValue(key, Integer.class).orElse(8080);
    }
}

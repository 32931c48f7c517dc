package dev.jobstream.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

import com.fasterxml.jackson.core.JsonProcessingException;

import dev.jobstream.auth.Caller;
import dev.jobstream.auth.InternalKey;
import dev.jobstream.auth.TokenLimits;
import dev.jobstream.problem.ApiException;
import dev.jobstream.problem.Problem;
import dev.jobstream.stream.EventStreams;
import io.smallrye.mutiny.Uni;

/**
 * Trigger-and-stream ({@code POST /v1/jobs/{job}/runs} with {@code Accept: text/event-stream}) triggers here,
 * before the resource method: once an SSE response has begun its status is 200, so a bad request, an unknown job
 * or an exclusive conflict must be answered first. The new run is handed to the resource as a request property.
 */
public class TriggerStreamFilter {

    static final String TRIGGERED = "jobstream.triggered-run";
    /** The place among its token's streams that the stream holds (request property). */
    static final String PERMIT = "jobstream.stream-permit";

    private final TriggerResource resource;
    private final RunService runs;

    private final EventStreams streams;

    TriggerStreamFilter(TriggerResource resource, RunService runs, EventStreams streams) {
        this.resource = resource;
        this.runs = runs;
        this.streams = streams;
    }

    /**
     * Acts on the requests routed to {@link TriggerResource#triggerAndStream}, and on those alone: content negotiation
     * chose that method, so the run it streams is always there (an {@code Accept} header such as {@code text/*} picks
     * it too).
     */
    @ServerRequestFilter(readBody = true)
    public Uni<Response> trigger(ContainerRequestContext request, SimpleResourceInfo target) {
        if (target.getResourceClass() != TriggerResource.class
                || !TriggerResource.TRIGGER_AND_STREAM.equals(target.getMethodName())) {
            return Uni.createFrom().nullItem();
        }
        String instance = request.getUriInfo().getRequestUri().getRawPath();
        try {
            String body = new String(request.getEntityStream().readAllBytes(), StandardCharsets.UTF_8);
            var query = request.getUriInfo().getQueryParameters();
            Caller caller = Caller.of(request.getSecurityContext());
            NewRun run = resource.prepare(request.getUriInfo().getPathParameters().getFirst("job"), body,
                    query.getFirst("workspace_id"),
                    query.getFirst("dry_run"), request.getHeaderString("X-Correlation-Id"),
                    request.getHeaderString(TriggerResource.TRACEPARENT), caller,
                    resource.fromService(request.getHeaderString(InternalKey.HEADER)));
            TokenLimits.Permit permit = streams.reserve(caller);
            request.setProperty(PERMIT, permit);
            return runs.trigger(run).onFailure().invoke(permit::release).map(outcome -> {
                if (outcome instanceof TriggerOutcome.AlreadyRunning conflict) {
                    permit.release();
                    return problem(new AlreadyRunning(conflict), instance);
                }
                request.setProperty(TRIGGERED, outcome instanceof TriggerOutcome.Created created
                        ? created.run()
                        : ((TriggerOutcome.Existing) outcome).run());
                return null;
            });
        } catch (ApiException e) {
            return Uni.createFrom().item(problem(e, instance));
        } catch (JsonProcessingException e) {
            return Uni.createFrom().item(problem(ApiException.badRequest("Request body is not valid JSON"), instance));
        } catch (IOException e) {
            return Uni.createFrom().item(problem(ApiException.badRequest("Request body could not be read"), instance));
        }
    }

    private static Response problem(ApiException e, String instance) {
        return Problem.response(e.status(), e.title(), e.getMessage(), instance, e.extensions(), e.headers());
    }
}

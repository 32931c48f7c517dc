package dev.jobstream.stream;

import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.jobstream.error.ApiException;
import dev.jobstream.error.Problem;
import dev.jobstream.run.RunService;
import dev.jobstream.support.Params;
import io.smallrye.mutiny.Uni;

/**
 * Checks a request for a run's event stream before the stream starts: once an SSE response has begun, a missing
 * run or a malformed id could no longer be answered with a 404 or 400 problem.
 */
public class RunStreamPrecheck {

    private static final Pattern EVENTS_PATH = Pattern.compile("^/v1/runs/([^/]+)/events/?$");

    private final RunService runs;

    RunStreamPrecheck(RunService runs) {
        this.runs = runs;
    }

    @ServerRequestFilter
    public Uni<Response> check(ContainerRequestContext request) {
        Matcher path = EVENTS_PATH.matcher(request.getUriInfo().getPath());
        String accept = request.getHeaderString(HttpHeaders.ACCEPT);
        if (!path.matches() || accept == null || !accept.contains("text/event-stream")) {
            return Uni.createFrom().nullItem();
        }
        String instance = request.getUriInfo().getRequestUri().getRawPath();
        try {
            UUID id = Params.uuid("id", path.group(1));
            String lastEventId = request.getHeaderString("Last-Event-ID");
            if (lastEventId != null && !lastEventId.isEmpty()) {
                Params.intInRange("Last-Event-ID", lastEventId, 0, Integer.MAX_VALUE, 0);
            }
            Params.intInRange("after", request.getUriInfo().getQueryParameters().getFirst("after"), 0,
                    Integer.MAX_VALUE, 0);
            return runs.get(id).replaceWith((Response) null)
                    .onFailure(ApiException.class)
                    .recoverWithItem(failure -> problem((ApiException) failure, instance));
        } catch (ApiException e) {
            return Uni.createFrom().item(problem(e, instance));
        }
    }

    private static Response problem(ApiException e, String instance) {
        return Problem.response(e.status(), e.title(), e.getMessage(), instance, Map.of());
    }
}

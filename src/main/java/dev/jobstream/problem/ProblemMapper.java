package dev.jobstream.problem;

import java.util.Map;
import java.util.UUID;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import dev.jobstream.refusal.Refusal;

/** Maps every failure to a problem+json response; no stack trace or SQL ever reaches a client. */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    @ServerExceptionMapper
    public Response api(ApiException e, UriInfo uri) {
        return Problem.response(e.status(), e.title(), e.getMessage(), path(uri), e.extensions(), e.headers());
    }

    /** A refusal of the services, answered as {@link ApiException#from} says. */
    @ServerExceptionMapper
    public Response refused(Refusal e, UriInfo uri) {
        return api(ApiException.from(e), uri);
    }

    @ServerExceptionMapper
    public Response unknownField(UnrecognizedPropertyException e, UriInfo uri) {
        return badJson("Unknown field '" + e.getPropertyName() + "'", uri);
    }

    @ServerExceptionMapper
    public Response wrongType(InvalidFormatException e, UriInfo uri) {
        return badJson("Field '" + fieldPath(e) + "' has the wrong type or format", uri);
    }

    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e, UriInfo uri) {
        String field = fieldPath(e);
        return badJson(
                field.isEmpty() ? "Request body has the wrong shape" : "Field '" + field + "' has the wrong type",
                uri);
    }

    @ServerExceptionMapper
    public Response malformed(JsonProcessingException e, UriInfo uri) {
        String message = e.getOriginalMessage();
        return badJson(message != null && message.startsWith("Duplicate field")
                ? "Request body gives a field twice: " + message.substring("Duplicate field ".length())
                : "Request body is not valid JSON", uri);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        if (e.getCause() instanceof JsonProcessingException json) {
            // a body that Quarkus REST could not parse as JSON (a field's type or name it rethrows as it is)
            return malformed(json, uri);
        }
        Response.StatusType status = e.getResponse().getStatusInfo();
        if (status.getStatusCode() >= 500) {
            return unexpected(e, uri);
        }
        String detail = switch (status.getStatusCode()) {
            case 404 -> "No resource at this path";
            case 405 -> "Method not allowed on this path";
            case 406 -> "The requested media type is not available here";
            case 413 -> "Request body is too large";
            case 415 -> "Unsupported content type";
            default -> status.getReasonPhrase();
        };
        return Problem.response(status.getStatusCode(), status.getReasonPhrase(), detail, path(uri), Map.of());
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(Throwable e, UriInfo uri) {
        if (Unreachable.is(e)) {
            // the database is away (restarting, failing over, cut off): the request may be sent again shortly
            LOG.warnf("The database could not be reached for %s: %s", path(uri), e.getMessage());
            return Problem.response(503, "Service Unavailable", "The database cannot be reached right now; retry "
                    + "in a moment", path(uri), Map.of(), Map.of("Retry-After", "1"));
        }
        String reference = UUID.randomUUID().toString();
        LOG.errorf(e, "Unexpected failure on %s (reference %s)", path(uri), reference);
        return Problem.response(500, "Internal Server Error", "Unexpected failure; reference " + reference, path(uri),
                Map.of());
    }

    private static Response badJson(String detail, UriInfo uri) {
        return Problem.response(400, "Bad Request", detail, path(uri), Map.of());
    }

    private static String fieldPath(MismatchedInputException e) {
        StringBuilder path = new StringBuilder();
        for (var reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String path(UriInfo uri) {
        return uri == null ? null : uri.getRequestUri().getRawPath();
    }
}

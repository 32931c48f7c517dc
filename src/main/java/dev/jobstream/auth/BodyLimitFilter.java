package dev.jobstream.auth;

import java.util.Map;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.jobstream.problem.ApiException;
import dev.jobstream.problem.Problem;

/**
 * Request bodies of {@code /v1} are at most 64 KiB (batch triggers: 1 MiB, the HTTP server's limit): a declared
 * larger body is refused with a 413 problem before it is read. Bodies without a length are held to the same limit
 * where they are read.
 */
public class BodyLimitFilter {

    public static final int MAX_BODY_BYTES = 64 * 1024;

    /**
     * {@code body} as read, if it is within {@value #MAX_BODY_BYTES} bytes: a body sent without a length (chunked) is
     * held to the limit here, where it is read; 413 beyond.
     */
    public static String within(String body) {
        if (body != null && body.length() > MAX_BODY_BYTES / 4
                && body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_BODY_BYTES) {
            throw new ApiException(413, "Payload Too Large", "Request body is larger than " + MAX_BODY_BYTES
                    + " bytes");
        }
        return body;
    }

    @ServerRequestFilter(preMatching = true, priority = jakarta.ws.rs.Priorities.AUTHENTICATION + 100)
    public Response limit(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/v1") || path.endsWith("/runs/batch")) {
            return null;
        }
        String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        if (length == null || length.length() > 18 || !length.chars().allMatch(Character::isDigit)) {
            return null;
        }
        if (Long.parseLong(length) > MAX_BODY_BYTES) {
            return Problem.response(413, "Payload Too Large", "Request body is larger than " + MAX_BODY_BYTES
                    + " bytes", request.getUriInfo().getRequestUri().getRawPath(), Map.of());
        }
        return null;
    }
}

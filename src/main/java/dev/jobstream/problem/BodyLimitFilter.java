package dev.jobstream.problem;

import java.util.Map;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Request bodies of {@code /v1} are at most 64 KiB (batch triggers: 1 MiB, the HTTP server's limit): a declared
 * larger body is refused with a 413 problem before it is read. Bodies without a length are held to the same limit
 * as they are read ({@link BodySize}).
 */
public class BodyLimitFilter {

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
        if (Long.parseLong(length) > BodySize.MAX_BYTES) {
            return Problem.response(413, "Payload Too Large", "Request body is larger than " + BodySize.MAX_BYTES
                    + " bytes", request.getUriInfo().getRequestUri().getRawPath(), Map.of());
        }
        return null;
    }
}

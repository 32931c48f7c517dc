package dev.jobstream.problem;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * A request whose {@code Content-Type} is no media type at all, or a multipart form (which this API never reads), is
 * a 415 problem before anything reads its body. Bodies are JSON; a body sent as a plain curl form
 * ({@code application/x-www-form-urlencoded}) is still read as the JSON it is.
 */
public class ContentTypeFilter {

    @ServerRequestFilter(preMatching = true)
    public Optional<Response> check(ContainerRequestContext request) {
        String type = request.getHeaderString(HttpHeaders.CONTENT_TYPE);
        if (type == null) {
            return Optional.empty();
        }
        String detail = null;
        if (type.isBlank()) {
            detail = "Content-Type is empty: send the body as application/json";
        } else {
            try {
                if (MediaType.valueOf(type).getType().toLowerCase(Locale.ROOT).equals("multipart")) {
                    detail = "Bodies are JSON, not multipart forms: send application/json";
                }
            } catch (IllegalArgumentException e) {
                detail = "Content-Type is not a media type: send application/json";
            }
        }
        return detail == null
                ? Optional.empty()
                : Optional.of(Problem.response(415, "Unsupported Media Type", detail,
                        request.getUriInfo().getRequestUri().getRawPath(), Map.of()));
    }
}

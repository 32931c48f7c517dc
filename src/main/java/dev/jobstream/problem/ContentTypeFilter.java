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
 * ({@code application/x-www-form-urlencoded}), or without a type, is still read as the JSON it is where the resource
 * method takes any type (one that says JSON refuses another type with a 415 as it is matched).
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

    /** Past matching, before the body is read: a body of another type, or of none, is read by the JSON reader. */
    @ServerRequestFilter
    public void readAsJson(ContainerRequestContext request) {
        MediaType type = request.getMediaType();
        if (type == null || !(type.getSubtype().equalsIgnoreCase("json") || type.getSubtype().endsWith("+json"))) {
            request.getHeaders().putSingle(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON);
        }
    }
}

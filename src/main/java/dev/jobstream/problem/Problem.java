package dev.jobstream.problem;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.http.HttpServerResponse;

/** An {@code application/problem+json} body (RFC 9457): type, title, status, detail, instance, timestamp, extras. */
public final class Problem {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Problem() {
    }

    /** The challenge of a 401: a bearer token is what the service takes. */
    public static final String BEARER_CHALLENGE = "Bearer realm=\"jobstream\"";

    public static Response response(int status, String title, String detail, String instance,
            Map<String, Object> extensions) {
        return response(status, title, detail, instance, extensions, Map.of());
    }

    public static Response response(int status, String title, String detail, String instance,
            Map<String, Object> extensions, Map<String, String> headers) {
        Response.ResponseBuilder builder = Response.status(status).type(MEDIA_TYPE)
                .entity(encode(body(status, title, detail, instance, extensions)));
        if (status == 401) {
            builder.header(HttpHeaders.WWW_AUTHENTICATE, BEARER_CHALLENGE);
        }
        headers.forEach(builder::header);
        return builder.build();
    }

    /** Ends a Vert.x response (routes outside Quarkus REST) with the problem of {@code e}. */
    public static void send(HttpServerResponse response, ApiException e, String instance) {
        response.setStatusCode(e.status()).putHeader(HttpHeaders.CONTENT_TYPE, MEDIA_TYPE);
        if (e.status() == 401) {
            response.putHeader(HttpHeaders.WWW_AUTHENTICATE, BEARER_CHALLENGE);
        }
        e.headers().forEach(response::putHeader);
        response.end(encode(body(e.status(), e.title(), e.getMessage(), instance, e.extensions())));
    }

    private static Map<String, Object> body(int status, String title, String detail, String instance,
            Map<String, Object> extensions) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        body.put("instance", instance);
        body.put("timestamp", Instant.now().toString());
        body.putAll(extensions);
        return body;
    }

    private static String encode(Map<String, Object> body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("problem body is not serialisable", e);
        }
    }
}

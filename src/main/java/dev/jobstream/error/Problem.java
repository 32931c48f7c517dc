package dev.jobstream.error;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** An {@code application/problem+json} body (RFC 9457): type, title, status, detail, instance, timestamp, extras. */
public final class Problem {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Problem() {
    }

    public static Response response(int status, String title, String detail, String instance,
            Map<String, Object> extensions) {
        Response.ResponseBuilder builder = Response.status(status).type(MEDIA_TYPE)
                .entity(encode(body(status, title, detail, instance, extensions)));
        if (status == 401) {
            builder.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"jobstream\"");
        }
        return builder.build();
    }

    /** The problem body of {@code e} as JSON text. */
    public static String json(ApiException e, String instance) {
        return encode(body(e.status(), e.title(), e.getMessage(), instance, e.extensions()));
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

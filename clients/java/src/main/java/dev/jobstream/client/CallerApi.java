package dev.jobstream.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.StringJoiner;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The caller's HTTP: JSON calls answered with JSON, and event streams. An answer of 400 or more is a
 * {@link JobstreamApiException} with the problem document the service sent. Nothing is sent twice: a trigger without
 * an idempotency key is not safe to repeat.
 */
final class CallerApi {

    private final HttpClient http;
    private final URI base;
    private final String token;
    private final Duration timeout;
    final ObjectMapper json;

    CallerApi(HttpClient http, URI base, String token, Duration timeout) {
        this.http = http;
        this.base = base.getPath().endsWith("/") ? base : URI.create(base + "/");
        this.token = token;
        this.timeout = timeout;
        this.json = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .registerModule(new SimpleModule().addDeserializer(Instant.class, new JsonDeserializer<>() {
                    @Override
                    public Instant deserialize(JsonParser parser, DeserializationContext context) throws IOException {
                        return Instant.parse(parser.getValueAsString());
                    }
                }));
    }

    /** Sends a call ({@code body} null: none) and answers the JSON of its answer (a null node for an empty one). */
    JsonNode call(String method, String path, Object body) throws IOException, InterruptedException {
        HttpRequest.Builder request = request(path).timeout(timeout).header("Accept", "application/json");
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)));
        }
        HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() >= 400) {
            throw problem(response.statusCode(), response.body());
        }
        return response.body().length == 0 ? json.nullNode() : json.readTree(response.body());
    }

    <T> T call(String method, String path, Object body, Class<T> type) throws IOException, InterruptedException {
        return json.treeToValue(call(method, path, body), type);
    }

    /**
     * Opens an event stream; {@code lastEventId} (null: none) is sent as {@code Last-Event-ID}. The answer's status
     * is the caller's to check: a body that is not 200 is still open.
     */
    HttpResponse<InputStream> stream(String path, String lastEventId) throws IOException, InterruptedException {
        HttpRequest.Builder request = request(path).header("Accept", "text/event-stream");
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        return http.send(request.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    /** The problem of an answer of 400 or more; a body that is no JSON object is kept as its {@code detail}. */
    JobstreamApiException problem(int status, byte[] body) {
        JsonNode problem;
        try {
            problem = json.readTree(body);
        } catch (IOException e) {
            problem = null;
        }
        if (problem == null || !problem.isObject()) {
            ObjectNode made = json.createObjectNode().put("title", "HTTP " + status).put("status", status);
            problem = made.put("detail", new String(body, StandardCharsets.UTF_8));
        }
        return new JobstreamApiException(status, problem);
    }

    /** {@code path?name=value&…} of the pairs {@code namesAndValues} whose value is not null, encoded. */
    static String query(String path, Object... namesAndValues) {
        StringJoiner query = new StringJoiner("&", path + "?", "").setEmptyValue(path);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (namesAndValues[i + 1] != null) {
                query.add(namesAndValues[i] + "=" + URLEncoder.encode(namesAndValues[i + 1].toString(),
                        StandardCharsets.UTF_8));
            }
        }
        return query.toString();
    }

    /** One segment of a path, encoded. */
    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + token);
    }
}

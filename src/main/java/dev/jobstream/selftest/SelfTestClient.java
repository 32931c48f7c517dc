package dev.jobstream.selftest;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import dev.jobstream.auth.InternalKey;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The self-test's HTTP client of this very instance: non-blocking calls with the caller's token. */
final class SelfTestClient {

    /** An answer: status, body text, and the body as JSON when it is an object or array. */
    record Answer(int status, String body) {

        JsonObject json() {
            return new JsonObject(body);
        }

        JsonArray array() {
            return new JsonArray(body);
        }
    }

    private static final String JSON = "application/json";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String authorization;
    private final String internalKey;

    /** {@code internalKey}: this process's key, which lets the self-test trigger its own internal job. */
    SelfTestClient(int port, String authorization, String internalKey) {
        this.base = "http://localhost:" + port;
        this.authorization = authorization;
        this.internalKey = internalKey;
    }

    Uni<Answer> get(String path) {
        return send(request(path, JSON).GET());
    }

    Uni<Answer> getStream(String path) {
        return send(request(path, "text/event-stream").GET());
    }

    Uni<Answer> post(String path, String json) {
        return send(request(path, JSON).header("Content-Type", JSON)
                .POST(HttpRequest.BodyPublishers.ofString(json == null ? "" : json)));
    }

    Uni<Answer> delete(String path) {
        return send(request(path, JSON).DELETE());
    }

    private HttpRequest.Builder request(String path, String accept) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", authorization).header("Accept", accept)
                .header(InternalKey.HEADER, internalKey);
    }

    private Uni<Answer> send(HttpRequest.Builder request) {
        return Uni.createFrom().completionStage(() -> http.sendAsync(request.build(),
                HttpResponse.BodyHandlers.ofString())).map(r -> new Answer(r.statusCode(), r.body()));
    }
}

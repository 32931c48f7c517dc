package dev.jobstream.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The worker endpoints over HTTP. A call that reached no answer (a network fault, a 5xx) is sent again, the same, with
 * a growing pause, until {@code patience} has passed: the service makes a repeated report or end harmless. A 409 is
 * a lost lease; any other 4xx is a mistake of the caller and is not repeated.
 */
final class WorkerApi {

    /** The service refused the call because the lease no longer holds the run (409). */
    static final class LeaseLost extends RuntimeException {
        final String reason;

        LeaseLost(String reason, String detail) {
            super(detail);
            this.reason = reason;
        }
    }

    /** The service refused the call (a 4xx other than 409): sending it again would not help. */
    static final class Refused extends RuntimeException {
        Refused(int status, String detail) {
            super("HTTP " + status + ": " + detail);
        }
    }

    private static final Duration FIRST_PAUSE = Duration.ofMillis(100);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(5);

    private final HttpClient http;
    private final URI base;
    private final String token;
    private final ObjectMapper json;

    WorkerApi(HttpClient http, URI base, String token, ObjectMapper json) {
        this.http = http;
        this.base = base;
        this.token = token;
        this.json = json;
    }

    /** Sends the call once; the future holds the answer's body, or fails as {@link #post} would throw. */
    CompletableFuture<JsonNode> send(String path, Object body, Duration timeout) {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json").header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body))).build();
        } catch (JsonProcessingException e) {
            return CompletableFuture.failedFuture(e);
        }
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                .thenApply(this::answer);
    }

    private JsonNode answer(HttpResponse<String> response) {
        JsonNode body;
        try {
            body = response.body().isEmpty() ? json.nullNode() : json.readTree(response.body());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("HTTP " + response.statusCode() + " with a body that is not JSON", e);
        }
        int status = response.statusCode();
        if (status == 200) {
            return body;
        }
        String detail = body.path("detail").asText(body.toString());
        if (status == 409 && body.has("reason")) {
            throw new LeaseLost(body.path("reason").asText(), detail);
        }
        if (status >= 400 && status < 500 && status != 408 && status != 429) {
            throw new Refused(status, detail);
        }
        throw new Unanswered("HTTP " + status + ": " + detail);
    }

    /** No answer the call can rely on: sent again. */
    private static final class Unanswered extends RuntimeException {
        Unanswered(String message) {
            super(message);
        }
    }

    /**
     * Sends the call until it is answered, at most for {@code patience}; throws {@link LeaseLost}, {@link Refused}, or
     * the last fault once the patience is spent.
     */
    JsonNode post(String path, Object body, Duration timeout, Duration patience)
            throws IOException, InterruptedException {
        long giveUp = System.nanoTime() + patience.toNanos();
        Duration pause = FIRST_PAUSE;
        while (true) {
            try {
                return send(path, body, timeout).get();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof LeaseLost || cause instanceof Refused) {
                    throw (RuntimeException) cause;
                }
                if (System.nanoTime() + pause.toNanos() > giveUp) {
                    throw cause instanceof IOException io ? io : new IOException(cause.getMessage(), cause);
                }
            }
            Thread.sleep(pause.toMillis());
            pause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
        }
    }
}

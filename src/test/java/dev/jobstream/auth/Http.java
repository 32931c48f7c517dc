package dev.jobstream.auth;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A raw HTTP client for the security tests: any method, path and body bytes; for event streams only the status and
 * the first bytes are read before the connection is closed.
 */
final class Http {

    /** What came back: status, the WWW-Authenticate header, and the body (its first 64 KiB). */
    record Answer(int status, String challenge, String body) {
    }

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * Over the HTTP server's request line limit (4 KiB) the server answers 414 in HTTP/1.0 and closes the connection,
     * which the JDK client would put back in its pool anyway; such requests get a connection of their own. When they
     * carry a body the close can reset the connection before the client reads the 414, so no answer is also right.
     */
    static final int REQUEST_LINE_LIMIT = 4096;

    private Http() {
    }

    static boolean overRequestLineLimit(String method, String path) {
        return method.length() + " ".length() + path.length() + " HTTP/1.1".length() >= REQUEST_LINE_LIMIT;
    }

    static Answer send(String base, String method, String path, String token, String accept, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
                .method(method, body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (accept != null) {
            request.header("Accept", accept);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        try {
            HttpClient client = overRequestLineLimit(method, path)
                    ? HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                    : CLIENT;
            HttpResponse<InputStream> response = client.send(request.build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            String text;
            try (InputStream in = response.body()) {
                boolean stream = response.headers().firstValue("Content-Type").orElse("")
                        .startsWith("text/event-stream");
                // a stream is open-ended: its first bytes are enough to tell what it is
                byte[] bytes = stream ? in.readNBytes(in.available()) : in.readNBytes(64 * 1024);
                text = new String(bytes, StandardCharsets.UTF_8);
            }
            return new Answer(response.statusCode(), response.headers().firstValue("WWW-Authenticate").orElse(null),
                    text);
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

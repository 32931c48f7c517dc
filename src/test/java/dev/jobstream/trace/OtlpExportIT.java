package dev.jobstream.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import dev.jobstream.config.EmbeddedDatabase;
import dev.jobstream.support.Api;
import dev.jobstream.support.Replica;
import io.vertx.core.json.JsonObject;

/**
 * The packaged service (prod profile) traces when, and only when, an OTLP endpoint is configured: with one, the
 * attempts' spans reach it (OTLP over HTTP, to a collector this test plays), linked to the trigger's trace; without
 * one, the trigger's header is stored as it came (no span took the request) and nothing is exported, nor does an
 * export fail, up to the flush at shutdown.
 */
class OtlpExportIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static JsonObject send(Replica replica, String method, String path, String traceparent)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(replica.url(path)))
                .header("Authorization", "Bearer " + Api.ADMIN_TOKEN).header("Content-Type", "application/json");
        if (traceparent != null) {
            request.header("traceparent", traceparent);
        }
        HttpResponse<String> answer = HTTP.send("POST".equals(method)
                ? request.POST(HttpRequest.BodyPublishers.ofString("{}")).build()
                : request.GET().build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(answer.statusCode() / 100 == 2, answer.statusCode() + " " + answer.body());
        return new JsonObject(answer.body());
    }

    private static JsonObject triggerAndAwait(Replica replica, String traceparent) throws Exception {
        String id = send(replica, "POST", "/v1/jobs/demo.noop/runs", traceparent).getString("id");
        return Awaitility.await().atMost(Duration.ofSeconds(20)).until(
                () -> send(replica, "GET", "/v1/runs/" + id, null), run -> "completed".equals(run.getString("status")));
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer : for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @Test
    void withAnEndpointTheAttemptsSpansAreExportedLinkedToTheTrigger() throws Exception {
        List<byte[]> received = new CopyOnWriteArrayList<>();
        HttpServer collector = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        collector.createContext("/", exchange -> {
            received.add(exchange.getRequestBody().readAllBytes());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        int pgPort = EmbeddedDatabase.start().port();
        try (Replica replica = Replica.start("otlp", pgPort, Replica.newDatabase(pgPort), Map.of(
                "QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://localhost:" + collector.getAddress().getPort(),
                "QUARKUS_OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/protobuf",
                "QUARKUS_OTEL_BSP_SCHEDULE_DELAY", "100ms"))) {
            String caller = TraceparentTest.callersTraceparent();
            JsonObject run = triggerAndAwait(replica, caller);
            assertEquals(caller.substring(3, 35), run.getString("traceparent").substring(3, 35));
            // an attempt's span, and in it the link: the trigger's trace id (16 bytes in the protobuf)
            byte[] name = "jobstream.attempt".getBytes(StandardCharsets.UTF_8);
            byte[] runId = run.getString("id").getBytes(StandardCharsets.UTF_8);
            byte[] traceId = HexFormat.of().parseHex(caller.substring(3, 35));
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> received.stream().anyMatch(
                    body -> contains(body, name) && contains(body, runId) && contains(body, traceId)));
        } finally {
            collector.stop(0);
        }
    }

    @Test
    void withoutAnEndpointNothingIsTracedNorExported() throws Exception {
        int pgPort = EmbeddedDatabase.start().port();
        String caller = TraceparentTest.callersTraceparent();
        try (Replica replica = Replica.start("no-otlp", pgPort, Replica.newDatabase(pgPort), Map.of(
                "QUARKUS_OTEL_BSP_SCHEDULE_DELAY", "100ms"))) {
            JsonObject run = triggerAndAwait(replica, caller);
            assertEquals(caller, run.getString("traceparent"), "no server span: the header itself");
            replica.terminate(Duration.ofSeconds(30));
        }
        // a graceful stop flushes what a span processor holds: a failed export would be logged by then
        String log = Files.readString(Path.of("target/replica-no-otlp.log"));
        assertFalse(log.contains("io.opentelemetry"), log);
        assertFalse(log.toLowerCase().contains("failed to export"), log);
    }
}

package dev.jobstream.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.jobstream.config.EmbeddedDatabase;
import dev.jobstream.support.Api;
import dev.jobstream.support.Replica;

/**
 * A Prometheus scrape of the packaged application as it runs in a pod: prod profile, {@code PG*} and tokens from
 * the environment, a scraper with a viewer token from the tokens file — or none with
 * {@code JOBSTREAM_METRICS_PUBLIC=true}. After a run, its meters are there next to those of the JVM and the HTTP
 * server.
 */
class MetricsIT {

    static final String SCRAPER_TOKEN = "scraper-" + UUID.randomUUID();

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aScraperWithAViewerTokenSeesARunsMetersNextToTheJvms() throws Exception {
        int pgPort = EmbeddedDatabase.start().port();
        String database = Replica.newDatabase(pgPort);
        Path tokens = Files.createTempFile("tokens", ".json");
        Files.writeString(tokens, "[{\"name\": \"prometheus\", \"sha256\": \"" + sha256(SCRAPER_TOKEN)
                + "\", \"roles\": [\"viewer\"]}]");

        try (Replica replica = Replica.start("metrics", pgPort, database,
                Map.of("JOBSTREAM_TOKENS_FILE", tokens.toString()))) {
            assertEquals(401, get(replica, "/q/metrics", null).statusCode());
            HttpResponse<String> run = http.send(HttpRequest
                    .newBuilder(URI.create(replica.url("/v1/jobs/demo.sleep/runs?wait=10")))
                    .header("Authorization", "Bearer " + Api.ADMIN_TOKEN).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"params\": {\"items\": 3, \"delay_ms\": 10}}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(run.body().contains("\"status\":\"completed\""), run.body());

            HttpResponse<String> scrape = get(replica, "/q/metrics", SCRAPER_TOKEN);
            assertEquals(200, scrape.statusCode());
            assertTrue(scrape.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
            String metrics = scrape.body();
            assertTrue(MetricsTest.value(metrics, "jobstream_runs_triggered_total\\{job=\"demo.sleep\"") >= 1, metrics);
            assertTrue(MetricsTest.value(metrics,
                    "jobstream_runs_finished_total\\{job=\"demo.sleep\",status=\"completed\"") >= 1, metrics);
            assertTrue(MetricsTest.value(metrics, "jobstream_run_duration_seconds_bucket\\{job=\"demo.sleep\","
                    + "status=\"completed\",le=\"\\+Inf\"") >= 1, "a histogram Prometheus can take quantiles of");
            assertTrue(MetricsTest.value(metrics, "jobstream_events_stored_total") >= 5, "start, progress, end");
            assertTrue(metrics.contains("jvm_memory_used_bytes"), "JVM meters");
            assertTrue(metrics.contains("http_server_requests_seconds_count"), "HTTP server meters");
        }
    }

    @Test
    void metricsCanBePublicWhileTheApiDocumentIsNot() throws Exception {
        int pgPort = EmbeddedDatabase.start().port();
        try (Replica replica = Replica.start("metrics-public", pgPort, Replica.newDatabase(pgPort),
                Map.of("JOBSTREAM_METRICS_PUBLIC", "true"))) {
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> get(replica, "/q/metrics", null).body()
                    .contains("jobstream_runs_queued"));
            assertEquals(401, get(replica, "/q/openapi", null).statusCode());
            assertEquals(401, get(replica, "/v1/runs", null).statusCode());
        }
    }

    private HttpResponse<String> get(Replica replica, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(replica.url(path)))
                .header("Accept", "text/plain");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String sha256(String token) throws Exception {
        return HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    }
}

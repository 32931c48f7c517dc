package dev.jobstream.metrics;

import static dev.jobstream.support.Api.admin;
import static dev.jobstream.support.Api.awaitStatus;
import static dev.jobstream.support.Api.trigger;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * A Prometheus scrape of the packaged application (prod profile): behind a token, with the service's meters next to
 * those of the JVM and the HTTP server, as a scraper in the cluster sees them.
 */
@QuarkusIntegrationTest
class MetricsIT extends DatabaseTest {

    @Test
    void aScrapeAfterARunShowsItsMetersAndTheJvms() {
        given().get("/q/metrics").then().statusCode(401).header("WWW-Authenticate", containsString("Bearer"));
        String id = trigger("demo.sleep", Map.of("workspace_id", UUID.randomUUID().toString(),
                "params", Map.of("items", 3, "delay_ms", 10)));
        awaitStatus(id, "completed");

        String metrics = admin().accept("text/plain").get("/q/metrics").then().statusCode(200)
                .contentType(containsString("text/plain")).extract().asString();
        assertTrue(MetricsTest.value(metrics, "jobstream_runs_triggered_total\\{job=\"demo.sleep\"") >= 1, metrics);
        assertTrue(MetricsTest.value(metrics,
                "jobstream_runs_finished_total\\{job=\"demo.sleep\",status=\"completed\"") >= 1, metrics);
        assertTrue(MetricsTest.value(metrics,
                "jobstream_run_duration_seconds_bucket\\{job=\"demo.sleep\",status=\"completed\",le=\"\\+Inf\"") >= 1,
                "a histogram Prometheus can take quantiles of");
        assertTrue(MetricsTest.value(metrics, "jobstream_events_stored_total") >= 5, "start, progress, end events");
        assertTrue(metrics.contains("jvm_memory_used_bytes"), "JVM meters");
        assertTrue(metrics.contains("http_server_requests_seconds_count"), "HTTP server meters");
    }
}

package dev.jobstream.metrics;

import static dev.jobstream.support.Api.admin;
import static dev.jobstream.support.Api.awaitStatus;
import static dev.jobstream.support.Api.trigger;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.jobstream.support.DatabaseTest;
import dev.jobstream.sweep.Sweeper;
import io.quarkus.test.junit.QuarkusTest;

/** {@code /q/metrics}: behind a viewer token, and the meters move with what the service does. */
@QuarkusTest
class MetricsTest extends DatabaseTest {

    @Inject
    Sweeper sweeper;

    @Test
    void metricsNeedATokenAndCountRunsEnginesStreamsFlushesAndSweeps() {
        given().get("/q/metrics").then().statusCode(401).header("WWW-Authenticate", containsString("Bearer"));
        double triggeredBefore = value(scrape(), "jobstream_runs_triggered_total\\{job=\"demo.sleep\"");
        double completedBefore = value(scrape(),
                "jobstream_runs_finished_total\\{job=\"demo.sleep\",status=\"completed\"");

        String id = trigger("demo.sleep", Map.of("workspace_id", UUID.randomUUID().toString(),
                "params", Map.of("items", 2, "delay_ms", 10)));
        awaitStatus(id, "completed");
        db.execute("""
                INSERT INTO job_runs (id, job_name, workspace_id, exclusive, status, owner, started_at, heartbeat_at)
                VALUES ($1, 'test.gone', $2, true, 'running', 'dead', now(), now() - interval '1 minute')
                """, UUID.randomUUID(), UUID.randomUUID());
        // as a sweep would, once the database has been reachable for stale-after (30 s)
        sweeper.runOnce(Instant.now().plusSeconds(31)).await().indefinitely();

        String metrics = scrape();
        assertTrue(value(metrics, "jobstream_runs_triggered_total\\{job=\"demo.sleep\"") >= triggeredBefore + 1);
        assertTrue(value(metrics,
                "jobstream_runs_finished_total\\{job=\"demo.sleep\",status=\"completed\"") >= completedBefore + 1);
        assertTrue(
                value(metrics, "jobstream_run_duration_seconds_count\\{job=\"demo.sleep\",status=\"completed\"") >= 1);
        assertTrue(value(metrics, "jobstream_runs_finished_total\\{job=\"test.gone\",status=\"failed\"") >= 1);
        assertTrue(value(metrics, "jobstream_sweeper_actions_total\\{action=\"stale_failed\"") >= 1);
        assertTrue(value(metrics, "jobstream_events_flush_seconds_count") >= 1);
        assertTrue(value(metrics, "jobstream_events_stored_total") >= 6);
        assertTrue(metrics.contains("jobstream_engines_busy"), "engines gauge");
        assertTrue(metrics.contains("jobstream_runs_queued"), "queue depth gauge");
        assertTrue(metrics.contains("jobstream_sse_subscribers{stream=\"run\"}"), "SSE gauge");
        assertTrue(metrics.contains("jobstream_sse_subscribers{stream=\"feed\"}"), "feed gauge");
    }

    @Test
    void retriedAttemptsAndScheduleTicksAreCounted() {
        double retriedBefore = value(scrape(), "jobstream_runs_retried_total\\{job=\"test.flaky\"");
        String id = admin().contentType("application/json").body(Map.of("params", Map.of("fail_times", 1)))
                .post("/v1/jobs/test.flaky/runs").then().statusCode(202).extract().path("id");
        awaitStatus(id, "completed");
        String schedule = admin().contentType("application/json").body(Map.of("job", "demo.sleep",
                "workspace_id", UUID.randomUUID().toString(), "cron", "* * * * *", "params", Map.of("items", 0)))
                .post("/v1/schedules").then().statusCode(201).extract().path("id");
        db.execute("UPDATE job_schedules SET next_fire_at = date_trunc('minute', now()) WHERE id = $1",
                UUID.fromString(schedule));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> value(scrape(),
                "jobstream_schedules_ticks_total\\{job=\"demo.sleep\",outcome=\"queued\"") >= 1);
        assertTrue(value(scrape(), "jobstream_runs_retried_total\\{job=\"test.flaky\"") >= retriedBefore + 1);
    }

    private static String scrape() {
        return admin().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** The value of the first sample whose name and leading labels match {@code prefix}; 0 if none. */
    static double value(String metrics, String prefix) {
        Matcher matcher = Pattern.compile("(?m)^" + prefix + "[^ ]* ([0-9.eE+-]+)$").matcher(metrics);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }
}

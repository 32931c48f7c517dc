package dev.jobstream.health;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.junit.QuarkusTest;

/** The probes answer without a token and carry the data operators read: queue, errors, engines, sweeps. */
@QuarkusTest
class HealthTest extends DatabaseTest {

    @Test
    void readinessReportsTheQueueAndUnresolvedErrorsAndTurnsDegradedOnACriticalError() {
        db.execute("""
                INSERT INTO job_runs (id, job_name, workspace_id, exclusive, run_after)
                VALUES ($1, 'test.gone', $2, true, now() + interval '1 hour')
                """, UUID.randomUUID(), UUID.randomUUID());
        db.execute("INSERT INTO error_events (severity, kind, message) VALUES ('warning', 'STALE_RUN', 'w')");

        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'jobstream-ready' }.data.status", equalTo("healthy"))
                .body("checks.find { it.name == 'jobstream-ready' }.data.queued", equalTo(1))
                .body("checks.find { it.name == 'jobstream-ready' }.data.unresolved_warning", equalTo(1))
                .body("checks.find { it.name == 'jobstream-ready' }.data.migrations", startsWith("applied"))
                .body("checks.find { it.name == 'jobstream-ready' }.data.listen", equalTo("up"))
                .body("checks.find { it.name == 'jobstream-ready' }.data.engines_running", notNullValue());

        db.execute("INSERT INTO error_events (severity, kind, message) VALUES ('critical', 'SWEEPER_ERROR', 'c')");

        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'jobstream-ready' }.data.status", equalTo("degraded"))
                .body("checks.find { it.name == 'jobstream-ready' }.data.unresolved_critical", equalTo(1));
    }

    @Test
    void livenessAndStartupAreUpWithTheirData() {
        given().get("/q/health/live").then().statusCode(200)
                .body("checks.find { it.name == 'jobstream-live' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'jobstream-live' }.data.event_loop", equalTo("up"))
                .body("checks.find { it.name == 'jobstream-live' }.data.sweeper_started", notNullValue());
        given().get("/q/health/started").then().statusCode(200)
                .body("checks.find { it.name == 'jobstream-started' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'jobstream-started' }.data.migrations", equalTo(latestMigration()));
    }

    /** The version of the newest file in migrations/ (V&lt;n&gt;__name.sql). */
    private static String latestMigration() {
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(
                java.nio.file.Path.of("migrations"))) {
            return Integer.toString(files.map(f -> f.getFileName().toString())
                    .filter(f -> f.matches("V[0-9]+__.*\\.sql"))
                    .mapToInt(f -> Integer.parseInt(f.substring(1, f.indexOf("__")))).max().orElseThrow());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

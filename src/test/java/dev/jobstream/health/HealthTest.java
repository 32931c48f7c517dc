package dev.jobstream.health;

import static dev.jobstream.support.Api.admin;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The probes answer without a token with each check's status only; with a viewer token they carry the data operators
 * read: queue, errors, engines, sweeps. A probe is evaluated at most once a second, however many requests come.
 */
@QuarkusTest
class HealthTest extends DatabaseTest {

    @Test
    void readinessReportsTheQueueAndUnresolvedErrorsAndTurnsDegradedOnACriticalError() {
        db.execute("""
                INSERT INTO job_runs (id, job_name, workspace_id, exclusive, run_after)
                VALUES ($1, 'test.gone', $2, true, now() + interval '1 hour')
                """, UUID.randomUUID(), UUID.randomUUID());
        db.execute("INSERT INTO error_events (severity, kind, message) VALUES ('warning', 'STALE_RUN', 'w')");

        // an answer is at most a second old
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> Integer.valueOf(1).equals(
                admin().get("/q/health/ready").then().extract()
                        .path("checks.find { it.name == 'jobstream-ready' }.data.queued")));
        admin().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'jobstream-ready' }.data.status", equalTo("healthy"))
                .body("checks.find { it.name == 'jobstream-ready' }.data.queued", equalTo(1))
                .body("checks.find { it.name == 'jobstream-ready' }.data.unresolved_warning", equalTo(1))
                .body("checks.find { it.name == 'jobstream-ready' }.data.migrations", startsWith("applied"))
                .body("checks.find { it.name == 'jobstream-ready' }.data.listen", equalTo("up"))
                .body("checks.find { it.name == 'jobstream-ready' }.data.engines_running", notNullValue());

        db.execute("INSERT INTO error_events (severity, kind, message) VALUES ('critical', 'SWEEPER_ERROR', 'c')");

        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> "degraded".equals(
                admin().get("/q/health/ready").then().extract()
                        .path("checks.find { it.name == 'jobstream-ready' }.data.status")));
        admin().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'jobstream-ready' }.data.status", equalTo("degraded"))
                .body("checks.find { it.name == 'jobstream-ready' }.data.unresolved_critical", equalTo(1));
    }

    @Test
    void livenessAndStartupAreUpWithTheirData() {
        admin().get("/q/health/live").then().statusCode(200)
                .body("checks.find { it.name == 'jobstream-live' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'jobstream-live' }.data.event_loop", equalTo("up"))
                .body("checks.find { it.name == 'jobstream-live' }.data.sweeper_started", notNullValue());
        admin().get("/q/health/started").then().statusCode(200)
                .body("checks.find { it.name == 'jobstream-started' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'jobstream-started' }.data.migrations", equalTo(latestMigration()));
    }

    @Test
    void withoutATokenTheProbesTellTheStatusOfEachCheckAndNothingElse() {
        for (String probe : List.of("/q/health", "/q/health/live", "/q/health/ready", "/q/health/started")) {
            String body = given().get(probe).then().statusCode(200).body("status", equalTo("UP"))
                    .body("checks.status", everyItem(equalTo("UP"))).body("checks[0].data", nullValue())
                    .extract().asString();
            assertFalse(body.contains("instance") || body.contains("queued") || body.contains("migrations"), body);
        }
        given().header("Authorization", "Bearer not-a-token").get("/q/health/ready").then().statusCode(200)
                .body("checks[0].data", nullValue());
        given().get("/q/health/group").then().statusCode(401);
    }

    @Test
    void aFloodOfProbesIsEvaluatedAtMostOnceASecond() {
        long start = System.nanoTime();
        Set<String> evaluations = java.util.stream.IntStream.range(0, 200).parallel()
                .mapToObj(i -> admin().get("/q/health/ready").then().statusCode(200).extract()
                        .<String>path("checks.find { it.name == 'jobstream-ready' }.data.evaluated_at"))
                .collect(java.util.stream.Collectors.toSet());
        long seconds = java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        assertTrue(evaluations.size() <= seconds + 2,
                evaluations.size() + " evaluations for 200 probes in " + seconds + " s: " + evaluations);
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

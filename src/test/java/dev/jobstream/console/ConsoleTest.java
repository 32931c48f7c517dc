package dev.jobstream.console;

import static dev.jobstream.support.Api.admin;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.jobstream.replica.ReplicaService;
import dev.jobstream.replica.ReplicaStore;
import dev.jobstream.stats.RollUps;
import dev.jobstream.stats.StatsStore;
import dev.jobstream.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** The operator console at {@code /}, used in headless Chromium as an operator would (see {@link Browser}). */
@QuarkusTest
class ConsoleTest extends BrowserTest {

    @Inject
    StatsStore rollup;
    @Inject
    ReplicaStore replicas;
    @Inject
    ReplicaService replica;

    private static final Map<String, String> ADMIN = Map.of("ADMIN_TOKEN", Api.ADMIN_TOKEN);

    @Test
    void theConsoleIsServedWithAStrictContentSecurityPolicy() {
        for (String path : List.of("/", "/index.html", "/console/app.js", "/console/console.css")) {
            given().get(path).then().statusCode(200)
                    .header("Content-Security-Policy", containsString("default-src 'self'"))
                    .header("X-Content-Type-Options", "nosniff");
        }
        given().get("/").then().contentType(containsString("text/html"))
                .body(containsString("<script type=\"module\" src=\"console/app.js\"></script>"));
        given().get("/console/app.js").then().contentType(containsString("javascript"));
    }

    @Test
    void meAnswersTheCallersNameAndRoles() {
        admin().get("/v1/me").then().statusCode(200).body("name", equalTo("admin"))
                .body("roles", equalTo(List.of("admin", "operator", "viewer"))).body("workspaces", nullValue());
        given().get("/v1/me").then().statusCode(401);
    }

    @Test
    void theSseClientAndTheParamsChecksPassTheirUnitTests() throws Exception {
        Browser.nodeTests("units.test.mjs");
    }

    @Test
    void signInTriggerAndWatchTheRunComplete() throws Exception {
        JsonPath result = Browser.scenario("trigger", base, ADMIN);

        Api.run(result.getString("run")).body("status", equalTo("completed")).body("processed", equalTo(4))
                .body("triggered_by", equalTo("admin"));
    }

    @Test
    void paramsByFormForSimpleFieldsAndByACheckedJsonEditorOtherwise() throws Exception {
        JsonPath result = Browser.scenario("params", base, ADMIN);

        Api.run(result.getString("sleep")).body("params.items", equalTo(2)).body("params.delay_ms", equalTo(20))
                .body("params", not(hasKey("fail_at")));
        Api.run(result.getString("exported")).body("params.columns", equalTo(List.of("id", "total")))
                .body("params.filter.since", equalTo("2024-05-31")).body("params.format", equalTo("csv"));
    }

    @Test
    void pauseResumeCancelDeleteAndForceCancelFromThePage() throws Exception {
        JsonPath result = Browser.scenario("control", base, ADMIN);

        admin().get("/v1/runs/{id}", result.getString("deleted")).then().statusCode(404);
        Api.run(result.getString("forced")).body("status", equalTo("cancelled"))
                .body("error_code", equalTo("force_cancelled"));
        assertEquals(0, db.count("SELECT count(*) FROM job_run_events WHERE run_id = $1",
                UUID.fromString(result.getString("deleted"))));
    }

    @Test
    void aFailedRunShowsItsErrorAndItsErrorEventIsResolvedFromThePage() throws Exception {
        JsonPath result = Browser.scenario("failure", base, ADMIN);

        Api.run(result.getString("run")).body("status", equalTo("failed"));
        assertEquals(1, db.count("SELECT count(*) FROM error_events WHERE run_id = $1 AND resolved_by = 'admin'",
                UUID.fromString(result.getString("run"))));
    }

    @Test
    void theSelfTestRunsFromThePageAndLeavesNoRun() throws Exception {
        Browser.scenario("selftest", base, ADMIN);

        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> db.count("SELECT count(*) FROM job_runs") == 0);
    }

    @Test
    void rowsUpdateInPlaceAndLoadPageByPage() throws Exception {
        JsonPath result = Browser.scenario("live", base, ADMIN);

        Api.run(result.getString("run")).body("status", equalTo("completed"));
    }

    @Test
    void runsMadeTogetherAreToldApartAndAChangedFragmentIsShownWithoutAReload() throws Exception {
        JsonPath result = Browser.scenario("fragments", base, ADMIN);

        org.junit.jupiter.api.Assertions.assertEquals(5, result.getInt("runs"));
    }

    @Test
    void theLogResumesAfterANetworkDropWithoutRepeatingALine() throws Exception {
        JsonPath result = Browser.scenario("reconnect", base, ADMIN);

        Api.run(result.getString("run")).body("status", equalTo("completed")).body("processed", equalTo(24));
    }

    @Test
    void aClickHeldWhileTheRunMovesStillActs() throws Exception {
        JsonPath result = Browser.scenario("heldClick", base, ADMIN);

        Api.run(result.getString("run")).body("status", equalTo("cancelled"))
                .body("attempts[0].outcome", equalTo("cancelled"));
    }

    @Test
    void aFailedRunShowsItsAttemptsAndRetryRunsItAgainAsAttemptTwo() throws Exception {
        JsonPath result = Browser.scenario("retry", base, ADMIN);

        Api.run(result.getString("run")).body("status", equalTo("failed")).body("attempt", equalTo(2))
                .body("max_attempts", equalTo(2)).body("controlled_by", equalTo("admin"))
                .body("attempts.attempt", equalTo(List.of(1, 2)))
                .body("attempts.outcome", equalTo(List.of("failed", "failed")));
        Api.run(result.getString("blocker")).body("status", equalTo("cancelled"));
    }

    @Test
    void aThrottledRunSaysUntilWhenAndARunCallingAWebhookListsItsDeliveries() throws Exception {
        JsonPath result = Browser.scenario("limits", base, ADMIN);

        Api.run(result.getString("throttled")).body("display_status", equalTo("throttled"));
        admin().get("/v1/runs/{id}/deliveries", result.getString("called")).then().statusCode(200)
                .body("webhook", equalTo("console-hook")).body("deliveries[0].attempts.size()",
                        org.hamcrest.Matchers.greaterThanOrEqualTo(1));
    }

    @Test
    void aFlowsRunsLinkToEachOtherWithTheirStatus() throws Exception {
        JsonPath result = Browser.scenario("flow", base, ADMIN);

        Api.run(result.getString("child")).body("parent_id", equalTo(result.getString("parent")));
        Api.run(result.getString("dependent")).body("depends_on", equalTo(List.of(result.getString("parent"))))
                .body("status", equalTo("completed"));
        Api.run(result.getString("parent")).body("status", equalTo("completed")).body("metrics.processed",
                equalTo(2));
    }

    @Test
    void aRunAskedForLaterIsScheduledAndOneWaitingForItsNextAttemptIsRetrying() throws Exception {
        JsonPath result = Browser.scenario("waiting", base, ADMIN);

        admin().get("/v1/runs/{id}", result.getString("scheduled")).then().statusCode(404);
        Api.run(result.getString("retrying")).body("job", equalTo("demo.throttled"))
                .body("status", equalTo("cancelled")).body("attempts[0].outcome", equalTo("failed"));
    }

    @Test
    void theOverviewMatchesTheApiFollowsEndsLiveAndItsLinksSurviveAReload() throws Exception {
        List<String> runs = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            runs.add(Api.trigger("demo.sleep", Map.of("workspace_id", UUID.randomUUID().toString(), "params",
                    Map.of("items", 0))));
        }
        for (int i = 0; i < 2; i++) {
            runs.add(Api.trigger("demo.sleep", Map.of("workspace_id", UUID.randomUUID().toString(), "params",
                    Map.of("items", 1, "delay_ms", 0, "fail_at", 1))));
        }
        for (int i = 0; i < runs.size(); i++) {
            Api.awaitStatus(runs.get(i), i < 4 ? "completed" : "failed");
        }

        RollUps.toNow(rollup);
        rollup.sampleQueue().await().atMost(Duration.ofSeconds(10)); // this minute's sample, unless the sweep took it // the sweep's passes, now: a fresh database's mark is 8 days behind

        Browser.scenario("dashboard", base, Map.of("ADMIN_TOKEN", Api.ADMIN_TOKEN, "JOB", "demo.sleep", "COMPLETED",
                "4", "FAILED", "2"));

        admin().get("/v1/stats").then().statusCode(200).body("jobs[0].runs", equalTo(9));
    }

    @Test
    void theReplicasTabShowsEachReplicaItsStateAndItsRunsLive() throws Exception {
        Instant started = Instant.now().minus(Duration.ofHours(1));
        replicas.beat("console-lost", "0.0.9", started, 4, 4, 10).await().atMost(Duration.ofSeconds(5));
        replicas.beat("console-stopped", "0.0.9", started, 4, 1, 10).await().atMost(Duration.ofSeconds(5));
        replicas.stop("console-stopped", 42).await().atMost(Duration.ofSeconds(5));
        db.execute("UPDATE replicas SET heartbeat_at = now() - interval '10 minutes' WHERE id = 'console-lost'");
        replicas.contact(List.of(new ReplicaStore.Contact("worker:exporter/console-w1", "exporter", "console-w1",
                List.of("reports.export", "reports.mail")),
                new ReplicaStore.Contact("worker:exporter/console-w2",
                        "exporter", "console-w2", List.of("reports.export"))),
                "console-lost")
                .await().atMost(Duration.ofSeconds(5));
        db.execute("UPDATE workers SET contact_at = now() - interval '2 minutes' WHERE worker = 'console-w2'");
        String run = Api.trigger("demo.sleep", Map.of("workspace_id", UUID.randomUUID().toString(), "params",
                Map.of("items", 600, "delay_ms", 100)));
        Api.awaitStatus(run, "running");
        replica.beatNow().await().atMost(Duration.ofSeconds(5));

        Browser.scenario("replicas", base, Map.of("ADMIN_TOKEN", Api.ADMIN_TOKEN, "LOST", "console-lost",
                "STOPPED", "console-stopped", "RUN_ID", run, "WORKER", "console-w1", "LOST_WORKER", "console-w2"));

        Api.run(run).body("status", equalTo("cancelled"));
    }

    @Test
    void failedRunsAreRetriedAndQueuedOnesCancelledInBulkFromTheFilteredList() throws Exception {
        UUID failedIn = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        UUID queuedIn = UUID.randomUUID();
        insertRuns(failedIn, "failed", 30);
        insertRuns(other, "failed", 5);
        insertRuns(queuedIn, "queued", 12);

        JsonPath result = Browser.scenario("bulk", base, Map.of("ADMIN_TOKEN", Api.ADMIN_TOKEN, "FAILED_IN",
                failedIn.toString(), "OTHER", other.toString(), "QUEUED_IN", queuedIn.toString()));

        Api.run(result.getString("bulk")).body("job", equalTo("runs.bulk")).body("metrics.cancelled", equalTo(12));
        assertEquals(30, db.count("SELECT count(*) FROM job_runs WHERE workspace_id = $1 AND attempt = 2"
                + " AND controlled_by LIKE 'admin (bulk %'", failedIn));
        assertEquals(12, db.count("SELECT count(*) FROM job_runs WHERE workspace_id = $1 AND status = 'cancelled'",
                queuedIn));
    }

    /** Runs of demo.sleep that finish at once when executed; queued ones are scheduled an hour ahead. */
    private void insertRuns(UUID workspace, String status, int count) {
        db.execute("""
                INSERT INTO job_runs (id, job_name, workspace_id, status, exclusive, params, created_at, finished_at,
                                      run_after)
                SELECT gen_random_uuid(), 'demo.sleep', $1, $2, false, '{"items": 0, "delay_ms": 0}',
                       now() - make_interval(secs => i), CASE WHEN $2 = 'failed' THEN now() END,
                       now() + interval '1 hour'
                  FROM generate_series(1, $3) i
                """, workspace, status, count);
    }

    @Test
    void schedulesAreListedAddedWithAPreviewDisabledAndDeletedFromThePage() throws Exception {
        JsonPath result = Browser.scenario("schedules", base, ADMIN);

        admin().get("/v1/schedules/{id}", result.getString("schedule")).then().statusCode(404);
        admin().get("/v1/schedules?job=errors.rollup").then().statusCode(200)
                .body("schedules.enabled", equalTo(List.of(true)));
        assertEquals(0, db.count("SELECT count(*) FROM job_schedules WHERE source = 'api'"));
    }

    @Test
    void aScheduleLinksToTheRunItsTickMadeAndTheRunBackToItsSchedule() throws Exception {
        // a yearly cron, fired once by hand below: a cron due every few minutes fired a tick of its own when the test
        // ran across one, and the schedule's last run was no longer the one the test looks for
        String schedule = Api.json(Map.of("job", "demo.sleep", "workspace_id", UUID.randomUUID().toString(), "cron",
                "0 0 1 1 *", "params", Map.of("items", 0))).post("/v1/schedules").then().statusCode(201)
                .extract().path("id");
        db.execute("UPDATE job_schedules SET next_fire_at = date_trunc('minute', now()) WHERE id = $1",
                UUID.fromString(schedule));
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> admin().get("/v1/schedules/{id}", schedule).then().extract().path("last_run_id") != null);
        String run = admin().get("/v1/schedules/{id}", schedule).then().extract().path("last_run_id");
        Api.awaitStatus(run, "completed").body("schedule_id", equalTo(schedule));

        Browser.scenario("fired", base,
                Map.of("ADMIN_TOKEN", Api.ADMIN_TOKEN, "SCHEDULE_ID", schedule, "RUN_ID", run));
    }

    @Test
    void runsOfEveryOutcomeShowTheirBadges() throws Exception {
        Browser.scenario("overview", base, ADMIN);
    }

    @Test
    void onANarrowScreenTheRunDetailsAreASheet() throws Exception {
        Browser.scenario("narrow", base, ADMIN);
    }
}

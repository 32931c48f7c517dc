package dev.jobstream.worker;

import static dev.jobstream.auth.Security.ADMIN;
import static dev.jobstream.auth.Security.OPERATOR;
import static dev.jobstream.auth.Security.SCOPED_WORKER;
import static dev.jobstream.auth.Security.SCOPED_WORKER_JOB;
import static dev.jobstream.auth.Security.VIEWER;
import static dev.jobstream.auth.Security.WORKER;
import static dev.jobstream.auth.Security.WORKSPACE_A;
import static dev.jobstream.auth.Security.WORKSPACE_B;
import static dev.jobstream.auth.Security.as;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.jobstream.auth.Security;
import dev.jobstream.support.DatabaseTest;
import dev.jobstream.sweep.Sweeper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * The worker protocol over HTTP: an admin registers jobs executed by workers; a worker's token claims their runs (a
 * long poll), reports under the lease and ends its attempts; the run is stored, controlled, fenced and swept as an
 * engine's is.
 */
@QuarkusTest
@TestProfile(Security.Profile.class)
class WorkerTest extends DatabaseTest {

    /** Retried at once: the tests do not wait for a backoff. */
    private static final Map<String, Object> QUICK_RETRY = Map.of("max_attempts", 3, "backoff_base_ms", 1,
            "backoff_max_ms", 1, "jitter", 0);

    @Inject
    Sweeper sweeper;
    @Inject
    WorkerService workers;

    @TestHTTPResource("/")
    URL base;

    static void register(String job, Map<String, Object> definition) {
        int status = as(ADMIN).contentType("application/json").body(definition).put("/v1/jobs/" + job).then()
                .extract().statusCode();
        assertTrue(status == 200 || status == 201, "PUT /v1/jobs/" + job + " → " + status);
    }

    private static String trigger(String job, String workspace) {
        return as(OPERATOR).contentType("application/json").body(Map.of("workspace_id", workspace))
                .post("/v1/jobs/" + job + "/runs").then().statusCode(202).extract().path("id");
    }

    private static JsonPath claim(String token, String worker, List<String> jobs, int max, int waitSeconds) {
        return as(token).contentType("application/json")
                .body(Map.of("worker", worker, "jobs", jobs, "max", max, "wait", waitSeconds))
                .post("/v1/workers/claim").then().statusCode(200).extract().jsonPath();
    }

    private static JsonPath call(String token, String runId, String what, Map<String, Object> body, int status) {
        return as(token).contentType("application/json").body(body).post("/v1/workers/runs/" + runId + "/" + what)
                .then().statusCode(status).extract().jsonPath();
    }

    static JsonPath run(String id) {
        return as(ADMIN).get("/v1/runs/" + id).then().statusCode(200).extract().jsonPath();
    }

    private static List<String> events(String id) {
        return as(ADMIN).accept("application/json").get("/v1/runs/" + id + "/events").then().statusCode(200)
                .extract().jsonPath().getList("event");
    }

    @Test
    void anAdminRegistersAJobForWorkersAndItIsListedBesideTheBuiltInOnes() {
        String name = "remote.listed-" + System.nanoTime();
        as(ADMIN).contentType("application/json").body(Map.of("description", "Exports a report", "params",
                List.of(Map.of("name", "days", "type", "integer", "default", 30, "minimum", 1, "maximum", 365)),
                "max_active", 2)).put("/v1/jobs/" + name).then().statusCode(201)
                .body("executor", equalTo("workers")).body("params_defaults.days", equalTo(30))
                .body("max_active", equalTo(2));
        as(ADMIN).contentType("application/json").body(Map.of("description", "Exports a report, v2"))
                .put("/v1/jobs/" + name).then().statusCode(200).body("description", equalTo("Exports a report, v2"));
        List<Map<String, Object>> listed = as(VIEWER).get("/v1/jobs").then().statusCode(200).extract().jsonPath()
                .getList("");
        assertTrue(listed.stream().anyMatch(j -> name.equals(j.get("name")) && "workers".equals(j.get("executor"))),
                listed.toString());
        assertTrue(listed.stream().anyMatch(j -> "demo.sleep".equals(j.get("name"))
                && "service".equals(j.get("executor"))), listed.toString());

        // a built-in job's name cannot be taken; bad definitions are 400; only an admin registers
        as(ADMIN).contentType("application/json").body(Map.of()).put("/v1/jobs/demo.sleep").then().statusCode(409);
        as(ADMIN).contentType("application/json").body(Map.of("retry", Map.of("max_attempts", 99)))
                .put("/v1/jobs/" + name).then().statusCode(400).body("detail", containsString("maxAttempts"));
        as(ADMIN).contentType("application/json").body(Map.of("params", List.of(Map.of("name", "n", "type",
                "integer", "default", "x")))).put("/v1/jobs/" + name).then().statusCode(400)
                .body("detail", equalTo("'params': /0/default string found, integer expected"));
        as(ADMIN).contentType("application/json").body(Map.of()).put("/v1/jobs/Bad%20Name").then().statusCode(400);
        as(OPERATOR).contentType("application/json").body(Map.of()).put("/v1/jobs/" + name).then().statusCode(403);

        // params are validated against the declaration, as for a built-in job
        as(OPERATOR).contentType("application/json").body(Map.of("workspace_id", WORKSPACE_A, "params",
                Map.of("days", 0))).post("/v1/jobs/" + name + "/runs").then().statusCode(400);

        // deleted only without active runs
        String queued = trigger(name, WORKSPACE_A);
        as(ADMIN).delete("/v1/jobs/" + name).then().statusCode(409).body("detail", containsString("active runs"));
        as(OPERATOR).post("/v1/runs/" + queued + "/cancel").then().statusCode(202);
        as(ADMIN).delete("/v1/jobs/" + name).then().statusCode(204);
        as(ADMIN).delete("/v1/jobs/" + name).then().statusCode(404);
        as(OPERATOR).contentType("application/json").body(Map.of("workspace_id", WORKSPACE_A))
                .post("/v1/jobs/" + name + "/runs").then().statusCode(404);
    }

    @Test
    void aJobForWorkersDeclaresLimitsAndItsClaimsKeepWithinThem() {
        String name = "remote.rated-" + System.nanoTime();
        as(ADMIN).contentType("application/json").body(Map.of("exclusive", false, "params_schema",
                Map.of("type", "object", "properties", Map.of("customer", Map.of("type", "string"))),
                "rate_limit", Map.of("limit", 3, "window", "1h"), "limit_key", "/customer",
                "rate_limit_per_key", Map.of("limit", 2, "window", "PT10M"), "max_active_per_key", 1))
                .put("/v1/jobs/" + name).then().statusCode(201)
                .body("limits.rate_limit.limit", equalTo(3)).body("limits.rate_limit.window", equalTo("PT1H"))
                .body("limits.limit_key", equalTo("/customer")).body("limits.max_active_per_key", equalTo(1))
                .body("limits.when_key_busy", equalTo("queue"));
        for (String customer : List.of("a", "a", "b", "c", "d")) {
            as(OPERATOR).contentType("application/json").body(Map.of("workspace_id", WORKSPACE_A, "params",
                    Map.of("customer", customer))).post("/v1/jobs/" + name + "/runs").then().statusCode(202);
        }
        // one per customer at once, three in the hour in all: a, b, c (the second a waits for the first)
        List<Map<String, Object>> claimed = claim(WORKER, "w-1", List.of(name), 10, 0).getList("runs");
        assertEquals(3, claimed.size(), claimed.toString());
        assertEquals(Set.of("a", "b", "c"), claimed.stream()
                .map(r -> ((Map<?, ?>) r.get("params")).get("customer")).collect(Collectors.toSet()));
        assertEquals(0, claim(WORKER, "w-2", List.of(name), 10, 0).getList("runs").size());
    }

    @Test
    void limitsThatDoNotHoldAreRefusedWhenAJobIsRegistered() {
        String name = "remote.bad-limits";
        for (Map<String, Object> bad : List.of(Map.<String, Object>of("limit_key", "/customer"),
                Map.<String, Object>of("max_active_per_key", 2),
                Map.<String, Object>of("limit_key", "customer", "max_active_per_key", 2),
                Map.<String, Object>of("rate_limit", Map.of("limit", 0, "window", "1m")),
                Map.<String, Object>of("rate_limit", Map.of("limit", 5, "window", "2d")),
                Map.<String, Object>of("rate_limit", Map.of("limit", 5)),
                Map.<String, Object>of("rate_limit", Map.of("limit", 5, "window", "soon")),
                Map.<String, Object>of("limit_key", "workspace", "max_active_per_key", 2, "when_key_busy", "wait"))) {
            as(ADMIN).contentType("application/json").body(bad).put("/v1/jobs/" + name).then().statusCode(400)
                    .contentType("application/problem+json");
        }
        assertFalse(as(ADMIN).get("/v1/jobs").then().statusCode(200).extract().jsonPath().getList("name")
                .contains(name));
    }

    @Test
    void aWorkerClaimsReportsAndCompletesARunWhichIsStoredAsAnEnginesIs() {
        register("remote.export", Map.of("params", List.of(Map.of("name", "days", "type", "integer", "default",
                7))));
        String id = trigger("remote.export", WORKSPACE_A);
        assertEquals("queued", run(id).getString("status")); // no engine of the service takes it

        JsonPath claimed = claim(WORKER, "host-1", List.of("remote.export"), 5, 0);
        assertEquals(List.of(id), claimed.getList("runs.run_id"));
        assertEquals(7, claimed.getInt("runs[0].params.days"));
        assertEquals(1, claimed.getInt("runs[0].attempt"));
        String lease = claimed.getString("runs[0].lease.token");
        assertTrue(Instant.parse(claimed.getString("runs[0].lease.expires_at")).isAfter(Instant.now()));
        JsonPath running = run(id);
        assertEquals("running", running.getString("status"));
        assertEquals("worker:worker/host-1", running.getString("owner"));

        Map<String, Object> report = Map.of("lease", lease, "seq", 1, "events", List.of(
                Map.of("type", "log", "level", "info", "message", "exporting\u0000 7 days"),
                Map.of("type", "progress", "processed", 3, "total", 10),
                Map.of("type", "error", "item", "row 4", "message", "skipped")));
        JsonPath answer = call(WORKER, id, "report", report, 200);
        assertTrue(answer.getBoolean("stored"));
        assertEquals("running", answer.getString("state"));
        // the same report again, after a lost reply: renews, stores nothing twice
        assertEquals(false, call(WORKER, id, "report", report, 200).getBoolean("stored"));
        JsonPath progressed = run(id);
        assertEquals(3, progressed.getInt("processed"));
        assertEquals(10, progressed.getInt("total"));
        assertEquals(List.of(Map.of("item", "row 4", "message", "skipped")), progressed.getList("error_log").stream()
                .map(e -> Map.of("item", ((Map<?, ?>) e).get("item"), "message", ((Map<?, ?>) e).get("message")))
                .toList());

        call(WORKER, id, "complete", Map.of("lease", lease, "metrics", Map.of("rows", 42)), 200)
                .getString("status");
        JsonPath done = run(id);
        assertEquals("completed", done.getString("status"));
        assertEquals(42, done.getInt("metrics.rows"));
        assertEquals(List.of("start_json", "log", "progress_json", "log", "end_json"), events(id));
        // completing again after a lost reply answers the run as it ended; another report is refused
        assertEquals("completed", call(WORKER, id, "complete", Map.of("lease", lease), 200).getString("status"));
        JsonPath refused = call(WORKER, id, "report", Map.of("lease", lease, "seq", 2), 409);
        assertEquals("ended", refused.getString("reason"));
        assertEquals(5, events(id).size());
    }

    @Test
    void aFailedAttemptIsRetriedByPolicyAndTheOldLeaseIsFencedOut() {
        register("remote.flaky", Map.of("retry", QUICK_RETRY));
        String id = trigger("remote.flaky", WORKSPACE_A);
        String first = claim(WORKER, "host-1", List.of("remote.flaky"), 1, 0).getString("runs[0].lease.token");
        JsonPath requeued = call(WORKER, id, "fail", Map.of("lease", first, "error", "upstream 503",
                "error_code", "upstream"), 200);
        assertEquals("queued", requeued.getString("status"));
        assertEquals(2, requeued.getInt("attempt"));
        // repeated after a lost reply: the same answer, no third attempt
        assertEquals(2, call(WORKER, id, "fail", Map.of("lease", first, "error", "upstream 503"), 200)
                .getInt("attempt"));

        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> claim(WORKER, "host-2", List.of("remote.flaky"), 1, 1).getList("runs").size() == 1);
        JsonPath late = call(WORKER, id, "report", Map.of("lease", first, "seq", 1, "events",
                List.of(Map.of("type", "log", "message", "late"))), 409);
        assertEquals("superseded", late.getString("reason"));
        assertEquals(2, late.getInt("run_attempt"));
        assertTrue(events(id).stream().noneMatch("log"::equals), "a late write is not stored: " + events(id));

        // not retryable: failed at once
        String second = "2.host-2";
        JsonPath failed = call(WORKER, id, "fail", Map.of("lease", second, "error", "bad input", "retryable",
                false), 200);
        assertEquals("failed", failed.getString("status"));
        assertEquals("job_failed", failed.getString("error_code"));
    }

    @Test
    void pauseResumeAndCancelReachTheWorkerInItsNextReportAndForceCancelFencesItOut() {
        register("remote.control", Map.of());
        String id = trigger("remote.control", WORKSPACE_A);
        String lease = claim(WORKER, "host-1", List.of("remote.control"), 1, 0).getString("runs[0].lease.token");

        as(OPERATOR).post("/v1/runs/" + id + "/pause").then().statusCode(202);
        assertEquals("pause", call(WORKER, id, "report", Map.of("lease", lease, "seq", 1), 200)
                .getString("control"));
        JsonPath paused = call(WORKER, id, "report", Map.of("lease", lease, "seq", 2, "state", "paused"), 200);
        assertEquals("paused", paused.getString("state"));
        assertEquals("paused", run(id).getString("status"));

        as(OPERATOR).post("/v1/runs/" + id + "/resume").then().statusCode(202);
        assertEquals("resume", call(WORKER, id, "report", Map.of("lease", lease, "seq", 3), 200)
                .getString("control"));
        assertEquals("running", call(WORKER, id, "report", Map.of("lease", lease, "seq", 4, "state", "running"), 200)
                .getString("state"));

        as(OPERATOR).post("/v1/runs/" + id + "/cancel").then().statusCode(202);
        assertEquals("cancel", call(WORKER, id, "report", Map.of("lease", lease, "seq", 5), 200)
                .getString("control"));
        assertEquals("cancelled", call(WORKER, id, "cancelled", Map.of("lease", lease), 200).getString("status"));
        assertTrue(events(id).containsAll(List.of("state_json", "end_json")), events(id).toString());

        String forced = trigger("remote.control", WORKSPACE_A);
        String held = claim(WORKER, "host-1", List.of("remote.control"), 1, 0).getString("runs[0].lease.token");
        as(OPERATOR).post("/v1/runs/" + forced + "/cancel?force=true").then().statusCode(202);
        assertEquals("ended", call(WORKER, forced, "complete", Map.of("lease", held), 409).getString("reason"));
        assertEquals("cancelled", run(forced).getString("status"));
    }

    @Test
    void aCancelAskedHoldsAgainstALaterPauseOrResumeAndAnAttemptThatFailsOrSnoozes() {
        register("remote.cancelled", Map.of("retry", QUICK_RETRY));
        String id = trigger("remote.cancelled", WORKSPACE_A);
        String lease = claim(WORKER, "host-1", List.of("remote.cancelled"), 1, 0).getString("runs[0].lease.token");
        as(OPERATOR).post("/v1/runs/" + id + "/cancel").then().statusCode(202);

        as(OPERATOR).post("/v1/runs/" + id + "/pause").then().statusCode(409)
                .body("detail", containsString("Cannot pause: a cancel of the run was requested"));
        assertEquals("cancel", run(id).getString("control_requested"), "the cancel stays asked");
        assertEquals("cancelled", call(WORKER, id, "fail", Map.of("lease", lease, "error", "boom", "retryable", true),
                200).getString("status"), "a retryable failure with a cancel asked ends the run cancelled");
        assertEquals(1, run(id).getInt("attempt"));

        String snoozed = trigger("remote.cancelled", WORKSPACE_A);
        String held = claim(WORKER, "host-1", List.of("remote.cancelled"), 1, 0).getString("runs[0].lease.token");
        call(WORKER, snoozed, "report", Map.of("lease", held, "seq", 1, "state", "running"), 200);
        as(OPERATOR).post("/v1/runs/" + snoozed + "/pause").then().statusCode(202);
        call(WORKER, snoozed, "report", Map.of("lease", held, "seq", 2, "state", "paused"), 200);
        as(OPERATOR).post("/v1/runs/" + snoozed + "/cancel").then().statusCode(202);
        as(OPERATOR).post("/v1/runs/" + snoozed + "/resume").then().statusCode(409)
                .body("detail", containsString("Cannot resume: a cancel of the run was requested"));
        assertEquals("cancelled", call(WORKER, snoozed, "snooze", Map.of("lease", held, "delay_ms", 1), 200)
                .getString("status"), "a snooze with a cancel asked ends the run cancelled");
    }

    @Test
    void aCompleteRacingItsOwnReportKeepsTheEndEventAndAGapFreeSequence() throws Exception {
        register("remote.race", Map.of());
        String id = trigger("remote.race", WORKSPACE_A);
        String lease = claim(WORKER, "host-1", List.of("remote.race"), 1, 0).getString("runs[0].lease.token");
        // both calls are held at the run's row, the report first: the end was built from a read before the report
        dev.jobstream.support.Database.Open held = db.begin("SELECT 1 FROM job_runs WHERE id = $1 FOR UPDATE",
                java.util.UUID.fromString(id));
        CompletableFuture<JsonPath> report;
        CompletableFuture<JsonPath> complete;
        try {
            report = CompletableFuture.supplyAsync(() -> call(WORKER, id, "report", Map.of("lease", lease, "seq", 1,
                    "events", List.of(Map.of("type", "log", "message", "one"), Map.of("type", "log", "message",
                            "two"))),
                    200), java.util.concurrent.Executors.newSingleThreadExecutor());
            awaitWaitingOnTheRun(1);
            complete = CompletableFuture.supplyAsync(() -> call(WORKER, id, "complete", Map.of("lease", lease), 200),
                    java.util.concurrent.Executors.newSingleThreadExecutor());
            awaitWaitingOnTheRun(2);
        } finally {
            held.commit();
        }

        assertTrue(report.get(10, java.util.concurrent.TimeUnit.SECONDS).getBoolean("stored"));
        assertEquals("completed", complete.get(10, java.util.concurrent.TimeUnit.SECONDS).getString("status"));
        assertEquals(List.of("start_json", "log", "log", "end_json"), events(id));
        assertEquals(List.of(1, 2, 3, 4), as(ADMIN).accept("application/json").get("/v1/runs/" + id + "/events")
                .then().extract().jsonPath().getList("id"));
        assertEquals(4, db.count("SELECT last_seq FROM job_runs WHERE id = $1", java.util.UUID.fromString(id)));
    }

    /** Waits until {@code n} statements wait for a lock (the row the test holds). */
    private void awaitWaitingOnTheRun(int n) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> db.count(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query NOT LIKE '%pg_stat%'") == n);
    }

    @Test
    void aLeaseNotRenewedExpiresAndTheSweeperRetriesTheRunForAnotherWorker() {
        register("remote.swept", Map.of());
        String id = trigger("remote.swept", WORKSPACE_A);
        String lease = claim(WORKER, "host-1", List.of("remote.swept"), 1, 0).getString("runs[0].lease.token");
        // the worker died: its lease ages past stale-after
        sweeper.runOnce(Instant.now().plus(Duration.ofMinutes(10))).await().atMost(Duration.ofSeconds(10));
        JsonPath swept = run(id);
        assertEquals("queued", swept.getString("status"));
        assertEquals(2, swept.getInt("attempt"));
        assertEquals(1, db.count("SELECT count(*) FROM error_events WHERE run_id = $1 AND kind = 'STALE_RUN'",
                java.util.UUID.fromString(id)));
        JsonPath late = call(WORKER, id, "complete", Map.of("lease", lease), 409);
        assertEquals("superseded", late.getString("reason"));
    }

    @Test
    void anAttemptPastItsTimeoutIsToldToStopAndEndedByTheServiceAfterTheGrace() {
        register("remote.slow", Map.of("timeout_ms", 1000, "retry", QUICK_RETRY));
        String id = trigger("remote.slow", WORKSPACE_A);
        JsonPath claimed = claim(WORKER, "host-1", List.of("remote.slow"), 1, 0);
        assertEquals(1000, claimed.getInt("runs[0].timeout_ms"));
        String lease = claimed.getString("runs[0].lease.token");
        assertEquals(null, call(WORKER, id, "report", Map.of("lease", lease, "seq", 1), 200).getString("control"));
        // the worker keeps renewing its lease but never stops: past the timeout its reports say so …
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> "timeout".equals(
                call(WORKER, id, "report", Map.of("lease", lease, "seq", 2), 200).getString("control")));
        assertEquals("running", run(id).getString("status"));
        assertEquals(0, workers.overdue(null).await().atMost(Duration.ofSeconds(10)).timedOut(),
                "within the grace the attempt is the worker's to end");

        // … and past the grace the service ends the attempt: retried by the job's policy, the worker fenced out
        WorkerService.Overdue overdue = workers.overdue(Instant.now().plus(Duration.ofMinutes(1)))
                .await().atMost(Duration.ofSeconds(10));
        assertEquals(1, overdue.timedOut());
        JsonPath ended = run(id);
        assertEquals("queued", ended.getString("status"));
        assertEquals(2, ended.getInt("attempt"));
        assertEquals("timeout", ended.getString("attempts[0].error_code"));
        assertEquals("superseded", call(WORKER, id, "complete", Map.of("lease", lease), 409).getString("reason"));
        assertEquals(1, db.count("SELECT count(*) FROM error_events WHERE run_id = $1 AND kind = 'JOB_ATTEMPT_FAILED'",
                java.util.UUID.fromString(id)));
    }

    @Test
    void aPausedRunKeepsItsLeaseForThePauseHoldThenIsParkedAndResumeQueuesIt() {
        register("remote.paused", Map.of());
        String id = trigger("remote.paused", WORKSPACE_A);
        String lease = claim(WORKER, "host-1", List.of("remote.paused"), 1, 0).getString("runs[0].lease.token");
        as(OPERATOR).post("/v1/runs/" + id + "/pause").then().statusCode(202);
        JsonPath paused = call(WORKER, id, "report", Map.of("lease", lease, "seq", 1, "state", "paused"), 200);
        Instant expires = Instant.parse(paused.getString("lease.expires_at"));
        assertTrue(expires.isAfter(Instant.now().plus(Duration.ofMinutes(5))), "a paused run's lease lasts the "
                + "pause hold (10 min), not stale-after: " + expires);

        // past stale-after, a paused worker's run is not stale …
        sweeper.runOnce(Instant.now().plus(Duration.ofMinutes(5))).await().atMost(Duration.ofSeconds(10));
        assertEquals(0, workers.overdue(Instant.now().plus(Duration.ofMinutes(5))).await()
                .atMost(Duration.ofSeconds(10)).parked());
        assertEquals("paused", run(id).getString("status"));
        assertTrue(run(id).getString("owner").startsWith("worker:"), run(id).getString("owner"));

        // … past the pause hold it is parked: paused with no owner, and resume queues it for any worker
        assertEquals(1, workers.overdue(Instant.now().plus(Duration.ofMinutes(11))).await()
                .atMost(Duration.ofSeconds(10)).parked());
        JsonPath parked = run(id);
        assertEquals("paused", parked.getString("status"));
        assertEquals(null, parked.getString("owner"));
        assertEquals("superseded", call(WORKER, id, "report", Map.of("lease", lease, "seq", 2), 409)
                .getString("reason"));
        as(OPERATOR).post("/v1/runs/" + id + "/resume").then().statusCode(202);
        JsonPath again = claim(WORKER, "host-2", List.of("remote.paused"), 1, 0);
        assertEquals(id, again.getString("runs[0].run_id"));
        assertEquals(2, again.getInt("runs[0].attempt"));
    }

    @Test
    void workersAreListedWithTheirLastContactBesideTheEnginesAndReplicasUntilTheRetention() {
        register("remote.listed", Map.of());
        String id = trigger("remote.listed", WORKSPACE_B);
        claim(WORKER, "listed-1", List.of("remote.listed"), 1, 0);

        String owner = "worker:worker/listed-1";
        String found = "workers.find { it.id == '" + owner + "' }";
        JsonPath replicas = as(VIEWER).get("/v1/replicas").then().statusCode(200).extract().jsonPath();
        Map<String, Object> listed = replicas.getMap(found);
        assertEquals("listed-1", listed.get("worker"));
        assertEquals("up", listed.get("state"));
        assertEquals(List.of("remote.listed"), listed.get("jobs"));
        assertEquals(1, listed.get("running"));
        assertTrue(Instant.parse((String) listed.get("contact_at")).isAfter(Instant.now().minusSeconds(60)));
        // a token of another workspace sees the worker, not the run it executes there
        assertEquals(0, as(Security.SCOPED).get("/v1/replicas").then().statusCode(200).extract().jsonPath()
                .getInt(found + ".running"));

        // GET /v1/engines answers from memory (also with the database out of reach): the workers as last read
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> as(VIEWER).get("/v1/engines").then()
                .statusCode(200).extract().jsonPath().getMap(found) != null);
        JsonPath engines = as(VIEWER).get("/v1/engines").then().statusCode(200).extract().jsonPath();
        assertEquals("up", engines.getString(found + ".state"));
        assertEquals(1, engines.getInt(found + ".running"));
        assertEquals((Object) null, as(Security.SCOPED).get("/v1/engines").then().statusCode(200).extract()
                .jsonPath().get(found + ".running"), "counts of every workspace: not for a token limited to some");

        // silent past the engines' retention, it leaves the registry
        sweeper.runOnce(Instant.now().plus(Duration.ofHours(1))).await().atMost(Duration.ofSeconds(10));
        assertEquals(null, as(VIEWER).get("/v1/replicas").then().statusCode(200).extract().jsonPath().getMap(found));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> as(VIEWER).get("/v1/engines").then()
                .statusCode(200).extract().jsonPath().getMap(found) == null);
        assertTrue(List.of("queued", "failed").contains(run(id).getString("status")), "its run was swept");
    }

    @Test
    void endsSentAtOnceAreStoredTogetherAndTheSameEndTwiceIsStoredOnce() throws Exception {
        register("remote.many", Map.of("exclusive", false));
        List<String> ids = java.util.stream.IntStream.range(0, 20).mapToObj(i -> trigger("remote.many", WORKSPACE_A))
                .toList();
        List<Map<String, Object>> claimed = claim(WORKER, "host-many", List.of("remote.many"), 20, 0).getList("runs");
        assertEquals(20, claimed.size());
        // every run completed twice, all at once: a lost reply's repeat racing the original
        List<CompletableFuture<Integer>> calls = new java.util.ArrayList<>();
        for (Map<String, Object> run : claimed) {
            String lease = (String) ((Map<?, ?>) run.get("lease")).get("token");
            for (int i = 0; i < 2; i++) {
                calls.add(CompletableFuture.supplyAsync(() -> as(WORKER).contentType("application/json")
                        .body(Map.of("lease", lease, "metrics", Map.of("n", 1)))
                        .post("/v1/workers/runs/" + run.get("run_id") + "/complete").then().extract().statusCode()));
            }
        }
        for (CompletableFuture<Integer> call : calls) {
            assertEquals(200, call.get(30, java.util.concurrent.TimeUnit.SECONDS));
        }
        for (String id : ids) {
            assertEquals("completed", run(id).getString("status"));
            assertEquals(1, events(id).stream().filter("end_json"::equals).count(), "one end stored");
        }
    }

    @Test
    void severalEndsInOneCallAreEachAnsweredAsItsOwnCallWouldBeAndStoredOnce() {
        register("remote.batch", Map.of("exclusive", false));
        List<String> ids = List.of(trigger("remote.batch", WORKSPACE_A), trigger("remote.batch", WORKSPACE_A),
                trigger("remote.batch", WORKSPACE_A));
        JsonPath claimed = claim(WORKER, "host-batch", List.of("remote.batch"), 3, 0);
        Map<String, String> leases = new java.util.HashMap<>();
        for (int i = 0; i < 3; i++) {
            leases.put(claimed.getString("runs[" + i + "].run_id"), claimed.getString("runs[" + i + "].lease.token"));
        }
        String completed = ids.get(0);
        String failed = ids.get(1);
        String held = ids.get(2);
        Map<String, Object> body = Map.of("ends", List.of(
                Map.of("run_id", completed, "outcome", "complete", "lease", leases.get(completed), "metrics",
                        Map.of("rows", 7)),
                Map.of("run_id", failed, "outcome", "fail", "lease", leases.get(failed), "error", "boom",
                        "retryable", false),
                Map.of("run_id", held, "outcome", "complete", "lease", "9.host-batch"),
                Map.of("run_id", java.util.UUID.randomUUID().toString(), "outcome", "complete", "lease",
                        "1.host-batch"),
                Map.of("run_id", held, "outcome", "finish", "lease", leases.get(held))));

        for (int call = 0; call < 2; call++) { // the second: a repeat after a lost reply
            JsonPath answer = as(WORKER).contentType("application/json").body(body).post("/v1/workers/runs/ends")
                    .then().statusCode(200).extract().jsonPath();
            assertEquals(List.of(200, 200, 409, 404, 400), answer.getList("results.code"));
            assertEquals(List.of("completed", "failed"), List.of(answer.getString("results[0].status"),
                    answer.getString("results[1].status")));
            assertEquals("superseded", answer.getString("results[2].reason"));
            assertTrue(answer.getString("results[4].detail").contains("'outcome'"), answer.prettify());
        }
        assertEquals(7, run(completed).getInt("metrics.rows"));
        assertEquals("boom", run(failed).getString("error"));
        assertEquals("running", run(held).getString("status"));
        for (String id : List.of(completed, failed)) {
            assertEquals(1, events(id).stream().filter("end_json"::equals).count(), "one end stored for " + id);
        }
        as(WORKER).contentType("application/json").body(Map.of("ends", List.of())).post("/v1/workers/runs/ends")
                .then().statusCode(400);
        as(WORKER).contentType("application/json").body(Map.of("ends", java.util.Collections.nCopies(101,
                Map.of("run_id", held, "outcome", "complete", "lease", leases.get(held)))))
                .post("/v1/workers/runs/ends").then().statusCode(400);
        as(SCOPED_WORKER).contentType("application/json").body(Map.of("ends", List.of(Map.of("run_id", held,
                "outcome", "complete", "lease", leases.get(held))))).post("/v1/workers/runs/ends").then()
                .statusCode(200).body("results[0].code", equalTo(404)); // a run of a job it does not serve
        as(OPERATOR).contentType("application/json").body(body).post("/v1/workers/runs/ends").then()
                .statusCode(403);
    }

    @Test
    void dryRunsRunLaterPrioritiesAndSchedulesWorkForAJobOfWorkersAsForABuiltInOne() {
        register("remote.model", Map.of("exclusive", false));
        String workspace = java.util.UUID.randomUUID().toString();
        java.util.function.Function<Map<String, Object>, String> trigger = body -> as(OPERATOR)
                .contentType("application/json").body(body).post("/v1/jobs/remote.model/runs").then().statusCode(202)
                .extract().path("id");
        String later = trigger.apply(Map.of("workspace_id", workspace, "delay", "1h"));
        String low = trigger.apply(Map.of("workspace_id", workspace));
        String high = trigger.apply(Map.of("workspace_id", workspace, "priority", 50));
        String dry = trigger.apply(Map.of("workspace_id", workspace, "dry_run", true, "priority", 10));

        // due runs by priority, the dry run flagged; the run asked for later is not claimed
        List<JsonPath> claimed = java.util.stream.IntStream.range(0, 3)
                .mapToObj(i -> claim(WORKER, "host-model", List.of("remote.model"), 1, 0)).toList();
        assertEquals(List.of(high, dry, low), claimed.stream().map(c -> c.getString("runs[0].run_id")).toList());
        assertEquals(List.of(false, true, false), claimed.stream().map(c -> c.getBoolean("runs[0].dry_run")).toList());
        assertEquals(0, claim(WORKER, "host-model", List.of("remote.model"), 1, 0).getList("runs").size());
        assertEquals("queued", run(later).getString("status"));

        // a schedule's tick makes a run that a worker claims
        String schedule = as(ADMIN).contentType("application/json").body(Map.of("job", "remote.model",
                "workspace_id", workspace, "cron", "* * * * *")).post("/v1/schedules").then().statusCode(201)
                .extract().path("id");
        db.execute("UPDATE job_schedules SET next_fire_at = date_trunc('minute', now()) WHERE id = $1",
                java.util.UUID.fromString(schedule));
        JsonPath ticked = claim(WORKER, "host-model", List.of("remote.model"), 1, 10);
        assertEquals(schedule, run(ticked.getString("runs[0].run_id")).getString("schedule_id"));
        as(ADMIN).delete("/v1/schedules/" + schedule).then().statusCode(204);
    }

    @Test
    void aLongPollAnswersAsSoonAsARunIsQueued() throws Exception {
        register("remote.poll", Map.of());
        CompletableFuture<JsonPath> polled = CompletableFuture.supplyAsync(
                () -> claim(WORKER, "host-1", List.of("remote.poll"), 1, 30));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> workers.waiting() == 1);
        String id = trigger("remote.poll", WORKSPACE_A);
        assertEquals(List.of(id), polled.get(10, java.util.concurrent.TimeUnit.SECONDS).getList("runs.run_id"));
    }

    @Test
    void aJobsClusterWideLimitHoldsForWorkers() {
        register("remote.limited", Map.of("max_active", 1, "exclusive", false));
        trigger("remote.limited", WORKSPACE_A);
        trigger("remote.limited", WORKSPACE_A);
        JsonPath first = claim(WORKER, "host-1", List.of("remote.limited"), 5, 0);
        assertEquals(1, first.getList("runs").size());
        assertEquals(0, claim(WORKER, "host-2", List.of("remote.limited"), 5, 0).getList("runs").size());
        call(WORKER, first.getString("runs[0].run_id"), "complete", Map.of("lease",
                first.getString("runs[0].lease.token")), 200);
        assertEquals(1, claim(WORKER, "host-2", List.of("remote.limited"), 5, 0).getList("runs").size());
    }

    @Test
    void aWorkersTokenClaimsOnlyItsJobsAndWorkspacesAndDoesNothingElse() {
        register(SCOPED_WORKER_JOB, Map.of("exclusive", false));
        register("remote.other", Map.of());
        String inB = trigger(SCOPED_WORKER_JOB, WORKSPACE_B);
        String inA = trigger(SCOPED_WORKER_JOB, WORKSPACE_A);
        JsonPath claimed = claim(SCOPED_WORKER, "host-1", List.of(SCOPED_WORKER_JOB), 5, 0);
        assertEquals(List.of(inA), claimed.getList("runs.run_id"));
        assertEquals("queued", run(inB).getString("status"));

        as(SCOPED_WORKER).contentType("application/json").body(Map.of("worker", "host-1", "jobs",
                List.of("remote.other"), "wait", 0)).post("/v1/workers/claim").then().statusCode(403);
        as(WORKER).contentType("application/json").body(Map.of("worker", "host-1", "jobs", List.of("demo.sleep"),
                "wait", 0)).post("/v1/workers/claim").then().statusCode(400)
                .body("detail", containsString("not executed by workers"));
        as(WORKER).get("/v1/runs").then().statusCode(403);
        as(WORKER).contentType("application/json").body(Map.of("workspace_id", WORKSPACE_A))
                .post("/v1/jobs/remote.other/runs").then().statusCode(403);
        as(OPERATOR).contentType("application/json").body(Map.of("worker", "host-1", "jobs",
                List.of("remote.other"), "wait", 0)).post("/v1/workers/claim").then().statusCode(403);
        // another worker's token cannot use a lease it did not get
        String lease = claimed.getString("runs[0].lease.token");
        assertEquals("not_held", call(WORKER, inA, "report", Map.of("lease", lease, "seq", 1), 409)
                .getString("reason"));
        // bad input
        call(SCOPED_WORKER, inA, "report", Map.of("lease", "nonsense", "seq", 1), 400);
        call(SCOPED_WORKER, inA, "report", Map.of("lease", lease, "seq", 0), 400);
        call(SCOPED_WORKER, inA, "report", Map.of("lease", lease, "seq", 1, "events",
                java.util.Collections.nCopies(101, Map.of("type", "log", "message", "x"))), 400);
        call(SCOPED_WORKER, inA, "report", Map.of("lease", lease, "seq", 1, "events",
                List.of(Map.of("type", "bogus"))), 400);
        call(SCOPED_WORKER, inB, "report", Map.of("lease", lease, "seq", 1), 404);
    }
}

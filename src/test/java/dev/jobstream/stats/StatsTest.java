package dev.jobstream.stats;

import static dev.jobstream.auth.Security.ADMIN;
import static dev.jobstream.auth.Security.SCOPED;
import static dev.jobstream.auth.Security.VIEWER;
import static dev.jobstream.auth.Security.WORKSPACE_A;
import static dev.jobstream.auth.Security.WORKSPACE_B;
import static dev.jobstream.auth.Security.as;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.jobstream.auth.Security;
import dev.jobstream.support.Database;
import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * {@code GET /v1/stats}: the active runs now and the ends of a window per bucket and per job, as the sweep's roll-up
 * adds them — whichever statement ended them, inserted ended or updated — and only of a token's workspaces; bad
 * windows are 400 problems.
 */
@QuarkusTest
@TestProfile(Security.Profile.class)
class StatsTest extends DatabaseTest {

    private static final UUID A = UUID.fromString(WORKSPACE_A);
    private static final UUID B = UUID.fromString(WORKSPACE_B);

    @Inject
    StatsStore rollup;

    /** Runs of job {@code job} in {@code workspace}, executing since a minute ago, then ended by an update. */
    private void endedRuns(String job, UUID workspace, int count, String outcome, long durationMs) {
        db.execute("""
                INSERT INTO job_runs (id, job_name, workspace_id, status, exclusive, owner, started_at, heartbeat_at)
                SELECT gen_random_uuid(), $1, $2, 'running', false, 'stats-test', now(), now()
                  FROM generate_series(1, $3)
                """, job, workspace, count);
        db.execute("UPDATE job_runs SET heartbeat_at = now() WHERE job_name = $1", job); // not an end
        db.execute("""
                UPDATE job_runs SET status = $3, finished_at = now(), updated_at = now(), duration_ms = $4, owner = NULL
                 WHERE job_name = $1 AND workspace_id = $2 AND status = 'running'
                """, job, workspace, outcome, durationMs);
    }

    @Test
    void endsAreCountedPerBucketAndPerJobWithTheirDurations() {
        endedRuns("stats.a", A, 30, "completed", 100);
        endedRuns("stats.a", A, 10, "completed", 1_000);
        endedRuns("stats.a", A, 10, "failed", 400);
        endedRuns("stats.b", B, 5, "cancelled", 20);
        // a tick recorded skipped: inserted ended
        db.execute("""
                INSERT INTO job_runs (id, job_name, workspace_id, status, exclusive, finished_at, updated_at)
                VALUES (gen_random_uuid(), 'stats.b', $1, 'skipped', false, now(), now())
                """, B);
        rolledUp();

        JsonPath stats = as(VIEWER).get("/v1/stats?window=1h").then().statusCode(200)
                .body("window", equalTo("1h")).body("bucket", equalTo("1m")).extract().jsonPath();
        List<Map<String, Object>> series = stats.getList("series");
        assertEquals(60, series.size(), "a bucket per minute of the hour");
        assertEquals(Instant.parse(stats.getString("to")), Instant.parse((String) series.get(59).get("at"))
                .plus(Duration.ofMinutes(1)), "the last bucket ends the window");
        assertEquals(40, sum(series, "completed"));
        assertEquals(10, sum(series, "failed"));
        assertEquals(5, sum(series, "cancelled"));
        assertEquals(1, sum(series, "skipped"));

        Map<String, Object> a = stats.getMap("jobs.find { it.job == 'stats.a' }");
        assertEquals(50, a.get("runs"));
        assertEquals(0.2f, ((Number) a.get("failure_rate")).floatValue());
        double p50 = ((Number) a.get("p50_ms")).doubleValue();
        double p95 = ((Number) a.get("p95_ms")).doubleValue();
        assertTrue(p50 >= 100 / 1.42 && p50 <= 100 * 1.42, "p50 of 30 × 100 ms, 10 × 400, 10 × 1000: " + p50);
        assertTrue(p95 >= 1_000 / 1.42 && p95 <= 1_000 * 1.42, "p95: " + p95);
        Map<String, Object> b = stats.getMap("jobs.find { it.job == 'stats.b' }");
        assertEquals(6, b.get("runs"));
        assertNull(b.get("failure_rate"), "no run of stats.b ran to an end");
    }

    @Test
    void runsOfTheGlobalWorkspaceAreCountedOnce() {
        endedRuns("stats.g", new UUID(0, 0), 3, "completed", 10); // the workspace of runs triggered without one
        endedRuns("stats.g", A, 2, "completed", 10);
        rolledUp();
        as(ADMIN).get("/v1/stats").then().statusCode(200).body("jobs[0].runs", equalTo(5));
        as(SCOPED).get("/v1/stats").then().statusCode(200).body("jobs[0].runs", equalTo(2));
    }

    @Test
    void aRunRetriedByHandEndsAgainAndCountsAgain() {
        endedRuns("stats.retried", A, 1, "failed", 50);
        rolledUp(); // a pass sees the failure before the retry
        db.execute("""
                UPDATE job_runs SET status = 'queued', finished_at = NULL, attempt = attempt + 1, max_attempts = 2,
                                    duration_ms = NULL
                 WHERE job_name = 'stats.retried'
                """);
        db.execute("UPDATE job_runs SET status = 'running', owner = 'stats-test', started_at = now()");
        db.execute("UPDATE job_runs SET status = 'completed', owner = NULL, finished_at = now(), updated_at = now(),"
                + " duration_ms = 60");
        rolledUp();

        JsonPath stats = as(ADMIN).get("/v1/stats").then().statusCode(200).extract().jsonPath();
        assertEquals(1, sum(stats.getList("series"), "failed"));
        assertEquals(1, sum(stats.getList("series"), "completed"));
    }

    @Test
    void theActiveRunsAreCountedByWhatTheyWaitFor() {
        db.execute(
                """
                        INSERT INTO job_runs (id, job_name, workspace_id, status, exclusive, created_at, run_after, attempt,
                                              max_attempts, attempts)
                        VALUES (gen_random_uuid(), 'stats.q', $1, 'queued', false, now() - interval '90 seconds',
                                now() - interval '80 seconds', 1, 1, '[]'),
                               (gen_random_uuid(), 'stats.q', $1, 'queued', false, now(), now(), 1, 1, '[]'),
                               (gen_random_uuid(), 'stats.q', $1, 'queued', false, now(), now() + interval '1 hour', 2, 3,
                                '[{"attempt": 1, "outcome": "failed"}]'),
                               (gen_random_uuid(), 'stats.q', $1, 'queued', false, now(), now() + interval '1 hour', 1, 1, '[]'),
                               (gen_random_uuid(), 'stats.q', $2, 'queued', false, now(), now(), 1, 1, '[]')
                        """,
                A, B);
        db.execute("""
                INSERT INTO job_runs (id, job_name, workspace_id, status, exclusive, owner, started_at, heartbeat_at)
                VALUES (gen_random_uuid(), 'stats.r', $1, 'running', false, 'x', now(), now()),
                       (gen_random_uuid(), 'stats.r', $1, 'running', false, 'x', now(), now() - interval '1 day'),
                       (gen_random_uuid(), 'stats.r', $1, 'paused', false, 'x', now(), now())
                """, A);

        // the sweeper skips a locked run: it cannot take the stale one away while the counts are read
        Database.Open hold = db
                .begin("SELECT 1 FROM job_runs WHERE heartbeat_at < now() - interval '1 hour' FOR UPDATE");
        try {
            theCountsAreRead();
        } finally {
            hold.commit();
        }
    }

    private void theCountsAreRead() {
        as(ADMIN).get("/v1/stats").then().statusCode(200)
                .body("now.queued", equalTo(3)).body("now.retrying", equalTo(1)).body("now.scheduled", equalTo(1))
                .body("now.running", equalTo(2)).body("now.paused", equalTo(1)).body("now.stale", equalTo(1));
        long oldest = as(ADMIN).get("/v1/stats").then().extract().jsonPath().getLong("now.oldest_queued_ms");
        assertTrue(oldest >= 80_000 && oldest < 200_000, "the oldest due run waits since 80 s: " + oldest);
        as(SCOPED).get("/v1/stats").then().statusCode(200).body("now.queued", equalTo(2))
                .body("now.running", equalTo(2)).body("now.stale", equalTo(1));
    }

    @Test
    void aScopedTokenSeesTheEndsOfItsWorkspacesOnlyWithTheirDurations() {
        endedRuns("stats.a", A, 3, "completed", 10);
        endedRuns("stats.a", B, 7, "failed", 5_000);
        rolledUp();

        JsonPath scoped = as(SCOPED).get("/v1/stats").then().statusCode(200).extract().jsonPath();
        assertEquals(3, sum(scoped.getList("series"), "completed"));
        assertEquals(0, sum(scoped.getList("series"), "failed"));
        assertEquals(List.of("stats.a"), scoped.getList("jobs.job"));
        assertEquals(3, scoped.getInt("jobs[0].runs"));
        double p95 = ((Number) scoped.get("jobs[0].p95_ms")).doubleValue();
        assertTrue(p95 >= 10 / 1.42 && p95 <= 10 * 1.42, "p95 of A's 3 × 10 ms, not B's 7 × 5 s: " + p95);
        double all = ((Number) as(ADMIN).get("/v1/stats").then().extract().path("jobs[0].p95_ms")).doubleValue();
        assertTrue(all >= 5_000 / 1.42, "every workspace's p95 holds B's: " + all);
        assertEquals(0, scoped.getInt("now.failed_last_hour"));
        as(ADMIN).get("/v1/stats").then().statusCode(200).body("now.failed_last_hour", equalTo(7))
                .body("jobs[0].runs", equalTo(10));
    }

    @Test
    void longerWindowsReadTheHours() {
        endedRuns("stats.a", A, 4, "completed", 10);
        rolledUp();
        JsonPath day = as(VIEWER).get("/v1/stats?window=24h&bucket=1h").then().statusCode(200).extract().jsonPath();
        assertEquals(24, day.getList("series").size());
        assertEquals(4, sum(day.getList("series"), "completed"));
        JsonPath week = as(VIEWER).get("/v1/stats?window=7d").then().statusCode(200).body("bucket", equalTo("1h"))
                .extract().jsonPath();
        assertEquals(168, week.getList("series").size());
        assertEquals(4, sum(week.getList("series"), "completed"));
        assertEquals(1_440, as(VIEWER).get("/v1/stats?window=24h&bucket=1m").then().statusCode(200).extract()
                .jsonPath().getList("series").size());
    }

    @Test
    void theQueueIsSampledOnceAMinuteForEveryWorkspaceTogether() {
        db.execute("""
                INSERT INTO job_runs (id, job_name, workspace_id, status, exclusive, run_after)
                SELECT gen_random_uuid(), 'stats.q', CASE WHEN i <= 3 THEN $1 ELSE $2 END, 'queued', false,
                       now() - interval '1 minute'
                  FROM generate_series(1, 4) i
                """, A, B);
        // the sweep samples once a minute too: whichever of the two comes first sees these four runs
        db.execute("DELETE FROM job_queue_samples");
        rollup.sampleQueue().await().atMost(Duration.ofSeconds(10));
        assertEquals(false, rollup.sampleQueue().await().atMost(Duration.ofSeconds(10)), "once a minute");

        List<Map<String, Object>> series = as(ADMIN).get("/v1/stats").then().statusCode(200).extract().jsonPath()
                .getList("series");
        List<Object> sampled = series.stream().map(bucket -> bucket.get("queued")).filter(q -> q != null).toList();
        assertEquals(List.of(4), sampled, "one sample, this minute's, in the hour");
        assertEquals(1, db.count("SELECT count(*) FROM job_queue_samples WHERE oldest_queued_ms >= 60000"));
        List<Map<String, Object>> scoped = as(SCOPED).get("/v1/stats").then().statusCode(200).extract().jsonPath()
                .getList("series");
        assertTrue(scoped.stream().allMatch(bucket -> bucket.get("queued") == null),
                "samples are of every workspace together");
    }

    @Test
    void twoPassesAtOnceAddEachEndOnce() {
        endedRuns("stats.a", A, 10, "completed", 10);
        io.smallrye.mutiny.Uni.combine().all().unis(rollup.rollUp(Duration.ZERO), rollup.rollUp(Duration.ZERO),
                rollup.rollUp(Duration.ZERO)).discardItems().await().atMost(Duration.ofSeconds(10));
        rolledUp();
        assertEquals(10, sum(as(ADMIN).get("/v1/stats").then().statusCode(200).extract().jsonPath()
                .getList("series"), "completed"));
        assertEquals(10, db.count("SELECT sum(completed) FROM job_run_rollup WHERE period = 'hour'"));
        assertEquals(10, db.count("SELECT sum(completed) FROM job_run_totals WHERE period = 'hour'"));
    }

    @Test
    void minutesAndHoursExpire() {
        endedRuns("stats.a", A, 2, "completed", 10);
        rolledUp();
        Instant now = Instant.now();
        // the rows of each period, of A and of every workspace (the sweep may add a queue sample meanwhile, which
        // the deletes count too: they are counted apart)
        String rows = "SELECT (SELECT count(*) FROM job_run_rollup WHERE period = $1)"
                + " + (SELECT count(*) FROM job_run_totals WHERE period = $1)";
        rollup.deleteExpired(now).await().indefinitely();
        assertEquals(2, db.count(rows, "minute"));
        assertEquals(2, db.count(rows, "hour"));
        assertTrue(rollup.deleteExpired(now.plus(Duration.ofDays(3))).await().indefinitely() >= 2);
        assertEquals(0, db.count(rows, "minute"), "the minutes after 2 days");
        assertEquals(2, db.count(rows, "hour"), "the hours are kept 8 days");
        assertTrue(rollup.deleteExpired(now.plus(Duration.ofDays(9))).await().indefinitely() >= 2);
        assertEquals(0, db.count(rows, "hour"), "the hours after 8 days");
        assertEquals(0, db.count("SELECT count(*) FROM job_queue_samples"), "and the queue's samples");
    }

    @Test
    void badWindowsAreProblems() {
        for (String query : List.of("window=2h", "window=1h&bucket=1s", "window=1h&bucket=1h", "window=7d&bucket=1m",
                "window=24h&bucket=1d", "window=%00")) {
            as(VIEWER).get("/v1/stats?" + query).then().statusCode(400)
                    .contentType(containsString("application/problem+json")).body("status", equalTo(400));
        }
        as(VIEWER).get("/v1/stats?window=7d&bucket=1m").then().body("detail", containsString("at most 1440"));
    }

    /** Passes of the sweep's roll-up, up to now. */
    private void rolledUp() {
        RollUps.toNow(rollup);
    }

    private static long sum(List<Map<String, Object>> series, String outcome) {
        return series.stream().mapToLong(bucket -> ((Number) bucket.get(outcome)).longValue()).sum();
    }
}

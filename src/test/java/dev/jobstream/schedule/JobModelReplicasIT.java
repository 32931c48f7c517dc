package dev.jobstream.schedule;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.jobstream.config.EmbeddedDatabase;
import dev.jobstream.support.Api;
import dev.jobstream.support.Replica;
import io.restassured.specification.RequestSpecification;

/**
 * Two packaged replicas on one database: each tick of a schedule fires exactly once (both replicas poll every 100 ms
 * and race for every tick), and a job's cluster-wide limit and a rate limit per key hold for the two together.
 */
class JobModelReplicasIT {

    static final Map<String, String> FAST_POLL = Map.of("JOBSTREAM_SCHEDULES_POLL_INTERVAL", "100ms",
            "JOBSTREAM_DISPATCH_POLL_INTERVAL", "100ms");

    static int pgPort;

    @BeforeAll
    static void database() {
        pgPort = EmbeddedDatabase.start().port();
    }

    @Test
    void eachTickOfAScheduleFiresOnceAcrossTwoReplicas() throws Exception {
        String database = Replica.newDatabase(pgPort);
        try (Replica a = Replica.start("ticks-a", pgPort, database, FAST_POLL);
                Replica b = Replica.start("ticks-b", pgPort, database, FAST_POLL);
                Connection db = connect(database)) {
            String id = admin().contentType("application/json")
                    // a yearly cron: the ticks are the past minutes the test sets, and no real tick comes between
                    .body(Map.of("job", "demo.sleep", "workspace_id", UUID.randomUUID().toString(),
                            "cron", "0 0 1 1 *", "params", Map.of("items", 0)))
                    .post(a.url("/v1/schedules")).then().statusCode(201).extract().path("id");
            int ticks = 8;
            for (int i = 1; i <= ticks; i++) {
                // tick i is a distinct past minute: due at once for both replicas
                execute(db, "UPDATE job_schedules SET next_fire_at = date_trunc('minute', now()) - interval '"
                        + (ticks - i + 1) * 10 + " minutes' WHERE id = '" + id + "'");
                int fired = i;
                Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                        .until(() -> count(db,
                                "SELECT count(*) FROM job_runs WHERE schedule_id = '" + id + "'") >= fired);
                // the tick's run ends before the next tick, so that none is skipped for a slot still taken
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> count(db, "SELECT count(*) FROM job_runs"
                        + " WHERE schedule_id = '" + id + "' AND status = 'completed'") >= fired);
            }
            Awaitility.await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> count(db,
                    "SELECT count(*) FROM job_runs WHERE schedule_id = '" + id + "'") == ticks);
            assertEquals(ticks, count(db, "SELECT count(DISTINCT idempotency_key) FROM job_runs WHERE schedule_id = '"
                    + id + "'"));
        }
    }

    @Test
    void aClusterWideLimitHoldsForTwoReplicasTogether() throws Exception {
        String database = Replica.newDatabase(pgPort);
        try (Replica a = Replica.start("limit-a", pgPort, database, FAST_POLL);
                Replica b = Replica.start("limit-b", pgPort, database, FAST_POLL);
                Connection db = connect(database)) {
            List<Map<String, Object>> runs = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                runs.add(Map.of("params", Map.of("items", 3, "delay_ms", 100)));
            }
            admin().contentType("application/json").body(Map.of("runs", runs))
                    .post(b.url("/v1/jobs/demo.throttled/runs/batch")).then().statusCode(200);
            AtomicLong most = new AtomicLong();
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10)).until(() -> {
                most.accumulateAndGet(count(db, "SELECT count(*) FROM job_runs WHERE status IN ('running', 'paused')"),
                        Math::max);
                return count(db, "SELECT count(*) FROM job_runs WHERE status = 'completed'") == 12;
            });
            assertEquals(2, most.get(), "at most 2 runs of demo.throttled active at once, across both replicas");
        }
    }

    @Test
    void aRateLimitPerKeyHoldsForTwoReplicasTogetherAndOtherJobsRunBesideItsBacklog() throws Exception {
        String database = Replica.newDatabase(pgPort);
        try (Replica a = Replica.start("rated-a", pgPort, database, FAST_POLL);
                Replica b = Replica.start("rated-b", pgPort, database, FAST_POLL);
                Connection db = connect(database)) {
            // demo.rated starts once a minute per workspace: 4 workspaces, 5 runs each, triggered through both
            List<String> workspaces = List.of(UUID.randomUUID().toString(), UUID.randomUUID().toString(),
                    UUID.randomUUID().toString(), UUID.randomUUID().toString());
            for (int i = 0; i < 5; i++) {
                for (String workspace : workspaces) {
                    Replica through = i % 2 == 0 ? a : b;
                    admin().contentType("application/json").body(Map.of("workspace_id", workspace))
                            .post(through.url("/v1/jobs/demo.rated/runs")).then().statusCode(202);
                }
            }
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> count(db,
                    "SELECT count(*) FROM job_runs WHERE job_name = 'demo.rated' AND status = 'completed'") == 4);
            // both replicas poll every 100 ms, and wake at every trigger: for two seconds of their claims, no
            // workspace starts a second run
            String noop = admin().contentType("application/json").body(Map.of())
                    .post(b.url("/v1/jobs/demo.noop/runs")).then().statusCode(202).extract().path("id");
            Awaitility.await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> count(db,
                    "SELECT count(*) FROM job_runs WHERE job_name = 'demo.rated' AND status <> 'queued'") == 4);
            assertEquals(4, count(db, "SELECT count(DISTINCT workspace_id) FROM job_runs WHERE job_name = 'demo.rated'"
                    + " AND status = 'completed'"));
            assertEquals(1, count(db, "SELECT count(*) FROM job_runs WHERE id = '" + noop
                    + "' AND status = 'completed'"), "a run of another job is not held back");
            String waiting = queryString(db, "SELECT id FROM job_runs WHERE job_name = 'demo.rated'"
                    + " AND status = 'queued' LIMIT 1");
            admin().get(a.url("/v1/runs/" + waiting)).then().statusCode(200)
                    .body("display_status", org.hamcrest.Matchers.equalTo("throttled"))
                    .body("throttled_until", org.hamcrest.Matchers.notNullValue());
        }
    }

    private static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + Api.ADMIN_TOKEN);
    }

    private static Connection connect(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + pgPort + "/" + database, "postgres",
                "postgres");
    }

    private static String queryString(Connection db, String sql) throws SQLException {
        try (Statement statement = db.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }

    private static void execute(Connection db, String sql) throws SQLException {
        try (Statement statement = db.createStatement()) {
            statement.execute(sql);
        }
    }

    private static long count(Connection db, String sql) throws SQLException {
        try (Statement statement = db.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}

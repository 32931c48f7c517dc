package dev.jobstream.run;

import static dev.jobstream.support.Api.json;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class BatchTriggerTest extends DatabaseTest {

    @Test
    void batchAnswersPerRunInInputOrderWithConflicts() {
        String busy = UUID.randomUUID().toString();
        String free = UUID.randomUUID().toString();
        Map<String, Object> slow = Map.of("items", 20, "delay_ms", 50);
        var results = json(Map.of("runs", List.of(
                Map.of("workspace_id", busy, "params", slow),
                Map.of("workspace_id", free, "params", slow),
                Map.of("workspace_id", busy, "params", slow))))
                .post("/v1/jobs/demo.sleep/runs/batch").then().statusCode(200)
                .body("results.status", contains(202, 202, 409))
                .body("results[2].reason", equalTo("already_running"))
                .body("results[2].lock_acquired", equalTo(false))
                .extract().jsonPath();
        org.junit.jupiter.api.Assertions.assertEquals(results.getString("results[0].run.id"),
                results.getString("results[2].active_run_id"));
        org.junit.jupiter.api.Assertions.assertEquals(2, db.count("SELECT count(*) FROM job_runs"));
    }

    @Test
    void batchesWithTheSameKeysInOppositeOrderNeverDeadlock() throws Exception {
        java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 8; round++) {
                List<Map<String, Object>> ascending = new ArrayList<>();
                for (int i = 0; i < 300; i++) {
                    ascending.add(Map.of("workspace_id", new UUID(round, i).toString(), "idempotency_key", "k" + i,
                            "delay", "1h"));
                }
                List<Map<String, Object>> descending = new ArrayList<>(ascending);
                java.util.Collections.reverse(descending);
                var first = clients.submit(() -> batch(ascending));
                var second = clients.submit(() -> batch(descending));
                org.junit.jupiter.api.Assertions.assertEquals(List.of(200, 200),
                        List.of(first.get(30, java.util.concurrent.TimeUnit.SECONDS),
                                second.get(30, java.util.concurrent.TimeUnit.SECONDS)),
                        "round " + round);
                org.junit.jupiter.api.Assertions.assertEquals(300 * (round + 1),
                        db.count("SELECT count(*) FROM job_runs"), "each key inserted once, round " + round);
            }
        } finally {
            clients.shutdownNow();
        }
    }

    private static int batch(List<Map<String, Object>> runs) {
        return json(Map.of("runs", runs)).post("/v1/jobs/demo.sleep/runs/batch").then().extract().statusCode();
    }

    @Test
    void aBatchOfAThousandRunsIsOneCall() {
        List<Map<String, Object>> thousand = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            thousand.add(Map.of("workspace_id", UUID.randomUUID().toString(), "params", Map.of("items", 0)));
        }
        json(Map.of("runs", thousand)).post("/v1/jobs/demo.sleep/runs/batch").then().statusCode(200)
                .body("results.status", org.hamcrest.Matchers.everyItem(equalTo(202)))
                .body("results", org.hamcrest.Matchers.hasSize(1000));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> db.count("SELECT count(*) FROM job_runs WHERE status = 'completed'") == 1000);
        // a run that emits nothing stores no event row: its start and end are read from the row
        org.junit.jupiter.api.Assertions.assertEquals(0, db.count("SELECT count(*) FROM job_run_events"));
        org.junit.jupiter.api.Assertions.assertEquals(1000,
                db.count("SELECT count(*) FROM job_runs WHERE start_seq = 1 AND end_seq = 2 AND last_seq = 2"));
    }

    @Test
    void batchRejectsEmptyOversizedAndInvalidInputWhole() {
        json(Map.of("runs", List.of())).post("/v1/jobs/demo.sleep/runs/batch").then().statusCode(400);
        List<Map<String, Object>> tooMany = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            tooMany.add(Map.of());
        }
        json(Map.of("runs", tooMany)).post("/v1/jobs/demo.sleep/runs/batch").then().statusCode(400);
        json(Map.of("runs", List.of(Map.of(), Map.of("params", Map.of("items", -1)))))
                .post("/v1/jobs/demo.sleep/runs/batch").then().statusCode(400)
                .body("detail", startsWith("runs[1]: Params of job 'demo.sleep': /items"))
                .body("errors[0].pointer", equalTo("/items"));
        json(Map.of("runs", List.of(Map.of()))).post("/v1/jobs/no.such.job/runs/batch").then().statusCode(404);
        org.junit.jupiter.api.Assertions.assertEquals(0, db.count("SELECT count(*) FROM job_runs"));
    }

    @Test
    void aRepeatedIdempotencyKeyAnswersTheFirstRun() {
        Map<String, Object> body = Map.of("idempotency_key", "nightly-2026-11-23", "params", Map.of("items", 0));
        String first = json(body).post("/v1/jobs/demo.sleep/runs").then().statusCode(202).extract().path("id");
        org.awaitility.Awaitility.await().until(() -> db.count(
                "SELECT count(*) FROM job_runs WHERE status = 'completed'") == 1);
        json(body).post("/v1/jobs/demo.sleep/runs").then().statusCode(200).body("id", equalTo(first));
        org.junit.jupiter.api.Assertions.assertEquals(1, db.count("SELECT count(*) FROM job_runs"));
    }
}

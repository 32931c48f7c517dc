package dev.jobstream.engine;

import static dev.jobstream.support.Api.admin;
import static dev.jobstream.support.Api.trigger;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Jobs that report what PostgreSQL cannot store as it is (NUL characters, unpaired surrogates, negative counts, a
 * huge line, NaN) next to ordinary runs: the values are cleaned where they enter, every run ends, and the ordinary
 * runs of the same replica are not held up.
 */
@QuarkusTest
class BadValuesTest extends DatabaseTest {

    @Test
    void badValuesAreCleanedAndNoRunOfTheReplicaWaitsForThem() {
        List<String> ordinary = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ordinary.add(trigger("demo.sleep", Map.of("workspace_id", UUID.randomUUID().toString(), "params",
                    Map.of("items", 3, "delay_ms", 20))));
        }
        String log = trigger("test.garbage", Map.of("params", Map.of("mode", "log")));
        String counts = trigger("test.garbage", Map.of("params", Map.of("mode", "counts")));
        String huge = trigger("test.garbage", Map.of("params", Map.of("mode", "huge")));
        String metrics = trigger("test.garbage", Map.of("params", Map.of("mode", "metrics")));
        String fail = trigger("test.garbage", Map.of("params", Map.of("mode", "fail")));

        List<String> all = new ArrayList<>(ordinary);
        all.addAll(List.of(log, counts, huge, metrics, fail));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> all.stream()
                .allMatch(id -> !List.of("queued", "running").contains(run(id).getString("status"))));
        ordinary.forEach(id -> assertEquals("completed", run(id).getString("status"), id));

        assertEquals("completed", run(log).getString("status"));
        List<Map<String, Object>> logLines = logs(log);
        assertEquals("beforeafter \uFFFD lone", logLines.get(0).get("message"));
        assertEquals("warn", logLines.get(0).get("level"));
        assertEquals("level", logLines.get(1).get("message"));
        assertEquals("info", logLines.get(1).get("level"));
        assertEquals("item", run(log).getString("error_log[0].item"));
        assertEquals("message", run(log).getString("error_log[0].message"));

        assertEquals("completed", run(counts).getString("status"));
        assertEquals(0, run(counts).getLong("processed"));
        assertEquals(3, run(counts).getLong("total"));

        assertEquals("completed", run(huge).getString("status"));
        String cut = (String) logs(huge).get(0).get("message");
        assertTrue(cut.length() <= 8 * 1024 && cut.endsWith("…"), "cut to " + cut.length());

        assertEquals("completed", run(metrics).getString("status"));
        Map<String, Object> stored = run(metrics).getMap("metrics");
        assertEquals("value", stored.get("key"));
        assertNull(stored.get("nan"));
        assertTrue(stored.containsKey("nan"));
        assertEquals("an object", stored.get("object"));

        JsonPath failed = run(fail);
        assertEquals("failed", failed.getString("status"));
        assertEquals("failed here \uFFFD", failed.getString("error"));
        assertFalse(failed.getString("error").contains("\u0000"));
    }

    @Test
    void aValueThatStillCannotBeStoredFailsOnlyItsRun() {
        List<String> ordinary = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ordinary.add(trigger("demo.sleep", Map.of("workspace_id", UUID.randomUUID().toString(), "params",
                    Map.of("items", 2, "delay_ms", 10))));
        }
        String overflow = trigger("test.garbage", Map.of("params", Map.of("mode", "overflow")));

        List<String> all = new ArrayList<>(ordinary);
        all.add(overflow);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> all.stream()
                .allMatch(id -> !List.of("queued", "running").contains(run(id).getString("status"))));
        ordinary.forEach(id -> assertEquals("completed", run(id).getString("status"), id));

        JsonPath failed = run(overflow);
        assertEquals("failed", failed.getString("status"));
        assertEquals("unstorable", failed.getString("error_code"));
        assertTrue(failed.getString("error").startsWith("What the run reported could not be stored: "),
                failed.getString("error"));
        List<Map<String, Object>> events = admin().accept("application/json").get("/v1/runs/{id}/events", overflow)
                .then().statusCode(200).extract().jsonPath().getList("$");
        assertEquals(java.util.stream.IntStream.rangeClosed(1, events.size()).boxed().toList(),
                events.stream().map(e -> ((Number) e.get("id")).intValue()).toList(), "gap-free");
        assertEquals("end_json", events.get(events.size() - 1).get("event"));
        assertEquals(1, db.count("SELECT count(*) FROM error_events WHERE run_id = $1::uuid AND kind = 'JOB_FAILED'",
                UUID.fromString(overflow)));
    }

    private static JsonPath run(String id) {
        return admin().get("/v1/runs/{id}", id).then().statusCode(200).extract().jsonPath();
    }

    private static List<Map<String, Object>> logs(String id) {
        List<Map<String, Object>> events = admin().accept("application/json").get("/v1/runs/{id}/events", id).then()
                .statusCode(200).extract().jsonPath().getList("$");
        return events.stream().filter(e -> "log".equals(e.get("event")))
                .map(e -> {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> data = (Map<String, Object>) e.get("data");
                    return data;
                }).toList();
    }
}

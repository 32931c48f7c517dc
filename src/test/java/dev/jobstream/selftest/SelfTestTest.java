package dev.jobstream.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.jobstream.support.DatabaseTest;
import dev.jobstream.support.SseClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

@QuarkusTest
class SelfTestTest extends DatabaseTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void theSelfTestPassesEveryCheckAndLeavesNoRunBehind() throws Exception {
        SseClient.Read read = SseClient.read(base + "v1/selftest", null, 100);

        assertTrue(read.closed());
        List<SseClient.Event> events = read.events();
        SseClient.Event end = events.get(events.size() - 1);
        assertEquals("end_json", end.event());
        JsonPath summary = JsonPath.from(end.data());
        assertEquals(List.of(), summary.getList("data.failed_tests"), "failed checks: " + events);
        assertTrue(summary.getBoolean("ok"));
        assertEquals(7, summary.getInt("data.passed"));
        assertEquals(0, summary.getInt("data.failed"));
        assertEquals(7, events.stream().filter(e -> "log".equals(e.event())).count());
        org.awaitility.Awaitility.await().until(() -> db.count("SELECT count(*) FROM job_runs") == 0);
    }
}

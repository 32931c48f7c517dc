package dev.jobstream.stream;

import static dev.jobstream.support.Api.admin;
import static dev.jobstream.support.Api.trigger;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.jobstream.support.DatabaseTest;
import dev.jobstream.support.SseClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

@QuarkusTest
class RunFeedTest extends DatabaseTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void theFeedShowsCreationStateAndProgressOfTheWorkspacesRunsOnly() throws Exception {
        String workspace = UUID.randomUUID().toString();
        List<SseClient.Event> seen = new ArrayList<>();
        try (SseClient.Subscription feed = SseClient.subscribe(base + "v1/stream?workspace_id=" + workspace)
                .awaitOpen()) {
            String id = trigger("demo.sleep", Map.of("workspace_id", workspace,
                    "params", Map.of("items", 20, "delay_ms", 50)));
            trigger("demo.sleep", Map.of("workspace_id", UUID.randomUUID().toString(), "params", Map.of("items", 1)));
            Instant deadline = Instant.now().plusSeconds(20);
            while (Instant.now().isBefore(deadline)) {
                SseClient.Event event = feed.next(Duration.ofSeconds(1));
                if (event != null) {
                    seen.add(event);
                    if ("completed".equals(JsonPath.from(event.data()).getString("status"))) {
                        break;
                    }
                }
            }
            assertTrue(seen.size() >= 3, "created, some progress, completed: " + seen);
            for (SseClient.Event event : seen) {
                JsonPath run = JsonPath.from(event.data());
                assertEquals(id, run.getString("id"), "only runs of the workspace");
                assertEquals(event.event(), run.getString("type"));
            }
            assertEquals("created", seen.get(0).event());
            SseClient.Event last = seen.get(seen.size() - 1);
            assertEquals("state", last.event());
            assertEquals(100, JsonPath.from(last.data()).getInt("percent"));
            long progress = seen.stream().filter(e -> "progress".equals(e.event())).count();
            // 20 steps over ~1 s; the feed coalesces to at most 4 reads a second
            assertTrue(progress >= 1 && progress <= 12, "progress coalesced, got " + progress);
        }
        admin().get("/v1/stream?workspace_id=nope").then().statusCode(400);
    }
}

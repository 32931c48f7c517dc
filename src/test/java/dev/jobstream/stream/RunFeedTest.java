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

import dev.jobstream.support.Database;
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

    @Test
    void aRunAskedForLaterShowsAsScheduledWithItsDueTimeInTheFeed() throws Exception {
        String workspace = UUID.randomUUID().toString();
        try (SseClient.Subscription feed = SseClient.subscribe(base + "v1/stream?workspace_id=" + workspace)
                .awaitOpen()) {
            String id = trigger("demo.sleep", Map.of("workspace_id", workspace, "delay", "1h"));
            SseClient.Event created = feed.next(Duration.ofSeconds(10));
            JsonPath run = JsonPath.from(created.data());
            assertEquals(List.of(id, "created", "queued", "scheduled", 1), List.of(run.getString("id"),
                    created.event(), run.getString("status"), run.getString("display_status"), run.getInt("attempt")));
            assertTrue(Instant.parse(run.getString("run_after")).isAfter(Instant.now().plusSeconds(3500)));
        }
    }

    @Test
    void aBurstLargerThanAPageOfTheFeedDoesNotStallIt() throws Exception {
        String workspace = UUID.randomUUID().toString();
        try (SseClient.Subscription feed = SseClient.subscribe(base + "v1/stream?workspace_id=" + workspace)
                .awaitOpen()) {
            // one statement, one commit, one updated_at: 2,500 runs of other workspaces (ended, so that nothing
            // changes them again), as batch triggers and batched flushes make them
            db.execute("""
                    INSERT INTO job_runs (id, job_name, workspace_id, exclusive, status, finished_at)
                    SELECT gen_random_uuid(), 'test.gone', gen_random_uuid(), false, 'completed', now()
                      FROM generate_series(1, 2500)
                    """);
            db.execute("SELECT pg_notify('jobstream_queued', '')");
            String id = trigger("demo.sleep", Map.of("workspace_id", workspace, "params", Map.of("items", 0)));

            SseClient.Event created = null;
            Instant deadline = Instant.now().plusSeconds(15);
            while (created == null && Instant.now().isBefore(deadline)) {
                SseClient.Event event = feed.next(Duration.ofSeconds(1));
                if (event != null && id.equals(JsonPath.from(event.data()).getString("id"))) {
                    created = event;
                }
            }
            assertTrue(created != null, "the run triggered after the burst reached the feed");
        }
    }

    @Test
    void aChangeThatCommitsAfterTheFeedReadPastItsTimeIsStillSent() throws Exception {
        String workspace = UUID.randomUUID().toString();
        UUID late = UUID.randomUUID();
        try (SseClient.Subscription feed = SseClient.subscribe(base + "v1/stream?workspace_id=" + workspace)
                .awaitOpen()) {
            // changed at the start of its transaction, committed after a later change was read by the feed
            Database.Open slow = db.begin("""
                    INSERT INTO job_runs (id, job_name, workspace_id, exclusive, status, finished_at)
                    VALUES ($1, 'test.gone', $2::uuid, false, 'completed', now())
                    """, late, workspace);
            String early = trigger("demo.sleep", Map.of("workspace_id", workspace, "params", Map.of("items", 0)));
            assertTrue(awaitRun(feed, early), "the run that committed first is sent");
            slow.execute("SELECT pg_notify('jobstream_runs', (extract(epoch FROM now()) * 1000000)::bigint::text)");
            slow.commit();
            assertTrue(awaitRun(feed, late.toString()), "the change that committed late is sent too");
        }
    }

    private static boolean awaitRun(SseClient.Subscription feed, String id) throws Exception {
        Instant deadline = Instant.now().plusSeconds(10);
        while (Instant.now().isBefore(deadline)) {
            SseClient.Event event = feed.next(Duration.ofSeconds(1));
            if (event != null && id.equals(JsonPath.from(event.data()).getString("id"))) {
                return true;
            }
        }
        return false;
    }
}

package dev.jobstream.stream;

import static dev.jobstream.support.Api.admin;
import static dev.jobstream.support.Api.awaitStatus;
import static dev.jobstream.support.Api.trigger;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.jobstream.support.DatabaseTest;
import dev.jobstream.support.SseClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

@QuarkusTest
class RunEventStreamTest extends DatabaseTest {

    @TestHTTPResource("/")
    URL base;

    private String events(String id) {
        return base + "v1/runs/" + id + "/events";
    }

    @Test
    void liveStreamDeliversEveryEventInOrderAndClosesAfterTheEnd() throws Exception {
        String id = trigger("demo.sleep", Map.of("params", Map.of("items", 5, "delay_ms", 60)));

        SseClient.Read read = SseClient.read(events(id), null, 1000);

        assertEquals(200, read.status());
        assertTrue(read.closed(), "the server closes the stream after end_json");
        assertEquals(List.of("3000"), read.retries());
        List<SseClient.Event> got = read.events();
        assertEquals(12, got.size(), "start, 5 × (log, progress), end");
        assertEquals(IntStream.rangeClosed(1, 12).mapToObj(Integer::toString).toList(),
                got.stream().map(SseClient.Event::id).toList(), "ids are the gap-free sequence");
        assertEquals("start_json", got.get(0).event());
        assertEquals("log", got.get(1).event());
        assertEquals("progress_json", got.get(2).event());
        assertEquals("end_json", got.get(11).event());
        JsonPath start = JsonPath.from(got.get(0).data());
        assertEquals(id, start.getString("run_id"));
        assertEquals("running", start.getString("state"));
        assertEquals("[ 1 / 5 ] Processing item 1...", JsonPath.from(got.get(1).data()).getString("message"));
        assertEquals(20, JsonPath.from(got.get(2).data()).getInt("percent"));
        JsonPath end = JsonPath.from(got.get(11).data());
        assertTrue(end.getBoolean("ok"));
        assertEquals("completed", end.getString("state"));
        assertFalse(end.getBoolean("cancelled"));
    }

    @Test
    void resumingWithLastEventIdMidRunGivesEveryLaterEventExactlyOnce() throws Exception {
        String id = trigger("demo.sleep", Map.of("workspace_id", UUID.randomUUID().toString(),
                "params", Map.of("items", 8, "delay_ms", 80)));

        SseClient.Read first = SseClient.read(events(id), null, 4);
        assertFalse(first.closed());
        String lastSeen = first.events().get(3).id();
        SseClient.Read rest = SseClient.read(events(id), lastSeen, 1000);

        List<String> all = new ArrayList<>();
        first.events().forEach(e -> all.add(e.id()));
        rest.events().forEach(e -> all.add(e.id()));
        assertTrue(rest.closed());
        assertEquals(IntStream.rangeClosed(1, 18).mapToObj(Integer::toString).toList(), all);
        assertEquals("end_json", rest.events().get(rest.events().size() - 1).event());
    }

    @Test
    void subscribersJoiningALiveStreamFromAnyPointGetEveryLaterEventOnce() throws Exception {
        String id = trigger("demo.sleep", Map.of("workspace_id", UUID.randomUUID().toString(),
                "params", Map.of("items", 20, "delay_ms", 150)));
        try (SseClient.Subscription live = SseClient.subscribe(events(id)).awaitOpen()) {
            // with one subscriber live, the run's recent events are in memory: later ones join from them
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                seen.add(live.next(Duration.ofSeconds(10)).id());
            }
            for (String lastEventId : List.of("2", "5", seen.get(5))) {
                SseClient.Read joined = SseClient.read(events(id), lastEventId, 4);
                int from = Integer.parseInt(lastEventId) + 1;
                assertEquals(IntStream.range(from, from + 4).mapToObj(Integer::toString).toList(),
                        joined.events().stream().map(SseClient.Event::id).toList(), "joined after " + lastEventId);
            }
            SseClient.Read rest = SseClient.read(events(id), "1", 1000);
            assertTrue(rest.closed());
            assertEquals(IntStream.rangeClosed(2, 42).mapToObj(Integer::toString).toList(),
                    rest.events().stream().map(SseClient.Event::id).toList(), "joined after 1, read to the end");
            for (SseClient.Event event; (event = live.next(Duration.ofSeconds(10))) != null;) {
                seen.add(event.id());
                if ("end_json".equals(event.event())) {
                    break;
                }
            }
            assertEquals(IntStream.rangeClosed(1, 42).mapToObj(Integer::toString).toList(), seen);
        }
    }

    @Test
    void losingTheListenConnectionLosesNoEvent() throws Exception {
        SseClient.read(events(UUID.randomUUID().toString()), null, 1); // warm the client up: the stream must be live
        String id = trigger("demo.sleep", Map.of("workspace_id", UUID.randomUUID().toString(),
                "params", Map.of("items", 4, "delay_ms", 200)));
        List<String> ids = new ArrayList<>();
        try (SseClient.Subscription stream = SseClient.subscribe(events(id)).awaitOpen()) {
            SseClient.Event first = stream.next(Duration.ofSeconds(10));
            ids.add(first.id());
            // cut LISTEN while the run goes on: it ends before the connection is back, so only the catch-up after
            // the reconnect can deliver its last events
            assertEquals(1, db.count("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    + " WHERE (query LIKE 'LISTEN%' OR query LIKE '%listen_ping%') AND pid <> pg_backend_pid()"),
                    "the LISTEN connection is cut");
            for (SseClient.Event event; (event = stream.next(Duration.ofSeconds(10))) != null;) {
                ids.add(event.id());
                if ("end_json".equals(event.event())) {
                    break;
                }
            }
        }
        assertEquals(IntStream.rangeClosed(1, 10).mapToObj(Integer::toString).toList(), ids,
                "every event once, in order");
    }

    @Test
    void aFinishedRunReplaysAndCloses() throws Exception {
        String id = trigger("demo.sleep", Map.of("params", Map.of("items", 2, "delay_ms", 1)));
        awaitStatus(id, "completed");

        SseClient.Read all = SseClient.read(events(id), null, 1000);
        SseClient.Read after = SseClient.read(events(id) + "?after=3", null, 1000);

        assertTrue(all.closed());
        assertEquals(6, all.events().size());
        assertEquals(List.of("4", "5", "6"), after.events().stream().map(SseClient.Event::id).toList());
        admin().accept("application/json").get("/v1/runs/{id}/events?after=4", id).then().statusCode(200)
                .body("id", org.hamcrest.Matchers.contains(5, 6)).body("[1].event", equalTo("end_json"));
    }

    @Test
    void aPositionPastTheRunsLastEventIsRefusedAndTheLastOneOfAnEndedRunEndsAtOnce() throws Exception {
        String id = trigger("demo.sleep", Map.of("params", Map.of("items", 2, "delay_ms", 1)));
        awaitStatus(id, "completed");

        SseClient.Read forged = SseClient.read(events(id), "2147483647", 1000);
        SseClient.Read next = SseClient.read(events(id) + "?after=7", null, 1000);
        SseClient.Read caughtUp = SseClient.read(events(id), "6", 1000);
        SseClient.Read last = SseClient.read(events(id), "5", 1000);

        assertEquals(400, forged.status(), "an id the run never gave");
        assertEquals(400, next.status(), "one past its last event (6)");
        assertEquals(204, caughtUp.status(), "every event of an ended run seen: no content, do not reconnect");
        assertEquals(List.of(), caughtUp.events());
        assertEquals(200, last.status());
        assertTrue(last.closed());
        assertEquals(List.of("end_json"), last.events().stream().map(SseClient.Event::event).toList());
    }

    @Test
    void theStreamOfARunSkippedWithoutEventsEndsAtOnce() throws Exception {
        String id = UUID.randomUUID().toString();
        db.execute("""
                INSERT INTO job_runs (id, job_name, workspace_id, exclusive, status, finished_at, error_code)
                VALUES ($1, 'demo.sleep', $2, true, 'skipped', now(), 'slot_taken')
                """, UUID.fromString(id), UUID.randomUUID());

        assertEquals(204, SseClient.read(events(id), null, 1000).status());
    }

    @Test
    void triggerAndStreamAnswersWithTheNewRunsEvents() throws Exception {
        String workspace = UUID.randomUUID().toString();
        String body = "{\"workspace_id\":\"" + workspace + "\",\"params\":{\"items\":3,\"delay_ms\":20}}";

        SseClient.Read read = SseClient.post(base + "v1/jobs/demo.sleep/runs", body, 1000);

        assertEquals(200, read.status());
        assertTrue(read.closed());
        assertEquals(9, read.events().size(), "the run, then start, 3 × (log, progress), end");
        SseClient.Event named = read.events().get(0);
        assertEquals("run_json", named.event());
        assertEquals(null, named.id(), "the run's event leaves the Last-Event-ID as it was");
        String id = JsonPath.from(named.data()).getString("id");
        assertEquals(java.util.Optional.of("/v1/runs/" + id), read.headers().firstValue("Location"));
        assertEquals(workspace, JsonPath.from(named.data()).getString("workspace_id"));
        assertEquals("start_json", read.events().get(1).event());
        assertEquals("1", read.events().get(1).id());
        assertEquals(id, JsonPath.from(read.events().get(1).data()).getString("run_id"));
        assertEquals("end_json", read.events().get(8).event());

        String busy = trigger("demo.sleep", Map.of("workspace_id", workspace, "params", Map.of("items", 30,
                "delay_ms", 50)));
        admin().accept("text/event-stream").contentType("application/json").body(body)
                .post("/v1/jobs/demo.sleep/runs").then().statusCode(409).contentType("application/problem+json")
                .body("active_run_id", equalTo(busy)).body("reason", equalTo("already_running"));
        assertEquals(404, SseClient.post(base + "v1/jobs/no.such/runs", "{}", 1).status());
        assertEquals(400, SseClient.post(base + "v1/jobs/demo.sleep/runs", "{oops", 1).status());
        admin().post("/v1/runs/{id}/cancel?force=true", busy).then().statusCode(202);
    }

    @Test
    void streamsOfUnknownOrMalformedRunsAreProblems() throws Exception {
        assertEquals(404, SseClient.read(events(UUID.randomUUID().toString()), null, 1).status());
        assertEquals(400, SseClient.read(events("nope"), null, 1).status());
        assertEquals(400, SseClient.read(events(UUID.randomUUID().toString()), "x", 1).status());
    }
}

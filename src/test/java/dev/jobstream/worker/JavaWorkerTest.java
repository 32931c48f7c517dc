package dev.jobstream.worker;

import static dev.jobstream.auth.Security.ADMIN;
import static dev.jobstream.auth.Security.OPERATOR;
import static dev.jobstream.auth.Security.WORKER;
import static dev.jobstream.auth.Security.WORKSPACE_A;
import static dev.jobstream.auth.Security.WORKSPACE_B;
import static dev.jobstream.auth.Security.as;
import static dev.jobstream.worker.WorkerTest.register;
import static dev.jobstream.worker.WorkerTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.jobstream.auth.Security;
import dev.jobstream.client.JobFailedException;
import dev.jobstream.client.JobstreamWorker;
import dev.jobstream.client.SnoozeException;
import dev.jobstream.support.DatabaseTest;
import dev.jobstream.support.SseClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * The Java worker library (clients/java) against the service over HTTP: its runs complete with their logs and
 * progress streamed live, pause at a checkpoint until resumed, stop on cancel, fail and are retried, and snooze.
 */
@QuarkusTest
@TestProfile(Security.Profile.class)
class JavaWorkerTest extends DatabaseTest {

    @TestHTTPResource("/")
    URL base;

    private static String trigger(String job, String workspace, Map<String, Object> params) {
        return as(OPERATOR).contentType("application/json").body(Map.of("workspace_id", workspace, "params", params))
                .post("/v1/jobs/" + job + "/runs").then().statusCode(202).extract().path("id");
    }

    private static void awaitStatus(String id, String status) {
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> status.equals(run(id).getString("status")));
    }

    private JobstreamWorker.Builder worker(String id) throws Exception {
        return JobstreamWorker.builder(URI.create(base.toString()), WORKER).workerId(id)
                .pollWait(Duration.ofSeconds(2)).reportEvery(Duration.ofMillis(200)).closeGrace(Duration.ofSeconds(5));
    }

    @Test
    void aRunCompletesWithItsLogAndProgressStreamedLiveToASubscriber() throws Exception {
        register("java.count", Map.of("params", List.of(Map.of("name", "items", "type", "integer", "default", 3))));
        CountDownLatch watched = new CountDownLatch(1);
        try (JobstreamWorker worker = worker("java-1").handle("java.count", run -> {
            long items = ((Number) run.params().get("items")).longValue();
            for (long i = 1; i <= items; i++) {
                run.checkpoint();
                run.info("item " + i);
                run.progress(i, items);
                if (i == 1) {
                    watched.await(20, TimeUnit.SECONDS); // the subscriber is in before the rest happens
                }
            }
            return Map.of("items", items, "dry_run", run.dryRun());
        }).start()) {
            String id = trigger("java.count", WORKSPACE_A, Map.of("items", 4));
            awaitStatus(id, "running");
            try (SseClient.Subscription live = SseClient.subscribe(base + "v1/runs/" + id + "/events", ADMIN)) {
                live.awaitOpen();
                watched.countDown();
                List<SseClient.Event> seen = new ArrayList<>();
                for (SseClient.Event event = live.next(Duration.ofSeconds(20)); event != null
                        && !"end_json".equals(event.event()); event = live.next(Duration.ofSeconds(20))) {
                    seen.add(event);
                }
                assertTrue(seen.stream().anyMatch(e -> "log".equals(e.event()) && e.data().contains("item 4")),
                        seen.toString());
                assertTrue(seen.stream().anyMatch(e -> "progress_json".equals(e.event())
                        && JsonPath.from(e.data()).getInt("processed") == 4), seen.toString());
            }
            awaitStatus(id, "completed");
            JsonPath done = run(id);
            assertEquals(4, done.getInt("metrics.items"));
            assertEquals(4, done.getInt("processed"));
            assertTrue(done.getString("owner").startsWith("worker:worker/java-1"), done.getString("owner"));
        }
    }

    @Test
    void endsThatFinishTogetherGoInOneCallForMany() throws Exception {
        register("java.short", Map.of("exclusive", false));
        int runs = 15; // of 20 places: the worker claims again while a quarter of its places are free
        CountDownLatch together = new CountDownLatch(runs);
        double batchesBefore = requests("/v1/workers/runs/ends");
        double singlesBefore = requests("/v1/workers/runs/{id}/complete");
        List<String> ids = new ArrayList<>();
        try (JobstreamWorker worker = worker("java-4").concurrency(20).handle("java.short", run -> {
            together.countDown();
            together.await(30, TimeUnit.SECONDS); // every run ends at the same moment
            return Map.of();
        }).start()) {
            for (int i = 0; i < runs; i++) {
                ids.add(trigger("java.short", WORKSPACE_A, Map.of()));
            }
            for (String id : ids) {
                awaitStatus(id, "completed");
            }
        }
        double batches = requests("/v1/workers/runs/ends") - batchesBefore;
        assertTrue(batches >= 1 && batches < runs, runs + " ends took " + batches + " calls");
        assertEquals(singlesBefore, requests("/v1/workers/runs/{id}/complete"));
    }

    /** POST requests served to {@code uri} so far, by the HTTP server's meter. */
    private static double requests(String uri) {
        String metrics = as(ADMIN).get("/q/metrics").then().statusCode(200).extract().asString();
        java.util.regex.Matcher sample = java.util.regex.Pattern.compile("(?m)^http_server_requests_seconds_count\\{"
                + "[^}]*uri=\"" + java.util.regex.Pattern.quote(uri) + "\"[^}]*\\} ([0-9.eE+-]+)$").matcher(metrics);
        double total = 0;
        while (sample.find()) {
            total += Double.parseDouble(sample.group(1));
        }
        return total;
    }

    @Test
    void aPauseWaitsAtTheCheckpointUntilResumedAndACancelStopsTheRun() throws Exception {
        register("java.loop", Map.of("exclusive", false));
        try (JobstreamWorker worker = worker("java-2").handle("java.loop", run -> {
            for (int i = 0; i < 10_000; i++) {
                run.checkpoint();
                run.progress(i, null);
                Thread.sleep(20);
            }
            return Map.of();
        }).start()) {
            String id = trigger("java.loop", WORKSPACE_A, Map.of());
            awaitStatus(id, "running");
            as(OPERATOR).post("/v1/runs/" + id + "/pause").then().statusCode(202);
            awaitStatus(id, "paused");
            long processed = run(id).getLong("processed");
            as(OPERATOR).post("/v1/runs/" + id + "/resume").then().statusCode(202);
            awaitStatus(id, "running");
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> run(id).getLong("processed") > processed);

            as(OPERATOR).post("/v1/runs/" + id + "/cancel").then().statusCode(202);
            awaitStatus(id, "cancelled");
            assertEquals(1, run(id).getInt("attempt"));
        }
    }

    @Test
    void aFailureIsRetriedByTheJobsPolicyAndASnoozeComesBackAsTheNextAttempt() throws Exception {
        register("java.flaky", Map.of("exclusive", false, "retry", Map.of("max_attempts", 2, "backoff_base_ms", 1,
                "backoff_max_ms", 1, "jitter", 0)));
        register("java.sleepy", Map.of("exclusive", false));
        try (JobstreamWorker worker = worker("java-3").handle("java.flaky", run -> {
            if (run.attempt() == 1) {
                throw new IllegalStateException("the first attempt breaks");
            }
            return Map.of("attempt", run.attempt());
        }).handle("java.sleepy", run -> {
            if (run.attempt() == 1) {
                throw new SnoozeException(Duration.ofMillis(10));
            }
            throw new JobFailedException("not this time", "bad_input", false);
        }).start()) {
            String flaky = trigger("java.flaky", WORKSPACE_B, Map.of());
            String sleepy = trigger("java.sleepy", WORKSPACE_B, Map.of());
            awaitStatus(flaky, "completed");
            assertEquals(2, run(flaky).getInt("metrics.attempt"));
            assertTrue(run(flaky).getString("attempts[0].error").contains("the first attempt breaks"));

            awaitStatus(sleepy, "failed");
            JsonPath failed = run(sleepy);
            assertEquals("bad_input", failed.getString("error_code"));
            assertEquals(2, failed.getInt("attempt"));
            assertEquals("snoozed", failed.getString("attempts[0].outcome"));
        }
    }
}

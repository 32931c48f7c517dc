package dev.jobstream.client;

import static dev.jobstream.support.Api.ADMIN_TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.jobstream.support.Api;
import dev.jobstream.support.DatabaseTest;
import dev.jobstream.support.TcpProxy;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The Java caller library (clients/java) against the service over HTTP: it triggers runs and waits for their end,
 * controls them, follows their events across a dropped connection, lists them page by page, watches the live feed,
 * reports the service's problems, and reads its token from a file.
 */
@QuarkusTest
class JobstreamClientTest extends DatabaseTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @TestHTTPResource("/")
    URL base;

    private JobstreamClient client() {
        return client(base.getPort());
    }

    private static JobstreamClient client(int port) {
        return JobstreamClient.builder(URI.create("http://127.0.0.1:" + port)).token(ADMIN_TOKEN).build();
    }

    /** demo.sleep is exclusive: each test's runs of it go to a workspace of their own. */
    private static TriggerRequest sleep(UUID workspace, int items, int delayMillis) {
        return TriggerRequest.params(Map.of("items", items, "delay_ms", delayMillis)).withWorkspace(workspace);
    }

    private void awaitStatus(JobstreamClient client, UUID id, String status) {
        Awaitility.await().atMost(PATIENCE).pollInterval(Duration.ofMillis(20))
                .until(() -> status.equals(client.run(id).status()));
    }

    @Test
    void aTriggeredRunIsAwaitedToItsCompletion() throws Exception {
        JobstreamClient client = client();
        TriggerRequest request = sleep(UUID.randomUUID(), 3, 10).withPriority(5).withIdempotencyKey("report-1");
        Run run = client.trigger("demo.sleep", request);
        assertEquals("demo.sleep", run.job());
        assertEquals(5, run.priority());
        assertEquals(request.workspaceId(), run.workspaceId());

        Run ended = client.awaitEnd(run.id(), PATIENCE);
        assertEquals("completed", ended.status());
        assertTrue(ended.isTerminal());
        assertEquals(3, ended.processed());
        assertEquals(3, ended.metrics().path("items").asInt(), ended.metrics().toString());
        assertNotNull(ended.finishedAt());
        assertEquals(run.id(), client.trigger("demo.sleep", request).id(), "the idempotency key answers its run");
    }

    @Test
    void aTriggerNamesTheWebhookItsRunCalls() throws Exception {
        // an address of the documentation range: public to the allow-list of every profile, and never reached
        Api.json(Map.of("url", "http://203.0.113.9/hook")).put("/v1/webhooks/client-hook").then().statusCode(201);
        Run run = client().trigger("demo.noop", TriggerRequest.DEFAULTS.withWebhook("client-hook"));
        Api.run(run.id().toString()).body("webhook", org.hamcrest.Matchers.equalTo("client-hook"));
        JobstreamApiException unknown = assertThrows(JobstreamApiException.class,
                () -> client().trigger("demo.noop", TriggerRequest.DEFAULTS.withWebhook("no-such-hook")));
        assertEquals(400, unknown.status(), unknown.getMessage());
    }

    @Test
    void aRunAskedForLaterIsScheduledAndADryRunIsMarked() throws Exception {
        JobstreamClient client = client();
        Run later = client.trigger("demo.noop", TriggerRequest.DEFAULTS.withDelay(Duration.ofMinutes(10)));
        assertEquals("scheduled", later.displayStatus());
        assertTrue(later.runAfter().isAfter(later.createdAt().plus(Duration.ofMinutes(9))), later.toString());
        assertEquals("cancelled", client.cancel(later.id()).status(), "a run not due yet is cancelled at once");

        Run dry = client.trigger("demo.noop", TriggerRequest.DEFAULTS.withDryRun(true));
        assertTrue(dry.dryRun());
        assertEquals("completed", client.awaitEnd(dry.id(), PATIENCE).status());
    }

    @Test
    void aFailedRunEndsFailedAndARetryRunsItAgain() throws Exception {
        JobstreamClient client = client();
        UUID workspace = UUID.randomUUID();
        Run run = client.trigger("demo.sleep", TriggerRequest.params(Map.of("items", 3, "delay_ms", 10, "fail_at", 2))
                .withWorkspace(workspace));

        Run failed = client.awaitEnd(run.id(), PATIENCE);
        assertEquals("failed", failed.status());
        assertTrue(failed.error().contains("fail_at"), failed.error());

        assertFalse(client.retry(run.id()).isTerminal());
        Run again = client.awaitEnd(run.id(), PATIENCE);
        assertEquals("failed", again.status(), "the same params fail again");
        assertEquals(2, again.attempt());
    }

    @Test
    void aRunIsPausedResumedAndCancelled() throws Exception {
        JobstreamClient client = client();
        Run run = client.trigger("demo.sleep", sleep(UUID.randomUUID(), 1000, 20));
        awaitStatus(client, run.id(), "running");

        client.pause(run.id());
        awaitStatus(client, run.id(), "paused");
        client.resume(run.id());
        awaitStatus(client, run.id(), "running");
        client.cancel(run.id());

        Run cancelled = client.awaitEnd(run.id(), PATIENCE);
        assertEquals("cancelled", cancelled.status());
        JobstreamApiException again = assertThrows(JobstreamApiException.class, () -> client.cancel(run.id()));
        assertEquals(409, again.status());
        assertEquals("Cannot cancel: run is already cancelled", again.detail());
    }

    @Test
    void followingResumesAfterADroppedConnectionWithNoGapAndNoRepeat() throws Exception {
        JobstreamClient client = client();
        Run run = client.trigger("demo.sleep", sleep(UUID.randomUUID(), 20, 100));
        List<RunEvent> seen = new ArrayList<>();
        AtomicBoolean dropped = new AtomicBoolean();
        int last;
        try (TcpProxy proxy = new TcpProxy(base.getPort())) {
            last = client(proxy.port()).follow(run.id(), 0, event -> {
                seen.add(event);
                if (seen.size() == 4 && dropped.compareAndSet(false, true)) {
                    proxy.cut(); // the connection drops mid-stream, the run goes on for seconds
                    proxy.restore();
                }
            });
        }

        assertTrue(dropped.get());
        List<Integer> seqs = seen.stream().map(RunEvent::seq).toList();
        assertEquals(IntStream.rangeClosed(1, last).boxed().toList(), seqs);
        assertTrue(seen.get(seen.size() - 1).isEnd(), seqs.toString());
        assertEquals(last, Api.admin().get("/v1/runs/{id}/events", run.id().toString()).then().statusCode(200)
                .extract().jsonPath().getList("id").size(), "every stored event was handed on");
        assertEquals(last, client.follow(run.id(), last, event -> {
            throw new AssertionError("an event after the last: " + event);
        }), "the end of an ended run's stream answers at once");
    }

    @Test
    void runsAreListedPageByPage() throws Exception {
        JobstreamClient client = client();
        UUID workspace = UUID.randomUUID();
        List<BatchResult> results = client.triggerBatch("demo.noop",
                IntStream.range(0, 5).mapToObj(i -> TriggerRequest.DEFAULTS.withWorkspace(workspace)).toList());
        assertEquals(List.of(202, 202, 202, 202, 202), results.stream().map(BatchResult::status).toList());
        Set<UUID> triggered = results.stream().map(result -> result.run().id()).collect(Collectors.toSet());

        RunQuery query = RunQuery.job("demo.noop").withWorkspace(workspace).withLimit(2);
        RunPage first = client.runs(query);
        assertEquals(2, first.runs().size());
        assertNotNull(first.nextCursor());
        RunPage last = client.runs(query.withCursor(client.runs(query.withCursor(first.nextCursor())).nextCursor()));
        assertEquals(1, last.runs().size());
        assertNull(last.nextCursor());

        List<UUID> all = client.allRuns(query).map(Run::id).toList();
        assertEquals(5, all.size(), all.toString());
        assertEquals(triggered, Set.copyOf(all));
        assertEquals(first.runs().stream().map(Run::id).toList(), all.subList(0, 2), "newest first, page after page");
    }

    @Test
    void theLiveFeedShowsARunsChanges() throws Exception {
        JobstreamClient client = client();
        UUID workspace = UUID.randomUUID();
        try (Stream<RunChange> changes = client.changes("demo.sleep", workspace)) {
            Run run = client.trigger("demo.sleep", sleep(workspace, 3, 200));
            RunChange completed = assertTimeoutPreemptively(PATIENCE, () -> changes
                    .filter(change -> change.id().equals(run.id()) && change.status().equals("completed"))
                    .findFirst().orElseThrow());
            assertEquals("state", completed.type());
            assertEquals(3, completed.processed());
            assertEquals(workspace, completed.workspaceId());
        }
    }

    @Test
    void jobsAndSchedulesAreListed() throws Exception {
        JobstreamClient client = client();
        Job sleep = client.jobs().stream().filter(job -> job.name().equals("demo.sleep")).findFirst().orElseThrow();
        assertEquals("service", sleep.executor());
        assertTrue(sleep.exclusive());
        assertEquals(1, sleep.retry().maxAttempts());
        assertEquals(5, sleep.paramsDefaults().path("items").asInt(), sleep.paramsDefaults().toString());
        assertEquals("integer", sleep.paramsSchema().path("properties").path("fail_at").path("type").asText());

        UUID workspace = UUID.randomUUID();
        String id = Api.json(Map.of("job", "demo.noop", "workspace_id", workspace.toString(), "cron", "0 4 * * *",
                "time_zone", "Europe/Berlin", "params", Map.of())).post("/v1/schedules").then().statusCode(201)
                .extract().path("id");
        List<Schedule> schedules = client.schedules(null, workspace, null);
        assertEquals(List.of(UUID.fromString(id)), schedules.stream().map(Schedule::id).toList());
        Schedule schedule = schedules.get(0);
        assertEquals("demo.noop", schedule.job());
        assertEquals("0 4 * * *", schedule.cron());
        assertEquals("Europe/Berlin", schedule.timeZone());
        assertEquals("api", schedule.source());
        assertTrue(schedule.enabled());
        assertEquals(5, schedule.nextFireTimes().size(), schedule.toString());
        assertEquals(schedule.nextFireAt(), schedule.nextFireTimes().get(0));
        assertEquals(List.of(), client.schedules("demo.sleep", workspace, 10), "another job's schedules");
    }

    @Test
    void anUnknownJobIsAProblemWithItsStatusAndTitle() {
        JobstreamApiException problem = assertThrows(JobstreamApiException.class,
                () -> client().trigger("no.such.job", TriggerRequest.DEFAULTS));
        assertEquals(404, problem.status());
        assertEquals("Not Found", problem.title());
        assertEquals(404, problem.problem().path("status").asInt());
        assertTrue(problem.detail().contains("no.such.job"), problem.detail());

        assertEquals(400, assertThrows(JobstreamApiException.class, () -> client().trigger("demo.noop",
                TriggerRequest.DEFAULTS.withPriority(101))).status(), "a priority out of bounds");
    }

    @Test
    void theTokenIsReadFromTheFileJobstreamTokenFileNames(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("token"), ADMIN_TOKEN + "\n");
        URI url = URI.create(base.toString());
        JobstreamClient client = JobstreamClient.builder(url)
                .environment(Map.of("JOBSTREAM_TOKEN_FILE", file.toString())).build();
        Run run = client.trigger("demo.noop", TriggerRequest.DEFAULTS);
        assertEquals(run.id(), client.run(run.id()).id());

        Files.writeString(file, "not-a-token");
        JobstreamClient wrong = JobstreamClient.builder(url)
                .environment(Map.of("JOBSTREAM_TOKEN_FILE", file.toString())).build();
        assertEquals(401, assertThrows(JobstreamApiException.class, () -> wrong.run(run.id())).status());
        assertThrows(IllegalStateException.class, () -> JobstreamClient.builder(url).environment(Map.of()).build());

        Files.writeString(file, ADMIN_TOKEN);
        JobstreamClient fromFile = JobstreamClient.builder(url).environment(Map.of("JOBSTREAM_TOKEN", "not-a-token"))
                .tokenFile(file).build();
        assertEquals(run.id(), fromFile.run(run.id()).id(), "the builder's token file before the environment");
        Path missing = dir.resolve("missing");
        assertThrows(UncheckedIOException.class, () -> JobstreamClient.builder(url).tokenFile(missing).build());
    }
}

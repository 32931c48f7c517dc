package dev.jobstream.worker;

import static dev.jobstream.support.ReplicaCalls.admin;
import static dev.jobstream.support.ReplicaCalls.assertGapFree;
import static dev.jobstream.support.ReplicaCalls.awaitStatus;
import static dev.jobstream.support.ReplicaCalls.count;
import static dev.jobstream.support.ReplicaCalls.events;
import static dev.jobstream.support.ReplicaCalls.get;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.jobstream.auth.Security;
import dev.jobstream.client.JobstreamWorker;
import dev.jobstream.config.EmbeddedDatabase;
import dev.jobstream.support.Api;
import dev.jobstream.support.Replica;
import dev.jobstream.support.SseClient;
import dev.jobstream.support.TcpProxy;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.json.JsonArray;

/**
 * Workers outside the service against two packaged replicas: the Java library and the Node example each run a job to
 * completion, its stream seen live by a third client through the other replica; the Node worker killed mid-run
 * leaves its run to the sweep, which retries it, and a Java worker finishes it while the killed lease stays
 * fenced out; the registry shows the one worker up and the other lost. Exclusive keys and cluster-wide limits hold
 * for workers and engines at once, across replicas; a worker token scoped to a job and a workspace claims nothing
 * else. Jobs are registered through the API and from a jobs file read at start-up, which stops the start when a
 * definition is not valid.
 */
class WorkersIT {

    static final String WORKER_TOKEN = "it-worker-token-0123456789";
    static final String SCOPED_TOKEN = "it-scoped-worker-token-0123456789";
    static final String SCOPED_WORKSPACE = UUID.randomUUID().toString();
    static final Duration STALE_AFTER = Duration.ofSeconds(2);
    /**
     * How long a call whose reply the proxy drops is given before it is sent again: well within the lease (stale-after
     * less a fifth), or the sweeper takes the run back before the repeat arrives.
     */
    static final int DROPPED_REPLY_WAIT = 600;
    static final Map<String, String> FAST = Map.of(
            "JOBSTREAM_HEARTBEAT_INTERVAL", "300ms",
            "JOBSTREAM_STALE_AFTER", STALE_AFTER.toMillis() + "ms",
            "JOBSTREAM_SWEEPER_INTERVAL", "500ms",
            "JOBSTREAM_SHUTDOWN_GRACE", "5s");
    static final Map<String, Object> COUNT = Map.of("exclusive", false,
            "params", List.of(Map.of("name", "days", "type", "integer", "default", 3),
                    Map.of("name", "delay_ms", "type", "integer", "default", 50)),
            "retry", Map.of("max_attempts", 3, "backoff_base_ms", 100, "backoff_max_ms", 100, "jitter", 0));

    static int pgPort;

    @BeforeAll
    static void database() {
        pgPort = EmbeddedDatabase.start().port();
    }

    @Test
    void javaAndNodeWorkersRunJobsLiveAndAKilledWorkersRunIsRetriedByAnother() throws Exception {
        String database = Replica.newDatabase(pgPort);
        Path jobs = Files.createTempFile("jobs", ".json");
        Files.writeString(jobs, new io.vertx.core.json.JsonObject().put("remote.node", COUNT).encode());
        Map<String, String> env = withWorkerToken();
        env.put("JOBSTREAM_WORKERS_JOBS_FILE", jobs.toString());
        String workspace = UUID.randomUUID().toString();
        try (Replica a = Replica.start("workers-a", pgPort, database, env);
                Replica b = Replica.start("workers-b", pgPort, database, env)) {
            admin().contentType("application/json").body(COUNT).put(a.url("/v1/jobs/remote.java")).then()
                    .statusCode(201);
            // remote.node comes from the jobs file; replica b learns of remote.java through the notification
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> get(b, "/v1/jobs").getList("name")
                    .containsAll(List.of("remote.java", "remote.node")));

            Process node = node(b, "node-1");
            try (JobstreamWorker java = JobstreamWorker.builder(URI.create(a.url("/")), WORKER_TOKEN)
                    .workerId("java-1").pollWait(Duration.ofSeconds(5)).reportEvery(Duration.ofMillis(200))
                    .closeGrace(Duration.ofSeconds(5))
                    .handle("remote.java", WorkersIT::countDays).start()) {

                // each worker runs a job to completion, seen live by a subscriber of the other replica
                String byNode = trigger(a, "remote.node", workspace, 10, 100);
                watchToTheEnd(a, byNode, "worker:it-worker/node-1");
                String byJava = trigger(b, "remote.java", workspace, 10, 100);
                watchToTheEnd(a, byJava, "worker:it-worker/java-1");

                // the Node worker killed mid-run: its lease expires, the run is retried and the Java worker ends it
                String killed = trigger(a, "remote.node", workspace, 200, 50);
                Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> get(a, "/v1/runs/" + killed)
                        .getLong("processed") > 0);
                assertEquals("worker:it-worker/node-1", get(a, "/v1/runs/" + killed).getString("owner"));
                node.destroyForcibly().waitFor();
                try (JobstreamWorker java2 = JobstreamWorker.builder(URI.create(b.url("/")), WORKER_TOKEN)
                        .workerId("java-2").pollWait(Duration.ofSeconds(5)).reportEvery(Duration.ofMillis(200))
                        .closeGrace(Duration.ofSeconds(5)).handle("remote.node", WorkersIT::countDays).start()) {
                    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                            .until(() -> "completed".equals(get(b, "/v1/runs/" + killed).getString("status")));
                }
                JsonPath run = get(b, "/v1/runs/" + killed);
                assertEquals("worker:it-worker/java-2", run.getString("owner"));
                assertEquals(2, run.getInt("attempt"));
                assertEquals("stale", run.getString("attempts[0].outcome"));
                assertEquals("worker:it-worker/node-1", run.getString("attempts[0].owner"));
                assertEquals(1, get(b, "/v1/errors?kind=STALE_RUN&run_id=" + killed).getList("errors").size());
                // the killed worker's lease is fenced out: a late write is refused and stores nothing
                int lastSeq = events(b, killed).size();
                given().header("Authorization", "Bearer " + WORKER_TOKEN).contentType("application/json")
                        .body(Map.of("lease", "1.node-1", "seq", 99, "events", List.of(Map.of("type", "log",
                                "message", "too late"))))
                        .post(a.url("/v1/workers/runs/" + killed + "/report")).then().statusCode(409);
                assertEquals(lastSeq, events(b, killed).size());
                assertGapFree(events(b, killed));

                // pause, resume and cancel reach the Java worker at its checkpoints; force-cancel fences it out
                String controlled = trigger(a, "remote.java", workspace, 100_000, 20);
                awaitStatus(b, controlled, "running");
                admin().post(b.url("/v1/runs/" + controlled + "/pause")).then().statusCode(202);
                awaitStatus(b, controlled, "paused");
                admin().post(b.url("/v1/runs/" + controlled + "/resume")).then().statusCode(202);
                awaitStatus(b, controlled, "running");
                admin().post(b.url("/v1/runs/" + controlled + "/cancel")).then().statusCode(202);
                awaitStatus(b, controlled, "cancelled");
                String forced = trigger(a, "remote.java", workspace, 100_000, 20);
                awaitStatus(b, forced, "running");
                admin().post(b.url("/v1/runs/" + forced + "/cancel?force=true")).then().statusCode(202);
                awaitStatus(b, forced, "cancelled");
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ((Number) worker(b, "java-1")
                        .get("running")).intValue() == 0);
                assertEquals(1, count(events(b, forced), "end_json"), "the fenced worker stored no end of its own");

                lostReplies(a, workspace);

                // the registry: the Java worker up, the killed Node worker lost
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> "lost".equals(worker(b, "node-1")
                        .get("state")));
                assertEquals("up", worker(b, "java-1").get("state"));
                assertEquals(List.of("remote.java"), worker(b, "java-1").get("jobs"));
            } finally {
                node.destroyForcibly();
            }
        }
    }

    @Test
    void limitsHoldForEnginesAndWorkersTogetherAndAScopedWorkerTokenClaimsItsOwnOnly() throws Exception {
        String database = Replica.newDatabase(pgPort);
        String workspace = UUID.randomUUID().toString();
        java.util.concurrent.atomic.AtomicInteger inHandler = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger mostInHandler = new java.util.concurrent.atomic.AtomicInteger();
        dev.jobstream.client.JobHandler counted = run -> {
            mostInHandler.accumulateAndGet(inHandler.incrementAndGet(), Math::max);
            try {
                return countDays(run);
            } finally {
                inHandler.decrementAndGet();
            }
        };
        Map<String, Object> limited = new java.util.HashMap<>(COUNT);
        limited.put("max_active", 2);
        Map<String, Object> exclusive = new java.util.HashMap<>(COUNT);
        exclusive.put("exclusive", true);
        try (Replica a = Replica.start("limits-a", pgPort, database, withWorkerToken());
                Replica b = Replica.start("limits-b", pgPort, database, withWorkerToken())) {
            admin().contentType("application/json").body(limited).put(a.url("/v1/jobs/remote.limited")).then()
                    .statusCode(201);
            admin().contentType("application/json").body(exclusive).put(a.url("/v1/jobs/remote.single")).then()
                    .statusCode(201);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> get(b, "/v1/jobs").getList("name")
                    .containsAll(List.of("remote.limited", "remote.single")));
            try (JobstreamWorker byA = limitsWorker(a, "limits-a", counted);
                    JobstreamWorker byB = limitsWorker(b, "limits-b", counted)) {

                // bursts through both replicas: the workers' job and the engines' job, each at most 2 at once
                List<String> remote = new ArrayList<>();
                List<String> engines = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    remote.add(trigger(i % 2 == 0 ? a : b, "remote.limited", workspace, 3, 100));
                    engines.add(trigger(i % 2 == 0 ? b : a, "demo.throttled", workspace, 3, 100));
                }
                for (String id : concat(remote, engines)) {
                    awaitStatus(a, id, "completed");
                }
                assertEquals(2, mostInHandler.get(), "the workers ran 2 at once, never more");
                assertEquals(2, mostAtOnce(a, remote), "remote.limited");
                assertEquals(2, mostAtOnce(a, engines), "demo.throttled");

                // triggers racing through both replicas: one active run per workspace, executed by either
                for (String job : List.of("remote.single", "demo.sleep")) {
                    String accepted = oneAcceptedOf(a, b, job, workspace);
                    awaitStatus(b, accepted, "completed");
                    trigger(b, job, workspace, 1, 1); // the slot is free again
                }
            }
            scopedWorker(a, b);
        }
    }

    /**
     * A worker token limited to one job and one workspace, through the packaged service: it claims that job's runs
     * of that workspace only, cannot claim another job, sees no other run and can do nothing but claim and report.
     */
    private static void scopedWorker(Replica a, Replica b) {
        String other = UUID.randomUUID().toString();
        String outside = trigger(a, "remote.limited", other, 1, 1);
        String inside = trigger(b, "remote.limited", SCOPED_WORKSPACE, 1, 1);
        JsonPath claimed = given().header("Authorization", "Bearer " + SCOPED_TOKEN).contentType("application/json")
                .body(Map.of("worker", "scoped-1", "jobs", List.of("remote.limited"), "max", 5, "wait", 5))
                .post(a.url("/v1/workers/claim")).then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(inside), claimed.getList("runs.run_id"));
        assertEquals("queued", get(b, "/v1/runs/" + outside).getString("status"));
        given().header("Authorization", "Bearer " + SCOPED_TOKEN).contentType("application/json")
                .body(Map.of("worker", "scoped-1", "jobs", List.of("remote.single"), "wait", 0))
                .post(b.url("/v1/workers/claim")).then().statusCode(403);
        given().header("Authorization", "Bearer " + SCOPED_TOKEN).contentType("application/json")
                .body(Map.of("lease", "1.scoped-1", "seq", 1)).post(b.url("/v1/workers/runs/" + outside + "/report"))
                .then().statusCode(404);
        given().header("Authorization", "Bearer " + SCOPED_TOKEN).get(b.url("/v1/runs/" + inside)).then()
                .statusCode(403);
        given().header("Authorization", "Bearer " + SCOPED_TOKEN).contentType("application/json")
                .body(Map.of("workspace_id", SCOPED_WORKSPACE)).post(a.url("/v1/jobs/remote.limited/runs")).then()
                .statusCode(403);
        assertEquals("completed", given().header("Authorization", "Bearer " + SCOPED_TOKEN)
                .contentType("application/json").body(Map.of("lease", claimed.getString("runs[0].lease.token")))
                .post(b.url("/v1/workers/runs/" + inside + "/complete")).then().statusCode(200).extract()
                .path("status"));
    }

    private static JobstreamWorker limitsWorker(Replica replica, String id, dev.jobstream.client.JobHandler handler) {
        return JobstreamWorker.builder(URI.create(replica.url("/")), WORKER_TOKEN).workerId(id).concurrency(4)
                .pollWait(Duration.ofSeconds(5)).reportEvery(Duration.ofMillis(200)).closeGrace(Duration.ofSeconds(5))
                .handle("remote.limited", handler).handle("remote.single", handler).start();
    }

    /** Eight triggers of {@code job} at once, alternately through each replica: the one accepted (202). */
    private static String oneAcceptedOf(Replica a, Replica b, String job, String workspace) throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<io.restassured.response.Response>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Replica through = i % 2 == 0 ? a : b;
                answers.add(pool.submit(() -> {
                    start.await();
                    return admin().contentType("application/json").body(Map.of("workspace_id", workspace,
                            "params", params(job, 5, 100)))
                            .post(through.url("/v1/jobs/" + job + "/runs"));
                }));
            }
            start.countDown();
            List<String> accepted = new ArrayList<>();
            List<String> activeRunIds = new ArrayList<>();
            for (var answer : answers) {
                io.restassured.response.Response response = answer.get(60, java.util.concurrent.TimeUnit.SECONDS);
                if (response.statusCode() == 202) {
                    accepted.add(response.path("id"));
                } else {
                    assertEquals(409, response.statusCode(), response.asString());
                    activeRunIds.add(response.path("active_run_id"));
                }
            }
            assertEquals(1, accepted.size(), job + ": " + accepted);
            assertEquals(java.util.Collections.nCopies(7, accepted.get(0)), activeRunIds, job);
            return accepted.get(0);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The most of {@code runs} that were executing at one instant, by their stored start and finish. */
    private static int mostAtOnce(Replica replica, List<String> runs) {
        List<Map.Entry<java.time.Instant, Integer>> edges = new ArrayList<>();
        for (String id : runs) {
            JsonPath run = get(replica, "/v1/runs/" + id);
            edges.add(Map.entry(java.time.Instant.parse(run.getString("started_at")), 1));
            edges.add(Map.entry(java.time.Instant.parse(run.getString("finished_at")), -1));
        }
        // a run that ends at the instant another starts freed its slot first
        edges.sort(Map.Entry.<java.time.Instant, Integer>comparingByKey().thenComparing(Map.Entry.comparingByValue()));
        int now = 0;
        int most = 0;
        for (Map.Entry<java.time.Instant, Integer> edge : edges) {
            now += edge.getValue();
            most = Math.max(most, now);
        }
        return most;
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    /** The fast timings, with a tokens file that holds the workers' token. */
    private static Map<String, String> withWorkerToken() throws IOException {
        Path tokens = Files.createTempFile("tokens", ".json");
        io.vertx.core.json.JsonObject scoped = Security.entry("it-scoped", SCOPED_TOKEN, List.of("worker"),
                List.of(SCOPED_WORKSPACE), null).put("jobs", new JsonArray(List.of("remote.limited")));
        Files.writeString(tokens, new JsonArray()
                .add(Security.entry("it-worker", WORKER_TOKEN, List.of("worker"), null, null)).add(scoped).encode());
        Map<String, String> env = new java.util.HashMap<>(FAST);
        env.put("JOBSTREAM_TOKENS_FILE", tokens.toString());
        return env;
    }

    @Test
    void aJobsFileWithAnInvalidDefinitionStopsTheStartWithTheReason() throws Exception {
        String database = Replica.newDatabase(pgPort);
        Path jobs = Files.createTempFile("jobs", ".json");
        Files.writeString(jobs, "{\"remote.ok\": {}, \"remote.bad\": {\"retry\": {\"max_attempts\": 99}}}");

        Replica.Exit exit = Replica.expectExit("bad-jobs", pgPort, database,
                Map.of("JOBSTREAM_WORKERS_JOBS_FILE", jobs.toString()), Duration.ofSeconds(60));

        assertTrue(exit.code() != 0, exit.output());
        assertTrue(exit.output().contains("JOBSTREAM_WORKERS_JOBS_FILE " + jobs + ": job 'remote.bad': "),
                exit.output());
    }

    /**
     * A worker's report and end whose replies are lost (a proxy between drops them): sent again, each is stored once
     * and answered as the first left the run.
     */
    private static void lostReplies(Replica replica, String workspace) throws Exception {
        admin().contentType("application/json").body(COUNT).put(replica.url("/v1/jobs/remote.raw"))
                .then().statusCode(201);
        String id = trigger(replica, "remote.raw", workspace, 1, 1);
        JsonPath claimed = worker().body(Map.of("worker", "raw-1", "jobs", List.of("remote.raw"), "wait", 10))
                .post(replica.url("/v1/workers/claim")).then().statusCode(200).extract().jsonPath();
        assertEquals(id, claimed.getString("runs[0].run_id"));
        String lease = claimed.getString("runs[0].lease.token");
        try (TcpProxy proxy = new TcpProxy(URI.create(replica.url("/")).getPort())) {
            String through = "http://127.0.0.1:" + proxy.port() + "/v1/workers/runs/" + id + "/";
            Map<String, Object> report = Map.of("lease", lease, "seq", 1, "events", List.of(Map.of("type", "log",
                    "message", "once")));
            proxy.dropReplies(true);
            assertNoReply(() -> worker(DROPPED_REPLY_WAIT).body(report).post(through + "report"));
            proxy.dropReplies(false);
            assertEquals(false, worker().body(report).post(through + "report").then().statusCode(200).extract()
                    .jsonPath().getBoolean("stored"), "the report was stored the first time");
            proxy.dropReplies(true);
            assertNoReply(() -> worker(DROPPED_REPLY_WAIT).body(Map.of("lease", lease)).post(through + "complete"));
            proxy.dropReplies(false);
            assertEquals("completed", worker().body(Map.of("lease", lease)).post(through + "complete").then()
                    .statusCode(200).extract().path("status"));
        }
        List<Map<String, Object>> events = events(replica, id);
        assertEquals(1, events.stream().filter(e -> "log".equals(e.get("event"))).count(), events.toString());
        assertEquals(1, count(events, "end_json"));
        assertGapFree(events);
    }

    private static RequestSpecification worker() {
        return worker(2000);
    }

    /** A call whose reply is awaited for {@code millis} at most. */
    private static RequestSpecification worker(int millis) {
        return given().header("Authorization", "Bearer " + WORKER_TOKEN).contentType("application/json")
                .config(io.restassured.RestAssured.config().httpClient(io.restassured.config.HttpClientConfig
                        .httpClientConfig().setParam("http.socket.timeout", millis)));
    }

    private static void assertNoReply(Runnable call) {
        try {
            call.run();
            fail("a reply came through");
        } catch (Exception e) { // rest-assured throws the socket's timeout as it is, unchecked or not
            Throwable cause = e;
            while (cause.getCause() != null && !(cause instanceof java.net.SocketTimeoutException)) {
                cause = cause.getCause();
            }
            assertTrue(cause instanceof java.net.SocketTimeoutException, e.toString());
        }
    }

    /**
     * The jobs' code, as the Node example's: goes through {@code days}, a checkpoint, a log line and progress each,
     * {@code delay_ms} apart.
     */
    private static Map<String, ?> countDays(dev.jobstream.client.RunContext run) throws Exception {
        int days = ((Number) run.params().get("days")).intValue();
        for (int i = 1; i <= days; i++) {
            run.checkpoint();
            run.info("day " + i + " of " + days);
            run.progress(i, (long) days);
            Thread.sleep(((Number) run.params().get("delay_ms")).longValue());
        }
        return Map.of("days", days);
    }

    /** Subscribes to the run's stream through {@code replica} and reads it to its end: live, complete, in order. */
    private static void watchToTheEnd(Replica replica, String id, String owner) throws Exception {
        List<SseClient.Event> seen = new ArrayList<>();
        try (SseClient.Subscription live = SseClient.subscribe(replica.url("/v1/runs/" + id + "/events"),
                Api.ADMIN_TOKEN)) {
            live.awaitOpen();
            for (SseClient.Event event = live.next(Duration.ofSeconds(30)); event != null; event = live
                    .next(Duration.ofSeconds(30))) {
                seen.add(event);
                if ("end_json".equals(event.event())) {
                    break;
                }
            }
        }
        assertTrue(!seen.isEmpty() && "end_json".equals(seen.get(seen.size() - 1).event()), seen.toString());
        assertEquals("completed", JsonPath.from(seen.get(seen.size() - 1).data()).getString("state"), seen.toString());
        assertEquals(IntStream.rangeClosed(1, seen.size()).mapToObj(Integer::toString).toList(),
                seen.stream().map(SseClient.Event::id).toList(), "every event, in order, from the first");
        assertEquals(10, seen.stream().filter(e -> "progress_json".equals(e.event())).count(), seen.toString());
        JsonPath run = get(replica, "/v1/runs/" + id);
        assertEquals(owner, run.getString("owner"));
        assertEquals(10, run.getInt("metrics.days"));
    }

    private static Process node(Replica replica, String workerId) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("node", "example.mjs", "remote.node", "--worker", workerId)
                .directory(new File("clients/node")).redirectErrorStream(true)
                .redirectOutput(new File("target/worker-" + workerId + ".log"));
        builder.environment().put("JOBSTREAM_URL", replica.url("/"));
        builder.environment().put("JOBSTREAM_TOKEN", WORKER_TOKEN);
        try {
            return builder.start();
        } catch (IOException e) {
            fail("node is needed for this test (.ci/run installs it): " + e.getMessage());
            throw e;
        }
    }

    /** A run of {@code count} steps, {@code delayMs} apart. */
    static String trigger(Replica replica, String job, String workspace, int count, int delayMs) {
        return trigger(replica, job, workspace, params(job, count, delayMs));
    }

    /** The params of a run of {@code count} steps: the demo jobs count {@code items}, the workers' code {@code days}. */
    static Map<String, Object> params(String job, int count, int delayMs) {
        return Map.of(job.startsWith("demo.") ? "items" : "days", count, "delay_ms", delayMs);
    }

    static String trigger(Replica replica, String job, String workspace, Map<String, Object> params) {
        return admin().contentType("application/json").body(Map.of("workspace_id", workspace, "params", params))
                .post(replica.url("/v1/jobs/" + job + "/runs")).then().statusCode(202).extract().path("id");
    }

    static Map<String, Object> worker(Replica replica, String workerId) {
        return get(replica, "/v1/engines").getMap("workers.find { it.worker == '" + workerId + "' }");
    }
}

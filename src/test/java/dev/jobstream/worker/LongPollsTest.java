package dev.jobstream.worker;

import static dev.jobstream.auth.Security.ADMIN;
import static dev.jobstream.auth.Security.OPERATOR;
import static dev.jobstream.auth.Security.WORKER;
import static dev.jobstream.auth.Security.WORKSPACE_A;
import static dev.jobstream.auth.Security.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.jobstream.auth.Security;
import dev.jobstream.support.Database;
import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.path.json.JsonPath;

/**
 * Workers' long polls under a crowd: a worker that leaves while its claim is in flight costs nothing, a queued run
 * wakes about as many polls as it takes to claim it, and no number of polls can take the connection pool.
 */
@QuarkusTest
@TestProfile(Security.Profile.class)
class LongPollsTest extends DatabaseTest {

    @Inject
    WorkerService workers;

    @TestHTTPResource("/")
    URL base;

    private ExecutorService clients;

    @BeforeEach
    void clients() {
        clients = Executors.newFixedThreadPool(40);
    }

    @AfterEach
    void stopClients() {
        clients.shutdownNow();
    }

    @Test
    void aClaimCutByADisconnectGivesItsRunBackWithoutCostingAnAttempt() throws Exception {
        WorkerTest.register("remote.cut", Map.of());
        String id = trigger("remote.cut");
        // the claim statement waits for this lock: it is in flight when its worker leaves
        Database.Open lock = db.begin("LOCK TABLE job_runs IN SHARE MODE");
        try {
            try (Socket socket = claimOverSocket("host-9", "remote.cut")) {
                // (the claim of a worker names workspaces; the engines' claims, blocked too, do not)
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> db.count("""
                        SELECT count(*) FROM pg_stat_activity
                         WHERE wait_event_type = 'Lock' AND query LIKE '%WITH claimed AS%'
                           AND query LIKE '%workspace_id = ANY($4::uuid[])%'""") == 1);
            }
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> workers.waiting() == 0);
        } finally {
            lock.commit();
        }

        JsonPath claimed = claim("host-1", "remote.cut", 1, 10);
        assertEquals(List.of(id), claimed.getList("runs.run_id"), "the run went back to the queue");
        assertEquals(1, claimed.getInt("runs[0].attempt"), "without costing an attempt");
        assertEquals(List.of("start_json"), as(ADMIN).accept("application/json").get("/v1/runs/" + id + "/events")
                .then().statusCode(200).extract().jsonPath().getList("event"), "started once, for host-1");
    }

    @Test
    void aWorkerThatGoesAwayMidPollClaimsNothing() throws Exception {
        WorkerTest.register("remote.gone", Map.of());
        try (Socket socket = claimOverSocket("host-9", "remote.gone")) {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> workers.waiting() == 1);
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> workers.waiting() == 0);
        String id = trigger("remote.gone");
        JsonPath claimed = claim("host-1", "remote.gone", 1, 5);
        assertEquals(List.of(id), claimed.getList("runs.run_id"));
        assertEquals(1, claimed.getInt("runs[0].attempt"));
    }

    @Test
    void aQueuedRunWakesAboutAsManyPollsAsItTakesToClaimIt() throws Exception {
        WorkerTest.register("remote.herd", Map.of("exclusive", false));
        long claimsBefore = workers.claims();
        List<CompletableFuture<JsonPath>> polls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String worker = "herd-" + i;
            polls.add(CompletableFuture.supplyAsync(() -> claim(worker, "remote.herd", 1, 20), clients));
        }
        // each poll looked once on arrival, found nothing and waits
        Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> workers.waiting() == 20 && workers.claims() >= claimsBefore + 20);
        long before = workers.claims();

        String first = trigger("remote.herd");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> polls.stream().anyMatch(p -> p.isDone()));
        long spent = workers.claims() - before;

        assertTrue(spent <= 4, "one run queued: the poll woken claims it, the next one woken finds nothing (and a"
                + " tick may wake one more); not all 20 polls: " + spent + " claims");
        // the rest are woken one after the other as long as each finds a run: none is left waiting for a tick
        List<String> ids = new ArrayList<>(List.of(first));
        for (int i = 0; i < 19; i++) {
            ids.add(trigger("remote.herd"));
        }
        List<String> claimedIds = new ArrayList<>();
        for (CompletableFuture<JsonPath> poll : polls) {
            claimedIds.addAll(poll.get(20, TimeUnit.SECONDS).getList("runs.run_id"));
        }
        claimedIds.sort(null);
        ids.sort(null);
        assertEquals(ids, claimedIds, "every run claimed once, by one of the polls");
    }

    @Test
    void pollsOfManyLimitedJobsCannotTakeTheConnectionPool() throws Exception {
        int jobs = 30;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            names.add("remote.limited-" + i);
            WorkerTest.register(names.get(i), Map.of("max_active", 1, "exclusive", false));
        }
        // each job's claims wait for its lock, held here: a claim holds its pooled connection while it waits
        Database.Open locks = db.begin("SELECT pg_advisory_xact_lock(1785688915, hashtext($1))", names.get(0));
        List<CompletableFuture<JsonPath>> polls = new ArrayList<>();
        try {
            for (int i = 1; i < jobs; i++) {
                locks.execute("SELECT pg_advisory_xact_lock(1785688915, hashtext($1))", names.get(i));
            }
            for (String name : names) {
                trigger(name);
                polls.add(CompletableFuture.supplyAsync(() -> claim("w-" + name, name, 1, 20), clients));
            }
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> waitingOnLocks() >= 1);

            // the API still has connections (with the pool taken, this call would wait until its timeout)
            as(ADMIN).config(RestAssuredConfig.config().httpClient(HttpClientConfig.httpClientConfig()
                    .setParam("http.socket.timeout", 10_000))).get("/v1/runs?limit=1").then().statusCode(200);
            assertTrue(waitingOnLocks() <= WorkerService.CONCURRENT_CLAIMS, "claims waiting on their locks: "
                    + waitingOnLocks());
        } finally {
            locks.commit();
        }
        for (CompletableFuture<JsonPath> poll : polls) {
            assertEquals(1, poll.get(30, TimeUnit.SECONDS).getList("runs").size());
        }
    }

    /** A long poll (30 s) sent over a socket of its own, which the caller closes to go away. */
    private Socket claimOverSocket(String worker, String job) throws java.io.IOException {
        byte[] body = ("{\"worker\":\"" + worker + "\",\"jobs\":[\"" + job + "\"],\"wait\":30}")
                .getBytes(StandardCharsets.UTF_8);
        Socket socket = new Socket(base.getHost(), base.getPort());
        OutputStream out = socket.getOutputStream();
        out.write(("POST /v1/workers/claim HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + WORKER
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        return socket;
    }

    private long waitingOnLocks() {
        return db.count("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                + " AND wait_event = 'advisory'");
    }

    private static String trigger(String job) {
        return as(OPERATOR).contentType("application/json").body(Map.of("workspace_id", WORKSPACE_A))
                .post("/v1/jobs/" + job + "/runs").then().statusCode(202).extract().path("id");
    }

    private static JsonPath claim(String worker, String job, int max, int waitSeconds) {
        return as(WORKER).contentType("application/json")
                .body(Map.of("worker", worker, "jobs", List.of(job), "max", max, "wait", waitSeconds))
                .post("/v1/workers/claim").then().statusCode(200).extract().jsonPath();
    }
}

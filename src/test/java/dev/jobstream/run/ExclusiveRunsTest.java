package dev.jobstream.run;

import static dev.jobstream.support.Api.awaitStatus;
import static dev.jobstream.support.Api.trigger;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.Test;

import dev.jobstream.pg.AdvisoryLocks;
import dev.jobstream.support.Api;
import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

@QuarkusTest
class ExclusiveRunsTest extends DatabaseTest {

    private static final String ADVISORY_LOCKS_HELD = """
            SELECT count(*) FROM pg_locks
             WHERE locktype = 'advisory' AND objsubid = 1 AND granted
               AND ((classid::bigint << 32) | objid::bigint) = $1
            """;

    @TestHTTPResource("/")
    URL base;

    @Test
    void fiftySimultaneousTriggersGiveOneRunAndFortyNineConflicts() throws Exception {
        String workspace = UUID.randomUUID().toString();
        String body = "{\"workspace_id\":\"" + workspace + "\",\"params\":{\"items\":10,\"delay_ms\":50}}";
        HttpClient client = HttpClient.newHttpClient();
        ExecutorService pool = Executors.newFixedThreadPool(50);
        CountDownLatch ready = new CountDownLatch(50);
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                responses.add(CompletableFuture.supplyAsync(() -> {
                    ready.countDown();
                    try {
                        ready.await();
                        return client.send(HttpRequest.newBuilder(URI.create(base + "v1/jobs/demo.sleep/runs"))
                                .header("Authorization", "Bearer " + Api.ADMIN_TOKEN)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                                HttpResponse.BodyHandlers.ofString());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, pool));
            }
            List<HttpResponse<String>> all = new ArrayList<>();
            for (CompletableFuture<HttpResponse<String>> response : responses) {
                all.add(response.get());
            }
            List<HttpResponse<String>> accepted = all.stream().filter(r -> r.statusCode() == 202).toList();
            List<HttpResponse<String>> conflicts = all.stream().filter(r -> r.statusCode() == 409).toList();
            assertEquals(1, accepted.size(), "exactly one trigger wins");
            assertEquals(49, conflicts.size(), "every other trigger is told the job is running");
            String winner = JsonPath.from(accepted.get(0).body()).getString("id");
            for (HttpResponse<String> conflict : conflicts) {
                JsonPath problem = JsonPath.from(conflict.body());
                assertEquals("application/problem+json", conflict.headers().firstValue("content-type").orElse(""));
                assertEquals(409, problem.getInt("status"));
                assertEquals(false, problem.getBoolean("lock_acquired"));
                assertEquals("already_running", problem.getString("reason"));
                assertEquals(winner, problem.getString("active_run_id"));
            }
            assertEquals(1,
                    db.count("SELECT count(*) FROM job_runs WHERE workspace_id = $1", UUID.fromString(workspace)));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anEngineHoldsTheAdvisoryLockOfItsKeyWhileItExecutes() {
        UUID workspace = UUID.randomUUID();
        long key = AdvisoryLocks.key("demo.sleep", workspace);
        assertEquals(key,
                db.count("SELECT ('x' || left(encode(sha256(convert_to($1, 'UTF8')), 'hex'), 16))::bit(64)::bigint",
                        "demo.sleep:" + workspace),
                "key is the first 8 bytes of SHA-256(job:workspace)");

        String id = trigger("demo.sleep", Map.of("workspace_id", workspace.toString(),
                "params", Map.of("items", 30, "delay_ms", 100)));
        awaitStatus(id, "running");
        // the claim marks the run running; its engine takes the lock right after, before the job starts
        org.awaitility.Awaitility.await().until(() -> db.count(ADVISORY_LOCKS_HELD, key) == 1);
        assertEquals(1, db.count("SELECT count(*) FROM job_runs WHERE id = $1::uuid AND status = 'running'", id),
                "the lock is held while the run executes");

        awaitStatus(id, "completed");
        org.awaitility.Awaitility.await().until(() -> db.count(ADVISORY_LOCKS_HELD, key) == 0);
        trigger("demo.sleep", Map.of("workspace_id", workspace.toString(), "params", Map.of("items", 0)));
    }
}

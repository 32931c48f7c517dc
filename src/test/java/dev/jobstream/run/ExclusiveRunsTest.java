package dev.jobstream.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.Test;

import dev.jobstream.support.Api;
import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

@QuarkusTest
class ExclusiveRunsTest extends DatabaseTest {

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
}

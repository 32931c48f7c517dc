package dev.jobstream.worker;

import static dev.jobstream.auth.Security.OPERATOR;
import static dev.jobstream.auth.Security.WORKER;
import static dev.jobstream.auth.Security.WORKSPACE_A;
import static dev.jobstream.auth.Security.as;
import static dev.jobstream.worker.WorkerTest.register;
import static dev.jobstream.worker.WorkerTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.jobstream.auth.Security;
import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * The Node worker (clients/node) against the service over HTTP: the example executes one run to completion with its
 * progress stored, and another through pause, resume and cancel at its checkpoints. Needs node on the PATH (.ci/run
 * installs it).
 */
@QuarkusTest
@TestProfile(Security.Profile.class)
class NodeWorkerTest extends DatabaseTest {

    @TestHTTPResource("/")
    URL base;

    private static void awaitStatus(String id, String status) {
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> status.equals(run(id).getString("status")));
    }

    @Test
    void theExampleCompletesARunAndStopsAnotherThroughPauseResumeAndCancel() throws Exception {
        register("node.count", Map.of("exclusive", false, "params", List.of(
                Map.of("name", "days", "type", "integer", "default", 3),
                Map.of("name", "delay_ms", "type", "integer", "default", 50))));
        File output = new File("target/node-worker-test.log");
        ProcessBuilder builder = new ProcessBuilder("node", "example.mjs", "node.count", "--worker", "node-test",
                "--runs", "2").directory(new File("clients/node")).redirectErrorStream(true).redirectOutput(output);
        builder.environment().put("JOBSTREAM_URL", base.toString());
        builder.environment().put("JOBSTREAM_TOKEN", WORKER);
        Process node;
        try {
            node = builder.start();
        } catch (IOException e) {
            fail("node is needed for this test (.ci/run installs it): " + e.getMessage());
            return;
        }
        try {
            String done = as(OPERATOR).contentType("application/json").body(Map.of("workspace_id", WORKSPACE_A,
                    "params", Map.of("days", 4))).post("/v1/jobs/node.count/runs").then().statusCode(202)
                    .extract().path("id");
            awaitStatus(done, "completed");
            JsonPath completed = run(done);
            assertEquals(4, completed.getInt("metrics.days"));
            assertEquals(4, completed.getInt("processed"));
            assertEquals("worker:worker/node-test", completed.getString("owner"));

            String stopped = as(OPERATOR).contentType("application/json").body(Map.of("workspace_id", WORKSPACE_A,
                    "params", Map.of("days", 100000, "delay_ms", 20))).post("/v1/jobs/node.count/runs").then()
                    .statusCode(202).extract().path("id");
            awaitStatus(stopped, "running");
            as(OPERATOR).post("/v1/runs/" + stopped + "/pause").then().statusCode(202);
            awaitStatus(stopped, "paused");
            long processed = run(stopped).getLong("processed");
            as(OPERATOR).post("/v1/runs/" + stopped + "/resume").then().statusCode(202);
            awaitStatus(stopped, "running");
            Awaitility.await().atMost(Duration.ofSeconds(20))
                    .until(() -> run(stopped).getLong("processed") > processed);
            as(OPERATOR).post("/v1/runs/" + stopped + "/cancel").then().statusCode(202);
            awaitStatus(stopped, "cancelled");

            assertTrue(node.waitFor(30, TimeUnit.SECONDS), "the example stops after its two runs");
            String printed = Files.readString(output.toPath(), StandardCharsets.UTF_8);
            assertTrue(printed.contains("{\"runId\":\"" + done + "\",\"job\":\"node.count\",\"outcome\":\"complete\"}"),
                    printed);
            assertTrue(printed.contains("{\"runId\":\"" + stopped
                    + "\",\"job\":\"node.count\",\"outcome\":\"cancelled\"}"), printed);
            assertEquals(0, node.exitValue(), printed);
        } finally {
            node.destroyForcibly();
        }
    }
}

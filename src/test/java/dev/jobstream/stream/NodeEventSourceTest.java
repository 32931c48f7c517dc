package dev.jobstream.stream;

import static dev.jobstream.support.Api.trigger;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.jobstream.support.Api;
import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * A run's stream read by a client nobody here wrote: the npm {@code eventsource} package, in Node. Needs node and
 * npm on the PATH (.ci/run installs them); without them the test is skipped, or fails when CI is set.
 */
@QuarkusTest
class NodeEventSourceTest extends DatabaseTest {

    private static final File CLIENTS = new File("src/test/js");

    @TestHTTPResource("/")
    URL base;

    @BeforeAll
    static void installClient() throws Exception {
        assumeTrue(run(CLIENTS, "node", "--version").exitValue() == 0, "node is not installed");
        if (!new File(CLIENTS, "node_modules/eventsource").isDirectory()) {
            Process install = run(CLIENTS, "npm", "ci", "--no-audit", "--no-fund");
            assertEquals(0, install.exitValue(), new String(install.getErrorStream().readAllBytes()));
        }
    }

    @Test
    void theNpmEventSourceReceivesEveryEventInOrder() throws Exception {
        String id = trigger("demo.sleep", Map.of("params", Map.of("items", 4, "delay_ms", 50)));

        Process client = run(CLIENTS, "node", "sse-client.cjs", base + "v1/runs/" + id + "/events", Api.ADMIN_TOKEN);

        assertEquals(0, client.exitValue(), new String(client.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        JsonPath received = JsonPath.from(new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        List<String> ids = received.getList("id");
        assertEquals(IntStream.rangeClosed(1, 10).mapToObj(Integer::toString).toList(), ids);
        assertEquals("start_json", received.getString("[0].type"));
        assertEquals("end_json", received.getString("[9].type"));
        assertEquals("completed", received.getString("[9].data.state"));
        assertEquals(4, received.getInt("[8].data.processed"));
    }

    private static Process run(File dir, String... command) throws Exception {
        Process process;
        try {
            process = new ProcessBuilder(command).directory(dir).start();
        } catch (java.io.IOException e) {
            if (System.getenv("CI") != null && !System.getenv("CI").isEmpty()) {
                fail(command[0] + " is not installed, and CI is set: this test must run in CI (.ci/run installs it)");
            }
            assumeTrue(false, command[0] + " is not installed");
            throw e;
        }
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish");
        }
        return process;
    }
}

package dev.jobstream.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.jobstream.support.Api;
import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The Node caller's client (clients/node, the npm package {@code @jobstream/client}) against the service over HTTP:
 * Node's test runner runs {@code clients/node/test/}, which triggers and waits for runs, follows a run's events
 * through a proxy that drops the connection mid-stream, lists runs page by page, controls a run, reads problems,
 * follows the feed, and installs the packed tarball in a fresh folder. Needs node and npm on the PATH (.ci/run
 * installs them); without them the test is skipped, or fails when CI is set.
 */
@QuarkusTest
class NodeCallerTest extends DatabaseTest {

    private static final File PACKAGE = new File("clients/node");

    @TestHTTPResource("/")
    URL base;

    @Test
    void theCallerClientPassesItsTestsAgainstTheService() throws Exception {
        File report = new File("target/node-caller-test.log");
        ProcessBuilder builder = new ProcessBuilder("node", "--test", "--test-reporter=spec", "test/")
                .directory(PACKAGE).redirectErrorStream(true).redirectOutput(report);
        builder.environment().put("JOBSTREAM_URL", base.toString());
        builder.environment().put("JOBSTREAM_TOKEN", Api.ADMIN_TOKEN);
        Process node;
        try {
            node = builder.start();
        } catch (IOException e) {
            if (System.getenv("CI") != null && !System.getenv("CI").isEmpty()) {
                fail("node is not installed, and CI is set: this test must run in CI (.ci/run installs it)");
            }
            assumeTrue(false, "node is not installed");
            return;
        }
        try {
            if (!node.waitFor(180, TimeUnit.SECONDS)) {
                fail("the Node tests did not finish in 180 s:\n" + read(report));
            }
            assertEquals(0, node.exitValue(), "the Node tests failed:\n" + read(report));
        } finally {
            node.destroyForcibly();
        }
    }

    private static String read(File file) throws IOException {
        return Files.readString(file.toPath(), StandardCharsets.UTF_8);
    }
}

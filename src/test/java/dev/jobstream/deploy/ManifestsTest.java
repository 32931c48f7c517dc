package dev.jobstream.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests: {@code k8s/test/validate.mjs} renders {@code kubectl kustomize k8s/}, the
 * with-postgres, with-files and queue-autoscaling overlays and {@code k8s/monitoring} beside the base, and checks every
 * object against the Kubernetes schemas (the ServiceMonitor, PrometheusRule and ScaledObject against the fields used)
 * and the deployment and monitoring rules (after proving on broken copies that it rejects them). Needs kubectl and
 * Node on the PATH; without them the test is skipped on a developer's machine and fails in CI (env CI set), whose
 * {@code .ci/run} installs them.
 */
class ManifestsTest {

    private static final File SCRIPTS = new File("k8s/test");
    private static final Pattern SUMMARY = Pattern.compile("(?m)^(\\d+) passed, (\\d+) failed$");

    @Test
    void renderedManifestsMatchTheKubernetesSchemasAndTheDeploymentRules() throws Exception {
        requireTool("kubectl", System.getenv().getOrDefault("KUBECTL", "kubectl"), "version", "--client");
        requireTool("node", "node", "--version");
        if (!new File(SCRIPTS, "node_modules/kubernetes-models").isDirectory()) {
            Result install = run(List.of("npm", "ci", "--no-audit", "--no-fund"));
            assertEquals(0, install.exit(), "npm ci in k8s/test failed:\n" + install.output());
        }

        Result validation = run(List.of("node", "validate.mjs"));

        Matcher summary = SUMMARY.matcher(validation.output());
        assertTrue(summary.find(), "no summary line from validate.mjs:\n" + validation.output());
        assertEquals("0", summary.group(2), validation.output());
        assertTrue(Integer.parseInt(summary.group(1)) >= 170, "too few checks ran:\n" + validation.output());
        assertEquals(0, validation.exit(), validation.output());
    }

    private static void requireTool(String name, String... command) throws InterruptedException {
        try {
            if (run(List.of(command)).exit() == 0) {
                return;
            }
        } catch (IOException notInstalled) {
            // below
        }
        if (System.getenv("CI") != null) {
            fail(name + " is needed to validate the Kubernetes manifests (.ci/run installs it)");
        }
        abort(name + " is not installed: the Kubernetes manifests are not validated here (CI validates them)");
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(SCRIPTS).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(String.join(" ", command) + " did not finish");
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}

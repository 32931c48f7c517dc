package dev.jobstream.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The alerts of {@code k8s/monitoring/prometheusrule.yaml} against their unit tests,
 * {@code k8s/monitoring/alerts-test.yaml}, by {@code promtool test rules}: the rule groups are taken from the
 * PrometheusRule's spec as the test runs (the rules exist once), and every alert has series that fire it and series
 * that do not. Needs promtool (Debian's {@code prometheus} package; {@code PROMTOOL=/path/to/promtool} to choose
 * the binary): without it the test fails under CI ({@code .ci/run} installs it) and is skipped elsewhere, as the
 * manifests' test is without kubectl.
 */
class AlertRulesTest {

    private static final Path RULES = Path.of("k8s", "monitoring", "prometheusrule.yaml");
    private static final Path TESTS = Path.of("k8s", "monitoring", "alerts-test.yaml");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void everyAlertFiresOnItsTestSeriesAndOnNoOthers(@TempDir Path dir) throws Exception {
        JsonNode groups = YAML.readTree(RULES.toFile()).path("spec").path("groups");
        assertTrue(groups.isArray() && !groups.isEmpty(), RULES + " has no spec.groups");
        YAML.writeValue(dir.resolve("rules.yaml").toFile(), Map.of("groups", groups));
        Files.copy(TESTS, dir.resolve(TESTS.getFileName()));
        JsonNode tests = YAML.readTree(TESTS.toFile());
        assertEquals(List.of("rules.yaml"), YAML.convertValue(tests.path("rule_files"), List.class),
                TESTS + " must test the rules extracted from " + RULES + ", nothing else");

        List<String> untested = new ArrayList<>();
        for (JsonNode group : groups) {
            for (JsonNode rule : group.path("rules")) {
                if (rule.has("alert")) {
                    String alert = rule.path("alert").asText();
                    if (!tested(tests, alert, true)) {
                        untested.add(alert + " has no test in which it fires");
                    }
                    if (!tested(tests, alert, false)) {
                        untested.add(alert + " has no test in which it stays silent");
                    }
                }
            }
        }
        assertEquals(List.of(), untested);

        String promtool = System.getenv().getOrDefault("PROMTOOL", "promtool");
        Process process;
        try {
            process = new ProcessBuilder(promtool, "test", "rules", TESTS.getFileName().toString()).directory(
                    dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException notInstalled) {
            if (System.getenv("CI") != null) {
                throw new AssertionError(promtool + " is needed to test the alerts (Debian: apt-get install"
                        + " prometheus; .ci/run installs it): " + notInstalled.getMessage(), notInstalled);
            }
            abort(promtool + " is not installed: the alerts are not tested here (CI tests them)");
            return;
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("promtool test rules did not finish:\n" + output);
        }
        assertEquals(0, process.exitValue(), "promtool test rules failed:\n" + output);
        assertTrue(output.contains("SUCCESS"), output);
    }

    /** Whether an alert_rule_test of the alert expects it to fire ({@code fires}) or expects no alert at all. */
    private static boolean tested(JsonNode tests, String alert, boolean fires) {
        for (JsonNode test : tests.path("tests")) {
            for (JsonNode expectation : test.path("alert_rule_test")) {
                if (alert.equals(expectation.path("alertname").asText())
                        && expectation.path("exp_alerts").isEmpty() != fires) {
                    return true;
                }
            }
        }
        return false;
    }
}

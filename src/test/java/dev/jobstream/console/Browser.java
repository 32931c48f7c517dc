package dev.jobstream.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.restassured.path.json.JsonPath;

/**
 * Runs the console's Node scenarios ({@code src/test/console}) in Debian's headless Chromium, driven by
 * playwright-core. Without chromium or node the tests are skipped on a developer's machine and fail in CI (env
 * {@code CI} set), where {@code .ci/run} installs chromium.
 */
final class Browser {

    static final File SCENARIOS = new File("src/test/console");
    static final String CHROMIUM = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");
    private static final String SHOTS = new File("target/console").getAbsolutePath();

    private Browser() {
    }

    /** Checks for chromium and node, and installs playwright-core with {@code npm ci} when it is missing. */
    static void require() throws Exception {
        String missing = null;
        if (!Files.isExecutable(Path.of(CHROMIUM))) {
            missing = "chromium (" + CHROMIUM + "; apt-get install -y chromium)";
        } else if (!runs("node", "--version")) {
            missing = "node";
        }
        if (missing != null) {
            if (System.getenv("CI") != null && !System.getenv("CI").isEmpty()) {
                fail(missing + " is not installed, and CI is set: the console tests must run in CI");
            }
            assumeTrue(false, "console tests skipped: " + missing + " is not installed (CI would fail here)");
        }
        if (!new File(SCENARIOS, "node_modules/playwright-core").isDirectory()) {
            Result install = run(List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of(), 300);
            assertEquals(0, install.exit(), install.err());
        }
    }

    /** Runs one scenario of {@code scenarios.mjs}; fails with its reason unless it passes, else answers its result. */
    static JsonPath scenario(String name, URL base, Map<String, String> env) throws Exception {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("BASE_URL", base.toString());
        all.put("SHOTS", SHOTS);
        all.put("CHROMIUM", CHROMIUM);
        Result result = run(List.of("node", "run.mjs", name), all, 180);
        assertEquals(0, result.exit(), "scenario " + name + " failed (screenshots in " + SHOTS + "):\n" + result.err()
                + "\n" + result.out());
        String[] lines = result.out().strip().split("\n");
        return JsonPath.from(lines[lines.length - 1]);
    }

    /** Runs Node's test runner on {@code file}; fails with its report unless every test passes. */
    static void nodeTests(String file) throws Exception {
        Result result = run(List.of("node", "--test", "--test-reporter=spec", file), Map.of(), 120);
        assertEquals(0, result.exit(), result.out() + result.err());
    }

    record Result(int exit, String out, String err) {
    }

    private static Result run(List<String> command, Map<String, String> env, int seconds) throws Exception {
        File out = File.createTempFile("console", ".out");
        File err = File.createTempFile("console", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).directory(SCENARIOS)
                    .redirectOutput(out).redirectError(err);
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                fail(String.join(" ", command) + " did not finish in " + seconds + " s:\n" + read(err) + read(out));
            }
            return new Result(process.exitValue(), read(out), read(err));
        } finally {
            out.delete();
            err.delete();
        }
    }

    private static boolean runs(String... command) {
        try {
            return new ProcessBuilder(command).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static String read(File file) throws IOException {
        return Files.readString(file.toPath(), StandardCharsets.UTF_8);
    }
}

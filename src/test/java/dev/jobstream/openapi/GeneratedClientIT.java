package dev.jobstream.openapi;

import static dev.jobstream.support.ReplicaCalls.admin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;

import dev.jobstream.auth.Security;
import dev.jobstream.config.EmbeddedDatabase;
import dev.jobstream.support.Api;
import dev.jobstream.support.Replica;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The OpenAPI document as a client's author meets it, against the packaged service: the document it serves passes
 * Redocly's recommended rules with no error and no warning; it is the document the build stored, from which the
 * build generated a Java client with OpenAPI Generator (target/generated-client); and that client compiles, with
 * code written against it, and runs a job's whole worker protocol: register, trigger, claim, report, complete.
 */
class GeneratedClientIT {

    static final String WORKER_TOKEN = "it-generated-worker-token-0123456789";
    static final Path STORED = Path.of("target/openapi/openapi.json");
    static final Path GENERATED = Path.of("target/generated-client/src/main/java");
    static final Path USE = Path.of("src/test/generated-client");
    static final File LINTER = new File("src/test/openapi");

    @Test
    void theServedDocumentLintsCleanAndAClientGeneratedFromItCompilesAndRunsAWorkersProtocol() throws Exception {
        int pgPort = EmbeddedDatabase.start().port();
        Path tokens = Files.createTempFile("tokens", ".json");
        Files.writeString(tokens, new JsonArray()
                .add(Security.entry("it-generated", WORKER_TOKEN, List.of("worker"), null, null)).encode());
        try (Replica replica = Replica.start("generated-client", pgPort, Replica.newDatabase(pgPort),
                Map.of("JOBSTREAM_TOKENS_FILE", tokens.toString()))) {
            String served = admin().accept("application/json").get(replica.url("/q/openapi")).then()
                    .statusCode(200).extract().asString();
            JsonObject jobless = new JsonObject(served);
            JsonObject schemas = jobless.getJsonObject("components").getJsonObject("schemas");
            List.copyOf(schemas.fieldNames()).stream().filter(n -> n.startsWith(JobParamsDocument.PREFIX))
                    .forEach(schemas::remove);
            jobless.getJsonObject("paths").getJsonObject("/v1/jobs/{job}/runs").getJsonObject("post")
                    .remove(JobParamsDocument.EXTENSION);
            schemas.getJsonObject("TriggerRequest").getJsonObject("properties").getJsonObject("params")
                    .remove("anyOf");
            assertEquals(new JsonObject(Files.readString(STORED)), jobless, "the document the client was generated "
                    + "from is the one the service serves, but for the params schemas of the jobs it has now");

            Path document = Files.createTempFile("openapi", ".json");
            Files.writeString(document, served);
            assertLintsClean(document);

            ClassLoader client = compile();
            @SuppressWarnings("unchecked")
            List<String> seen = (List<String>) client.loadClass("dev.jobstream.generated.use.GeneratedClientUse")
                    .getMethod("use", String.class, String.class, String.class)
                    .invoke(null, replica.url(""), Api.ADMIN_TOKEN, WORKER_TOKEN);
            assertEquals(List.of("registered workers", "listed true", "triggered queued", "claimed true",
                    "reported true", "completed completed by worker:it-generated/generated-1", "event start_json",
                    "event log", "event end_json", "unknown run 404"), seen);
        }
    }

    /** Redocly's recommended rules (src/test/openapi/redocly.yaml): no error, no warning. */
    private static void assertLintsClean(Path document) throws Exception {
        assumeTool("node");
        if (!new File(LINTER, "node_modules/.bin/redocly").exists()) {
            Result install = run(LINTER, "npm", "ci", "--no-audit", "--no-fund");
            assertEquals(0, install.exit(), "npm ci in " + LINTER + " failed:\n" + install.output());
        }
        Result lint = run(LINTER, "node_modules/.bin/redocly", "lint", "--format=json", document.toString());
        String output = lint.output();
        JsonObject report = new JsonObject(output.substring(output.indexOf('{'), output.lastIndexOf('}') + 1));
        assertEquals(new JsonObject().put("errors", 0).put("warnings", 0).put("ignored", 0),
                report.getJsonObject("totals"), report.getJsonArray("problems").encodePrettily());
        assertEquals(0, lint.exit(), output);
    }

    /** The generated client and the code that uses it, compiled against the tests' class path, and loaded. */
    private static ClassLoader compile() throws IOException {
        assertTrue(Files.isDirectory(GENERATED), GENERATED + " is missing: the build's pre-integration-test phase "
                + "generates it (./mvnw verify)");
        List<String> sources = new ArrayList<>();
        for (Path root : List.of(GENERATED, USE)) {
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(file -> file.toString().endsWith(".java")).forEach(file -> sources.add(file.toString()));
            }
        }
        Path classes = Files.createTempDirectory("generated-client");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        java.io.ByteArrayOutputStream diagnostics = new java.io.ByteArrayOutputStream();
        List<String> arguments = new ArrayList<>(List.of("-d", classes.toString(), "-classpath", classPath(),
                "-proc:none", "-nowarn", "-encoding", "UTF-8"));
        arguments.addAll(sources);
        int exit = javac.run(null, diagnostics, diagnostics, arguments.toArray(String[]::new));
        assertEquals(0, exit,
                "the generated client does not compile:\n" + diagnostics.toString(StandardCharsets.UTF_8));
        return new URLClassLoader(new URL[]{classes.toUri().toURL()}, GeneratedClientIT.class.getClassLoader());
    }

    /** The tests' class path (failsafe passes it in a property, the JVM's own being a manifest-only jar). */
    private static String classPath() {
        String path = System.getProperty("surefire.test.class.path");
        return path != null && !path.isBlank() ? path : System.getProperty("java.class.path");
    }

    record Result(int exit, String output) {
    }

    private static Result run(File directory, String... command) throws Exception {
        File output = File.createTempFile("command", ".out");
        Process process = new ProcessBuilder(command).directory(directory).redirectErrorStream(true)
                .redirectOutput(output).start();
        if (!process.waitFor(300, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(String.join(" ", command) + " did not finish in 300 s");
        }
        return new Result(process.exitValue(), Files.readString(output.toPath(), StandardCharsets.UTF_8));
    }

    private static void assumeTool(String tool) throws Exception {
        try {
            new ProcessBuilder(tool, "--version").start().waitFor();
        } catch (IOException e) {
            if (System.getenv("CI") != null && !System.getenv("CI").isEmpty()) {
                fail(tool + " is not installed, and CI is set: .ci/run installs it");
            }
            assumeTrue(false, tool + " is not installed");
        }
    }
}

package dev.jobstream.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;

/**
 * The Java of the docs, as it stands there: the three files of "Add a job" (docs/jobs.md) compile against the service
 * and its test support, and their test passes; the Java worker of docs/workers.md and the Java caller of the README's
 * "Run it, test it" compile (inside a method: the docs leave out what surrounds them).
 */
class ReadmeSnippetsTest {

    private static final Path OUT = Path.of("target", "readme-snippets");
    private static final Path JOBS = Path.of("docs", "jobs.md");
    private static final Pattern JAVA = Pattern.compile("(?s)```java\\n(.*?)\\n\\s*```");

    private static final String WORKER_IMPORTS = """
            package readme;

            import java.net.URI;
            import java.util.Map;

            import dev.jobstream.client.JobstreamWorker;

            class WorkerExample {
                void run(String token) throws Exception {
            """;

    @Test
    void theJavaOfTheDocsCompilesAndItsTestPasses() throws Exception {
        List<String> job = blocks(Markdown.section(Files.readString(JOBS), "## Add a job"));
        assertEquals(3, job.size(), "\"Add a job\" shows the handler, the billing client and the test");
        List<String> worker = blocks(
                Markdown.section(Files.readString(Path.of("docs", "workers.md")), "# Run jobs from another service"));
        assertEquals(1, worker.size(), "\"Run jobs from another service\" shows the Java worker");
        List<String> caller = blocks(Markdown.section(Files.readString(Path.of("README.md")), "## Run it, test it"));
        assertEquals(1, caller.size(), "\"Run it, test it\" shows the Java caller");

        Path sources = Files.createDirectories(OUT.resolve("src"));
        List<Path> files = new ArrayList<>();
        files.add(write(sources.resolve("InvoicesSendJob.java"), job.get(0)));
        files.add(write(sources.resolve("BillingClient.java"), job.get(1)));
        files.add(write(sources.resolve("InvoicesSendJobTest.java"), job.get(2)));
        files.add(write(sources.resolve("WorkerExample.java"),
                WORKER_IMPORTS + worker.get(0).replace("…", "// …") + "\n    }\n}\n"));
        files.add(write(sources.resolve("Try.java"), caller.get(0)));

        Path classes = Files.createDirectories(OUT.resolve("classes"));
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        List<String> arguments = new ArrayList<>(List.of("-proc:none", "-d", classes.toString(), "-classpath",
                System.getProperty("java.class.path")));
        files.forEach(file -> arguments.add(file.toString()));
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int exit = compiler.run(null, null, errors, arguments.toArray(String[]::new));
        assertEquals(0, exit, "the Java of the docs does not compile:\n" + errors.toString(StandardCharsets.UTF_8));

        // the test as "Add a job" shows it, run on the classes just compiled (beside the service's, not instead)
        try (URLClassLoader loader = new URLClassLoader(new URL[]{classes.toUri().toURL()},
                getClass().getClassLoader())) {
            Class<?> test = loader.loadClass("dev.jobstream.job.InvoicesSendJobTest");
            var constructor = test.getDeclaredConstructor();
            constructor.setAccessible(true);
            var method = test.getDeclaredMethod("sendsInBatchesAndRetriesAfterAnOutage");
            method.setAccessible(true);
            try {
                method.invoke(constructor.newInstance());
            } catch (InvocationTargetException e) {
                throw new AssertionError("the test of \"Add a job\" fails", e.getCause());
            }
        }
    }

    /**
     * The schema of "Params" (docs/jobs.md) is a schema jobstream takes, and the problem shown there is what the service answers for
     * those params (the violations of the schema of the snippet, compiled as a job's method).
     */
    @Test
    void theParamsSchemaOfTheDocsIsTakenAndItsProblemIsTheServicesAnswer() throws Exception {
        String text = Markdown.section(Files.readString(JOBS), "## Params");
        List<String> java = blocks(text);
        assertEquals(1, java.size(), "\"Params\" shows one job's schema");
        Path sources = Files.createDirectories(OUT.resolve("params-src"));
        Path file = write(sources.resolve("ParamsExample.java"), """
                package readme;

                import java.util.Optional;

                import io.vertx.core.json.JsonObject;

                public class ParamsExample {
                """ + java.get(0).replace("@Override\n", "") + "\n}\n");
        Path classes = Files.createDirectories(OUT.resolve("params-classes"));
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int exit = ToolProvider.getSystemJavaCompiler().run(null, null, errors, "-proc:none", "-d",
                classes.toString(), "-classpath", System.getProperty("java.class.path"), file.toString());
        assertEquals(0, exit,
                "the params schema of the docs does not compile:\n" + errors.toString(StandardCharsets.UTF_8));
        io.vertx.core.json.JsonObject schema;
        try (URLClassLoader loader = new URLClassLoader(new URL[]{classes.toUri().toURL()},
                getClass().getClassLoader())) {
            Class<?> example = loader.loadClass("readme.ParamsExample");
            @SuppressWarnings("unchecked")
            java.util.Optional<io.vertx.core.json.JsonObject> declared = (java.util.Optional<io.vertx.core.json.JsonObject>) example
                    .getMethod("paramsSchema").invoke(example.getDeclaredConstructor().newInstance());
            schema = declared.orElseThrow();
        }
        Matcher problem = Pattern.compile("(?s)```json\\n(.*?)\\n```").matcher(text);
        assertTrue(problem.find(), "\"Params\" shows a problem");
        io.vertx.core.json.JsonObject shown = new io.vertx.core.json.JsonObject(problem.group(1));
        var violations = assertThrows(dev.jobstream.params.ParamsSchema.InvalidParams.class,
                () -> dev.jobstream.params.ParamsSchema.declared(schema.getMap()).resolve(Map.of("columns", List.of(1),
                        "filter", Map.of("since", "2024-02-30"))))
                .violations();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < shown.getJsonArray("errors").size(); i++) {
            io.vertx.core.json.JsonObject error = shown.getJsonArray("errors").getJsonObject(i);
            expected.add(error.getString("pointer") + " " + error.getString("message"));
        }
        assertEquals(expected, violations.stream().map(v -> v.pointer() + " " + v.message()).toList());
    }

    private static List<String> blocks(String text) {
        List<String> blocks = new ArrayList<>();
        Matcher matcher = JAVA.matcher(text);
        while (matcher.find()) {
            blocks.add(matcher.group(1).stripIndent());
        }
        return blocks;
    }

    private static Path write(Path file, String text) throws IOException {
        return Files.writeString(file, text);
    }
}

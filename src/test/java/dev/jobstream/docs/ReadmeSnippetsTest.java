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
 * The Java of the README, as it stands there: the three files of "Add a job" compile against the service and its
 * test support, and their test passes; the Java worker of "Run jobs from another service" and the Java caller of
 * "Run it, test it" compile (inside a method: the README leaves out what surrounds them).
 */
class ReadmeSnippetsTest {

    private static final Path OUT = Path.of("target", "readme-snippets");
    private static final Pattern JAVA = Pattern.compile("(?s)```java\\n(.*?)\\n\\s*```");

    private static final String WORKER_IMPORTS = """
            package readme;

            import java.net.URI;
            import java.util.Map;

            import dev.jobstream.client.JobstreamWorker;

            class WorkerExample {
                void run(String token) throws Exception {
            """;

    private static final String CALLER_IMPORTS = """
            package readme;

            import java.net.URI;
            import java.time.Duration;
            import java.util.Map;

            import dev.jobstream.client.JobstreamClient;
            import dev.jobstream.client.Run;
            import dev.jobstream.client.RunQuery;
            import dev.jobstream.client.TriggerRequest;

            class CallerExample {
                void run() throws Exception {
            """;

    @Test
    void theJavaOfTheReadmeCompilesAndItsTestPasses() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        List<String> job = blocks(section(readme, "## Add a job"));
        assertEquals(3, job.size(), "\"Add a job\" shows the handler, the billing client and the test");
        List<String> worker = blocks(section(readme, "## Run jobs from another service"));
        assertEquals(1, worker.size(), "\"Run jobs from another service\" shows the Java worker");
        List<String> caller = blocks(section(readme, "## Run it, test it"));
        assertEquals(1, caller.size(), "\"Run it, test it\" shows the Java caller");

        Path sources = Files.createDirectories(OUT.resolve("src"));
        List<Path> files = new ArrayList<>();
        files.add(write(sources.resolve("InvoicesSendJob.java"), job.get(0)));
        files.add(write(sources.resolve("BillingClient.java"), job.get(1)));
        files.add(write(sources.resolve("InvoicesSendJobTest.java"), job.get(2)));
        files.add(write(sources.resolve("WorkerExample.java"),
                WORKER_IMPORTS + worker.get(0).replace("…", "// …") + "\n    }\n}\n"));
        files.add(write(sources.resolve("CallerExample.java"), CALLER_IMPORTS + caller.get(0) + "\n    }\n}\n"));

        Path classes = Files.createDirectories(OUT.resolve("classes"));
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        List<String> arguments = new ArrayList<>(List.of("-proc:none", "-d", classes.toString(), "-classpath",
                System.getProperty("java.class.path")));
        files.forEach(file -> arguments.add(file.toString()));
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int exit = compiler.run(null, null, errors, arguments.toArray(String[]::new));
        assertEquals(0, exit, "the README's Java does not compile:\n" + errors.toString(StandardCharsets.UTF_8));

        // the test as the README shows it, run on the classes just compiled (beside the service's, not instead)
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
                throw new AssertionError("the README's test of its job fails", e.getCause());
            }
        }
    }

    /**
     * The schema of "Params" is a schema jobstream takes, and the problem shown there is what the service answers for
     * those params (the violations of the schema of the snippet, compiled as a job's method).
     */
    @Test
    void theParamsSchemaOfTheReadmeIsTakenAndItsProblemIsTheServicesAnswer() throws Exception {
        String text = section(Files.readString(Path.of("README.md")), "### Params");
        text = text.substring(0, text.indexOf("\n**Retries.**"));
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
                "the README's params schema does not compile:\n" + errors.toString(StandardCharsets.UTF_8));
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

    /** The text of a section: from its heading to the next one of its level. */
    private static String section(String readme, String heading) {
        int start = readme.indexOf("\n" + heading + "\n");
        assertTrue(start >= 0, "the README has a section " + heading);
        int end = readme.indexOf("\n## ", start + heading.length() + 1);
        return readme.substring(start, end < 0 ? readme.length() : end);
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

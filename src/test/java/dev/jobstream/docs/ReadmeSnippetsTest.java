package dev.jobstream.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

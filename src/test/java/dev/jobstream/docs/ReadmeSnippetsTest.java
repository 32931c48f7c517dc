package dev.jobstream.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
 * The Java code of the README compiles, as it stands there, against the service and its test support: the job of
 * "Add a job", its test, and the worker of the Java client. Each gets the imports a file of its own would have, and
 * the job a {@code BillingClient} of a few lines (the README's "your own bean"); nothing else is added.
 */
class ReadmeSnippetsTest {

    private static final Path OUT = Path.of("target", "readme-snippets");
    private static final Pattern JAVA = Pattern.compile("(?s)```java\\n(.*?)\\n\\s*```");

    private static final String JOB_IMPORTS = """
            package readme;

            import java.time.Duration;
            import java.util.ArrayList;
            import java.util.List;
            import java.util.Map;
            import java.util.Optional;
            import java.util.concurrent.atomic.AtomicInteger;

            import jakarta.inject.Singleton;

            import dev.jobstream.spi.JobContext;
            import dev.jobstream.spi.JobFailure;
            import dev.jobstream.spi.JobHandler;
            import dev.jobstream.spi.JobParam;
            import dev.jobstream.spi.RetryPolicy;
            import io.smallrye.mutiny.Multi;
            import io.smallrye.mutiny.Uni;

            """;

    /** What the README calls "your own bean", as small as it can be. */
    private static final String BILLING = """
            package readme;

            import java.util.List;
            import java.util.UUID;

            import dev.jobstream.spi.FencingToken;
            import io.smallrye.mutiny.Uni;

            interface BillingClient {
                Uni<List<Invoice>> pending(UUID workspace);

                Uni<Integer> send(List<Invoice> invoices, FencingToken fence);
            }

            record Invoice(String id) {
            }

            class BillingRejected extends RuntimeException {
            }
            """;

    private static final String TEST_IMPORTS = """
            package readme;

            import static org.junit.jupiter.api.Assertions.assertEquals;

            import java.time.Duration;
            import java.util.List;
            import java.util.Map;

            import jakarta.inject.Inject;

            import org.junit.jupiter.api.Test;

            import dev.jobstream.support.DatabaseTest;
            import dev.jobstream.testing.JobHarness;
            import io.quarkus.test.junit.QuarkusTest;

            """;

    private static final String WORKER_IMPORTS = """
            package readme;

            import java.net.URI;
            import java.util.Map;

            import dev.jobstream.client.JobstreamWorker;

            class WorkerExample {
                void run(String token) throws Exception {
            """;

    @Test
    void theJavaOfTheReadmeCompiles() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        List<String> job = blocks(section(readme, "## Add a job"));
        assertEquals(2, job.size(), "\"Add a job\" shows the handler and its test");
        List<String> worker = blocks(section(readme, "## Run jobs from another service"));
        assertEquals(1, worker.size(), "\"Run jobs from another service\" shows the Java worker");

        Path sources = OUT.resolve("src/readme");
        Files.createDirectories(sources);
        List<Path> files = new ArrayList<>();
        files.add(write(sources.resolve("InvoicesSendJob.java"), JOB_IMPORTS + job.get(0)));
        files.add(write(sources.resolve("Billing.java"), BILLING));
        files.add(write(sources.resolve("InvoicesSendJobTest.java"), TEST_IMPORTS + job.get(1)));
        // the worker's block leaves out what surrounds it (…): a comment stands there
        files.add(write(sources.resolve("WorkerExample.java"),
                WORKER_IMPORTS + worker.get(0).replace("…", "// …") + "\n    }\n}\n"));

        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        Path classes = Files.createDirectories(OUT.resolve("classes"));
        List<String> arguments = new ArrayList<>(List.of("-proc:none", "-d", classes.toString(), "-classpath",
                System.getProperty("java.class.path")));
        files.forEach(file -> arguments.add(file.toString()));
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int exit = compiler.run(null, null, errors, arguments.toArray(String[]::new));
        assertEquals(0, exit, "the README's Java does not compile:\n" + errors.toString(StandardCharsets.UTF_8));
        assertTrue(Files.exists(classes.resolve("readme/InvoicesSendJob.class")));
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

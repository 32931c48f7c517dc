package dev.jobstream.cli;

import static dev.jobstream.support.Api.ADMIN_TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.jobstream.client.JobstreamClient;
import dev.jobstream.client.Run;
import dev.jobstream.client.TriggerRequest;
import dev.jobstream.support.Api;
import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import picocli.CommandLine;

/**
 * The command line (clients/cli) against the service, run in-process with its stdout and stderr captured: a trigger
 * followed to its end exits with the run's outcome, runs are listed and controlled, jobs and schedules listed, and a
 * usage error, a problem of the service and a missing token are one line on stderr with their exit codes.
 */
@QuarkusTest
class CliTest extends DatabaseTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final Pattern UUID_LINE = Pattern.compile(
            "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private static final String TIME = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d";

    @TestHTTPResource("/")
    URL base;

    /** What one command printed, and its exit status. */
    record Result(int exit, String out, String err) {

        List<String> lines() {
            return out.lines().toList();
        }

        String describe() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** A command line whose stdout and stderr are read while it runs. */
    static final class Session {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine commandLine;

        Session(Map<String, String> environment, boolean terminal) {
            commandLine = JobstreamCli.commandLine(environment, terminal);
            commandLine.setOut(new PrintWriter(out, true));
            commandLine.setErr(new PrintWriter(err, true));
        }

        Result run(String... args) {
            int exit = commandLine.execute(args);
            return new Result(exit, out.toString(), err.toString());
        }
    }

    private Map<String, String> environment() {
        return Map.of("JOBSTREAM_URL", base.toString(), "JOBSTREAM_TOKEN", ADMIN_TOKEN);
    }

    private Result jobstream(String... args) {
        return new Session(environment(), false).run(args);
    }

    private JobstreamClient client() {
        return JobstreamClient.builder(URI.create(base.toString())).token(ADMIN_TOKEN).build();
    }

    private void awaitStatus(UUID id, String status) {
        Awaitility.await().atMost(PATIENCE).pollInterval(Duration.ofMillis(20))
                .until(() -> status.equals(client().run(id).status()));
    }

    private static UUID firstLineId(String out) {
        String first = out.lines().findFirst().orElse("");
        assertTrue(UUID_LINE.matcher(first).matches(), "the run's id first: " + out);
        return UUID.fromString(first);
    }

    @Test
    void aTriggerFollowedToItsCompletionPrintsItsLogProgressAndEndAndExitsZero() throws Exception {
        String workspace = UUID.randomUUID().toString();
        Result result = jobstream("trigger", "demo.sleep", "--param", "items=3", "--param", "delay_ms=10",
                "--workspace", workspace, "--follow");

        assertEquals(0, result.exit(), result.describe());
        UUID id = firstLineId(result.out());
        List<String> lines = result.lines();
        assertTrue(lines.contains("[ 1 / 3 ] Processing item 1..."), result.describe());
        assertTrue(lines.contains("[ 3 / 3 ] Processing item 3..."), result.describe());
        assertTrue(lines.contains("progress 3/3"), result.describe());
        assertTrue(lines.indexOf("[ 1 / 3 ] Processing item 1...") < lines.indexOf("progress 3/3"), result.describe());
        assertTrue(lines.get(lines.size() - 1).startsWith("run completed in "), result.describe());
        assertEquals("", result.err());

        Run run = client().run(id);
        assertEquals("completed", run.status());
        assertTrue(run.params().path("items").isIntegralNumber(), "a number stays a number: " + run.params());
        assertEquals(3, run.params().path("items").asInt());
    }

    @Test
    void onATerminalProgressIsABarRedrawnOnOneLine() {
        Result result = new Session(environment(), true).run("trigger", "demo.sleep", "--params-json",
                "{\"items\":4,\"delay_ms\":10}", "--workspace", UUID.randomUUID().toString(), "--follow");

        assertEquals(0, result.exit(), result.describe());
        assertTrue(result.out().contains("\r\033[K[###############---------------] 2/4 50%"), result.describe());
        assertTrue(result.out().contains("\r\033[K[##############################] 4/4 100%"), result.describe());
        assertFalse(result.out().contains("progress 4/4"), result.describe());
        assertTrue(result.lines().get(result.lines().size() - 1).startsWith("run completed in "),
                result.describe());
    }

    @Test
    void aFailedRunExitsOne() {
        Result result = jobstream("trigger", "demo.sleep", "--params-json", "{\"items\":3}", "--param", "delay_ms=10",
                "--param", "fail_at=2", "--workspace", UUID.randomUUID().toString(), "--follow");

        assertEquals(1, result.exit(), result.describe());
        assertTrue(result.out().contains("[ 1 / 3 ] Processing item 1..."), result.describe());
        String end = result.lines().get(result.lines().size() - 1);
        assertTrue(end.startsWith("run failed") && end.contains("Failed at item 2 of 3 (fail_at)"), result.describe());
    }

    @Test
    void aRunCancelledWhileFollowedExitsTwo() throws Exception {
        Session session = new Session(environment(), false);
        CompletableFuture<Result> following = CompletableFuture.supplyAsync(() -> session.run("trigger", "demo.sleep",
                "--param", "items=1000", "--param", "delay_ms=20", "--workspace", UUID.randomUUID().toString(),
                "--follow"));
        Awaitility.await().atMost(PATIENCE).until(() -> session.out.toString().contains("Processing item 2..."));
        UUID id = firstLineId(session.out.toString());
        assertFalse(following.isDone(), "the command follows the run until it ends");

        Api.admin().post("/v1/runs/{id}/cancel", id.toString()).then().statusCode(202);

        Result result = following.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertEquals(2, result.exit(), result.describe());
        assertEquals("run cancelled", result.lines().get(result.lines().size() - 1).replaceAll(" in .*", ""),
                result.describe());
    }

    @Test
    void runsAreListedAsATable() throws Exception {
        UUID workspace = UUID.randomUUID();
        List<UUID> triggered = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            triggered.add(client().trigger("demo.noop", TriggerRequest.DEFAULTS.withWorkspace(workspace)).id());
        }
        for (UUID id : triggered) {
            awaitStatus(id, "completed");
        }

        Result all = jobstream("runs", "list", "--job", "demo.noop", "--workspace", workspace.toString());
        assertEquals(0, all.exit(), all.describe());
        List<String> lines = all.lines();
        assertTrue(lines.get(0).matches("ID +JOB +STATUS +CREATED +DURATION"), all.describe());
        assertEquals(4, lines.size(), all.describe());
        for (int i = 0; i < 3; i++) {
            UUID id = triggered.get(2 - i); // newest first
            assertTrue(lines.get(i + 1).matches(id + " +demo\\.noop +completed +" + TIME + " +\\d.*"), all.describe());
        }

        Result two = jobstream("runs", "list", "--workspace", workspace.toString(), "--limit", "2");
        assertEquals(3, two.lines().size(), two.describe());
        assertEquals(4, jobstream("runs", "list", "--workspace", workspace.toString(), "--all").lines().size());
        assertEquals(1, jobstream("runs", "list", "--workspace", workspace.toString(), "--status", "failed").lines()
                .size(), "the header alone");
    }

    @Test
    void aRunIsPausedResumedCancelledAndWatchedToItsEnd() throws Exception {
        Run run = client().trigger("demo.sleep", TriggerRequest.params(Map.of("items", 1000, "delay_ms", 20))
                .withWorkspace(UUID.randomUUID()));
        String id = run.id().toString();
        awaitStatus(run.id(), "running");

        Result pause = jobstream("runs", "pause", id);
        assertEquals(0, pause.exit(), pause.describe());
        assertTrue(pause.out().startsWith(id + " "), pause.describe());
        awaitStatus(run.id(), "paused");
        assertEquals(0, jobstream("runs", "resume", id).exit());
        awaitStatus(run.id(), "running");
        assertEquals(0, jobstream("runs", "cancel", id).exit());
        awaitStatus(run.id(), "cancelled");

        Result watch = jobstream("runs", "watch", id);
        assertEquals(2, watch.exit(), watch.describe());
        List<String> lines = watch.lines();
        assertTrue(lines.contains("run paused"), watch.describe());
        assertTrue(lines.contains("run running"), watch.describe());
        assertTrue(lines.get(lines.size() - 1).startsWith("run cancelled"), watch.describe());

        Result again = jobstream("runs", "pause", id);
        assertEquals(Exit.REFUSED, again.exit(), again.describe());
        assertTrue(again.err().contains("Cannot pause: run is already cancelled"), again.describe());
    }

    @Test
    void jobsAndSchedulesAreListed() {
        Result jobs = jobstream("jobs", "list");
        assertEquals(0, jobs.exit(), jobs.describe());
        assertTrue(jobs.lines().get(0).matches("NAME +EXECUTOR +EXCLUSIVE +PARAMS +DESCRIPTION"), jobs.describe());
        assertTrue(jobs.lines().stream().anyMatch(
                line -> line.matches("demo\\.sleep +service +yes +items=5 delay_ms=200 fail_at +Sleeps through .*")),
                jobs.describe());

        String workspace = UUID.randomUUID().toString();
        Api.json(Map.of("job", "demo.noop", "workspace_id", workspace, "cron", "0 4 * * *", "time_zone",
                "Europe/Berlin")).post("/v1/schedules").then().statusCode(201);
        Result schedules = jobstream("schedules", "list", "--workspace", workspace);
        assertEquals(0, schedules.exit(), schedules.describe());
        assertEquals(2, schedules.lines().size(), schedules.describe());
        assertTrue(schedules.lines().get(1)
                .matches(UUID_LINE + " +demo\\.noop +0 4 \\* \\* \\* +Europe/Berlin +yes +" + TIME + " +-"),
                schedules.describe());
    }

    @Test
    void aUsageErrorIsOneLineOnStderrAndExits64() {
        for (String[] args : List.of(new String[]{"trigger"}, new String[]{"runs", "lst"},
                new String[]{"trigger", "demo.noop", "--param", "items"},
                new String[]{"trigger", "demo.noop", "--params-json", "[1]"},
                new String[]{"trigger", "demo.noop", "--delay", "10s", "--run-at", "2030-01-01T00:00:00Z"},
                new String[]{"trigger", "demo.noop", "--delay", "soon"},
                new String[]{"runs", "watch", "not-a-uuid"}, new String[]{"runs"}, new String[]{})) {
            Result result = jobstream(args);
            assertEquals(Exit.USAGE, result.exit(), String.join(" ", args) + "\n" + result.describe());
            assertTrue(result.err().startsWith("jobstream: "), result.describe());
            assertTrue(result.err().contains("--help' for more information."), result.describe());
            assertEquals("", result.out(), result.describe());
        }
        assertEquals(0, jobstream("--help").exit());
        assertTrue(jobstream("--help").out().contains(" 77   no token, or the token was refused"));
        assertEquals(0, jobstream("trigger", "--help").exit());
    }

    @Test
    void aProblemOfTheServiceIsItsTitleAndDetailOnStderrWithItsExitCode() {
        Result unknown = jobstream("trigger", "no.such.job", "--follow");
        assertEquals(Exit.NOT_FOUND, unknown.exit(), unknown.describe());
        assertEquals("", unknown.out());
        String first = unknown.err().lines().findFirst().orElse("");
        assertTrue(first.startsWith("jobstream: Not Found (HTTP 404): ") && first.contains("no.such.job"),
                unknown.describe());
        assertFalse(unknown.err().contains("Exception") || unknown.err().contains("\tat "), "no stack trace");

        Result webhook = jobstream("trigger", "demo.noop", "--webhook", "no-such-hook");
        assertEquals(Exit.REFUSED, webhook.exit(), webhook.describe());
        assertTrue(webhook.err().startsWith("jobstream: Bad Request (HTTP 400): ") && webhook.err().contains(
                "no-such-hook"), webhook.describe());

        Result priority = jobstream("trigger", "demo.noop", "--priority", "101");
        assertEquals(Exit.REFUSED, priority.exit(), priority.describe());
        assertTrue(priority.err().startsWith("jobstream: Bad Request (HTTP 400): "), priority.describe());

        Result params = jobstream("trigger", "test.export", "--params-json",
                "{\"columns\": [1], \"filter\": {\"since\": \"soon\"}}");
        assertEquals(Exit.REFUSED, params.exit(), params.describe());
        assertEquals(List.of("jobstream: Bad Request (HTTP 400): Params of job 'test.export': /columns/0 integer found,"
                + " string expected (and 1 more, in 'errors')", "  /columns/0: integer found, string expected",
                "  /filter/since: must be a valid RFC 3339 full-date"), params.err().lines().toList(),
                params.describe());

        String workspace = UUID.randomUUID().toString();
        String active = jobstream("trigger", "demo.sleep", "--param", "items=1000", "--workspace", workspace).out()
                .strip();
        Result conflict = jobstream("trigger", "demo.sleep", "--workspace", workspace);
        assertEquals(Exit.REFUSED, conflict.exit(), conflict.describe());
        assertTrue(conflict.err().contains("\n  active_run_id: " + active + "\n"), conflict.describe());
        Api.admin().post("/v1/runs/{id}/cancel?force=true", active).then().statusCode(202);

        Result unreachable = jobstream("--url", "http://127.0.0.1:1", "jobs", "list");
        assertEquals(Exit.UNAVAILABLE, unreachable.exit(), unreachable.describe());
        assertTrue(unreachable.err().startsWith("jobstream: the service cannot be reached at http://127.0.0.1:1: "),
                unreachable.describe());
    }

    @Test
    void theTokenIsReadFromAFileAndAMissingOneIsRefused(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("token"), ADMIN_TOKEN + "\n");
        Map<String, String> noToken = Map.of("JOBSTREAM_URL", base.toString());

        Result fromOption = new Session(noToken, false).run("--token-file", file.toString(), "jobs", "list");
        assertEquals(0, fromOption.exit(), fromOption.describe());
        assertTrue(fromOption.out().contains("demo.sleep"), fromOption.describe());
        Result fromEnvironment = new Session(Map.of("JOBSTREAM_URL", base.toString(), "JOBSTREAM_TOKEN_FILE",
                file.toString()), false).run("jobs", "list");
        assertEquals(0, fromEnvironment.exit(), fromEnvironment.describe());
        Result optionFirst = new Session(Map.of("JOBSTREAM_URL", base.toString(), "JOBSTREAM_TOKEN", "not-a-token"),
                false).run("runs", "list", "--token-file", file.toString());
        assertEquals(0, optionFirst.exit(), "--token-file before JOBSTREAM_TOKEN\n" + optionFirst.describe());

        Result missing = new Session(noToken, false).run("jobs", "list");
        assertEquals(Exit.NO_PERMISSION, missing.exit(), missing.describe());
        assertEquals("jobstream: no token: set JOBSTREAM_TOKEN or JOBSTREAM_TOKEN_FILE, or give --token-file\n",
                missing.err());
        Result unreadable = new Session(noToken, false).run("jobs", "list", "--token-file",
                dir.resolve("absent").toString());
        assertEquals(Exit.NO_PERMISSION, unreadable.exit(), unreadable.describe());
        assertTrue(unreadable.err().startsWith("jobstream: the token file cannot be read: "), unreadable.describe());
        Files.writeString(file, "not-a-token");
        Result refused = new Session(noToken, false).run("--token-file", file.toString(), "jobs", "list");
        assertEquals(Exit.NO_PERMISSION, refused.exit(), refused.describe());
        assertTrue(refused.err().startsWith("jobstream: Unauthorized (HTTP 401)"), refused.describe());

        Result asArgument = new Session(noToken, false).run("--token", ADMIN_TOKEN, "jobs", "list");
        assertEquals(Exit.USAGE, asArgument.exit(), "a token is never an argument\n" + asArgument.describe());
    }
}

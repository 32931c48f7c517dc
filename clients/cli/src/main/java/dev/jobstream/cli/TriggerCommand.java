package dev.jobstream.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.jobstream.client.Run;
import dev.jobstream.client.TriggerRequest;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jobstream trigger <job>}: prints the new run's id; with {@code --follow}, follows it to its end. */
@Command(name = "trigger", mixinStandardHelpOptions = true, sortOptions = false,
        description = { "Triggers a run of <job> and prints its id.",
                "With --follow, prints its log lines, progress and end as they come, and exits with its outcome:",
                "0 completed, 1 failed, 2 cancelled." })
final class TriggerCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "<job>", description = "The job, such as demo.sleep (jobstream jobs list).")
    String job;

    @Option(names = "--param", paramLabel = "<name=value>",
            description = { "A param of the run; repeat it for more. A value that is a number stays a number, "
                    + "true and false are booleans, anything else is a string." })
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--params-json", paramLabel = "<json>",
            description = "The params as a JSON object ('{\"items\":5}'); each --param goes over it.")
    String paramsJson;

    @Option(names = "--workspace", paramLabel = "<uuid>", description = "The workspace (default: the global one).")
    UUID workspace;

    @Option(names = "--idempotency-key", paramLabel = "<key>",
            description = "A repeated trigger with this key answers the run the first one made.")
    String idempotencyKey;

    @ArgGroup(exclusive = true)
    When when;

    @Option(names = "--priority", paramLabel = "<n>", description = "-100 to 100, higher first (default: the job's).")
    Integer priority;

    @Option(names = "--webhook", paramLabel = "<name>",
            description = "A registered webhook the run calls when it ends (default: its job's).")
    String webhook;

    @Option(names = "--dry-run", description = "A preview: the job runs without its side effects.")
    boolean dryRun;

    @Option(names = "--follow", description = "Follows the run to its end and exits with its outcome.")
    boolean follow;

    @Spec
    CommandSpec spec;

    /** When the run is due: now, unless one of these says. */
    static final class When {
        @Option(names = "--delay", paramLabel = "<duration>", converter = Durations.Converter.class,
                description = "Run it after this long: 500ms, 90s, 15m, 2h, 1d or ISO-8601 (PT30S).")
        Duration delay;

        @Option(names = "--run-at", paramLabel = "<instant>",
                description = { "Run it at this time, ISO-8601:", "2026-12-07T18:00:00Z." })
        Instant runAt;
    }

    @Override
    public Integer call() throws Exception {
        ObjectNode runParams;
        try {
            runParams = Params.of(paramsJson, params);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--params-json': "
                    + e.getMessage());
        }
        When due = when != null ? when : new When();
        TriggerRequest request = TriggerRequest.params(runParams).withWorkspace(workspace)
                .withIdempotencyKey(idempotencyKey).withDelay(due.delay).withRunAt(due.runAt).withPriority(priority)
                .withDryRun(dryRun ? Boolean.TRUE : null).withWebhook(webhook);
        JobstreamCli cli = JobstreamCli.of(spec);
        Run run = cli.client().trigger(job, request);
        PrintWriter out = spec.commandLine().getOut();
        out.println(run.id());
        out.flush();
        return follow ? Follow.toEnd(cli, run.id(), out) : Exit.COMPLETED;
    }
}

package dev.jobstream.cli;

import java.io.PrintWriter;
import java.util.Iterator;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import dev.jobstream.client.JobstreamClient;
import dev.jobstream.client.Run;
import dev.jobstream.client.RunQuery;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jobstream runs …}: list runs, follow one, pause, resume, cancel or retry one. */
@Command(name = "runs", mixinStandardHelpOptions = true, description = "Lists, follows and controls runs.")
final class RunsCommand implements Callable<Integer> {

    /** The most runs one page of the service holds. */
    private static final int MAX_PAGE = 500;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(),
                "Missing a command: list, watch, pause, resume, cancel or retry");
    }

    /** How many runs to list. */
    static final class Count {
        @Option(names = "--limit", paramLabel = "<n>", description = "At most n runs (default: 50).")
        Integer limit;

        @Option(names = "--all", description = "Every run, page after page.")
        boolean all;
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Lists runs, newest first: id, job, status, created, duration.")
    int list(@Option(names = "--job", paramLabel = "<job>", description = "Runs of this job.") String job,
            @Option(names = "--status", paramLabel = "<status>",
                    description = "Runs in this status: queued, running, paused, completed, failed, cancelled, "
                            + "skipped, or stale.") String status,
            @Option(names = "--workspace", paramLabel = "<uuid>", description = "Runs of this workspace.")
            UUID workspace,
            @ArgGroup(exclusive = true) Count count) throws Exception {
        boolean all = count != null && count.all;
        int limit = count != null && count.limit != null ? count.limit : 50;
        if (limit < 1) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--limit': at least 1");
        }
        RunQuery query = RunQuery.job(job).withStatus(status).withWorkspace(workspace)
                .withLimit(all ? MAX_PAGE : Math.min(limit, MAX_PAGE));
        Table table = new Table("ID", "JOB", "STATUS", "CREATED", "DURATION");
        try (Stream<Run> runs = client().allRuns(query)) {
            Iterator<Run> each = (all ? runs : runs.limit(limit)).iterator();
            while (each.hasNext()) {
                Run run = each.next();
                table.row(run.id(), run.job(), run.displayStatus(), Table.time(run.createdAt()),
                        Durations.between(run.startedAt(), run.finishedAt()));
            }
        }
        table.print(out());
        return Exit.COMPLETED;
    }

    @Command(name = "watch", mixinStandardHelpOptions = true,
            description = { "Prints a run's events from its first one until it ends, and exits with its outcome:",
                    "0 completed, 1 failed, 2 cancelled." })
    int watch(@Parameters(paramLabel = "<id>", description = "The run.") UUID id) throws Exception {
        return Follow.toEnd(JobstreamCli.of(spec), id, out());
    }

    @Command(name = "pause", mixinStandardHelpOptions = true,
            description = "Asks a running run to pause at its next checkpoint.")
    int pause(@Parameters(paramLabel = "<id>", description = "The run.") UUID id) throws Exception {
        return print("pause", client().pause(id));
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Asks a paused run to go on.")
    int resume(@Parameters(paramLabel = "<id>", description = "The run.") UUID id) throws Exception {
        return print("resume", client().resume(id));
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true,
            description = "Cancels a queued run at once, an executing one at its next checkpoint.")
    int cancel(@Parameters(paramLabel = "<id>", description = "The run.") UUID id,
            @Option(names = "--force", description = "End it at once, wherever it executes (for a hung run).")
            boolean force) throws Exception {
        return print("cancel", force ? client().forceCancel(id) : client().cancel(id));
    }

    @Command(name = "retry", mixinStandardHelpOptions = true,
            description = "Puts a failed or cancelled run back in the queue as a new attempt.")
    int retry(@Parameters(paramLabel = "<id>", description = "The run.") UUID id) throws Exception {
        return print("retry", client().retry(id));
    }

    /** {@code <id> <status> (<action> requested)}: the run as the request left it. */
    private int print(String action, Run run) {
        out().println(run.id() + " " + run.displayStatus() + " (" + action + " requested)");
        out().flush();
        return Exit.COMPLETED;
    }

    private JobstreamClient client() {
        return JobstreamCli.of(spec).client();
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }
}

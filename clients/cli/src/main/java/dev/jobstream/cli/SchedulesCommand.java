package dev.jobstream.cli;

import java.util.UUID;
import java.util.concurrent.Callable;

import dev.jobstream.client.Schedule;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code jobstream schedules list}: the schedules and when they fire next. */
@Command(name = "schedules", mixinStandardHelpOptions = true, description = "Lists the schedules.")
final class SchedulesCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing a command: list");
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Lists the schedules, oldest first: id, job, cron, time zone, enabled, next fire, last run.")
    int list(@Option(names = "--job", paramLabel = "<job>", description = "Schedules of this job.") String job,
            @Option(names = "--workspace", paramLabel = "<uuid>", description = "Schedules of this workspace.")
            UUID workspace,
            @Option(names = "--limit", paramLabel = "<n>", description = "At most n, 1 to 500 (default: 100).")
            Integer limit) throws Exception {
        Table table = new Table("ID", "JOB", "CRON", "TIME ZONE", "ENABLED", "NEXT FIRE", "LAST RUN");
        for (Schedule schedule : JobstreamCli.of(spec).client().schedules(job, workspace, limit)) {
            table.row(schedule.id(), schedule.job(), schedule.cron(), schedule.timeZone(),
                    schedule.enabled() ? "yes" : "no", Table.time(schedule.nextFireAt()),
                    schedule.lastRunStatus());
        }
        table.print(spec.commandLine().getOut());
        return Exit.COMPLETED;
    }
}

package dev.jobstream.cli;

import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.jobstream.client.JobstreamClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code jobstream}, the command line of jobstream for people at a terminal: trigger a run and follow it to its end,
 * list and control runs, list jobs and schedules. The token is never an argument (it would show in {@code ps}): it is
 * {@code JOBSTREAM_TOKEN}, or the content of the file {@code --token-file} or {@code JOBSTREAM_TOKEN_FILE} names.
 */
@Command(name = "jobstream", mixinStandardHelpOptions = true, versionProvider = JobstreamCli.Version.class,
        description = "Triggers, follows, lists and controls the runs of a jobstream service.",
        subcommands = { TriggerCommand.class, RunsCommand.class, JobsCommand.class, SchedulesCommand.class,
                HelpCommand.class },
        footerHeading = "%nEnvironment:%n")
public final class JobstreamCli implements Callable<Integer> {

    static final String DEFAULT_URL = "http://localhost:8080";

    @Option(names = "--url", scope = ScopeType.INHERIT, paramLabel = "<url>",
            description = { "The service (default: JOBSTREAM_URL,", "else " + DEFAULT_URL + ")." })
    String url;

    @Option(names = "--token-file", scope = ScopeType.INHERIT, paramLabel = "<path>",
            description = "A file holding the token (default: JOBSTREAM_TOKEN, else the file JOBSTREAM_TOKEN_FILE "
                    + "names). There is no option for the token itself: it would show in ps.")
    Path tokenFile;

    @Spec
    CommandSpec spec;

    private final Map<String, String> environment;
    private final boolean terminal;
    private JobstreamClient client;

    JobstreamCli(Map<String, String> environment, boolean terminal) {
        this.environment = environment;
        this.terminal = terminal;
    }

    public static void main(String[] args) {
        System.exit(commandLine(System.getenv(), System.console() != null).execute(args));
    }

    /**
     * The command line, reading the token and URL from {@code environment}; {@code terminal}: stdout is a terminal,
     * where progress is a bar redrawn on one line.
     */
    public static CommandLine commandLine(Map<String, String> environment, boolean terminal) {
        CommandLine commandLine = new CommandLine(new JobstreamCli(environment, terminal));
        commandLine.getCommandSpec().usageMessage().footer(footer());
        Faults faults = new Faults();
        return commandLine.setParameterExceptionHandler(faults).setExecutionExceptionHandler(faults);
    }

    private static String[] footer() {
        String[] footer = new String[4 + Exit.HELP.length];
        footer[0] = "  JOBSTREAM_URL         the service, if --url is not given";
        footer[1] = "  JOBSTREAM_TOKEN       the token, if --token-file is not given";
        footer[2] = "  JOBSTREAM_TOKEN_FILE  a file holding the token, if neither is given";
        footer[3] = "%nExit codes:";
        System.arraycopy(Exit.HELP, 0, footer, 4, Exit.HELP.length);
        return footer;
    }

    /** {@code jobstream} alone: a usage error that lists the commands. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing a command: trigger, runs, jobs or schedules");
    }

    /** The root of the command line that {@code command} belongs to. */
    static JobstreamCli of(CommandLine command) {
        return (JobstreamCli) command.getCommandSpec().root().userObject();
    }

    static JobstreamCli of(CommandSpec spec) {
        return (JobstreamCli) spec.root().userObject();
    }

    String url() {
        if (url != null) {
            return url;
        }
        String fromEnvironment = environment.get("JOBSTREAM_URL");
        return fromEnvironment == null || fromEnvironment.isBlank() ? DEFAULT_URL : fromEnvironment.strip();
    }

    private boolean blank(String variable) {
        String value = environment.get(variable);
        return value == null || value.isBlank();
    }

    boolean terminal() {
        return terminal;
    }

    /** The client of the service, made once; a missing or unreadable token is {@link Exit#NO_PERMISSION}. */
    JobstreamClient client() {
        if (client == null) {
            URI base;
            try {
                base = URI.create(url());
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "Invalid value for option '--url': " + e.getMessage());
            }
            if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme())) {
                throw new ParameterException(spec.commandLine(),
                        "Invalid value for option '--url': '" + url() + "' is no http or https URL");
            }
            if (tokenFile == null && blank("JOBSTREAM_TOKEN") && blank("JOBSTREAM_TOKEN_FILE")) {
                throw new Failure(Exit.NO_PERMISSION,
                        "no token: set JOBSTREAM_TOKEN or JOBSTREAM_TOKEN_FILE, or give --token-file", null);
            }
            try {
                client = JobstreamClient.builder(base).environment(environment).tokenFile(tokenFile).build();
            } catch (IllegalStateException | UncheckedIOException e) {
                String cause = e.getCause() != null ? " (" + e.getCause() + ")" : "";
                throw new Failure(Exit.NO_PERMISSION, e.getMessage() + cause, e);
            }
        }
        return client;
    }

    /** The version of the jar's manifest. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = JobstreamCli.class.getPackage().getImplementationVersion();
            return new String[] { "jobstream " + (version != null ? version : "(development build)") };
        }
    }
}

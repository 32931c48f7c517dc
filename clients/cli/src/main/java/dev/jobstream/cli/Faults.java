package dev.jobstream.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import dev.jobstream.client.JobstreamApiException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How a fault reaches the person at the terminal: one line or a few on stderr, never a stack trace, and an exit
 * status of {@link Exit}. A problem of the service (RFC 9457) shows its title, its detail and its other members.
 */
final class Faults implements IParameterExceptionHandler, IExecutionExceptionHandler {

    /** Members of every problem, shown in its first line or not at all. */
    private static final Set<String> STANDARD = Set.of("type", "title", "status", "detail", "instance", "timestamp");

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        err.println("jobstream: " + e.getMessage());
        UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return Exit.USAGE;
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine command, ParseResult parsed) {
        PrintWriter err = command.getErr();
        int exitCode;
        if (e instanceof JobstreamApiException problem) {
            printProblem(err, problem);
            exitCode = Exit.ofProblem(problem.status());
        } else if (e instanceof Failure failure) {
            err.println("jobstream: " + failure.getMessage());
            exitCode = failure.exitCode();
        } else if (e instanceof IOException || e instanceof UncheckedIOException) {
            err.println("jobstream: the service cannot be reached at " + JobstreamCli.of(command).url() + ": "
                    + message(e));
            exitCode = Exit.UNAVAILABLE;
        } else if (e instanceof InterruptedException) {
            err.println("jobstream: interrupted");
            exitCode = Exit.SOFTWARE;
        } else {
            err.println("jobstream: internal error: " + e);
            exitCode = Exit.SOFTWARE;
        }
        err.flush();
        return exitCode;
    }

    /** {@code jobstream: <title> (HTTP <status>): <detail>}, then a line per other member of the problem. */
    static void printProblem(PrintWriter err, JobstreamApiException problem) {
        String title = problem.title() != null ? problem.title() : "HTTP " + problem.status();
        String detail = problem.detail();
        err.println("jobstream: " + title + " (HTTP " + problem.status() + ")"
                + (detail == null || detail.isBlank() ? "" : ": " + detail));
        for (Map.Entry<String, JsonNode> member : problem.problem().properties()) {
            JsonNode value = member.getValue();
            if ("errors".equals(member.getKey()) && value.isArray()) {
                // each violation of the input on a line of its own: where (a JSON pointer) and what
                for (JsonNode violation : value) {
                    String pointer = violation.path("pointer").asText("");
                    err.println("  " + (pointer.isEmpty() ? "(the whole)" : pointer) + ": "
                            + violation.path("message").asText(violation.toString()));
                }
            } else if (!STANDARD.contains(member.getKey())) {
                err.println("  " + member.getKey() + ": " + (value.isTextual() ? value.asText() : value.toString()));
            }
        }
    }

    /** The first message along the causes of {@code e} (a refused connection has none of its own). */
    private static String message(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null && !cause.getMessage().isBlank()) {
                return cause.getMessage();
            }
        }
        return e instanceof ConnectException ? "connection refused" : e.getClass().getSimpleName();
    }
}

package dev.jobstream.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.UUID;

import dev.jobstream.client.JobstreamClient;
import dev.jobstream.client.Run;

/** Follows a run to its end, printing its events, and answers the run's outcome as an exit status. */
final class Follow {

    private Follow() {
    }

    /**
     * Prints the run's events from its first one until it has ended; a run retried by an operator meanwhile is
     * followed on through its next attempt.
     */
    static int toEnd(JobstreamCli cli, UUID id, PrintWriter out) throws IOException, InterruptedException {
        JobstreamClient client = cli.client();
        EventPrinter printer = new EventPrinter(out, cli.terminal());
        int last = 0;
        try {
            while (true) {
                last = client.follow(id, last, printer);
                Run run = client.run(id);
                if (run.isTerminal()) {
                    return Exit.ofOutcome(run.status());
                }
            }
        } finally {
            printer.finish();
        }
    }
}

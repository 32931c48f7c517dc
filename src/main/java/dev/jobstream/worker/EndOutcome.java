package dev.jobstream.worker;

import dev.jobstream.refusal.Refusal;
import dev.jobstream.run.Run;

/**
 * What became of one end of a batch: the run as the end left it, or the refusal its own call would have met (the
 * run's id then as the worker sent it).
 */
public record EndOutcome(String runId, Run run, Refusal refusal) {

    static EndOutcome ended(Run run) {
        return new EndOutcome(run.id().toString(), run, null);
    }

    static EndOutcome refused(String runId, Refusal refusal) {
        return new EndOutcome(runId, null, refusal);
    }
}

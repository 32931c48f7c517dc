package dev.jobstream.worker;

import dev.jobstream.run.Run;

/**
 * The answer to one end of a batch: {@code code} is the status its own call would have had — 200 with the run's
 * {@code status} after it, or 400, 404 or 409 with the problem's {@code detail} (and, for a lease that no longer
 * holds its run, the {@code reason}: ended, superseded, not_held).
 */
public record EndResult(String runId, int code, String status, String reason, String detail) {

    static EndResult ended(Run run) {
        return new EndResult(run.id().toString(), 200, run.status().value(), null, null);
    }
}

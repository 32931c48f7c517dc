package dev.jobstream.worker;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.jobstream.refusal.Conflict;
import dev.jobstream.run.Run;

/**
 * A worker's lease no longer holds its run, so nothing it sent was stored. The fact {@code reason} says why:
 * {@code ended} (the run ended: completed, failed, or cancelled — a force-cancel fences its worker out),
 * {@code superseded} (the run is at another attempt: the lease expired and the run was swept, retried or claimed
 * again), {@code not_held} (another worker holds this attempt, or none does); {@code run_status} and
 * {@code run_attempt} say where the run is.
 */
final class LeaseLost extends Conflict {

    private LeaseLost(String detail, String reason, Run run) {
        super(detail, facts(reason, run));
    }

    private static Map<String, Object> facts(String reason, Run run) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("reason", reason);
        facts.put("run_status", run.status().value());
        facts.put("run_attempt", run.attempt());
        return facts;
    }

    static LeaseLost of(Run run, String owner, int attempt) {
        if (run.status().isTerminal()) {
            return new LeaseLost("The lease of attempt " + attempt + " no longer holds run " + run.id()
                    + ": the run ended " + run.status().value(), "ended", run);
        }
        if (run.attempt() != attempt) {
            return new LeaseLost("The lease of attempt " + attempt + " no longer holds run " + run.id()
                    + ": it expired, and the run is at attempt " + run.attempt() + " now", "superseded", run);
        }
        return new LeaseLost("The lease of attempt " + attempt + " does not hold run " + run.id() + " (it is "
                + run.status().value() + (run.owner() == null ? "" : ", held by " + run.owner()) + ")", "not_held",
                run);
    }
}

package dev.jobstream.run;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.jobstream.refusal.Conflict;

/** An exclusive job already has an active run for the workspace: the facts name the run that holds the slot. */
public class AlreadyRunning extends Conflict {

    public AlreadyRunning(TriggerOutcome.AlreadyRunning conflict) {
        super("Job '" + conflict.job() + "' is already running for workspace " + conflict.workspaceId(),
                body(conflict));
    }

    /** The members that tell a client which run holds the slot. */
    public static Map<String, Object> body(TriggerOutcome.AlreadyRunning conflict) {
        Map<String, Object> members = new LinkedHashMap<>();
        members.put("lock_acquired", false);
        members.put("reason", "already_running");
        members.put("active_run_id", conflict.activeRunId() == null ? null : conflict.activeRunId().toString());
        return members;
    }
}

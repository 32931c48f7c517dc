package dev.jobstream.run;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.jobstream.problem.ApiException;

/** 409: an exclusive job already has an active run for the workspace. */
public class AlreadyRunning extends ApiException {

    private final TriggerOutcome.AlreadyRunning conflict;

    public AlreadyRunning(TriggerOutcome.AlreadyRunning conflict) {
        super(409, "Conflict", "Job '" + conflict.job() + "' is already running for workspace "
                + conflict.workspaceId());
        this.conflict = conflict;
    }

    @Override
    public Map<String, Object> extensions() {
        return body(conflict);
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

package dev.jobstream.run;

import java.util.UUID;

/** What inserting a {@link NewRun} gave: a new run, the run an idempotency key already named, or a conflict. */
public sealed interface TriggerOutcome {

    /** The run was inserted. */
    record Created(Run run) implements TriggerOutcome {
    }

    /** A run with the same idempotency key exists; nothing was inserted. */
    record Existing(Run run) implements TriggerOutcome {
    }

    /** The job is exclusive and {@code activeRunId} is active for the same workspace. */
    record AlreadyRunning(String job, UUID workspaceId, UUID activeRunId) implements TriggerOutcome {
    }
}

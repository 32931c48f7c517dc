package dev.jobstream.run;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.jobstream.refusal.Conflict;

/** What inserting a {@link NewRun} gave: a new run, the run an idempotency key already named, or a conflict. */
public sealed interface TriggerOutcome {

    /** The run was inserted. */
    record Created(Run run) implements TriggerOutcome {
    }

    /** A run with the same idempotency key exists; nothing was inserted. */
    record Existing(Run run) implements TriggerOutcome {
    }

    /** Nothing was inserted: other runs hold what the run needs; {@link #conflict()} names them. */
    sealed interface Refused extends TriggerOutcome {
        /** The 409 to answer. */
        Conflict conflict();
    }

    /** The job is exclusive and {@code activeRunId} is active for the same workspace. */
    record AlreadyRunning(String job, UUID workspaceId, UUID activeRunId) implements Refused {
        @Override
        public Conflict conflict() {
            return new dev.jobstream.run.AlreadyRunning(this);
        }
    }

    /**
     * The job refuses a run while its key has as many runs active as it allows at once: {@code activeRunIds} hold
     * the key's places.
     */
    record KeyBusy(String job, String key, int most, List<UUID> activeRunIds) implements Refused {
        @Override
        public Conflict conflict() {
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("reason", "key_busy");
            facts.put("limit_key", key);
            facts.put("max_active_per_key", most);
            facts.put("active_run_ids", activeRunIds.stream().map(UUID::toString).toList());
            return new Conflict("Job '" + job + "' has " + activeRunIds.size() + " active runs for key '" + key
                    + "', as many as it allows at once", facts);
        }
    }
}

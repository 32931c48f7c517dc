package dev.jobstream.run;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonValue;

/** The states of a run (see the package documentation for its transitions). Active runs hold their exclusive slot; terminal runs never change again. */
public enum RunStatus {
    QUEUED, RUNNING, PAUSED, COMPLETED, FAILED, CANCELLED, SKIPPED;

    /** Database values of the active states, for {@code status = ANY($n)} guards. */
    public static final String[] ACTIVE = {"queued", "running", "paused"};
    /** Database values of the states in which an engine owns the run. */
    public static final String[] EXECUTING = {"running", "paused"};
    /** Database values of the terminal states. */
    public static final String[] TERMINAL = {"completed", "failed", "cancelled", "skipped"};

    /** The value stored in {@code job_runs.status} and shown in JSON. */
    @JsonValue
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isActive() {
        return this == QUEUED || this == RUNNING || this == PAUSED;
    }

    public boolean isTerminal() {
        return !isActive();
    }

    public static RunStatus of(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    /** The status named by a client, if it is one. */
    public static Optional<RunStatus> parse(String value) {
        return Arrays.stream(values()).filter(s -> s.value().equals(value)).findFirst();
    }
}

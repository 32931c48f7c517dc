package dev.jobstream.run;

import java.util.Locale;

import dev.jobstream.refusal.Conflict;

/** The control requests (pause, resume, cancel) and the states each is allowed from. */
public enum Control {
    PAUSE(RunStatus.RUNNING), RESUME(RunStatus.PAUSED), CANCEL(RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.PAUSED);

    private final RunStatus[] allowedFrom;

    Control(RunStatus... allowedFrom) {
        this.allowedFrom = allowedFrom;
    }

    /** The request stored in {@code job_runs.control_requested} as this value; null for null (none). */
    public static Control of(String value) {
        return value == null ? null : valueOf(value.toUpperCase(Locale.ROOT));
    }

    /** The value stored in {@code job_runs.control_requested}. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String[] allowedFrom() {
        String[] values = new String[allowedFrom.length];
        for (int i = 0; i < allowedFrom.length; i++) {
            values[i] = allowedFrom[i].value();
        }
        return values;
    }

    /**
     * The conflict of a request that the run does not allow: its status, or a cancel asked of it (which a pause or
     * resume does not replace).
     */
    public Conflict refusal(Run run) {
        if (this != CANCEL && !run.status().isTerminal() && CANCEL.value().equals(run.controlRequested())) {
            return new Conflict("Cannot " + value() + ": a cancel of the run was requested");
        }
        return refusal(run.status());
    }

    /** The conflict of a request that the run's status does not allow. */
    public Conflict refusal(RunStatus status) {
        String verb = value();
        String detail;
        if (status.isTerminal()) {
            detail = "Cannot " + verb + ": run is already " + status.value();
        } else if (this == PAUSE && status == RunStatus.PAUSED) {
            detail = "Cannot pause: run is already paused";
        } else {
            detail = "Cannot " + verb + ": run is " + status.value();
        }
        return new Conflict(detail);
    }
}

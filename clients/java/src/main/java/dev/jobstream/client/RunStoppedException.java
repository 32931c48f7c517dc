package dev.jobstream.client;

/**
 * Thrown by {@link RunContext#checkpoint()} when the run must stop: it was cancelled, it ran past its timeout, or its
 * lease was lost (the service gave the run to another attempt: nothing this worker writes for it counts any more).
 * A handler lets it propagate; the worker ends the attempt as the reason says.
 */
public class RunStoppedException extends Exception {

    /** Why the run stops. */
    public enum Reason {
        CANCELLED, TIMED_OUT, LEASE_LOST
    }

    private final Reason reason;

    public RunStoppedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}

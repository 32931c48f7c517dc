package dev.jobstream.concurrent;

/**
 * Where time-driven code waits: Vert.x timers in the service, a manual clock in tests, so that lingers, intervals,
 * backoffs and leases are tested without waiting.
 */
public interface Timer {

    /** Runs {@code action} after {@code delayMillis} (0: soon, never on the caller's stack). */
    void schedule(long delayMillis, Runnable action);

    /** A monotonic time in milliseconds. */
    long now();
}

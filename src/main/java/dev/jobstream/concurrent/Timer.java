package dev.jobstream.concurrent;

/**
 * Where time-driven code waits: Vert.x timers in the service, a manual clock in tests, so that lingers, intervals,
 * backoffs and leases are tested without waiting.
 */
public interface Timer {

    /**
     * Runs {@code action} after {@code delayMillis} (0: soon, never on the caller's stack); the answer cancels it
     * (a no-op once it ran), so that a long wait that is no longer needed holds nothing.
     */
    Cancel schedule(long delayMillis, Runnable action);

    /** Cancels a scheduled action. */
    @FunctionalInterface
    interface Cancel {
        void cancel();
    }

    /** A monotonic time in milliseconds. */
    long now();
}

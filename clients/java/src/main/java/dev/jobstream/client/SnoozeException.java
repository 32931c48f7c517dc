package dev.jobstream.client;

import java.time.Duration;

/** Ends the attempt without failing it: the run comes back after {@code delay} as its next attempt. */
public class SnoozeException extends Exception {

    private final Duration delay;

    public SnoozeException(Duration delay) {
        super("Snoozed for " + delay);
        this.delay = delay;
    }

    public Duration delay() {
        return delay;
    }
}

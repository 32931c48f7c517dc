package dev.jobstream.spi;

import java.time.Duration;

/**
 * The job's run comes back after {@code duration} without using up an attempt (the wait for a rate limit, a
 * resource not ready yet): failing with it puts the run back in the queue as its next attempt, with one attempt more
 * allowed. Use {@link JobContext#snooze(Duration)}.
 */
public final class Snooze extends RuntimeException {

    private final Duration duration;

    public Snooze(Duration duration) {
        super("snoozed for " + duration, null, false, false);
        if (duration == null || duration.isNegative()) {
            throw new IllegalArgumentException("a snooze lasts zero or more: " + duration);
        }
        this.duration = duration;
    }

    public Duration duration() {
        return duration;
    }
}

package dev.jobstream.refusal;

import java.time.Duration;

/** The caller holds as many requests of this kind as it may; one more is taken once one ends. */
public final class TooMany extends RetryLater {

    public TooMany(String message, Duration retryAfter) {
        super(message, retryAfter);
    }
}

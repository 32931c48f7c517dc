package dev.jobstream.refusal;

import java.time.Duration;

/** A refusal for now: the same request is taken later, after {@link #retryAfter()} or so. */
public abstract sealed class RetryLater extends Refusal permits TooMany, Unavailable {

    private final Duration retryAfter;

    RetryLater(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    /** How long the caller had better wait before it asks again. */
    public Duration retryAfter() {
        return retryAfter;
    }
}

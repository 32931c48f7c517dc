package dev.jobstream.refusal;

import java.time.Duration;

/** The service cannot take the request now (its queues are full, an answer took too long); later it can. */
public final class Unavailable extends RetryLater {

    public Unavailable(String message, Duration retryAfter) {
        super(message, retryAfter);
    }
}

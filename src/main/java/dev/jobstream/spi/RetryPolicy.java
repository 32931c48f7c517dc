package dev.jobstream.spi;

import java.time.Duration;

/**
 * How a job's failed attempts are retried: at most {@code maxAttempts} attempts in all, the next one due after an
 * exponential backoff — {@code base × 2^(failed attempt − 1)}, at most {@code max}, spread by ± {@code jitter} (a
 * fraction) so that runs that failed together do not all come back together. A trigger may lower
 * {@code max_attempts}; a {@link JobFailure#permanent permanent} failure is never retried.
 */
public record RetryPolicy(int maxAttempts, Duration base, Duration max, double jitter) {

    /** Most attempts a policy (or a trigger) may ask for. */
    public static final int MAX_ATTEMPTS = 25;

    /** The longest backoff between attempts: 30 days. */
    public static final Duration MAX_BACKOFF = Duration.ofDays(30);

    /** The default of every job: 3 attempts, 5 s then 10 s apart (± 20 %), never more than 10 minutes. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(3, Duration.ofSeconds(5), Duration.ofMinutes(10), 0.2);

    public RetryPolicy {
        if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS) {
            throw new IllegalArgumentException("maxAttempts must be 1 to " + MAX_ATTEMPTS + ": " + maxAttempts);
        }
        if (base == null || base.isNegative() || base.isZero() || max == null || max.compareTo(base) < 0
                || max.compareTo(MAX_BACKOFF) > 0) {
            throw new IllegalArgumentException("backoff must have 0 < base <= max <= 30 days: " + base + ", " + max);
        }
        if (!(jitter >= 0 && jitter < 1)) {
            throw new IllegalArgumentException("jitter must be in [0, 1): " + jitter);
        }
    }

    /** One attempt: a failure is final. */
    public static RetryPolicy none() {
        return DEFAULT.withMaxAttempts(1);
    }

    public RetryPolicy withMaxAttempts(int attempts) {
        return new RetryPolicy(attempts, base, max, jitter);
    }

    public RetryPolicy withBackoff(Duration base, Duration max) {
        return new RetryPolicy(maxAttempts, base, max, jitter);
    }

    /**
     * How long after attempt {@code failedAttempt} (1 for the first) failed the next one is due; {@code random} is
     * uniform in [0, 1) and places the delay within the jitter.
     */
    public Duration delay(int failedAttempt, double random) {
        double millis = base.toMillis() * Math.pow(2, Math.max(0, Math.min(failedAttempt - 1, 40)));
        double capped = Math.min(millis, max.toMillis());
        return Duration.ofMillis(Math.round(capped * (1 - jitter + 2 * jitter * random)));
    }
}

package dev.jobstream.spi;

import java.time.Duration;

/**
 * At most {@code limit} starts in any {@code window}: a run beyond it stays queued (shown {@code throttled}) until
 * the oldest start in the window leaves it. Counted across every replica and worker, at the claim.
 */
public record RateLimit(int limit, Duration window) {

    /** Most starts a limit may allow in its window. */
    public static final int MAX_LIMIT = 1_000_000;
    /** The shortest window: a second. */
    public static final Duration MIN_WINDOW = Duration.ofSeconds(1);
    /** The longest window: a day (the starts a window counts are kept as long). */
    public static final Duration MAX_WINDOW = Duration.ofDays(1);

    public RateLimit {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("a rate limit's 'limit' must be 1 to " + MAX_LIMIT + ": " + limit);
        }
        if (window == null || window.compareTo(MIN_WINDOW) < 0 || window.compareTo(MAX_WINDOW) > 0) {
            throw new IllegalArgumentException("a rate limit's 'window' must be from 1s to 1d: " + window);
        }
    }

    /** At most {@code limit} starts per {@code window}. */
    public static RateLimit of(int limit, Duration window) {
        return new RateLimit(limit, window);
    }
}

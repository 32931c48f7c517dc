package dev.jobstream.stats;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.jobstream.refusal.Invalid;

/**
 * The window of {@code GET /v1/stats} and the buckets it is cut into: {@code window} one of {@code 1h}, {@code 24h},
 * {@code 7d}; {@code bucket} one of {@code 1m}, {@code 5m}, {@code 15m}, {@code 1h}, {@code 6h}, {@code 1d}, shorter
 * than the window and at most 1,440 of them; by default 1m for an hour, 1h for a day or a week (a day in minutes
 * reads 1,440 rows per job). Buckets shorter
 * than an hour are read in the rollup's minutes (kept 2 days), the others in its hours (kept 8 days). Buckets are
 * aligned to the epoch, the last one holds now.
 */
public record StatsWindow(String window, String bucket, Duration length, Duration step, String period, Instant from,
        Instant to) {

    private static final Map<String, Duration> WINDOWS = Map.of("1h", Duration.ofHours(1), "24h",
            Duration.ofHours(24), "7d", Duration.ofDays(7));
    private static final Map<String, String> DEFAULT_BUCKETS = Map.of("1h", "1m", "24h", "1h", "7d", "1h");
    private static final Map<String, Duration> BUCKETS = Map.of("1m", Duration.ofMinutes(1), "5m",
            Duration.ofMinutes(5), "15m", Duration.ofMinutes(15), "1h", Duration.ofHours(1), "6h", Duration.ofHours(6),
            "1d", Duration.ofDays(1));
    private static final List<String> WINDOW_NAMES = List.of("1h", "24h", "7d");
    private static final List<String> BUCKET_NAMES = List.of("1m", "5m", "15m", "1h", "6h", "1d");
    static final int MAX_BUCKETS = 1_440;

    /** The window and bucket asked for (null or empty: the defaults) at {@code now}; invalid if they do not fit. */
    public static StatsWindow of(String window, String bucket, Instant now) {
        String w = window == null || window.isEmpty() ? "1h" : window;
        Duration length = WINDOWS.get(w);
        if (length == null) {
            throw new Invalid("'window' must be one of " + String.join(", ", WINDOW_NAMES));
        }
        String b = bucket == null || bucket.isEmpty() ? DEFAULT_BUCKETS.get(w) : bucket;
        Duration step = BUCKETS.get(b);
        if (step == null) {
            throw new Invalid("'bucket' must be one of " + String.join(", ", BUCKET_NAMES));
        }
        if (step.compareTo(length) >= 0) {
            throw new Invalid("'bucket' (" + b + ") must be shorter than 'window' (" + w + ")");
        }
        if (length.dividedBy(step) > MAX_BUCKETS) {
            throw new Invalid("A window of " + w + " in buckets of " + b + " makes "
                    + length.dividedBy(step) + " buckets; at most " + MAX_BUCKETS);
        }
        long stepMillis = step.toMillis();
        Instant to = Instant.ofEpochMilli(Math.floorDiv(now.toEpochMilli(), stepMillis) * stepMillis + stepMillis);
        return new StatsWindow(w, b, length, step, step.compareTo(Duration.ofHours(1)) < 0 ? "minute" : "hour",
                to.minus(length), to);
    }

    /**
     * Where the per-job figures are read: the window's minutes for an hour, its hours beyond (a day of minutes is
     * 1,440 rows per job); the window then starts at the hour that holds its start.
     */
    public String jobsPeriod() {
        return length.compareTo(Duration.ofHours(1)) <= 0 ? "minute" : "hour";
    }

    /** The start of the per-job figures: the window's, or the hour that holds it. */
    public Instant jobsFrom() {
        return "minute".equals(jobsPeriod())
                ? from
                : Instant.ofEpochSecond(Math.floorDiv(from.getEpochSecond(), 3_600) * 3_600);
    }

    /** How many buckets. */
    public int buckets() {
        return (int) length.dividedBy(step);
    }

    /** The start of bucket {@code i}, oldest first. */
    public Instant bucketStart(int i) {
        return from.plus(step.multipliedBy(i));
    }
}

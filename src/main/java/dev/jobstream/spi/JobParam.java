package dev.jobstream.spi;

import java.time.Duration;

/**
 * One parameter a job accepts. {@code type} is {@code integer}, {@code string}, {@code date} (ISO yyyy-MM-dd) or
 * {@code duration} (e.g. {@code 90d}, {@code 12h}, {@code PT30M}); {@code defaultValue} may be null (unset); an
 * integer's {@code minimum} and {@code maximum} (null: none) bound what a trigger may pass.
 */
public record JobParam(String name, String type, Object defaultValue, Long minimum, Long maximum,
        String description) {

    /**
     * The longest duration accepted: 100 years (36500d). Beyond it a timestamp moved by the duration can leave the
     * range of PostgreSQL's {@code timestamptz}, and its milliseconds the range of a long.
     */
    public static final Duration MAX_DURATION = Duration.ofDays(36_500);
    /** A duration as configuration takes it too: an amount and a unit, {@code ms}, {@code s}, {@code m}, {@code h}. */
    private static final java.util.regex.Pattern SHORT_FORM = java.util.regex.Pattern.compile("(\\d{1,12})(ms|[dhms])");

    public static JobParam integer(String name, Integer defaultValue, long minimum, String description) {
        return new JobParam(name, "integer", defaultValue, minimum, null, description);
    }

    /** An integer between {@code minimum} and {@code maximum}, both included. */
    public static JobParam integer(String name, Integer defaultValue, long minimum, long maximum, String description) {
        return new JobParam(name, "integer", defaultValue, minimum, maximum, description);
    }

    /** A string of at most 200 characters. */
    public static JobParam string(String name, String defaultValue, String description) {
        return new JobParam(name, "string", defaultValue, null, null, description);
    }

    public static JobParam date(String name, String description) {
        return new JobParam(name, "date", null, null, null, description);
    }

    public static JobParam duration(String name, String defaultValue, String description) {
        return new JobParam(name, "duration", defaultValue, null, null, description);
    }

    /**
     * A duration param's value as a {@link Duration}: {@code 90d}, {@code 12h}, {@code 30m}, {@code 45s},
     * {@code 500ms} or ISO-8601 ({@code PT30M}), not negative, at most {@link #MAX_DURATION}.
     *
     * @throws IllegalArgumentException if it is none of these
     */
    public static Duration parseDuration(String text) {
        if (text != null) {
            try {
                Duration duration;
                java.util.regex.Matcher shortForm = SHORT_FORM.matcher(text);
                if (shortForm.matches()) {
                    long amount = Long.parseLong(shortForm.group(1));
                    duration = switch (shortForm.group(2)) {
                        case "d" -> Duration.ofDays(amount);
                        case "h" -> Duration.ofHours(amount);
                        case "m" -> Duration.ofMinutes(amount);
                        case "ms" -> Duration.ofMillis(amount);
                        default -> Duration.ofSeconds(amount);
                    };
                } else {
                    duration = Duration.parse(text);
                }
                if (!duration.isNegative() && duration.compareTo(MAX_DURATION) <= 0) {
                    return duration;
                }
            } catch (RuntimeException ignored) {
                // reported below
            }
        }
        throw new IllegalArgumentException("not a duration such as 90d, 12h or PT30M, at most 36500d: " + text);
    }
}

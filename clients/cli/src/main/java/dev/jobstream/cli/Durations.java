package dev.jobstream.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Durations as a person types and reads them: {@code 500ms}, {@code 90s}, {@code 15m}, {@code 2h}, {@code 1d}. */
final class Durations {

    private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private Durations() {
    }

    /** {@code 312ms}, {@code 4.2s}, {@code 3m04s}, {@code 2h01m}. */
    static String format(long millis) {
        if (millis < 1000) {
            return millis + "ms";
        }
        if (millis < 60_000) {
            return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
        }
        long seconds = millis / 1000;
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
    }

    /** The time from {@code from} to {@code to} (null: now); {@code -} when {@code from} is null. */
    static String between(Instant from, Instant to) {
        if (from == null) {
            return "-";
        }
        return format(Duration.between(from, to != null ? to : Instant.now()).toMillis());
    }

    /** {@code --delay}: the short forms above, or ISO-8601 ({@code PT30S}). */
    static final class Converter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Matcher matcher = SHORT.matcher(value);
            if (matcher.matches()) {
                long amount = Long.parseLong(matcher.group(1));
                return switch (matcher.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                };
            }
            try {
                return Duration.parse(value);
            } catch (RuntimeException e) {
                throw new TypeConversionException(
                        "'" + value + "' is no duration (500ms, 90s, 15m, 2h, 1d or ISO-8601 such as PT30S)");
            }
        }
    }
}

package dev.jobstream.schedule;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

/**
 * A Unix cron expression (5 fields: minute, hour, day of month, month, day of week; or an alias such as
 * {@code @daily}) in a time zone, parsed by cron-utils. Its fire times are the instants at which the expression
 * matches the wall clock of its zone: a time skipped by a daylight-saving change does not fire, a repeated one fires
 * once.
 */
public final class Cron {

    /** The aliases, as the expressions they stand for. */
    static final Map<String, String> ALIASES = Map.of(
            "@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *", "@monthly", "0 0 1 * *", "@weekly", "0 0 * * 0",
            "@daily", "0 0 * * *", "@midnight", "0 0 * * *", "@hourly", "0 * * * *");

    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    private final String expression;
    private final ZoneId zone;
    private final ExecutionTime times;

    private Cron(String expression, ZoneId zone, ExecutionTime times) {
        this.expression = expression;
        this.zone = zone;
        this.times = times;
    }

    /**
     * Parses {@code expression} in {@code zone} (an IANA name such as {@code Europe/Berlin}, or {@code UTC}).
     *
     * @throws IllegalArgumentException naming what is wrong: {@code cron} or {@code time_zone}
     */
    public static Cron parse(String expression, String zone) {
        if (expression == null || expression.isBlank() || expression.length() > 200) {
            throw new IllegalArgumentException("'cron' must be a Unix cron expression of 5 fields (minute hour "
                    + "day-of-month month day-of-week), or @hourly, @daily, @weekly, @monthly or @yearly");
        }
        String trimmed = expression.trim();
        String resolved = ALIASES.getOrDefault(trimmed.toLowerCase(Locale.ROOT), trimmed);
        if (resolved.startsWith("@")) {
            throw new IllegalArgumentException("'cron' alias " + trimmed + " is unknown: use @hourly, @daily, "
                    + "@weekly, @monthly or @yearly");
        }
        if (resolved.split("\\s+").length != 5) {
            throw new IllegalArgumentException("'cron' must have 5 fields (minute hour day-of-month month "
                    + "day-of-week): " + trimmed);
        }
        ExecutionTime times;
        try {
            times = ExecutionTime.forCron(PARSER.parse(resolved).validate());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'cron' " + trimmed + " is not valid: " + e.getMessage());
        }
        return new Cron(trimmed, zone(zone), times);
    }

    /** The zone named {@code name} (null: UTC). */
    static ZoneId zone(String name) {
        if (name == null) {
            return ZoneId.of("UTC");
        }
        try {
            return ZoneId.of(name);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'time_zone' must be an IANA time zone such as UTC or Europe/Berlin: "
                    + name);
        }
    }

    /** The first fire time strictly after {@code after}; null if the expression never fires again. */
    public Instant next(Instant after) {
        return times.nextExecution(ZonedDateTime.ofInstant(after, zone)).map(ZonedDateTime::toInstant).orElse(null);
    }

    /** The next {@code count} fire times after {@code after}. */
    public List<Instant> next(Instant after, int count) {
        List<Instant> fires = new ArrayList<>(count);
        Instant at = after;
        while (fires.size() < count && (at = next(at)) != null) {
            fires.add(at);
        }
        return fires;
    }

    public String expression() {
        return expression;
    }

    public ZoneId zone() {
        return zone;
    }
}

package dev.jobstream.problem;

import java.util.Locale;
import java.util.UUID;

/** Parsing of path and query parameters into values, with a 400 problem for anything malformed. */
public final class Params {

    private Params() {
    }

    public static UUID uuid(String name, String value) {
        try {
            UUID id = UUID.fromString(value);
            if (id.toString().equals(value.toLowerCase(Locale.ROOT))) {
                return id;
            }
        } catch (RuntimeException ignored) {
            // reported below
        }
        throw ApiException.badRequest("'" + name + "' must be a UUID");
    }

    public static UUID optionalUuid(String name, String value) {
        return value == null || value.isEmpty() ? null : uuid(name, value);
    }

    public static Boolean optionalBoolean(String name, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw ApiException.badRequest("'" + name + "' must be true or false");
        };
    }

    /** An integer within [min, max], or {@code fallback} when absent. */
    public static int intInRange(String name, String value, int min, int max, int fallback) {
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ApiException.badRequest("'" + name + "' must be an integer from " + min + " to " + max);
    }

    /**
     * A short free-text filter value (job name, kind …): at most {@code maxLength} characters, none of them a control
     * character (PostgreSQL's text takes no NUL, and no name holds one).
     */
    public static String optionalText(String name, String value, int maxLength) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (value.length() > maxLength) {
            throw ApiException.badRequest("'" + name + "' is longer than " + maxLength + " characters");
        }
        if (value.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.badRequest("'" + name + "' must not hold control characters such as NUL");
        }
        return value;
    }
}

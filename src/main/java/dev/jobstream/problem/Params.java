package dev.jobstream.problem;

import java.util.Locale;
import java.util.UUID;

import dev.jobstream.refusal.Fields;
import dev.jobstream.refusal.Invalid;

/**
 * Parsing of path and query parameters into values; anything malformed is {@link Invalid} (a 400 problem). Ids and
 * short texts are read as services read their fields ({@link Fields}).
 */
public final class Params {

    private Params() {
    }

    public static UUID uuid(String name, String value) {
        return Fields.uuid(name, value);
    }

    public static UUID optionalUuid(String name, String value) {
        return Fields.optionalUuid(name, value);
    }

    public static Boolean optionalBoolean(String name, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new Invalid("'" + name + "' must be true or false");
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
        throw new Invalid("'" + name + "' must be an integer from " + min + " to " + max);
    }

    /** A short free-text filter value (job name, kind …), as {@link Fields#optionalText} reads it. */
    public static String optionalText(String name, String value, int maxLength) {
        return Fields.optionalText(name, value, maxLength);
    }
}

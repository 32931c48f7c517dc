package dev.jobstream.refusal;

import java.util.Locale;
import java.util.UUID;

/**
 * The values of a request's fields that services read themselves (ids, short filter texts): anything malformed is
 * {@link Invalid}, naming the field. The resources read path and query parameters the same way.
 */
public final class Fields {

    private Fields() {
    }

    /** A UUID in its canonical form (lower-case, with dashes). */
    public static UUID uuid(String name, String value) {
        try {
            UUID id = UUID.fromString(value);
            if (id.toString().equals(value.toLowerCase(Locale.ROOT))) {
                return id;
            }
        } catch (RuntimeException ignored) {
            // reported below
        }
        throw new Invalid("'" + name + "' must be a UUID");
    }

    /** A UUID, or null when absent or empty. */
    public static UUID optionalUuid(String name, String value) {
        return value == null || value.isEmpty() ? null : uuid(name, value);
    }

    /**
     * A short free-text filter value (job name, kind …): at most {@code maxLength} characters, none of them a control
     * character (PostgreSQL's text takes no NUL, and no name holds one); null when absent or empty.
     */
    public static String optionalText(String name, String value, int maxLength) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (value.length() > maxLength) {
            throw new Invalid("'" + name + "' is longer than " + maxLength + " characters");
        }
        if (value.chars().anyMatch(Character::isISOControl)) {
            throw new Invalid("'" + name + "' must not hold control characters such as NUL");
        }
        return value;
    }
}

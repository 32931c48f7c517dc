package dev.jobstream.params;

/**
 * One way in which params (or a schema) break their rules: {@code pointer} is a JSON pointer (RFC 6901) into them,
 * {@code ""} for the whole object; {@code message} says what is wrong there.
 */
public record Violation(String pointer, String message) {

    @Override
    public String toString() {
        return (pointer.isEmpty() ? "(params)" : pointer) + ": " + message;
    }

    /** {@code name} as one reference token of a JSON pointer ({@code ~} and {@code /} escaped). */
    static String token(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }
}

package dev.jobstream.refusal;

import java.util.List;

/**
 * The input is not what the service takes: a field missing, malformed or out of range. When the input breaks several
 * rules at once (params against their schema), {@link #violations()} names each; the message names the first.
 */
public final class Invalid extends Refusal {

    /** A rule the input breaks: {@code pointer} is a JSON pointer (RFC 6901) into it, {@code message} what is wrong. */
    public record Violation(String pointer, String message) {
    }

    private final List<Violation> violations;

    public Invalid(String message) {
        this(message, List.of());
    }

    public Invalid(String message, List<Violation> violations) {
        super(message);
        this.violations = List.copyOf(violations);
    }

    /** Every rule the input breaks, when the check names them one by one; empty otherwise. */
    public List<Violation> violations() {
        return violations;
    }
}

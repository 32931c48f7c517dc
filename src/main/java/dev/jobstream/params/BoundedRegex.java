package dev.jobstream.params;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import com.networknt.schema.InvalidSchemaException;
import com.networknt.schema.regex.RegularExpression;
import com.networknt.schema.regex.RegularExpressionFactory;

/**
 * The {@code pattern}s of a schema as {@link java.util.regex} expressions (searched, not anchored, as JSON Schema
 * wants), each search bounded in time: a pattern that backtracks catastrophically on some input ({@code (a+)+$}) would
 * otherwise hold the thread that validates a trigger for minutes. A search that runs out of time does not match.
 */
final class BoundedRegex implements RegularExpressionFactory {

    /** How long one search of one string may take. */
    static final long BUDGET_NANOS = 50_000_000L;

    static final BoundedRegex INSTANCE = new BoundedRegex();

    @Override
    public RegularExpression getRegularExpression(String regex) {
        Pattern pattern;
        try {
            pattern = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new InvalidSchemaException(com.networknt.schema.Error.builder()
                    .message("''{0}'' is not a regular expression").arguments(regex).build());
        }
        return value -> {
            try {
                return pattern.matcher(new Deadline(value, System.nanoTime() + BUDGET_NANOS)).find();
            } catch (OutOfTime e) {
                return false;
            }
        };
    }

    /** A string whose characters can be read until a deadline only. */
    private record Deadline(String text, long deadline) implements CharSequence {

        @Override
        public char charAt(int index) {
            if (System.nanoTime() > deadline) {
                throw new OutOfTime();
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Deadline(text.substring(start, end), deadline);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    private static final class OutOfTime extends RuntimeException {

        OutOfTime() {
            super("out of time", null, false, false);
        }
    }
}

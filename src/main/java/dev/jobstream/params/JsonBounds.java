package dev.jobstream.params;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The bounds a JSON value keeps before any schema reads it, whatever the schema says: at most {@code maxDepth} levels
 * of objects and arrays, no NUL in a name or a string (PostgreSQL's {@code jsonb} takes none), no unpaired surrogate
 * in a name (no character; strings have theirs replaced as they are read), numbers finite and within
 * {@code ±1e300}. Walked without recursion, so a value nested far deeper than allowed costs no stack.
 */
final class JsonBounds {

    /** Larger numbers are refused: their doubles would round to infinity, which JSON cannot hold. */
    private static final BigDecimal LARGEST = new BigDecimal("1e300");

    private JsonBounds() {
    }

    private record Pending(Object value, String pointer, int depth) {
    }

    /** The violations of {@code value}, at most {@code limit} of them. */
    static List<Violation> check(Object value, int maxDepth, int limit) {
        List<Violation> found = new ArrayList<>();
        List<Pending> stack = new ArrayList<>();
        stack.add(new Pending(value, "", 0));
        while (!stack.isEmpty() && found.size() < limit) {
            Pending next = stack.remove(stack.size() - 1);
            Object v = next.value();
            if (v instanceof Map<?, ?> || v instanceof List<?>) {
                if (next.depth() >= maxDepth) {
                    found.add(new Violation(next.pointer(), "is nested deeper than " + maxDepth + " levels"));
                    continue;
                }
                if (v instanceof Map<?, ?> map) {
                    for (Map.Entry<?, ?> entry : map.entrySet()) {
                        String name = String.valueOf(entry.getKey());
                        String pointer = next.pointer() + "/" + Violation.token(name);
                        String problem = text(name);
                        if (problem != null) {
                            found.add(new Violation(pointer, "the name " + problem));
                        } else {
                            stack.add(new Pending(entry.getValue(), pointer, next.depth() + 1));
                        }
                    }
                } else {
                    List<?> list = (List<?>) v;
                    for (int i = list.size() - 1; i >= 0; i--) {
                        stack.add(new Pending(list.get(i), next.pointer() + "/" + i, next.depth() + 1));
                    }
                }
            } else if (v instanceof String text) {
                String problem = text(text);
                if (problem != null) {
                    found.add(new Violation(next.pointer(), problem));
                }
            } else if (v instanceof Double || v instanceof Float) {
                double d = ((Number) v).doubleValue();
                if (!Double.isFinite(d) || Math.abs(d) > 1e300) {
                    found.add(new Violation(next.pointer(), "is a number beyond ±1e300"));
                }
            } else if (v instanceof BigDecimal decimal && decimal.abs().compareTo(LARGEST) > 0) {
                found.add(new Violation(next.pointer(), "is a number beyond ±1e300"));
            }
        }
        return found;
    }

    /** What is wrong with a name or string, or null. */
    private static String text(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\0') {
                return "holds a NUL character";
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "holds an unpaired surrogate (no character)";
            }
        }
        return null;
    }
}

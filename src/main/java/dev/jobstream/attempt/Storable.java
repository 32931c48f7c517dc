package dev.jobstream.attempt;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a job reports, made storable at the boundary: PostgreSQL's {@code text} and {@code jsonb} take no NUL
 * character and no unpaired surrogate, JSON has no NaN, and a run's row and events have sizes to keep. So strings
 * lose their NULs, unpaired surrogates become U+FFFD, texts are cut to a length (never inside a surrogate pair),
 * counts are clamped, and metrics are copied into plain JSON values (maps, lists, strings, finite numbers, booleans)
 * of bounded depth. Engines and the reports of workers outside the service go through it alike.
 */
public final class Storable {

    /** Longest log line stored; longer ones are cut and marked. */
    public static final int MAX_MESSAGE = 8 * 1024;
    /** Longest error text stored on a run. */
    public static final int MAX_ERROR = 1000;
    /** Longest item name or message of an error-log entry. */
    public static final int MAX_ERROR_LOG_TEXT = 1000;
    /** Deepest nesting kept in metrics. */
    public static final int MAX_DEPTH = 16;
    /** Most entries of one map or list kept in metrics. */
    public static final int MAX_ENTRIES = 1000;
    /** Longest string kept in metrics. */
    public static final int MAX_METRIC_STRING = 4096;

    private Storable() {
    }

    /** The text without NULs and unpaired surrogates, cut to {@code max} characters (null stays null). */
    public static String text(String value, int max) {
        if (value == null) {
            return null;
        }
        StringBuilder clean = null;
        int length = value.length();
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            boolean keep;
            char replacement = 0;
            if (c == 0) {
                keep = false;
            } else if (Character.isHighSurrogate(c)) {
                if (i + 1 < length && Character.isLowSurrogate(value.charAt(i + 1))) {
                    if (clean != null) {
                        clean.append(c).append(value.charAt(i + 1));
                    }
                    i++;
                    continue;
                }
                keep = false;
                replacement = '\uFFFD';
            } else if (Character.isLowSurrogate(c)) {
                keep = false;
                replacement = '\uFFFD';
            } else {
                keep = true;
            }
            if (!keep && clean == null) {
                clean = new StringBuilder(length).append(value, 0, i);
            }
            if (clean != null) {
                if (keep) {
                    clean.append(c);
                } else if (replacement != 0) {
                    clean.append(replacement);
                }
            }
        }
        String result = clean == null ? value : clean.toString();
        return cut(result, max);
    }

    /** The text cut to {@code max} characters, with an ellipsis, never between the halves of a surrogate pair. */
    private static String cut(String value, int max) {
        if (value.length() <= max) {
            return value;
        }
        int end = max - 1;
        if (end > 0 && Character.isHighSurrogate(value.charAt(end - 1))) {
            end--;
        }
        return value.substring(0, end) + "…";
    }

    /** A count reported by a job: never below zero. */
    public static long count(long value) {
        return Math.max(0, value);
    }

    /** A total reported by a job: null when unknown or below zero. */
    public static Long total(Long value) {
        return value == null || value < 0 ? null : value;
    }

    /** A log level: one of debug, info, warn, error (anything else is info). */
    public static String level(String level) {
        return switch (level == null ? "" : level) {
            case "debug", "info", "warn", "error" -> level;
            default -> "info";
        };
    }

    /** Metrics as plain JSON values; what is not one becomes its (cleaned) text. */
    public static Map<String, Object> metrics(Map<?, ?> metrics) {
        if (metrics == null) {
            return new LinkedHashMap<>();
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> copy = (Map<String, Object>) json(metrics, 0);
        return copy;
    }

    private static Object json(Object value, int depth) {
        if (value == null || value instanceof Boolean) {
            return value;
        }
        if (value instanceof Double d) {
            return d.isNaN() || d.isInfinite() ? null : d;
        }
        if (value instanceof Float f) {
            return f.isNaN() || f.isInfinite() ? null : f;
        }
        if (value instanceof Number) {
            return value;
        }
        if (value instanceof CharSequence || value instanceof Enum<?>) {
            return text(value.toString(), MAX_METRIC_STRING);
        }
        if (depth >= MAX_DEPTH) {
            return "…";
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (copy.size() >= MAX_ENTRIES) {
                    break;
                }
                copy.put(text(String.valueOf(entry.getKey()), MAX_METRIC_STRING), json(entry.getValue(), depth + 1));
            }
            return copy;
        }
        if (value instanceof Collection<?> collection) {
            List<Object> copy = new ArrayList<>();
            for (Object item : collection) {
                if (copy.size() >= MAX_ENTRIES) {
                    break;
                }
                copy.add(json(item, depth + 1));
            }
            return copy;
        }
        if (value instanceof io.vertx.core.json.JsonObject object) {
            return json(object.getMap(), depth);
        }
        if (value instanceof io.vertx.core.json.JsonArray array) {
            return json(array.getList(), depth);
        }
        return text(String.valueOf(value), MAX_METRIC_STRING);
    }
}

package dev.jobstream.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The series a PromQL expression reads: each metric name with its label matchers. As much PromQL as the queries of
 * {@code k8s/} use (selectors, functions, aggregations with {@code by}/{@code without}, binary operators with
 * {@code on}/{@code ignoring}, offsets, ranges and subqueries); Grafana's {@code $variables} are skipped. A selector
 * it cannot read is an error, never skipped.
 */
final class PromQl {

    record LabelMatcher(String label, String op, String value) {
    }

    record Selector(String metric, List<LabelMatcher> matchers) {
    }

    /** Words that are not metrics where no parenthesis follows them (an aggregation before its {@code by}). */
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "inf", "nan",
            "group_left", "group_right", "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count",
            "count_values", "bottomk", "topk", "quantile");
    /** Words followed by a list of labels in parentheses, which names no metric. */
    private static final Set<String> LABEL_LISTS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right");
    private static final Pattern MATCHER = Pattern
            .compile("\\s*([a-zA-Z_]\\w*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*(?:,|$)");

    private PromQl() {
    }

    static List<Selector> selectors(String expr) {
        List<Selector> found = new ArrayList<>();
        int i = 0;
        while (i < expr.length()) {
            char c = expr.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                i = endOfString(expr, i);
            } else if (c == '[') {
                i = expr.indexOf(']', i) + 1;
            } else if (c == '$' || Character.isDigit(c) || c == '.') {
                i = endOfWord(expr, i + 1);
            } else if (Character.isLetter(c) || c == '_' || c == ':') {
                int end = endOfWord(expr, i);
                String word = expr.substring(i, end);
                int next = end;
                while (next < expr.length() && Character.isWhitespace(expr.charAt(next))) {
                    next++;
                }
                char after = next < expr.length() ? expr.charAt(next) : ' ';
                if (LABEL_LISTS.contains(word) && after == '(') {
                    i = expr.indexOf(')', next) + 1;
                } else if (KEYWORDS.contains(word) || after == '(') {
                    i = end;
                } else if (after == '{') {
                    int close = closingBrace(expr, next);
                    found.add(new Selector(word, matchers(expr.substring(next + 1, close))));
                    i = close + 1;
                } else {
                    found.add(new Selector(word, List.of()));
                    i = end;
                }
            } else if (c == '{') {
                throw new IllegalArgumentException("a selector without a metric name in: " + expr);
            } else {
                i++;
            }
        }
        return found;
    }

    private static List<LabelMatcher> matchers(String inside) {
        List<LabelMatcher> matchers = new ArrayList<>();
        Matcher m = MATCHER.matcher(inside);
        int at = 0;
        while (at < inside.length() && !inside.substring(at).isBlank()) {
            if (!m.find(at) || m.start() != at) {
                throw new IllegalArgumentException("unreadable label matchers: {" + inside + "}");
            }
            matchers.add(new LabelMatcher(m.group(1), m.group(2), m.group(3).replaceAll("\\\\(.)", "$1")));
            at = m.end();
        }
        return matchers;
    }

    private static int endOfWord(String expr, int i) {
        while (i < expr.length() && (Character.isLetterOrDigit(expr.charAt(i)) || "_:.".indexOf(expr.charAt(i)) >= 0)) {
            i++;
        }
        return i;
    }

    private static int endOfString(String expr, int start) {
        char quote = expr.charAt(start);
        int i = start + 1;
        while (i < expr.length() && expr.charAt(i) != quote) {
            i += expr.charAt(i) == '\\' ? 2 : 1;
        }
        return i + 1;
    }

    private static int closingBrace(String expr, int open) {
        int i = open + 1;
        while (i < expr.length() && expr.charAt(i) != '}') {
            i = expr.charAt(i) == '"' ? endOfString(expr, i) : i + 1;
        }
        if (i >= expr.length()) {
            throw new IllegalArgumentException("a selector without its closing brace in: " + expr);
        }
        return i;
    }
}

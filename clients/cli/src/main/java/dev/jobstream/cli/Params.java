package dev.jobstream.cli;

import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A trigger's params from the command line: the object of {@code --params-json}, then each {@code --param k=v} over
 * it. A value that is a JSON number stays a number, {@code true} and {@code false} are booleans, and anything else is
 * a string ({@code --params-json} gives any other JSON: nested objects, null, a string of digits).
 */
final class Params {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

    private Params() {
    }

    /**
     * The params, or null when neither option is given (the job's defaults).
     *
     * @throws IllegalArgumentException if {@code json} is no JSON object
     */
    static ObjectNode of(String json, Map<String, String> pairs) {
        if (json == null && pairs.isEmpty()) {
            return null;
        }
        ObjectNode params = JSON.createObjectNode();
        if (json != null) {
            JsonNode parsed;
            try {
                parsed = JSON.readTree(json);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("'" + json + "' is no JSON: " + e.getOriginalMessage());
            }
            if (parsed == null || !parsed.isObject()) {
                throw new IllegalArgumentException("'" + json + "' is no JSON object");
            }
            params.setAll((ObjectNode) parsed);
        }
        pairs.forEach((name, value) -> params.set(name, value(value)));
        return params;
    }

    /** {@code 5} and {@code -0.5} as numbers, {@code true} and {@code false} as booleans, anything else as a string. */
    static JsonNode value(String text) {
        if (text.equals("true") || text.equals("false")) {
            return JSON.getNodeFactory().booleanNode(Boolean.parseBoolean(text));
        }
        if (NUMBER.matcher(text).matches()) {
            try {
                return JSON.readTree(text);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a JSON number that Jackson does not read: " + text, e);
            }
        }
        return JSON.getNodeFactory().textNode(text);
    }
}

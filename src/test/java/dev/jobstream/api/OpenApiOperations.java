package dev.jobstream.api;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The operations of the served {@code /q/openapi} document (JSON form), as a fuzzer needs them: method, path, each
 * parameter (path, query, header) with its schema, the request body's schema with its {@code $ref}s resolved, every
 * field of that body down to {@link #MAX_DEPTH} levels (through objects and array items), and the media types of the
 * successful answers.
 */
final class OpenApiOperations {

    static final int MAX_DEPTH = 5;

    /** A parameter: its name, where it goes ({@code path}, {@code query}, {@code header}), schema, required. */
    record Param(String name, String in, JsonObject schema, boolean required) {
    }

    /**
     * A field of a request body: its path from the body's root (names, and {@code 0} for an array's first item), its
     * schema, and the field's name (the last name on the path, which says what a valid value looks like).
     */
    record Field(List<Object> path, JsonObject schema) {

        String name() {
            for (int i = path.size() - 1; i >= 0; i--) {
                if (path.get(i) instanceof String name) {
                    return name;
                }
            }
            return "";
        }

        String dotted() {
            StringBuilder text = new StringBuilder();
            for (Object step : path) {
                text.append(step instanceof Integer i ? "[" + i + "]" : (text.isEmpty() ? "" : ".") + step);
            }
            return text.toString();
        }
    }

    /** An operation of the document. */
    record Operation(String method, String path, String operationId, List<Param> params, JsonObject body,
            boolean bodyRequired, List<Field> fields, Set<String> produces) {

        boolean streams() {
            return produces.contains("text/event-stream");
        }

        boolean onlyStreams() {
            return produces.equals(Set.of("text/event-stream"));
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    private final JsonObject document;

    private OpenApiOperations(JsonObject document) {
        this.document = document;
    }

    static List<Operation> read(JsonObject document) {
        return new OpenApiOperations(document).operations();
    }

    private List<Operation> operations() {
        List<Operation> operations = new ArrayList<>();
        JsonObject paths = document.getJsonObject("paths");
        for (String path : paths.fieldNames().stream().sorted().toList()) {
            JsonObject item = paths.getJsonObject(path);
            List<Param> shared = params(item.getJsonArray("parameters"));
            for (String method : item.fieldNames().stream().sorted().toList()) {
                if (!Set.of("get", "put", "post", "delete", "patch").contains(method)) {
                    continue;
                }
                JsonObject operation = item.getJsonObject(method);
                List<Param> params = new ArrayList<>(shared);
                params.addAll(params(operation.getJsonArray("parameters")));
                JsonObject body = null;
                boolean required = false;
                JsonObject requestBody = operation.getJsonObject("requestBody");
                if (requestBody != null && requestBody.getJsonObject("content") != null) {
                    JsonObject json = requestBody.getJsonObject("content").getJsonObject("application/json");
                    if (json != null && json.getJsonObject("schema") != null) {
                        body = resolve(json.getJsonObject("schema"), 0);
                        required = requestBody.getBoolean("required", false);
                    }
                }
                List<Field> fields = new ArrayList<>();
                if (body != null) {
                    walk(body, new ArrayList<>(), fields);
                }
                operations.add(new Operation(method.toUpperCase(Locale.ROOT), path,
                        operation.getString("operationId"), List.copyOf(params), body, required, List.copyOf(fields),
                        produces(operation.getJsonObject("responses"))));
            }
        }
        return operations;
    }

    private List<Param> params(JsonArray array) {
        List<Param> params = new ArrayList<>();
        if (array == null) {
            return params;
        }
        for (int i = 0; i < array.size(); i++) {
            JsonObject param = array.getJsonObject(i);
            if (param.containsKey("$ref")) {
                param = lookup(param.getString("$ref"));
            }
            JsonObject schema = param.getJsonObject("schema") == null
                    ? new JsonObject().put("type", "string")
                    : resolve(param.getJsonObject("schema"), 0);
            params.add(new Param(param.getString("name"), param.getString("in"), schema,
                    param.getBoolean("required", false)));
        }
        return params;
    }

    private static Set<String> produces(JsonObject responses) {
        Set<String> types = new LinkedHashSet<>();
        if (responses == null) {
            return types;
        }
        for (String code : responses.fieldNames()) {
            if (code.startsWith("2") && responses.getJsonObject(code).getJsonObject("content") != null) {
                types.addAll(responses.getJsonObject(code).getJsonObject("content").fieldNames());
            }
        }
        return types;
    }

    /** A copy of {@code schema} with every {@code $ref} replaced by what it points to (down to a depth). */
    private JsonObject resolve(JsonObject schema, int depth) {
        if (depth > 2 * MAX_DEPTH) {
            return new JsonObject();
        }
        if (schema.containsKey("$ref")) {
            JsonObject target = lookup(schema.getString("$ref")).copy();
            schema.fieldNames().stream().filter(name -> !name.equals("$ref"))
                    .forEach(name -> target.put(name, schema.getValue(name)));
            return resolve(target, depth + 1);
        }
        JsonObject copy = schema.copy();
        if (copy.getJsonObject("properties") != null) {
            JsonObject properties = new JsonObject();
            copy.getJsonObject("properties").forEach(e -> properties.put(e.getKey(),
                    resolve((JsonObject) e.getValue(), depth + 1)));
            copy.put("properties", properties);
        }
        if (copy.getValue("items") instanceof JsonObject items) {
            copy.put("items", resolve(items, depth + 1));
        }
        if (copy.getValue("additionalProperties") instanceof JsonObject extra) {
            copy.put("additionalProperties", resolve(extra, depth + 1));
        }
        return copy;
    }

    private JsonObject lookup(String ref) {
        if (!ref.startsWith("#/")) {
            throw new IllegalArgumentException("only local $refs: " + ref);
        }
        Object node = document;
        for (String step : ref.substring(2).split("/")) {
            node = ((JsonObject) node).getValue(step.replace("~1", "/").replace("~0", "~"));
        }
        return (JsonObject) node;
    }

    private static void walk(JsonObject schema, List<Object> path, List<Field> fields) {
        if (path.size() > MAX_DEPTH) {
            return;
        }
        JsonObject properties = schema.getJsonObject("properties");
        if (properties != null) {
            for (String name : properties.fieldNames()) {
                List<Object> child = new ArrayList<>(path);
                child.add(name);
                JsonObject field = properties.getJsonObject(name);
                fields.add(new Field(List.copyOf(child), field));
                walk(field, child, fields);
            }
        }
        if (schema.getValue("items") instanceof JsonObject items) {
            List<Object> child = new ArrayList<>(path);
            child.add(0);
            fields.add(new Field(List.copyOf(child), items));
            walk(items, child, fields);
        }
    }

    /** The type a schema states ({@code string}, {@code integer} …), "any" if none. */
    static String type(JsonObject schema) {
        Object type = schema.getValue("type");
        if (type instanceof String text) {
            return text;
        }
        if (type instanceof JsonArray types) {
            for (Object t : types) {
                if (!"null".equals(t)) {
                    return (String) t;
                }
            }
        }
        if (schema.getJsonObject("properties") != null) {
            return "object";
        }
        return "any";
    }
}

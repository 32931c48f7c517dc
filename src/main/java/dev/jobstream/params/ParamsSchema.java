package dev.jobstream.params;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;

import dev.jobstream.spi.JobParam;

/**
 * The params a job accepts, as a JSON Schema (2020-12): declared by the job, or derived from its typed
 * {@link JobParam}s (an object of those properties and no others). Formats are asserted, {@code duration} as
 * jobstream reads durations; {@code $ref} reaches only into the schema itself (nothing is fetched, from the network
 * or the class path); a {@code pattern} search is bounded in time. Before the schema, every params object keeps the
 * same bounds: {@value #MAX_BYTES} bytes of JSON, {@value #MAX_DEPTH} levels, no NUL, finite numbers.
 *
 * <p>A property's {@code default} fills a params object that leaves it out; for typed params a {@code null} is left
 * out too (the default applies), as it always was.
 */
public final class ParamsSchema {

    /** Largest params object of a run, as JSON. */
    public static final int MAX_BYTES = 16 * 1024;
    /** Deepest nesting of objects and arrays in params. */
    public static final int MAX_DEPTH = 32;
    /** Largest schema, as JSON. */
    public static final int MAX_SCHEMA_BYTES = 64 * 1024;
    /** Deepest nesting of a schema. */
    static final int MAX_SCHEMA_DEPTH = 64;
    /** Most violations reported at once. */
    static final int MAX_VIOLATIONS = 20;
    static final String META_SCHEMA = "https://json-schema.org/draft/2020-12/schema";
    private static final String REQUIRED = "is required";

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDialect(
            Dialect.builder(Dialects.getDraft202012()).format(new DurationFormat()).build(),
            builder -> builder
                    .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true)
                            .regularExpressionFactory(BoundedRegex.INSTANCE).build())
                    .schemaLoader(
                            loader -> loader.allow(iri -> iri.toString().startsWith("https://json-schema.org/"))));
    private static final Schema META = REGISTRY.getSchema(SchemaLocation.of(META_SCHEMA));

    private final Map<String, Object> document;
    private final Map<String, Object> defaults;
    private final boolean typed;
    private final Schema schema;

    private ParamsSchema(Map<String, Object> document, boolean typed) throws InvalidSchema {
        this.document = document;
        this.typed = typed;
        this.defaults = defaultsOf(document);
        try {
            this.schema = REGISTRY.getSchema(JSON.valueToTree(document));
            this.schema.initializeValidators();
        } catch (SchemaException | IllegalArgumentException e) {
            throw new InvalidSchema(List.of(new Violation("", "is no schema that can be used: " + e.getMessage())));
        }
    }

    /**
     * The schema of typed params.
     *
     * @throws InvalidSchema if a default does not suit its param (pointer {@code /properties/<name>/default})
     */
    public static ParamsSchema typed(List<JobParam> params) throws InvalidSchema {
        return new ParamsSchema(derived(params), true).withValidDefaults();
    }

    /**
     * A schema a job declares: a JSON Schema 2020-12 of an object ({@code "type": "object"}), at most
     * {@value #MAX_SCHEMA_BYTES} bytes; its defaults must themselves be valid params.
     *
     * @throws InvalidSchema naming every violation, each with a pointer into the schema
     */
    public static ParamsSchema declared(Map<String, Object> document) throws InvalidSchema {
        if (document == null) {
            throw new InvalidSchema(List.of(new Violation("", "is missing")));
        }
        document = plain(document);
        List<Violation> bounds = JsonBounds.check(document, MAX_SCHEMA_DEPTH, MAX_VIOLATIONS);
        if (!bounds.isEmpty()) {
            throw new InvalidSchema(bounds);
        }
        if (encodedLength(document) > MAX_SCHEMA_BYTES) {
            throw new InvalidSchema(List.of(new Violation("", "is larger than " + MAX_SCHEMA_BYTES + " bytes")));
        }
        Object schemaId = document.get("$schema");
        if (schemaId != null && !META_SCHEMA.equals(schemaId)) {
            throw new InvalidSchema(List.of(new Violation("/$schema", "must be " + META_SCHEMA + " (or left out)")));
        }
        List<Violation> found = violations(META.validate(JSON.valueToTree(document)));
        if (!found.isEmpty()) {
            throw new InvalidSchema(found);
        }
        if (!"object".equals(document.get("type"))) {
            throw new InvalidSchema(List.of(new Violation("/type",
                    "must be \"object\": params are a JSON object")));
        }
        return new ParamsSchema(Collections.unmodifiableMap(new LinkedHashMap<>(document)), false).withValidDefaults();
    }

    /** True for the schema of typed params, false for one a job declared. */
    public boolean typed() {
        return typed;
    }

    /** The schema as JSON ({@code GET /v1/jobs}, the OpenAPI document, the console). */
    public Map<String, Object> document() {
        return document;
    }

    /** The defaults of the top-level properties. */
    public Map<String, Object> defaults() {
        return defaults;
    }

    /**
     * {@code given} (null: none) over the defaults, checked: the params of a run, or every violation (at most
     * {@value #MAX_VIOLATIONS}), each with a pointer into the params.
     */
    public Map<String, Object> resolve(Map<String, Object> given) throws InvalidParams {
        Map<String, Object> params = new LinkedHashMap<>(defaults);
        if (given != null) {
            given = plain(given);
            List<Violation> bounds = JsonBounds.check(given, MAX_DEPTH, MAX_VIOLATIONS);
            if (!bounds.isEmpty()) {
                throw new InvalidParams(bounds);
            }
            if (encodedLength(given) > MAX_BYTES) {
                throw new InvalidParams(List.of(new Violation("", "is larger than " + MAX_BYTES + " bytes")));
            }
            given.forEach((name, value) -> {
                if (value != null || !typed) {
                    params.put(name, value);
                }
            });
        }
        List<Violation> found = validate(params);
        if (!found.isEmpty()) {
            throw new InvalidParams(found);
        }
        return params;
    }

    private List<Violation> validate(Map<String, Object> params) {
        return violations(schema.validate(JSON.valueToTree(params)));
    }

    /** This schema, if its defaults are valid params as far as they go (they need not give what is required). */
    private ParamsSchema withValidDefaults() throws InvalidSchema {
        List<Violation> found = new ArrayList<>();
        for (Violation violation : validate(defaults)) {
            String pointer = violation.pointer();
            int name = pointer.indexOf('/', 1);
            if (pointer.isEmpty() || name < 0 && violation.message().equals(REQUIRED)) {
                continue; // of the object as a whole, or a property without a default: for the trigger to give
            }
            found.add(new Violation("/properties" + (name < 0 ? pointer : pointer.substring(0, name)) + "/default"
                    + (name < 0 ? "" : pointer.substring(name)), violation.message()));
        }
        if (!found.isEmpty()) {
            throw new InvalidSchema(found);
        }
        return this;
    }

    private static List<Violation> violations(List<Error> errors) {
        List<Violation> found = new ArrayList<>();
        for (Error error : errors) {
            if (found.size() == MAX_VIOLATIONS) {
                break;
            }
            String pointer = error.getInstanceLocation().toString();
            String keyword = error.getKeyword();
            if (error.getProperty() != null && ("required".equals(keyword) || "additionalProperties".equals(keyword)
                    || "unevaluatedProperties".equals(keyword) || "dependentRequired".equals(keyword))) {
                pointer = pointer + "/" + Violation.token(error.getProperty());
            }
            found.add(new Violation(pointer, message(error)));
        }
        return found;
    }

    /** The validator's message, with the location it starts with left out (the pointer says it). */
    private static String message(Error error) {
        String keyword = error.getKeyword();
        Object[] arguments = error.getArguments();
        if ("format".equals(keyword) && arguments != null && arguments.length > 0
                && "duration".equals(String.valueOf(arguments[0]))) {
            return DurationFormat.MESSAGE;
        }
        if ("additionalProperties".equals(keyword) || "unevaluatedProperties".equals(keyword)) {
            return "is not a param of this job";
        }
        if ("required".equals(keyword)) {
            return REQUIRED;
        }
        return error.getMessage().replaceFirst("^does not match the \\S+ pattern must be ", "must be ");
    }

    /** {@code value} with Vert.x's JSON objects and arrays inside it as the maps and lists they hold. */
    @SuppressWarnings("unchecked")
    static <T> T plain(T value) {
        Object v = value;
        if (v instanceof io.vertx.core.json.JsonObject object) {
            v = object.getMap();
        } else if (v instanceof io.vertx.core.json.JsonArray array) {
            v = array.getList();
        }
        if (v instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((key, item) -> copy.put(String.valueOf(key), plain(item)));
            return (T) copy;
        }
        if (v instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(item -> copy.add(plain(item)));
            return (T) copy;
        }
        return (T) v;
    }

    private static Map<String, Object> defaultsOf(Map<String, Object> document) {
        Map<String, Object> defaults = new LinkedHashMap<>();
        if (document.get("properties") instanceof Map<?, ?> properties) {
            properties.forEach((name, property) -> {
                if (property instanceof Map<?, ?> p && p.containsKey("default")) {
                    defaults.put(String.valueOf(name), p.get("default"));
                }
            });
        }
        return Collections.unmodifiableMap(defaults);
    }

    private static int encodedLength(Object value) {
        try {
            return JSON.writeValueAsString(value).getBytes(StandardCharsets.UTF_8).length;
        } catch (JsonProcessingException e) {
            return Integer.MAX_VALUE;
        }
    }

    /** The schema of typed params, as {@code GET /v1/jobs} has always shown it, with their bounds made explicit. */
    private static Map<String, Object> derived(List<JobParam> params) {
        Map<String, Object> properties = new LinkedHashMap<>();
        for (JobParam param : params) {
            Map<String, Object> property = new LinkedHashMap<>();
            switch (param.type()) {
                case "integer" -> {
                    property.put("type", "integer");
                    property.put("minimum", param.minimum() != null ? param.minimum() : Integer.MIN_VALUE);
                    property.put("maximum", param.maximum() != null ? param.maximum() : Integer.MAX_VALUE);
                }
                case "date" -> {
                    property.put("type", "string");
                    property.put("format", "date");
                }
                case "duration" -> {
                    property.put("type", "string");
                    property.put("format", "duration");
                }
                default -> {
                    property.put("type", "string");
                    property.put("maxLength", 200);
                }
            }
            if (param.defaultValue() != null) {
                property.put("default", param.defaultValue());
            }
            property.put("description", param.description());
            properties.put(param.name(), property);
        }
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", properties);
        schema.put("additionalProperties", false);
        return Collections.unmodifiableMap(schema);
    }

    /** Input that breaks its rules, with every violation found. */
    public abstract static class Refused extends Exception {

        private final List<Violation> violations;

        Refused(List<Violation> violations) {
            super(violations.toString(), null, false, false);
            this.violations = List.copyOf(violations);
        }

        public List<Violation> violations() {
            return violations;
        }
    }

    /** A schema that cannot be used (pointers into the schema). */
    public static final class InvalidSchema extends Refused {

        InvalidSchema(List<Violation> violations) {
            super(violations);
        }
    }

    /** Params that break the schema or the bounds (pointers into the params). */
    public static final class InvalidParams extends Refused {

        InvalidParams(List<Violation> violations) {
            super(violations);
        }
    }
}

package dev.jobstream.params;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.jobstream.spi.JobParam;
import io.vertx.core.json.JsonObject;

/** Params against declared and typed schemas, the bounds every params object keeps, and what a schema may not do. */
class ParamsSchemaTest {

    private static final String EXPORT = """
            {"type": "object",
             "properties": {
               "format": {"enum": ["csv", "xlsx"], "default": "csv"},
               "columns": {"type": "array", "items": {"type": "string"}, "minItems": 1},
               "filter": {"$ref": "#/$defs/filter"},
               "code": {"type": "string", "pattern": "^[A-Z]{3}$"},
               "keep": {"type": "string", "format": "duration"}},
             "required": ["columns"],
             "additionalProperties": false,
             "$defs": {"filter": {"type": "object", "properties": {"since": {"type": "string", "format": "date"}}}}}
            """;

    private static ParamsSchema export() throws Exception {
        return ParamsSchema.declared(new JsonObject(EXPORT).getMap());
    }

    private static List<Violation> violations(ParamsSchema schema, String params) {
        return assertThrows(ParamsSchema.InvalidParams.class, () -> schema.resolve(new JsonObject(params).getMap()))
                .violations();
    }

    @Test
    void validParamsAreMergedOverTheDefaults() throws Exception {
        Map<String, Object> resolved = export().resolve(new JsonObject("""
                {"columns": ["id", "total"], "filter": {"since": "2024-05-31"}, "keep": "90d"}""").getMap());
        assertEquals(new JsonObject("""
                {"format": "csv", "columns": ["id", "total"], "filter": {"since": "2024-05-31"}, "keep": "90d"}""")
                .getMap(), new JsonObject(resolved).getMap());
        assertEquals(Map.of("format", "csv"), export().defaults());
    }

    @Test
    void everyViolationIsReportedWithAPointerIntoTheParams() throws Exception {
        List<Violation> found = violations(export(), """
                {"format": "pdf", "columns": [1], "filter": {"since": "2024-02-30"}, "code": "ab", "keep": "soon",
                 "extra": true}""");
        Map<String, String> byPointer = new LinkedHashMap<>();
        found.forEach(v -> byPointer.put(v.pointer(), v.message()));
        assertEquals(List.of("/code", "/columns/0", "/extra", "/filter/since", "/format", "/keep"),
                byPointer.keySet().stream().sorted().toList(), found.toString());
        assertEquals("is not a param of this job", byPointer.get("/extra"));
        assertEquals("must be a valid RFC 3339 full-date", byPointer.get("/filter/since"));
        assertEquals("must be a duration such as 90d, 12h, 30m or PT30M, at most 36500d", byPointer.get("/keep"));
        assertEquals(List.of(new Violation("/columns", "is required")), violations(export(), "{}"));
    }

    @Test
    void typedParamsAreTheSchemasTheyAlwaysWere() throws Exception {
        ParamsSchema typed = ParamsSchema.typed(List.of(JobParam.integer("items", 10, 1, 100, "how many"),
                JobParam.string("name", null, "a name"), JobParam.date("day", "a day"),
                JobParam.duration("older_than", "30d", "an age")));
        assertEquals(Map.of("items", 10, "older_than", "30d"), typed.resolve(null));
        // a null leaves the default in place, as it always did
        assertEquals(10, typed.resolve(new LinkedHashMap<>(java.util.Collections.singletonMap("items", null)))
                .get("items"));
        List<Violation> found = violations(typed, """
                {"items": 101, "name": "%s", "day": "31.05.2024", "older_than": "-1d", "other": 1}"""
                .formatted("x".repeat(201)));
        assertEquals(List.of("/day", "/items", "/name", "/older_than", "/other"),
                found.stream().map(Violation::pointer).sorted().toList(), found.toString());
        assertEquals("/items", violations(typed, "{\"items\": 3000000000}").get(0).pointer());
        assertEquals("/items", violations(typed, "{\"items\": 1.5}").get(0).pointer());
        ParamsSchema.InvalidSchema bad = assertThrows(ParamsSchema.InvalidSchema.class,
                () -> ParamsSchema.typed(List.of(JobParam.integer("n", 0, 1, "at least one"))));
        assertEquals("/properties/n/default", bad.violations().get(0).pointer());
    }

    @Test
    void paramsKeepTheirBoundsWhateverTheSchema() throws Exception {
        ParamsSchema open = ParamsSchema.declared(Map.of("type", "object"));
        Object deep = "leaf";
        for (int i = 0; i < 1000; i++) {
            deep = List.of(deep);
        }
        Map<String, Object> nested = Map.of("a", deep);
        Violation tooDeep = assertThrows(ParamsSchema.InvalidParams.class, () -> open.resolve(nested))
                .violations().get(0);
        assertEquals("is nested deeper than 32 levels", tooDeep.message());
        assertEquals(32 * 2, tooDeep.pointer().length(), tooDeep.pointer()); // "/a" then "/0" 31 times
        assertEquals(List.of(new Violation("/x~1y", "holds a NUL character")),
                assertThrows(ParamsSchema.InvalidParams.class, () -> open.resolve(Map.of("x/y", "a\0b")))
                        .violations());
        assertEquals(List.of(new Violation("/k\uD800", "the name holds an unpaired surrogate (no character)")),
                assertThrows(ParamsSchema.InvalidParams.class, () -> open.resolve(Map.of("k\uD800", 1)))
                        .violations());
        assertEquals(List.of(new Violation("/n", "is a number beyond ±1e300")),
                assertThrows(ParamsSchema.InvalidParams.class,
                        () -> open.resolve(Map.of("n", Double.POSITIVE_INFINITY))).violations());
        assertEquals(List.of(new Violation("", "is larger than 16384 bytes")),
                assertThrows(ParamsSchema.InvalidParams.class, () -> open.resolve(Map.of("s", "x".repeat(16_400))))
                        .violations());
        assertEquals(Map.of("s", "x".repeat(16_000)), open.resolve(Map.of("s", "x".repeat(16_000))));
    }

    @Test
    void paramsHeldInVertxJsonAreCheckedAsPlainJson() throws Exception {
        ParamsSchema open = ParamsSchema.declared(Map.of("type", "object"));
        Map<String, Object> given = Map.of("filter", new JsonObject().put("name", "a\0b"),
                "list", new io.vertx.core.json.JsonArray().add(new JsonObject().put("n", 1)));
        assertEquals(List.of(new Violation("/filter/name", "holds a NUL character")),
                assertThrows(ParamsSchema.InvalidParams.class, () -> open.resolve(given)).violations());
        Map<String, Object> resolved = open.resolve(Map.of("list",
                new io.vertx.core.json.JsonArray().add(new JsonObject().put("n", 1))));
        assertEquals(Map.of("list", List.of(Map.of("n", 1))), resolved);
    }

    @Test
    void aSchemaIsCheckedAgainstTheMetaSchemaAndMustDescribeAnObject() {
        List<Violation> meta = assertThrows(ParamsSchema.InvalidSchema.class,
                () -> ParamsSchema.declared(new JsonObject("""
                        {"type": "object", "properties": {"n": {"type": "integr", "minimum": "one"}}}""").getMap()))
                .violations();
        assertTrue(meta.stream().anyMatch(v -> v.pointer().equals("/properties/n/type")), meta.toString());
        assertTrue(meta.stream().anyMatch(v -> v.pointer().equals("/properties/n/minimum")), meta.toString());
        assertEquals(List.of(new Violation("/type", "must be \"object\": params are a JSON object")),
                assertThrows(ParamsSchema.InvalidSchema.class,
                        () -> ParamsSchema.declared(Map.of("type", "array"))).violations());
        assertEquals("/$schema", assertThrows(ParamsSchema.InvalidSchema.class, () -> ParamsSchema.declared(
                Map.of("$schema", "http://json-schema.org/draft-07/schema#", "type", "object"))).violations().get(0)
                .pointer());
        List<Violation> defaults = assertThrows(ParamsSchema.InvalidSchema.class,
                () -> ParamsSchema.declared(new JsonObject("""
                        {"type": "object", "properties": {"format": {"enum": ["csv"], "default": "pdf"}}}""")
                        .getMap()))
                .violations();
        assertEquals("/properties/format/default", defaults.get(0).pointer());
    }

    @Test
    void aSchemaFetchesNothingFromTheNetworkOrTheClassPath() {
        for (String target : new String[]{"http://169.254.169.254/latest/meta-data", "classpath:application.properties",
                "file:///etc/passwd"}) {
            ParamsSchema.InvalidSchema refused = assertThrows(ParamsSchema.InvalidSchema.class,
                    () -> ParamsSchema.declared(Map.of("type", "object", "properties",
                            Map.of("x", Map.of("$ref", target)))),
                    target);
            assertTrue(refused.violations().get(0).message().contains("not allowed to be loaded"),
                    refused.violations().toString());
        }
    }

    @Test
    void aPatternThatBacktracksForEverIsCutShort() throws Exception {
        ParamsSchema schema = ParamsSchema.declared(new JsonObject("""
                {"type": "object", "properties": {"s": {"type": "string", "pattern": "^(a+)+$"}}}""").getMap());
        assertEquals(Map.of("s", "aaaa"), schema.resolve(Map.of("s", "aaaa")));
        // 40 a's and a b take this pattern 2^40 steps: it must give up, and say the value does not match
        List<Violation> found = violations(schema, "{\"s\": \"" + "a".repeat(40) + "b\"}");
        assertEquals("/s", found.get(0).pointer());
        List<Violation> bad = assertThrows(ParamsSchema.InvalidSchema.class, () -> ParamsSchema.declared(
                Map.of("type", "object", "properties", Map.of("s", Map.of("pattern", "(unclosed"))))).violations();
        assertEquals(List.of(new Violation("/properties/s/pattern", "must be a valid ECMA-262 regular expression")),
                bad);
    }

    @Test
    void atMostTwentyViolationsAreReported() throws Exception {
        ParamsSchema schema = ParamsSchema.declared(new JsonObject("""
                {"type": "object", "properties": {"n": {"type": "array", "items": {"type": "integer"}}}}""")
                .getMap());
        List<Object> strings = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            strings.add("x");
        }
        assertEquals(20, assertThrows(ParamsSchema.InvalidParams.class, () -> schema.resolve(Map.of("n", strings)))
                .violations().size());
    }
}

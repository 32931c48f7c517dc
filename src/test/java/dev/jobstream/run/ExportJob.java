package dev.jobstream.run;

import java.util.Map;
import java.util.Optional;

import jakarta.inject.Singleton;

import dev.jobstream.spi.JobContext;
import dev.jobstream.spi.JobHandler;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;

/**
 * A job for tests of params as JSON: a report export declaring its params as a JSON Schema (a format with a default,
 * columns, a nested filter by reference). It reports what it read: the format, how many columns, the filter's day.
 */
@Singleton
public class ExportJob implements JobHandler {

    static final String SCHEMA = """
            {"type": "object",
             "properties": {
               "format": {"enum": ["csv", "xlsx"], "default": "csv", "description": "file format"},
               "columns": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
               "filter": {"$ref": "#/$defs/filter"}},
             "required": ["columns"],
             "additionalProperties": false,
             "$defs": {"filter": {"type": "object", "properties": {
               "since": {"type": "string", "format": "date"},
               "status": {"type": "array", "items": {"enum": ["open", "paid"]}}}}}}
            """;

    @Override
    public String name() {
        return "test.export";
    }

    @Override
    public boolean exclusive() {
        return false;
    }

    @Override
    public Optional<JsonObject> paramsSchema() {
        return Optional.of(new JsonObject(SCHEMA));
    }

    @Override
    public Uni<Map<String, Object>> run(JobContext context) {
        JsonObject params = context.params();
        JsonObject filter = params.getJsonObject("filter", new JsonObject());
        return Uni.createFrom().item(Map.of("format", params.getString("format"),
                "columns", params.getJsonArray("columns").size(), "since", filter.getString("since", "-")));
    }
}

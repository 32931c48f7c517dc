package dev.jobstream.openapi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Schema;

import dev.jobstream.run.JobDefinition;
import dev.jobstream.run.service.JobRegistry;
import io.quarkus.arc.Arc;
import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * Adds the params schema of every job a caller may trigger, as the service knows them when the document is served
 * (jobs registered for workers come and go): {@code components.schemas["JobParams.<job>"]}, each referenced from the
 * trigger operation's {@code x-jobstream-params} by job name, and all of them from the trigger body's {@code params}
 * as {@code anyOf} (the params of a trigger match the schema of the job in its path). A schema's own references ({@code #/$defs/…}) are
 * rewritten to point into its component.
 */
@OpenApiFilter(OpenApiFilter.RunStage.RUN)
public class JobParamsDocument implements OASFilter {

    static final String PREFIX = "JobParams.";
    static final String EXTENSION = "x-jobstream-params";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        ApiDocumentFilter.license(openAPI);
        JobRegistry jobs = Arc.container().instance(JobRegistry.class).get();
        PathItem trigger = openAPI.getPaths() == null ? null : openAPI.getPaths().getPathItem("/v1/jobs/{job}/runs");
        Operation operation = trigger == null ? null : trigger.getPOST();
        if (jobs == null || operation == null || openAPI.getComponents() == null) {
            return;
        }
        Map<String, Object> byJob = new LinkedHashMap<>();
        List<Schema> each = new ArrayList<>();
        for (JobDefinition job : jobs.definitions()) {
            String component = PREFIX + job.name();
            String at = "#/components/schemas/" + component;
            Schema schema = OASFactory.createSchema();
            schema.setAll(rebased(job.paramsSchema(), at));
            openAPI.getComponents().addSchema(component, schema);
            byJob.put(job.name(), Map.of("$ref", at));
            each.add(OASFactory.createSchema().ref(at));
        }
        operation.addExtension(EXTENSION, byJob);
        Schema body = openAPI.getComponents().getSchemas() == null
                ? null
                : openAPI.getComponents().getSchemas().get("TriggerRequest");
        Schema params = body == null || body.getProperties() == null
                ? null
                : body.getProperties().get("params");
        if (params != null && !each.isEmpty()) {
            // true of every trigger, if less than the truth: the params match the schema of the job in the path
            params.setAnyOf(each);
        }
    }

    /** A copy of {@code value} whose references into itself point to {@code at} instead. */
    @SuppressWarnings("unchecked")
    static <T> T rebased(T value, String at) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((key, v) -> copy.put(String.valueOf(key),
                    "$ref".equals(key) && v instanceof String ref && ref.startsWith("#")
                            ? at + ref.substring(1)
                            : rebased(v, at)));
            return (T) copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>();
            list.forEach(v -> copy.add(rebased(v, at)));
            return (T) copy;
        }
        return value;
    }
}

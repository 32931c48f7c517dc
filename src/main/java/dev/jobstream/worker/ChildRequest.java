package dev.jobstream.worker;

import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;

/**
 * The body of {@code POST /v1/workers/runs/{id}/children}: under the lease of the run, a child of {@code job} (one the
 * worker's token names, if it names jobs) with {@code params}, and the child's {@code key}: the same key and job again
 * (an attempt run again) answer the child made before.
 */
@Schema(requiredProperties = {"lease", "job", "key"}, properties = {
        @SchemaProperty(name = "lease"),
        @SchemaProperty(name = "job", description = "the child's job"),
        @SchemaProperty(name = "params", description = "the child's params"),
        @SchemaProperty(name = "key", description = "the child's key within its parent: 1 to 150 characters", minLength = 1, maxLength = 150)})
public record ChildRequest(String lease, String job,
        // an object of any fields, no map: a client generated from the document sends it only when it is set
        @Schema(type = SchemaType.OBJECT, implementation = Object.class) Map<String, Object> params, String key) {
}

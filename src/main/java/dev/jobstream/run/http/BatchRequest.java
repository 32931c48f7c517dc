package dev.jobstream.run.http;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;

import dev.jobstream.run.TriggerRequest;
import dev.jobstream.run.service.RunService;

/** Body of {@code POST /v1/jobs/{job}/runs/batch}. */
@Schema(requiredProperties = "runs", properties = {
        @SchemaProperty(name = "runs", minItems = 1, maxItems = RunService.MAX_BATCH)})
public record BatchRequest(List<TriggerRequest> runs) {
}

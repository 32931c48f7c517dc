package dev.jobstream.worker;

import static dev.jobstream.worker.EndRequest.ERROR_CODE;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;

/**
 * The body of a call that ends several attempts at once: each item names its run and outcome ({@code complete},
 * {@code fail}, {@code snooze}, {@code wait} or {@code cancelled}) and carries what that end's own call would.
 */
@Schema(requiredProperties = "ends", properties = {
        @SchemaProperty(name = "ends", minItems = 1, maxItems = WorkerService.MAX_ENDS)})
public record EndsRequest(List<Item> ends) {

    /** One end: {@code run_id}, {@code outcome}, and the fields of {@link EndRequest}. */
    @Schema(name = "EndsRequestEndsInner", requiredProperties = {"run_id", "outcome", "lease"}, properties = {
            @SchemaProperty(name = "run_id", format = "uuid"),
            @SchemaProperty(name = "outcome", enumeration = {"complete", "fail", "snooze", "wait", "cancelled"}),
            @SchemaProperty(name = "lease"),
            @SchemaProperty(name = "metrics", description = "complete: the run's metrics"),
            @SchemaProperty(name = "error", description = "fail: the message"),
            @SchemaProperty(name = "error_code", description = "fail: default job_failed", pattern = ERROR_CODE),
            @SchemaProperty(name = "retryable", description = "fail: another attempt may follow (default true)"),
            @SchemaProperty(name = "delay_ms", description = "snooze: when the next attempt is due", minimum = "0"),
            @SchemaProperty(name = "children", description = "wait: the runs (ids) to wait for", minItems = 1, maxItems = 100)})
    public record Item(String runId, String outcome, String lease,
            @Schema(type = SchemaType.OBJECT, implementation = Object.class) Map<String, Object> metrics,
            String error, String errorCode, Boolean retryable, Long delayMs, List<String> children) {

        EndRequest request() {
            return new EndRequest(lease, metrics, error, errorCode, retryable, delayMs, children);
        }
    }
}

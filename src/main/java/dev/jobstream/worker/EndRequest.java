package dev.jobstream.worker;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;

/**
 * The body of the calls that end a worker's attempt. {@code complete}: the run's {@code metrics} (a JSON object).
 * {@code fail}: {@code error} (a message), {@code error_code} (lower_snake, default {@code job_failed}) and whether
 * another attempt may follow ({@code retryable}, default true: the job's retry policy decides). {@code snooze}: the
 * run comes back after {@code delay_ms} as its next attempt, with one attempt more. {@code wait}: the run comes back
 * as its next attempt, with one attempt more, once the runs {@code children} (1 to 100 ids of its workspace: children
 * it triggered, or others) have all ended; that attempt's claim carries them as {@code dependencies}.
 * {@code cancelled}: the worker stopped on the cancel it was asked for.
 */
@Schema(requiredProperties = "lease", properties = {
        @SchemaProperty(name = "lease"),
        @SchemaProperty(name = "metrics", description = "complete: the run's metrics"),
        @SchemaProperty(name = "error", description = "fail: the message"),
        @SchemaProperty(name = "error_code", description = "fail: default job_failed", pattern = EndRequest.ERROR_CODE),
        @SchemaProperty(name = "retryable", description = "fail: another attempt may follow (default true)"),
        @SchemaProperty(name = "delay_ms", description = "snooze: when the next attempt is due", minimum = "0"),
        @SchemaProperty(name = "children", description = "wait: the runs (ids) to wait for", minItems = 1, maxItems = 100)})
public record EndRequest(String lease,
        // an object of any fields, no map: a client generated from the document sends it only when it is set
        @Schema(type = SchemaType.OBJECT, implementation = Object.class) Map<String, Object> metrics,
        String error, String errorCode, Boolean retryable, Long delayMs, List<String> children) {

    /** An {@code error_code}: lower_snake, at most 64 characters. */
    static final String ERROR_CODE = "^[a-z][a-z0-9_]{0,63}$";
}

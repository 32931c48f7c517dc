package dev.jobstream.worker;

import java.util.Map;

/**
 * The body of the calls that end a worker's attempt. {@code complete}: the run's {@code metrics} (a JSON object).
 * {@code fail}: {@code error} (a message), {@code error_code} (lower_snake, default {@code job_failed}) and whether
 * another attempt may follow ({@code retryable}, default true: the job's retry policy decides). {@code snooze}: the
 * run comes back after {@code delay_ms} as its next attempt, with one attempt more. {@code cancelled}: the worker
 * stopped on the cancel it was asked for.
 */
public record EndRequest(String lease, Map<String, Object> metrics, String error, String errorCode, Boolean retryable,
        Long delayMs) {
}

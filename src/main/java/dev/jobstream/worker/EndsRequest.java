package dev.jobstream.worker;

import java.util.List;
import java.util.Map;

/**
 * The body of a call that ends several attempts at once: each item names its run and outcome ({@code complete},
 * {@code fail}, {@code snooze} or {@code cancelled}) and carries what that end's own call would.
 */
public record EndsRequest(List<Item> ends) {

    /** One end: {@code run_id}, {@code outcome}, and the fields of {@link EndRequest}. */
    public record Item(String runId, String outcome, String lease, Map<String, Object> metrics, String error,
            String errorCode, Boolean retryable, Long delayMs) {

        EndRequest request() {
            return new EndRequest(lease, metrics, error, errorCode, retryable, delayMs);
        }
    }
}

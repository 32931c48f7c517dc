package dev.jobstream.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The service refused a call: its HTTP {@code status} and its problem document (RFC 9457: {@code type},
 * {@code title}, {@code status}, {@code detail}, {@code instance}, and members of the problem such as {@code reason}
 * or {@code active_run_id}).
 */
public final class JobstreamApiException extends RuntimeException {

    private final int status;
    private final transient JsonNode problem;

    public JobstreamApiException(int status, JsonNode problem) {
        super("HTTP " + status + ": " + problem.path("title").asText("") + " — "
                + problem.path("detail").asText(problem.toString()));
        this.status = status;
        this.problem = problem;
    }

    public int status() {
        return status;
    }

    public JsonNode problem() {
        return problem;
    }

    public String title() {
        return problem.path("title").asText(null);
    }

    public String detail() {
        return problem.path("detail").asText(null);
    }
}

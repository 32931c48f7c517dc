package dev.jobstream.problem;

import java.util.Map;

/**
 * A failure that the API reports as a problem (RFC 9457) with a given status. Subclasses name the domain case; the
 * message becomes the problem's {@code detail}, {@link #extensions()} its extra members.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String title;

    public ApiException(int status, String title, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** Extra problem members, e.g. {@code active_run_id}. */
    public Map<String, Object> extensions() {
        return Map.of();
    }

    public static ApiException badRequest(String detail) {
        return new ApiException(400, "Bad Request", detail);
    }

    public static ApiException notFound(String detail) {
        return new ApiException(404, "Not Found", detail);
    }

    public static ApiException conflict(String detail) {
        return new ApiException(409, "Conflict", detail);
    }
}

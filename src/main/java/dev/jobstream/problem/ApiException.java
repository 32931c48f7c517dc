package dev.jobstream.problem;

import java.util.Map;

import dev.jobstream.refusal.Conflict;
import dev.jobstream.refusal.Forbidden;
import dev.jobstream.refusal.Invalid;
import dev.jobstream.refusal.NotFound;
import dev.jobstream.refusal.Refusal;
import dev.jobstream.refusal.TooMany;
import dev.jobstream.refusal.Unavailable;

/**
 * A failure that the API reports as a problem (RFC 9457) with a given status: thrown by the edges (resources, routes,
 * request filters), and made of every {@link Refusal} the services throw ({@link #from}). The message becomes the
 * problem's {@code detail}, {@link #extensions()} its extra members.
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

    /** Response headers that go with the problem, e.g. {@code Retry-After}. */
    public Map<String, String> headers() {
        return Map.of();
    }

    /** Extra problem members, e.g. {@code active_run_id}. */
    public Map<String, Object> extensions() {
        return Map.of();
    }

    /**
     * The problem that answers a refusal: 400 for {@link Invalid} (its violations in {@code errors}), 403
     * {@link Forbidden}, 404 {@link NotFound}, 409 {@link Conflict} (its facts as members), 429 {@link TooMany} and
     * 503 {@link Unavailable} (with {@code Retry-After}).
     */
    public static ApiException from(Refusal refusal) {
        String detail = refusal.getMessage();
        if (refusal instanceof Invalid invalid) {
            return invalid.violations().isEmpty()
                    ? badRequest(detail)
                    : badRequest(detail, invalid.violations().stream()
                            .map(v -> Map.of("pointer", v.pointer(), "message", v.message())).toList());
        }
        if (refusal instanceof Forbidden) {
            return new ApiException(403, "Forbidden", detail);
        }
        if (refusal instanceof NotFound) {
            return notFound(detail);
        }
        if (refusal instanceof Conflict conflict) {
            return withExtensions(409, "Conflict", detail, conflict.facts(), Map.of());
        }
        if (refusal instanceof TooMany tooMany) {
            return tooMany(detail, tooMany.retryAfter().toSeconds());
        }
        if (refusal instanceof Unavailable unavailable) {
            return unavailable(detail, unavailable.retryAfter().toSeconds());
        }
        throw new IllegalArgumentException("No problem answers a refusal of kind " + refusal.getClass().getName());
    }

    public static ApiException badRequest(String detail) {
        return new ApiException(400, "Bad Request", detail);
    }

    /**
     * 400 with every violation of the input in {@code errors}, each a {@code pointer} (RFC 6901) into the input
     * and a {@code message}.
     */
    public static ApiException badRequest(String detail, java.util.List<Map<String, String>> errors) {
        return withExtensions(400, "Bad Request", detail, Map.of("errors", java.util.List.copyOf(errors)),
                Map.of());
    }

    /** The same problem, its detail led by {@code prefix} (e.g. which item of a batch it is about). */
    public ApiException prefixed(String prefix) {
        return withExtensions(status, title, prefix + getMessage(), extensions(), headers());
    }

    private static ApiException withExtensions(int status, String title, String detail, Map<String, Object> extensions,
            Map<String, String> headers) {
        return new ApiException(status, title, detail) {
            @Override
            public Map<String, Object> extensions() {
                return extensions;
            }

            @Override
            public Map<String, String> headers() {
                return headers;
            }
        };
    }

    public static ApiException notFound(String detail) {
        return new ApiException(404, "Not Found", detail);
    }

    public static ApiException conflict(String detail) {
        return new ApiException(409, "Conflict", detail);
    }

    /** 503 with {@code Retry-After: seconds}: the service cannot take the request now, later it can. */
    public static ApiException unavailable(String detail, long retryAfterSeconds) {
        return retryLater(503, "Service Unavailable", detail, retryAfterSeconds);
    }

    /** 429 with {@code Retry-After: seconds}: the caller has as many of these requests open as it may. */
    public static ApiException tooMany(String detail, long retryAfterSeconds) {
        return retryLater(429, "Too Many Requests", detail, retryAfterSeconds);
    }

    private static ApiException retryLater(int status, String title, String detail, long retryAfterSeconds) {
        return new ApiException(status, title, detail) {
            @Override
            public Map<String, String> headers() {
                return Map.of("Retry-After", Long.toString(retryAfterSeconds));
            }
        };
    }
}

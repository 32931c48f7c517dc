package dev.jobstream.trace;

import java.util.regex.Pattern;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;

/**
 * The W3C trace context of a run's trigger, as its {@code traceparent} header writes it:
 * {@code 00-<trace id, 32 hex>-<span id, 16 hex>-<flags, 2 hex>}, 55 characters (the schema checks the same).
 */
public final class Traceparent {

    /** Version 00, lower-case hex, and ids that are not all zeros (which W3C declares invalid). */
    private static final Pattern FORMAT = Pattern
            .compile("00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}");

    private Traceparent() {
    }

    /**
     * The trace context a trigger stores on its run: the current span's (the request's server span, when tracing is
     * on), else the request's own {@code header} if it is well-formed; null otherwise — a malformed header is
     * ignored, never refused.
     */
    public static String ofRequest(String header) {
        SpanContext current = Span.current().getSpanContext();
        return current.isValid() ? of(current) : valid(header);
    }

    /** {@code header} if it is a well-formed traceparent; null otherwise. */
    public static String valid(String header) {
        return header != null && header.length() == 55 && FORMAT.matcher(header).matches() ? header : null;
    }

    /** The traceparent of a span context. */
    public static String of(SpanContext context) {
        return "00-" + context.getTraceId() + "-" + context.getSpanId() + "-" + context.getTraceFlags().asHex();
    }

    /** The span context a stored traceparent names (a remote one); the invalid context for null or malformed. */
    public static SpanContext parse(String traceparent) {
        if (valid(traceparent) == null) {
            return SpanContext.getInvalid();
        }
        return SpanContext.createFromRemoteParent(traceparent.substring(3, 35), traceparent.substring(36, 52),
                TraceFlags.fromHex(traceparent, 53), TraceState.getDefault());
    }
}

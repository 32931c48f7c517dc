package dev.jobstream.attempt;

import java.time.Instant;
import java.util.concurrent.Callable;

import dev.jobstream.run.RunFlush;
import dev.jobstream.run.RunStatus;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

/**
 * The span of one attempt ({@link AttemptSpans}): current while its job's code runs, ended once with what the attempt
 * became. Without tracing it records nothing and costs nothing.
 */
public final class AttemptSpan {

    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("jobstream.attempt.outcome");
    static final AttributeKey<String> ERROR_CODE = AttributeKey.stringKey("jobstream.error_code");

    /** An attempt without a span (tests that drive an engine by hand). */
    public static final AttemptSpan NONE = new AttemptSpan(Span.getInvalid());

    private final Span span;

    AttemptSpan(Span span) {
        this.span = span;
    }

    /** The span's context: invalid when tracing is off. */
    public SpanContext context() {
        return span.getSpanContext();
    }

    /**
     * Makes the span current on this thread (the job's code, its log lines); the scope must be closed there. Without
     * a span (tracing off) nothing is attached: an attempt pays nothing for it.
     */
    public Scope makeCurrent() {
        return span.getSpanContext().isValid() ? Context.root().with(span).makeCurrent() : Scope.noop();
    }

    /** {@code work}, run with the span current wherever it runs (a worker thread); as it is without a span. */
    public <T> Callable<T> wrap(Callable<T> work) {
        return span.getSpanContext().isValid() ? Context.root().with(span).wrap(work) : work;
    }

    /** The job failed with {@code failure}: recorded on the span, with its stack. */
    public void failedWith(Throwable failure) {
        if (span.isRecording() && failure != null) {
            span.recordException(failure);
        }
    }

    /**
     * Ends the span with the attempt's stored end: status ERROR with its error when it failed (retried or not);
     * {@code end} null: the attempt ended otherwise — {@code outcome} says how (interrupted, lost).
     */
    public void end(RunFlush.End end, String outcome) {
        end(end, outcome, null);
    }

    void end(RunFlush.End end, String outcome, Instant at) {
        if (!span.isRecording()) {
            return;
        }
        span.setAttribute(OUTCOME, end == null ? outcome : outcome(end));
        if (end != null && end.error() != null) {
            span.setStatus(StatusCode.ERROR, end.error());
            if (end.errorCode() != null) {
                span.setAttribute(ERROR_CODE, end.errorCode());
            }
        }
        if (at == null) {
            span.end();
        } else {
            span.end(at);
        }
    }

    /** What an attempt's end made of the run: completed, failed, cancelled, retried or snoozed. */
    static String outcome(RunFlush.End end) {
        if (end.status() == RunStatus.QUEUED) {
            return end.snoozed() ? "snoozed" : "retried";
        }
        return end.status().value();
    }
}

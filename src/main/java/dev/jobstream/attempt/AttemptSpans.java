package dev.jobstream.attempt;

import java.time.Instant;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.jobstream.run.Run;
import dev.jobstream.run.RunFlush;
import dev.jobstream.trace.Traceparent;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;

/**
 * The spans of attempts, {@value #NAME}: one per attempt, engine's or worker's, a trace of its own that links to the
 * trace context of the run's trigger (stored on the run: {@link Run#traceparent()}) — a link, not a parent, as an
 * attempt may start long after its trigger's trace ended, and a run may have many attempts. Each carries the run's id,
 * job, workspace and attempt, who executed it ({@code jobstream.executor}: {@code engine} or {@code worker}, and
 * {@code jobstream.owner}), and how it ended ({@code jobstream.attempt.outcome}, status ERROR for a failure). With
 * the OpenTelemetry SDK disabled (the default: see {@code TracingConfigSource}) there are none, and an attempt costs
 * nothing more: a disabled SDK still makes spans (it only exports none), so they are not even begun.
 */
@Singleton
public class AttemptSpans {

    public static final String NAME = "jobstream.attempt";
    static final AttributeKey<String> RUN_ID = AttributeKey.stringKey("jobstream.run.id");
    static final AttributeKey<String> JOB = AttributeKey.stringKey("jobstream.job");
    static final AttributeKey<String> WORKSPACE_ID = AttributeKey.stringKey("jobstream.workspace.id");
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("jobstream.attempt");
    static final AttributeKey<String> EXECUTOR = AttributeKey.stringKey("jobstream.executor");
    static final AttributeKey<String> OWNER = AttributeKey.stringKey("jobstream.owner");

    private final Tracer tracer;
    private final boolean enabled;

    AttemptSpans(OpenTelemetry openTelemetry, @ConfigProperty(name = "quarkus.otel.sdk.disabled") boolean disabled) {
        this.tracer = openTelemetry.getTracer("dev.jobstream");
        this.enabled = !disabled;
    }

    /** The span of an engine's attempt of {@code run}, started now: the engine makes it current and ends it. */
    public AttemptSpan engine(Run run, String owner) {
        return enabled ? new AttemptSpan(builder(run, "engine", owner).startSpan()) : AttemptSpan.NONE;
    }

    /**
     * Records the span of a worker's attempt once its end is stored: from the claim ({@code started_at}, read from
     * the run as it was before the end) to now. A worker's calls may reach any replica, so the span is made whole
     * where the end arrives, from the row; the worker continues the trigger's trace itself with the traceparent its
     * claim carried.
     */
    public void worker(Run run, String owner, RunFlush.End end) {
        if (!enabled) {
            return;
        }
        SpanBuilder builder = builder(run, "worker", owner);
        if (run.startedAt() != null) {
            builder.setStartTimestamp(run.startedAt());
        }
        new AttemptSpan(builder.startSpan()).end(end, null, Instant.now());
    }

    private SpanBuilder builder(Run run, String executor, String owner) {
        SpanBuilder builder = tracer.spanBuilder(NAME).setNoParent().setSpanKind(SpanKind.CONSUMER)
                .setAttribute(RUN_ID, run.id().toString())
                .setAttribute(JOB, run.job())
                .setAttribute(WORKSPACE_ID, run.workspaceId().toString())
                .setAttribute(ATTEMPT, (long) run.attempt())
                .setAttribute(EXECUTOR, executor)
                .setAttribute(OWNER, owner);
        SpanContext trigger = Traceparent.parse(run.traceparent());
        if (trigger.isValid()) {
            builder.addLink(trigger);
        }
        return builder;
    }
}

package dev.jobstream.attempt;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.jobstream.run.Run;
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

package dev.jobstream.support;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.inject.Singleton;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.quarkus.arc.Unremovable;

/**
 * The spans the service exports, kept in memory for the tests: a {@link SpanExporter} bean, which Quarkus exports to
 * (its default exporter, {@code cdi}) in place of OTLP. With the SDK disabled — every test profile but
 * {@code Tracing} — nothing reaches it.
 */
@Singleton
@Unremovable
public class MemorySpans implements SpanExporter {

    private final List<SpanData> spans = new CopyOnWriteArrayList<>();

    @Override
    public CompletableResultCode export(Collection<SpanData> exported) {
        spans.addAll(exported);
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }

    /** The spans exported so far, in the order they ended. */
    public List<SpanData> all() {
        return List.copyOf(spans);
    }

    /** The spans named {@code name} exported so far. */
    public List<SpanData> named(String name) {
        return spans.stream().filter(span -> name.equals(span.getName())).toList();
    }

    public void clear() {
        spans.clear();
    }
}

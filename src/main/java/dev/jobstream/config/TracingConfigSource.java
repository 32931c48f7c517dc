package dev.jobstream.config;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.common.MapBackedConfigSource;

/**
 * Tracing is off unless it has somewhere to go: the OpenTelemetry SDK stays disabled ({@code quarkus.otel.sdk.disabled})
 * until an OTLP endpoint is configured, {@link #ENDPOINTS} in any form (environment, system property,
 * application.properties). Disabled, it records nothing, installs no tracer on the HTTP server or the SQL client, and
 * exports nothing — Quarkus would otherwise send to {@code localhost:4317} and log every export that fails. Setting
 * {@code quarkus.otel.sdk.disabled} oneself still decides: this source sits below application.properties.
 */
public class TracingConfigSource implements ConfigSourceFactory {

    /** The keys that name where spans go: the exporter's endpoint, or its endpoint for traces. */
    static final List<String> ENDPOINTS = List.of("quarkus.otel.exporter.otlp.endpoint",
            "quarkus.otel.exporter.otlp.traces.endpoint");
    static final String SDK_DISABLED = "quarkus.otel.sdk.disabled";
    /** Below application.properties (250): any setting of the key but Quarkus' default wins. */
    private static final int ORDINAL = 240;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        boolean configured = ENDPOINTS.stream().anyMatch(name -> configured(context.getValue(name)));
        return List.of(new MapBackedConfigSource("jobstream-tracing", Map.of(SDK_DISABLED,
                String.valueOf(!configured)), ORDINAL) {
        });
    }

    /** A value someone set: not blank, and not a default (whose sources have the lowest ordinals). */
    private static boolean configured(ConfigValue value) {
        return value != null && value.getValue() != null && !value.getValue().isBlank()
                && value.getConfigSourceOrdinal() > 0;
    }
}

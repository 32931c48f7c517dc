package dev.jobstream.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/** Tracing turns on with an OTLP endpoint, in any form, and stays off otherwise; an explicit setting decides. */
class TracingConfigSourceTest {

    private static boolean disabled(SmallRyeConfigBuilder builder) {
        SmallRyeConfig config = builder.withSources(new TracingConfigSource()).build();
        return config.getValue(TracingConfigSource.SDK_DISABLED, Boolean.class);
    }

    private static SmallRyeConfigBuilder env(Map<String, String> variables) {
        return new SmallRyeConfigBuilder().withSources(new EnvConfigSource(variables, 300));
    }

    private static SmallRyeConfigBuilder properties(Map<String, String> properties) {
        return new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(properties, "test", 250));
    }

    @Test
    void withoutAnEndpointTheSdkIsDisabled() {
        assertEquals(true, disabled(env(Map.of())));
        assertEquals(true, disabled(env(Map.of("QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT", " "))));
        // Quarkus' own default endpoint (localhost:4317) is no configuration
        assertEquals(true, disabled(env(Map.of()).withDefaultValue("quarkus.otel.exporter.otlp.endpoint",
                "http://localhost:4317")));
    }

    @Test
    void anEndpointInTheEnvironmentOrTheProperties() {
        assertEquals(false, disabled(env(Map.of("QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317"))));
        assertEquals(false,
                disabled(env(Map.of("QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://collector:4317"))));
        assertEquals(false, disabled(properties(Map.of("quarkus.otel.exporter.otlp.traces.endpoint",
                "http://collector:4318"))));
    }

    @Test
    void anExplicitSettingDecides() {
        assertEquals(true, disabled(env(Map.of("QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317",
                "QUARKUS_OTEL_SDK_DISABLED", "true"))));
        assertEquals(false, disabled(properties(Map.of("quarkus.otel.sdk.disabled", "false"))));
    }
}

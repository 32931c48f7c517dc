package dev.jobstream.config;

import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.common.MapBackedConfigSource;

/**
 * In dev mode only ({@code ./mvnw quarkus:dev}), points the datasources at an embedded PostgreSQL so that the service
 * starts with nothing installed. Set {@code PGHOST} to use a real database in dev mode too. The prod profile never
 * embeds: it connects to {@code PGHOST} or fails to start.
 */
public class EmbeddedDatabaseConfigSource implements ConfigSourceFactory {

    /** Above application.properties (250), below system properties (400) and environment variables (300). */
    private static final int ORDINAL = 275;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        boolean dev = context.getProfiles().contains("dev");
        if (!dev || System.getenv("PGHOST") != null) {
            return Collections.emptyList();
        }
        Map<String, String> settings = EmbeddedDatabase.start().datasourceSettings();
        return List.of(new MapBackedConfigSource("embedded-postgresql", settings, ORDINAL) {
        });
    }
}

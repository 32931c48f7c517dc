package dev.jobstream.config;

import java.util.Collections;
import java.util.List;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.common.MapBackedConfigSource;

/** Carries {@code PGSSLMODE} and {@code PGSSLROOTCERT} into the datasource settings (see {@link LibpqSsl}). */
public class LibpqSslConfigSource implements ConfigSourceFactory {

    /** Above application.properties (250), below environment variables (300) and system properties (400). */
    private static final int ORDINAL = 260;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        return LibpqSsl.fromEnvironment().<Iterable<ConfigSource>>map(ssl -> List.of(
                new MapBackedConfigSource("libpq-ssl", ssl.datasourceSettings(), ORDINAL) {
                })).orElse(Collections.emptyList());
    }
}

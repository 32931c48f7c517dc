package dev.jobstream.config;

import java.util.Collections;

import org.eclipse.microprofile.config.spi.ConfigSource;

import com.oracle.svm.core.annotate.Substitute;
import com.oracle.svm.core.annotate.TargetClass;

import io.smallrye.config.ConfigSourceContext;

/**
 * The native image never embeds a database: dev mode does, and dev mode runs on the JVM. Without this, the image
 * would reach {@link EmbeddedDatabase} through its config source and fail to link the embedded PostgreSQL, which
 * the packaged application leaves out.
 */
final class EmbeddedDatabaseSubstitutions {

    private EmbeddedDatabaseSubstitutions() {
    }

    @TargetClass(DevModeConfigSource.class)
    static final class Target_DevModeConfigSource {

        @Substitute
        public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
            return Collections.emptyList();
        }
    }
}

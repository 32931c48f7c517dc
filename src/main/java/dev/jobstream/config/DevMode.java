package dev.jobstream.config;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * The application's life on a JVM that may embed its database (dev mode, tests): the database waits at exit for the
 * application to stop first. In dev mode, the first start prints a short banner: the console's address and the dev
 * tokens ({@link DevModeConfigSource}); a live reload prints nothing again.
 */
@Singleton
public class DevMode {

    private static final Logger LOG = Logger.getLogger("jobstream");
    /** Set once the banner was printed on this JVM (live reloads share it, not this class). */
    private static final String BANNER_PROPERTY = "dev.jobstream.banner-printed";

    private final int port;

    DevMode(@ConfigProperty(name = "quarkus.http.port", defaultValue = "8080") int port) {
        this.port = port;
    }

    void started(@Observes StartupEvent event) {
        EmbeddedDatabase.applicationRunning(true);
        if (LaunchMode.current() == LaunchMode.DEVELOPMENT && !Boolean.getBoolean(BANNER_PROPERTY)) {
            System.setProperty(BANNER_PROPERTY, "true");
            LOG.info(banner(DevCredentials.in(DevModeConfigSource.DIRECTORY), port));
        }
    }

    /** Last of all: the application has stopped, and the embedded database may stop. */
    void stopped(@Observes @Priority(Interceptor.Priority.LIBRARY_AFTER + 1000) ShutdownEvent event) {
        EmbeddedDatabase.applicationRunning(false);
    }

    /** The banner of dev mode: where the console is, and the dev tokens of each role. */
    static String banner(DevCredentials credentials, int port) {
        StringBuilder banner = new StringBuilder("\n\n  jobstream dev mode — console http://localhost:").append(port)
                .append("/  (Swagger UI: /q/swagger-ui)\n");
        credentials.tokens().entrySet().stream()
                .sorted(java.util.Comparator.comparingInt(e -> java.util.Arrays.asList(DevCredentials.ROLES)
                        .indexOf(e.getKey())))
                .forEach(e -> banner.append(String.format("  %-9s token: %s%n", e.getKey(), e.getValue())));
        return banner.append("  kept in ").append(credentials.directory().toAbsolutePath())
                .append(" with the dev database; delete it for fresh ones\n").toString();
    }
}

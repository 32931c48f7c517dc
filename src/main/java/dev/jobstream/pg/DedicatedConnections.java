package dev.jobstream.pg;

import java.util.Optional;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.jobstream.config.LibpqSsl;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgConnection;
import io.vertx.pgclient.PgConnectOptions;

/**
 * Connections of their own, outside the pool, for what holds a connection for good (LISTEN): closing one closes
 * its socket — a pooled connection would go back to the pool, half-open or not. They go to the same
 * PostgreSQL as the pool.
 */
@Singleton
public class DedicatedConnections {

    private final Vertx vertx;
    private final PgConnectOptions options;

    DedicatedConnections(Vertx vertx, @ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") Optional<String> user,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.vertx = vertx;
        String uri = url.startsWith("vertx-reactive:") ? url.substring("vertx-reactive:".length()) : url;
        this.options = PgConnectOptions.fromUri(uri);
        user.ifPresent(options::setUser);
        password.ifPresent(options::setPassword);
        LibpqSsl.fromEnvironment().ifPresent(ssl -> ssl.applyTo(options));
    }

    /** A new connection to the service's PostgreSQL. */
    public Uni<PgConnection> open() {
        return PgConnection.connect(vertx, new PgConnectOptions(options));
    }
}

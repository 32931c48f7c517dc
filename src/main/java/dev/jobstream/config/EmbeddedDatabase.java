package dev.jobstream.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * One embedded PostgreSQL per JVM, for dev mode and tests. Its port is kept in a system property so that the
 * class loaders of dev mode (build, runtime, each live reload) all share the same server.
 */
public final class EmbeddedDatabase {

    private static final String PORT_PROPERTY = "dev.jobstream.embedded-postgres-port";

    private final int port;

    private EmbeddedDatabase(int port) {
        this.port = port;
    }

    public static synchronized EmbeddedDatabase start() {
        String known = System.getProperty(PORT_PROPERTY);
        if (known != null) {
            return new EmbeddedDatabase(Integer.parseInt(known));
        }
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("synchronous_commit", "off")
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> close(postgres), "embedded-postgres-stop"));
            System.setProperty(PORT_PROPERTY, Integer.toString(postgres.getPort()));
            return new EmbeddedDatabase(postgres.getPort());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded PostgreSQL", e);
        }
    }

    private static void close(EmbeddedPostgres postgres) {
        try {
            postgres.close();
        } catch (IOException ignored) {
            // the JVM is exiting; the data directory is temporary
        }
    }

    public int port() {
        return port;
    }

    /** Datasource settings (reactive and JDBC) that point at this server's {@code postgres} database. */
    public Map<String, String> datasourceSettings() {
        return Map.of(
                "quarkus.datasource.reactive.url", "postgresql://localhost:" + port + "/postgres",
                "quarkus.datasource.jdbc.url", "jdbc:postgresql://localhost:" + port + "/postgres",
                "quarkus.datasource.username", "postgres",
                "quarkus.datasource.password", "postgres");
    }
}

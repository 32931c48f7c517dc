package dev.jobstream.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * One embedded PostgreSQL per JVM, for dev mode and tests. Its port is kept in a system property so that the
 * class loaders of dev mode (build, runtime, each live reload) all share the same server. Dev mode keeps its data in
 * a folder of its own from one start to the next; tests start from a fresh, temporary one. At exit the server stops
 * after the application (which may still be storing what its engines did), not beside it.
 */
public final class EmbeddedDatabase {

    private static final String PORT_PROPERTY = "dev.jobstream.embedded-postgres-port";
    /** Set while an application runs on this JVM (see {@link #applicationRunning}). */
    private static final String RUNNING_PROPERTY = "dev.jobstream.application-running";
    /** How long the server waits at exit for the application to stop first. */
    private static final Duration APPLICATION_STOP = Duration.ofSeconds(30);

    private final int port;

    private EmbeddedDatabase(int port) {
        this.port = port;
    }

    /** The server of this JVM, started on a fresh, temporary data folder if there is none yet (tests). */
    public static EmbeddedDatabase start() {
        return start(null);
    }

    /**
     * The server of this JVM, started if there is none yet, on the data folder {@code data} (kept from one start to
     * the next; null: a fresh, temporary one).
     */
    public static synchronized EmbeddedDatabase start(Path data) {
        String known = System.getProperty(PORT_PROPERTY);
        if (known != null) {
            return new EmbeddedDatabase(Integer.parseInt(known));
        }
        EmbeddedPostgres postgres = open(data);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            awaitApplicationStopped(APPLICATION_STOP);
            close(postgres);
        }, "embedded-postgres-stop"));
        System.setProperty(PORT_PROPERTY, Integer.toString(postgres.getPort()));
        return new EmbeddedDatabase(postgres.getPort());
    }

    /**
     * A server on the data folder {@code data}, kept as it is when the server stops (null: a temporary folder); the
     * caller stops it.
     */
    static EmbeddedPostgres open(Path data) {
        try {
            // no shutdown hook of its own, which would stop the server at exit beside the application, not after it
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setRegisterShutdownHook(false)
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("synchronous_commit", "off");
            if (data != null) {
                builder.setDataDirectory(data.toFile()).setCleanDataDirectory(false);
            }
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded PostgreSQL", e);
        }
    }

    /** Whether an application runs on this JVM: the server stops at exit only once none does. */
    public static void applicationRunning(boolean running) {
        System.setProperty(RUNNING_PROPERTY, Boolean.toString(running));
    }

    /** Waits, at most {@code longest}, until no application runs on this JVM; true if none does. */
    static boolean awaitApplicationStopped(Duration longest) {
        long deadline = System.nanoTime() + longest.toNanos();
        while (Boolean.getBoolean(RUNNING_PROPERTY)) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            try {
                Thread.sleep(20); // the application's own shutdown hook is stopping it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private static void close(EmbeddedPostgres postgres) {
        try {
            postgres.close();
        } catch (IOException ignored) {
            // the JVM is exiting
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

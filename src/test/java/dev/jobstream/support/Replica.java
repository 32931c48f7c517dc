package dev.jobstream.support;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** The packaged service ({@code target/quarkus-app/quarkus-run.jar}) started as a process of its own. */
public final class Replica implements AutoCloseable {

    private final Process process;
    private final int port;

    private Replica(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Creates an empty database on the embedded PostgreSQL for the replicas of one test; answers its name. */
    public static String newDatabase(int pgPort) throws java.sql.SQLException {
        String database = "replicas_" + System.nanoTime();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(
                "jdbc:postgresql://localhost:" + pgPort + "/postgres", "postgres", "postgres");
                java.sql.Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        }
        return database;
    }

    /** Starts a replica with the prod profile against the given database and waits until it is ready. */
    public static Replica start(String name, int pgPort, String database, Map<String, String> env) throws Exception {
        int port = freePort();
        File log = new File("target/replica-" + name + ".log");
        ProcessBuilder builder = new ProcessBuilder("java", "-jar", "target/quarkus-app/quarkus-run.jar")
                .redirectErrorStream(true).redirectOutput(log);
        builder.environment().putAll(Map.of("PGHOST", "localhost", "PGPORT", Integer.toString(pgPort),
                "PGDATABASE", database, "PGUSER", "postgres", "PGPASSWORD", "postgres",
                "QUARKUS_HTTP_PORT", Integer.toString(port), "JOBSTREAM_ADMIN_TOKEN", Api.ADMIN_TOKEN,
                "JOBSTREAM_INSTANCE_ID", name, "JOBSTREAM_DEMO_JOBS", "true"));
        builder.environment().putAll(env);
        Replica replica = new Replica(builder.start(), port);
        HttpClient client = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            if (!replica.process.isAlive()) {
                throw new IllegalStateException("replica " + name + " exited; see " + log);
            }
            try {
                HttpResponse<Void> ready = client
                        .send(HttpRequest.newBuilder(URI.create(replica.url("/q/health/ready")))
                                .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (ready.statusCode() == 200) {
                    return replica;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        replica.close();
        throw new IllegalStateException("replica " + name + " did not become ready; see " + log);
    }

    /**
     * Starts a replica that must refuse to start: waits for it to exit and answers its exit code and output; fails
     * if it is still running after {@code max}.
     */
    public static Exit expectExit(String name, int pgPort, String database, Map<String, String> env,
            Duration max) throws Exception {
        File log = new File("target/replica-" + name + ".log");
        ProcessBuilder builder = new ProcessBuilder("java", "-jar", "target/quarkus-app/quarkus-run.jar")
                .redirectErrorStream(true).redirectOutput(log);
        builder.environment().putAll(Map.of("PGHOST", "localhost", "PGPORT", Integer.toString(pgPort),
                "PGDATABASE", database, "PGUSER", "postgres", "PGPASSWORD", "postgres",
                "QUARKUS_HTTP_PORT", Integer.toString(freePort()), "JOBSTREAM_ADMIN_TOKEN", Api.ADMIN_TOKEN,
                "JOBSTREAM_DEMO_JOBS", "true"));
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(max.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("replica " + name + " kept running; see " + log);
        }
        return new Exit(process.exitValue(), java.nio.file.Files.readString(log.toPath()));
    }

    /** How a process ended: its exit code and what it printed. */
    public record Exit(int code, String output) {
    }

    public String url(String path) {
        return "http://localhost:" + port + path;
    }

    /** {@code kill -9}: the process dies at once, with its engines, heartbeats and connections. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM, then waits for the process to exit; answers its exit code. */
    public int terminate(Duration max) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(max.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("replica did not stop within " + max);
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

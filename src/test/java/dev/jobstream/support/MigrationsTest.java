package dev.jobstream.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;

import dev.jobstream.config.EmbeddedDatabase;

/** migrations/ applied by two replicas starting at once: Flyway's lock makes one apply and the other find it done. */
class MigrationsTest {

    @Test
    void migrationsAppliedTwiceConcurrentlyDoNoHarm() throws Exception {
        int port = EmbeddedDatabase.start().port();
        String admin = "jdbc:postgresql://localhost:" + port + "/postgres";
        String database = "migrations_" + System.nanoTime();
        try (Connection c = DriverManager.getConnection(admin, "postgres", "postgres");
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        }
        String url = "jdbc:postgresql://localhost:" + port + "/" + database;
        CountDownLatch start = new CountDownLatch(2);
        List<CompletableFuture<MigrateResult>> replicas = List.of(migrate(url, start), migrate(url, start));
        int applied = 0;
        for (CompletableFuture<MigrateResult> replica : replicas) {
            MigrateResult result = replica.get();
            assertEquals(true, result.success);
            applied += result.migrationsExecuted;
        }
        int versions = new java.io.File("migrations").list((dir, name) -> name.matches("V\\d+__.*\\.sql")).length;
        assertEquals(versions, applied, "each migration applied exactly once in all");
        try (Connection c = DriverManager.getConnection(url, "postgres", "postgres");
                Statement s = c.createStatement()) {
            assertEquals(versions,
                    count(s, "SELECT count(*) FROM flyway_schema_history WHERE success AND version IS NOT NULL"));
            assertEquals(4, count(s, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
                    + " AND table_name IN ('job_runs', 'job_run_events', 'error_events', 'error_event_rollups')"));
        }
    }

    private static CompletableFuture<MigrateResult> migrate(String url, CountDownLatch start) {
        return CompletableFuture.supplyAsync(() -> {
            start.countDown();
            try {
                start.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return Flyway.configure().dataSource(url, "postgres", "postgres").locations("filesystem:migrations").load()
                    .migrate();
        });
    }

    private static long count(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

package dev.jobstream.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.jobstream.config.EmbeddedDatabase;
import dev.jobstream.support.Api;
import dev.jobstream.support.Replica;

/**
 * The packaged service (the prod profile) starts only with a way to authenticate — an admin token of at least 32
 * characters, a tokens file or a JWT key — says why when it refuses, and never logs a token; it generates no admin
 * token of its own (that is for dev mode).
 */
class ProductionAuthIT {

    @Test
    void withoutAnyWayToAuthenticateTheServiceRefusesToStartAndSaysHow() throws Exception {
        int pgPort = EmbeddedDatabase.start().port();
        String database = Replica.newDatabase(pgPort);
        Replica.Exit exit = Replica.expectExit("no-auth", pgPort, database, Map.of("JOBSTREAM_ADMIN_TOKEN", ""),
                Duration.ofSeconds(60));

        assertNotEquals(0, exit.code());
        String reason = "No way to authenticate requests: set JOBSTREAM_ADMIN_TOKEN (at least 32 characters), "
                + "JOBSTREAM_TOKENS_FILE, or MP_JWT_VERIFY_PUBLICKEY_LOCATION";
        assertTrue(exit.output().lines().anyMatch(line -> line.strip().equals(reason)),
                "the reason on a plain line of its own:\n" + exit.output());
        assertFalse(exit.output().contains("\tat ") || exit.output().contains("Exception"),
                "no stack trace:\n" + exit.output());
        assertFalse(exit.output().contains("jobstream dev mode"), exit.output());
        assertFalse(migrated(pgPort, database), "the configuration is checked before the database is touched");
    }

    /** True if the service's migrations ran on the database. */
    private static boolean migrated(int pgPort, String database) throws java.sql.SQLException {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(
                "jdbc:postgresql://localhost:" + pgPort + "/" + database, "postgres", "postgres");
                java.sql.ResultSet tables = c.createStatement()
                        .executeQuery("SELECT to_regclass('flyway_schema_history') IS NOT NULL")) {
            tables.next();
            return tables.getBoolean(1);
        }
    }

    @Test
    void aShortAdminTokenIsRefusedWithoutBeingLogged() throws Exception {
        int pgPort = EmbeddedDatabase.start().port();
        String shortToken = "short-secret-4711";
        Replica.Exit exit = Replica.expectExit("short-admin", pgPort, Replica.newDatabase(pgPort),
                Map.of("JOBSTREAM_ADMIN_TOKEN", shortToken), Duration.ofSeconds(60));

        assertNotEquals(0, exit.code());
        assertTrue(exit.output().contains("JOBSTREAM_ADMIN_TOKEN has 17 characters; it needs at least 32"),
                exit.output());
        assertFalse(exit.output().contains(shortToken), "the token appears in the output:\n" + exit.output());
    }

    @Test
    void aTokensFileAloneIsEnoughAndNoAdminTokenIsMadeUp() throws Exception {
        int pgPort = EmbeddedDatabase.start().port();
        String token = "file-token-0123456789abcdef0123456789";
        Path file = Files.createTempFile("tokens", ".json");
        Files.writeString(file, "[{\"name\": \"ops\", \"sha256\": \"" + Security.sha256(token)
                + "\", \"roles\": [\"viewer\"]}]");
        try (Replica replica = Replica.start("file-only", pgPort, Replica.newDatabase(pgPort),
                Map.of("JOBSTREAM_ADMIN_TOKEN", "", "JOBSTREAM_TOKENS_FILE", file.toString()))) {
            assertEquals(200, get(replica, token));
            assertEquals(401, get(replica, Api.ADMIN_TOKEN));
            String log = Files.readString(Path.of("target/replica-file-only.log"));
            assertFalse(log.contains("jobstream dev mode"), log);
            assertFalse(log.contains(token), log);
        }
    }

    @Test
    void aJwtKeyWithoutAnAudienceIsRefused() throws Exception {
        Security.write();
        int pgPort = EmbeddedDatabase.start().port();
        Replica.Exit exit = Replica.expectExit("jwt-no-audience", pgPort, Replica.newDatabase(pgPort),
                Map.of("MP_JWT_VERIFY_PUBLICKEY_LOCATION", Security.PUBLIC_KEY.toUri().toString(),
                        "MP_JWT_VERIFY_ISSUER", Security.ISSUER),
                Duration.ofSeconds(60));

        assertNotEquals(0, exit.code());
        assertTrue(exit.output().contains("so MP_JWT_VERIFY_AUDIENCES must be set too"), exit.output());
    }

    @Test
    void theAdminTokenIsNeverLogged() throws Exception {
        int pgPort = EmbeddedDatabase.start().port();
        try (Replica replica = Replica.start("admin-only", pgPort, Replica.newDatabase(pgPort), Map.of())) {
            assertEquals(200, get(replica, Api.ADMIN_TOKEN));
            String log = Files.readString(Path.of("target/replica-admin-only.log"));
            assertFalse(log.contains(Api.ADMIN_TOKEN), log);
        }
    }

    private static int get(Replica replica, String token) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(replica.url("/v1/runs")))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}

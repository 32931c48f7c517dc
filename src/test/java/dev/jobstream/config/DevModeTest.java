package dev.jobstream.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Dev mode keeps what a developer tinkers with: the tokens of each role, the same at every live reload and restart
 * until the dev folder goes; the database's data from one start to the next; and the database stops after the
 * application at exit, not beside it.
 */
class DevModeTest {

    @TempDir
    Path folder;

    @Test
    void theDevTokensAreMadeOnceAndKeptUntilTheFolderGoes() throws Exception {
        DevCredentials first = DevCredentials.in(folder);
        DevCredentials reloaded = DevCredentials.in(folder);

        assertEquals(first.tokens(), reloaded.tokens(), "a live reload or a restart keeps every token");
        assertEquals(4, first.tokens().size());
        JsonArray file = new JsonArray(Files.readString(first.tokensFile()));
        assertEquals(3, file.size(), "operator, viewer and worker: the admin token is JOBSTREAM_ADMIN_TOKEN");
        for (Object entry : file) {
            JsonObject token = (JsonObject) entry;
            String role = token.getJsonArray("roles").getString(0);
            assertEquals(sha256(first.token(role)), token.getString("sha256"), role);
        }
        String banner = DevMode.banner(first, 8080);
        assertTrue(banner.contains("console http://localhost:8080/"), banner);
        for (String role : DevCredentials.ROLES) {
            assertTrue(banner.contains(first.token(role)), role + " in " + banner);
        }

        try (var files = Files.list(folder)) {
            for (Path path : files.toList()) {
                Files.delete(path);
            }
        }
        assertNotEquals(first.token("admin"), DevCredentials.in(folder).token("admin"), "a fresh folder, new ones");
    }

    @Test
    void aReloadOrARestartOfDevModeIsTheSameReplicaWithTheSameTokens() {
        var first = DevModeConfigSource.settings(folder);
        var again = DevModeConfigSource.settings(folder);

        assertEquals(first, again);
        assertEquals("dev", first.get("jobstream.instance-id"));
        assertEquals(DevCredentials.in(folder).token("admin"), first.get("jobstream.admin-token"));
        assertEquals(folder.resolve(DevCredentials.FILE).toAbsolutePath().toString(),
                first.get("jobstream.tokens-file"));
    }

    @Test
    void theDevDatabaseKeepsItsDataFromOneStartToTheNext() throws Exception {
        Path data = folder.resolve("postgres");
        try (EmbeddedPostgres postgres = EmbeddedDatabase.open(data);
                Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE kept (note text); INSERT INTO kept VALUES ('tinkered')");
        }
        try (EmbeddedPostgres postgres = EmbeddedDatabase.open(data);
                Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT note FROM kept")) {
            assertTrue(rows.next());
            assertEquals("tinkered", rows.getString(1));
        }
    }

    @Test
    void atExitTheDatabaseWaitsForTheApplicationToStop() throws Exception {
        EmbeddedDatabase.applicationRunning(true);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread exit = new Thread(() -> {
            if (EmbeddedDatabase.awaitApplicationStopped(Duration.ofSeconds(30))) {
                stopped.countDown();
            }
        });
        exit.start();
        try {
            assertFalse(stopped.await(300, TimeUnit.MILLISECONDS), "the database waits while the application runs");
        } finally {
            EmbeddedDatabase.applicationRunning(false);
        }
        assertTrue(stopped.await(5, TimeUnit.SECONDS), "and stops once it stopped");
    }

    private static String sha256(String token) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(token.getBytes(StandardCharsets.UTF_8)));
    }
}

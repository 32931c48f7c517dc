package dev.jobstream.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.jobstream.support.Replica;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * PGSSLMODE and PGSSLROOTCERT are honoured as libpq honours them: with verify-full and the CA of a PostgreSQL that
 * serves TLS, every connection of a replica (pool, LISTEN, locks) is encrypted; with a CA that did not sign the
 * server's certificate the replica refuses to start rather than talk to a server it cannot verify.
 */
class DatabaseTlsIT {

    @TempDir
    Path dir;

    @Test
    void aReplicaTalksTlsToAServerItVerifiesAndRefusesOneItCannot() throws Exception {
        Path cert = selfSigned("server", "localhost");
        Path other = selfSigned("other", "localhost");
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setServerConfig("ssl", "on")
                .setServerConfig("ssl_cert_file", cert.toString())
                .setServerConfig("ssl_key_file", dir.resolve("server.key").toString())
                .start()) {
            int port = postgres.getPort();
            String database = Replica.newDatabase(port);
            try (Replica replica = Replica.start("tls", port, database,
                    Map.of("PGSSLMODE", "verify-full", "PGSSLROOTCERT", cert.toString()))) {
                try (var c = postgres.getPostgresDatabase().getConnection();
                        var s = c.prepareStatement("""
                                SELECT count(*), count(*) FILTER (WHERE ssl.ssl)
                                  FROM pg_stat_activity a JOIN pg_stat_ssl ssl ON ssl.pid = a.pid
                                 WHERE a.datname = ? AND a.backend_type = 'client backend'
                                """)) {
                    s.setString(1, database);
                    var rows = s.executeQuery();
                    rows.next();
                    assertTrue(rows.getInt(1) >= 2, "the replica's connections: " + rows.getInt(1));
                    assertEquals(rows.getInt(1), rows.getInt(2), "every connection of the replica is TLS");
                }
            }

            Replica.Exit refused = Replica.expectExit("tls-wrong-ca", port, database,
                    Map.of("PGSSLMODE", "verify-full", "PGSSLROOTCERT", other.toString()), Duration.ofSeconds(90));
            assertNotEquals(0, refused.code());
        }
    }

    /** A self-signed certificate for {@code host} (PEM; it is its own CA) and its key, {@code name}.key (0600). */
    private Path selfSigned(String name, String host) throws Exception {
        Path store = dir.resolve(name + ".p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", name, "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=" + host, "-ext", "SAN=dns:" + host, "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, keytool.waitFor(), output);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(store.toFile())) {
            keys.load(in, "changeit".toCharArray());
        }
        Certificate certificate = keys.getCertificate(name);
        PrivateKey key = (PrivateKey) keys.getKey(name, "changeit".toCharArray());
        Path cert = dir.resolve(name + ".crt");
        Files.writeString(cert, pem("CERTIFICATE", certificate.getEncoded()));
        Path keyFile = dir.resolve(name + ".key");
        Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()));
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        return cert;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}

package dev.jobstream.auth;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.jobstream.config.EmbeddedDatabase;
import dev.jobstream.support.Replica;

/** The packaged service refuses to start with a tokens file it cannot use, and says why. */
class TokensFileIT {

    @Test
    void anInvalidTokensFileStopsTheServiceWithTheReason() throws Exception {
        int pgPort = EmbeddedDatabase.start().port();
        String database = Replica.newDatabase(pgPort);
        Path file = Files.createTempFile("tokens", ".json");
        Files.writeString(file, "[{\"name\": \"ci\", \"sha256\": \"not-a-hash\", \"roles\": [\"operator\"]}]");

        Replica.Exit exit = Replica.expectExit("bad-tokens", pgPort, database,
                Map.of("JOBSTREAM_TOKENS_FILE", file.toString()), Duration.ofSeconds(60));

        assertNotEquals(0, exit.code());
        assertTrue(exit.output().contains("JOBSTREAM_TOKENS_FILE " + file + ": entry 1 (ci): 'sha256' must be 64 hex"
                + " digits"), exit.output());
    }
}

package dev.jobstream.auth;

import static dev.jobstream.auth.Security.VIEWER;
import static dev.jobstream.auth.Security.as;
import static dev.jobstream.support.Api.admin;
import static dev.jobstream.support.Api.awaitStatus;
import static dev.jobstream.support.Api.trigger;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.jobstream.support.DatabaseTest;
import dev.jobstream.support.SseClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonArray;

/**
 * An open stream lasts no longer than the credential it was opened with: a token removed from the tokens file (or
 * the whole file deleted) loses its open streams within about a second of the file's reload, a JWT's stream ends at
 * its expiry; each ends with a comment saying why. Streams of tokens that still hold go on.
 */
@QuarkusTest
@TestProfile(Security.Profile.class)
class RevokedStreamsTest extends DatabaseTest {

    private static final String LEAVING = "leaving-token-0123456789";
    private static final Duration WITHIN = Duration.ofSeconds(6);

    @TestHTTPResource("/")
    URL base;

    @AfterEach
    void restoreTheTokensFile() {
        Security.write();
        touch();
    }

    @Test
    void aTokenRemovedFromTheFileLosesItsOpenStreams() throws Exception {
        Files.writeString(Security.TOKENS, new JsonArray(Files.readString(Security.TOKENS))
                .add(Security.entry("leaving", LEAVING, List.of("viewer"), null, null)).encodePrettily());
        touch();
        Awaitility.await().atMost(WITHIN).until(() -> as(LEAVING).get("/v1/runs").statusCode() == 200);
        String run = trigger("demo.sleep", Map.of("params", Map.of("items", 200, "delay_ms", 100)));
        awaitStatus(run, "running");

        try (SseClient.Subscription feed = SseClient.subscribe(base + "v1/stream", LEAVING).awaitOpen();
                SseClient.Subscription events = SseClient.subscribe(base + "v1/runs/" + run + "/events", LEAVING)
                        .awaitOpen();
                SseClient.Subscription staying = SseClient.subscribe(base + "v1/stream", VIEWER).awaitOpen()) {
            assertFalse(feed.awaitClosedByServer(Duration.ofMillis(1500)), "open while the token holds");

            Security.write(); // the file as before: without the leaving token
            touch();

            assertTrue(feed.awaitClosedByServer(WITHIN), "the feed of a revoked token is closed");
            assertTrue(events.awaitClosedByServer(WITHIN), "the run's stream of a revoked token is closed");
            assertTrue(feed.comments().contains("token revoked, stream closed"), feed.comments().toString());
            assertTrue(events.comments().contains("token revoked, stream closed"), events.comments().toString());
            assertEquals(401, as(LEAVING).get("/v1/runs").statusCode());
            assertFalse(staying.awaitClosedByServer(Duration.ofSeconds(2)), "a token that holds keeps its stream");
        } finally {
            admin().post("/v1/runs/" + run + "/cancel");
        }
    }

    @Test
    void theStreamOfAJwtEndsAtItsExpiry() throws Exception {
        String jwt = Security.jwt("short-lived", List.of("viewer"), null, Instant.now().plusSeconds(4));
        try (SseClient.Subscription feed = SseClient.subscribe(base + "v1/stream", jwt).awaitOpen()) {
            assertFalse(feed.awaitClosedByServer(Duration.ofSeconds(1)), "open before the expiry");
            assertTrue(feed.awaitClosedByServer(WITHIN), "closed at the expiry");
            assertTrue(feed.comments().contains("token expired, stream closed"), feed.comments().toString());
        }
    }

    @Test
    void deletingTheTokensFileRevokesItsTokensButNotTheAdminToken() throws Exception {
        as(VIEWER).get("/v1/runs").then().statusCode(200);
        Files.delete(Security.TOKENS);
        Awaitility.await().atMost(WITHIN).until(() -> as(VIEWER).get("/v1/runs").statusCode() == 401);
        admin().get("/v1/runs").then().statusCode(200);

        Security.write();
        touch();
        Awaitility.await().atMost(WITHIN).until(() -> as(VIEWER).get("/v1/runs").statusCode() == 200);
    }

    /** A new modification time, which is what makes the service reload the file. */
    private static void touch() {
        try {
            Files.setLastModifiedTime(Security.TOKENS, FileTime.from(Instant.now()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

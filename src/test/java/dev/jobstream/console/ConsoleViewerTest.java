package dev.jobstream.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.jobstream.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** A viewer's token (from {@code jobstream.tokens-file}) sees runs, logs and errors in the console, and no action. */
@QuarkusTest
@TestProfile(ConsoleViewerTest.ViewerToken.class)
class ConsoleViewerTest extends BrowserTest {

    static final String VIEWER_TOKEN = "test-viewer-token";

    /** Writes a tokens file with one viewer token and points {@code jobstream.tokens-file} at it. */
    public static class ViewerToken implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                Path file = Files.createTempFile("jobstream-tokens", ".json");
                file.toFile().deleteOnExit();
                Files.writeString(file, "[{\"name\": \"viewer-1\", \"sha256\": \"" + sha256(VIEWER_TOKEN)
                        + "\", \"roles\": [\"viewer\"]}]");
                return Map.of("jobstream.tokens-file", file.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static String sha256(String value) {
            try {
                return HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void aViewerSeesRunsLogsAndErrorsButNoActionButton() throws Exception {
        given().header("Authorization", "Bearer " + VIEWER_TOKEN).get("/v1/me").then().statusCode(200)
                .body("name", equalTo("viewer-1")).body("roles", equalTo(List.of("viewer")));
        String failed = Api.trigger("demo.sleep", Map.of("params", Map.of("items", 2, "delay_ms", 10, "fail_at", 2)));
        Api.awaitStatus(failed, "failed");

        Browser.scenario("viewer", base, Map.of("VIEWER_TOKEN", VIEWER_TOKEN, "RUN_ID", failed));
    }
}

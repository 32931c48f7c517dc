package dev.jobstream.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

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
import io.restassured.path.json.JsonPath;

/**
 * The console shows each token what its role allows (tokens from {@code jobstream.tokens-file}): a viewer sees
 * runs, logs, attempts, errors and schedules and no action; an operator limited to one workspace triggers and
 * controls there and sees only its schedules, but neither deletes nor runs the self-test.
 */
@QuarkusTest
@TestProfile(ConsoleRolesTest.Tokens.class)
class ConsoleRolesTest extends BrowserTest {

    static final String VIEWER_TOKEN = "test-viewer-token";
    static final String OPERATOR_TOKEN = "test-operator-token";
    static final String WORKSPACE = "3f6c1e8a-5b2d-4c7e-9a1f-2d3e4f5a6b7c";

    /** Writes a tokens file (a viewer; an operator of one workspace) and points {@code jobstream.tokens-file} at it. */
    public static class Tokens implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                Path file = Files.createTempFile("jobstream-tokens", ".json");
                file.toFile().deleteOnExit();
                Files.writeString(file, "[{\"name\": \"viewer-1\", \"sha256\": \"" + sha256(VIEWER_TOKEN)
                        + "\", \"roles\": [\"viewer\"]}, {\"name\": \"operator-1\", \"sha256\": \""
                        + sha256(OPERATOR_TOKEN) + "\", \"roles\": [\"operator\"], \"workspaces\": [\"" + WORKSPACE
                        + "\"]}]");
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
    void aViewerSeesRunsLogsAttemptsErrorsAndSchedulesButNoActionButton() throws Exception {
        given().header("Authorization", "Bearer " + VIEWER_TOKEN).get("/v1/me").then().statusCode(200)
                .body("name", equalTo("viewer-1")).body("roles", equalTo(List.of("viewer")))
                .body("workspaces", nullValue());
        String failed = Api.trigger("demo.sleep", Map.of("params", Map.of("items", 2, "delay_ms", 10, "fail_at", 2)));
        Api.awaitStatus(failed, "failed");

        Browser.scenario("viewer", base, Map.of("VIEWER_TOKEN", VIEWER_TOKEN, "RUN_ID", failed));
    }

    @Test
    void anOperatorOfOneWorkspaceTriggersAndControlsThereOnly() throws Exception {
        String global = Api.trigger("demo.sleep", Map.of("params", Map.of("items", 0)));
        Api.awaitStatus(global, "completed");

        JsonPath result = Browser.scenario("operator", base,
                Map.of("OPERATOR_TOKEN", OPERATOR_TOKEN, "WORKSPACE", WORKSPACE, "HIDDEN_RUN_ID", global));

        Api.run(result.getString("run")).body("workspace_id", equalTo(WORKSPACE))
                .body("triggered_by", equalTo("operator-1")).body("status", equalTo("cancelled"));
    }
}

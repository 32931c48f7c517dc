package dev.jobstream.engine;

import static dev.jobstream.support.Api.awaitStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.jobstream.support.Api;
import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.vertx.core.json.JsonObject;

/** The packaged application (prod profile) logs one JSON object per line, an engine's lines with their run. */
@QuarkusIntegrationTest
class JsonLogIT extends DatabaseTest {

    /** Where {@code @QuarkusIntegrationTest} writes the output of the application under test. */
    private static final Path LOG = Path.of("target/quarkus.log");

    private static List<String> lines() throws IOException {
        return Files.readAllLines(LOG).stream().filter(line -> !line.isBlank()).toList();
    }

    @Test
    void aFailedRunIsLoggedAsJsonWithItsRunInTheMdc() throws IOException {
        String workspace = UUID.randomUUID().toString();
        String id = Api.json(Map.of("workspace_id", workspace, "params", Map.of("items", 1, "fail_at", 1)))
                .header("X-Correlation-Id", "corr-json").post("/v1/jobs/demo.sleep/runs").then().statusCode(202)
                .extract().path("id");
        awaitStatus(id, "failed");

        JsonObject line = Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> lines().stream()
                .map(JsonObject::new).filter(json -> id.equals(json.getJsonObject("mdc").getString("run_id")))
                .findFirst().orElse(null), json -> json != null);

        assertEquals("WARN", line.getString("level"));
        assertEquals("dev.jobstream.engine.Engine", line.getString("loggerName"));
        assertEquals(new JsonObject().put("run_id", id).put("job", "demo.sleep").put("workspace_id", workspace)
                .put("correlation_id", "corr-json"), line.getJsonObject("mdc"));
        for (String each : lines()) {
            assertEquals('{', each.charAt(0), "one JSON object per line: " + each);
            new JsonObject(each);
        }
    }
}

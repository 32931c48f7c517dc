package dev.jobstream.run;

import static dev.jobstream.support.Api.json;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * When more triggers wait for the database than {@code jobstream.triggers.max-waiting} (here none may wait), a
 * trigger is answered at once with a 503 problem and {@code Retry-After}, and nothing is inserted.
 */
@QuarkusTest
@TestProfile(TriggerOverloadTest.NoneMayWait.class)
class TriggerOverloadTest extends DatabaseTest {

    public static class NoneMayWait implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("jobstream.triggers.max-waiting", "0");
        }
    }

    @Test
    void aTriggerBeyondTheWaitingBoundIsA503WithRetryAfter() {
        json(Map.of("params", Map.of("items", 0))).post("/v1/jobs/demo.sleep/runs").then()
                .statusCode(503)
                .header("Retry-After", equalTo("1"))
                .contentType("application/problem+json")
                .body("status", equalTo(503))
                .body("detail", containsString("retry"));
        assertEquals(0, db.count("SELECT count(*) FROM job_runs"));
    }
}

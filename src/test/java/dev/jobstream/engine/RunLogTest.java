package dev.jobstream.engine;

import static dev.jobstream.support.Api.awaitStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.jobstream.support.Api;
import dev.jobstream.support.DatabaseTest;
import dev.jobstream.support.LogCapture;
import io.quarkus.test.junit.QuarkusTest;

/** Lines that engines write to the service log carry their run in the MDC, each its own run. */
@QuarkusTest
class RunLogTest extends DatabaseTest {

    private final LogCapture log = new LogCapture("dev.jobstream");

    @BeforeEach
    void captureServiceLog() {
        log.start();
    }

    @AfterEach
    void stopCapturing() {
        log.stop();
    }

    private String triggerFailing(String workspace, String correlation) {
        return Api.json(Map.of("workspace_id", workspace, "params", Map.of("items", 2, "delay_ms", 5, "fail_at", 2)))
                .header("X-Correlation-Id", correlation).post("/v1/jobs/demo.sleep/runs").then().statusCode(202)
                .extract().path("id");
    }

    private ExtLogRecord awaitRecord(String logger, String runId) {
        return Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> log.records().stream()
                .filter(r -> logger.equals(r.getLoggerName()) && runId.equals(r.getMdc("run_id"))).findFirst()
                .orElse(null), r -> r != null);
    }

    @Test
    void failedRunsAreLoggedWithTheirOwnRunInTheMdc() {
        String workspaceA = UUID.randomUUID().toString();
        String workspaceB = UUID.randomUUID().toString();
        String a = triggerFailing(workspaceA, "corr-a");
        String b = triggerFailing(workspaceB, "corr-b");
        awaitStatus(a, "failed");
        awaitStatus(b, "failed");

        ExtLogRecord lineA = awaitRecord("dev.jobstream.engine.Engine", a);
        ExtLogRecord lineB = awaitRecord("dev.jobstream.engine.Engine", b);

        assertEquals("WARN", lineA.getLevel().getName());
        assertTrue(lineA.getFormattedMessage()
                .matches("Run failed after \\d+ ms \\(attempt 1 of 1\\): Failed at item 2 of 2 \\(fail_at\\)"),
                lineA.getFormattedMessage());
        assertEquals(Map.of("run_id", a, "job", "demo.sleep", "workspace_id", workspaceA, "correlation_id", "corr-a"),
                lineA.getMdcCopy());
        assertEquals(Map.of("run_id", b, "job", "demo.sleep", "workspace_id", workspaceB, "correlation_id", "corr-b"),
                lineB.getMdcCopy());
    }

    @Test
    void aJobsWarningsReachTheServiceLogWithItsRunAndNothingStaysOnTheThread() {
        String workspace = UUID.randomUUID().toString();
        String id = Api.trigger("test.warn", Map.of("workspace_id", workspace));
        awaitStatus(id, "completed");

        ExtLogRecord line = awaitRecord("dev.jobstream.job.test.warn", id);
        assertEquals("WARN", line.getLevel().getName());
        assertEquals("disk almost full", line.getFormattedMessage());
        assertEquals(workspace, line.getMdc("workspace_id"));
        assertEquals(1, log.records().stream().filter(r -> id.equals(r.getMdc("run_id"))).count(),
                "info events stay in the run's events only");
        assertNull(org.jboss.logmanager.MDC.get("run_id"));
    }
}

package dev.jobstream.job;

import static dev.jobstream.support.Api.awaitStatus;
import static dev.jobstream.support.Api.trigger;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.junit.QuarkusTest;

/** errors.rollup and errors.cleanup: a dry run counts and changes nothing; a real run writes what it counted. */
@QuarkusTest
class MaintenanceJobsTest extends DatabaseTest {

    private static final String INSERT_ERROR = """
            INSERT INTO error_events (occurred_at, severity, kind, message, resolved_at, resolved_by)
            VALUES (now() - $1 * interval '1 hour', $2, $3, 'seeded', $4, $5)
            """;

    @BeforeEach
    void seed() {
        LocalDate yesterday = LocalDate.now(ZoneOffset.UTC).minusDays(1);
        for (String[] row : new String[][]{{"warning", "STALE_RUN"}, {"warning", "STALE_RUN"},
                {"error", "JOB_FAILED"}}) {
            db.execute("INSERT INTO error_events (occurred_at, severity, kind, message) VALUES ("
                    + "($1::date)::timestamp AT TIME ZONE 'UTC' + interval '12 hours', $2, $3, 'seeded')", yesterday,
                    row[0], row[1]);
        }
        // 60 days old: past the cleanup's 30 days, within the sweeper's retention of 90 (which deletes older ones
        // whenever it sweeps, and so raced this test)
        db.execute(INSERT_ERROR, 24 * 60, "error", "JOB_FAILED", java.time.OffsetDateTime.now(), "ops");
        db.execute(INSERT_ERROR, 24 * 60, "info", "OTHER", java.time.OffsetDateTime.now(), "ops");
        db.execute(INSERT_ERROR, 24 * 60, "critical", "OTHER", null, null);
        assertEquals(3, db.count("SELECT count(*) FROM error_events WHERE occurred_at::date = $1", yesterday));
    }

    @Test
    void rollupDryRunCountsAndWritesNothing() {
        String id = trigger("errors.rollup", Map.of("dry_run", true));
        awaitStatus(id, "completed")
                .body("dry_run", equalTo(true))
                .body("metrics.groups", equalTo(2))
                .body("metrics.events", equalTo(3))
                .body("metrics.written", equalTo(0));
        assertEquals(0, db.count("SELECT count(*) FROM error_event_rollups"));
    }

    @Test
    void rollupWritesOneRowPerKindAndSeverity() {
        String id = trigger("errors.rollup", Map.of());
        awaitStatus(id, "completed").body("metrics.written", equalTo(2));
        assertEquals(2, db.count("SELECT count FROM error_event_rollups WHERE kind = 'STALE_RUN'"));
        assertEquals(1, db.count("SELECT count FROM error_event_rollups WHERE kind = 'JOB_FAILED'"));
    }

    @Test
    void cleanupDryRunCountsAndDeletesNothing() {
        String id = trigger("errors.cleanup", Map.of("dry_run", true, "params", Map.of("older_than", "30d")));
        awaitStatus(id, "completed").body("metrics.eligible", equalTo(2)).body("metrics.deleted", equalTo(0));
        assertEquals(6, db.count("SELECT count(*) FROM error_events"));
    }

    @Test
    void cleanupDeletesOnlyOldResolvedEvents() {
        String id = trigger("errors.cleanup", Map.of("params", Map.of("older_than", "30d")));
        awaitStatus(id, "completed").body("metrics.deleted", equalTo(2));
        assertEquals(4, db.count("SELECT count(*) FROM error_events"));
        assertEquals(0, db.count("SELECT count(*) FROM error_events WHERE resolved_at IS NOT NULL"));
    }
}

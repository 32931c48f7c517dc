package dev.jobstream.run;

import java.time.Instant;
import java.util.UUID;

import io.vertx.mutiny.sqlclient.Row;

/**
 * A run as the live feed reads it: its summary and the version of its row; {@code displayStatus} as a run's JSON has
 * it, but for {@code stale}.
 */
public record RunVersion(UUID id, String job, UUID workspaceId, String status, String displayStatus, boolean dryRun,
        long processed, Long total, String error, Instant createdAt, Instant updatedAt, Instant finishedAt,
        Instant runAfter, int attempt, long version) {

    public static RunVersion from(Row row) {
        RunStatus status = RunStatus.of(row.getString("status"));
        Instant runAfter = Run.instant(row, "run_after");
        return new RunVersion(row.getUUID("id"), row.getString("job_name"), row.getUUID("workspace_id"),
                status.value(), Run.display(status, runAfter, row.getString("last_outcome"), false),
                row.getBoolean("dry_run"), row.getLong("processed"), row.getLong("total"), row.getString("error"),
                Run.instant(row, "created_at"), Run.instant(row, "updated_at"), Run.instant(row, "finished_at"),
                runAfter, row.getInteger("attempt"), row.getLong("version"));
    }
}

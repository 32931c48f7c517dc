package dev.jobstream.run;

import java.time.Instant;
import java.util.UUID;

import io.vertx.mutiny.sqlclient.Row;

/** A run as the live feed reads it: its summary and the version of its row. */
public record RunVersion(UUID id, String job, UUID workspaceId, String status, boolean dryRun, long processed,
        Long total, String error, Instant createdAt, Instant updatedAt, Instant finishedAt, long version) {

    static RunVersion from(Row row) {
        return new RunVersion(row.getUUID("id"), row.getString("job_name"), row.getUUID("workspace_id"),
                row.getString("status"), row.getBoolean("dry_run"), row.getLong("processed"), row.getLong("total"),
                row.getString("error"), Run.instant(row, "created_at"), Run.instant(row, "updated_at"),
                Run.instant(row, "finished_at"), row.getLong("version"));
    }
}

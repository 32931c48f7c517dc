package dev.jobstream.feed;

import java.time.Instant;
import java.util.UUID;

import io.vertx.mutiny.sqlclient.Row;

/** A run as the live feed shows it: enough for a dashboard row. */
public record RunChange(String type, UUID id, String job, UUID workspaceId, String status, boolean dryRun,
        long processed, Long total, Integer percent, String error, Instant createdAt, Instant updatedAt,
        Instant finishedAt) {

    static RunChange from(Row row, String type) {
        Long total = row.getLong("total");
        long processed = row.getLong("processed");
        return new RunChange(type, row.getUUID("id"), row.getString("job_name"), row.getUUID("workspace_id"),
                row.getString("status"), row.getBoolean("dry_run"), processed, total,
                total == null || total == 0 ? null : (int) Math.min(100, processed * 100 / total),
                row.getString("error"), row.getOffsetDateTime("created_at").toInstant(),
                row.getOffsetDateTime("updated_at").toInstant(),
                row.getOffsetDateTime("finished_at") == null ? null : row.getOffsetDateTime("finished_at").toInstant());
    }
}

package dev.jobstream.error;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;

import io.vertx.mutiny.sqlclient.Row;

/** One row of {@code error_events}: something that went wrong and that an operator may want to see or alert on. */
public record ErrorEvent(long id, Instant occurredAt, String severity, String kind, String message, String job,
        UUID workspaceId, UUID runId, String correlationId, Map<String, Object> details, Instant resolvedAt,
        String resolvedBy) {

    public static final java.util.List<String> SEVERITIES = java.util.List.of("info", "warning", "error", "critical");

    static ErrorEvent from(Row row) {
        return new ErrorEvent(row.getLong("id"), instant(row.getOffsetDateTime("occurred_at")),
                row.getString("severity"), row.getString("kind"), row.getString("message"), row.getString("job_name"),
                row.getUUID("workspace_id"), row.getUUID("run_id"), row.getString("correlation_id"),
                row.getJsonObject("details").getMap(), instant(row.getOffsetDateTime("resolved_at")),
                row.getString("resolved_by"));
    }

    private static Instant instant(OffsetDateTime value) {
        return value == null ? null : value.toInstant();
    }
}

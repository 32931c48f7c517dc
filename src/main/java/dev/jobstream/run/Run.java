package dev.jobstream.run;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnore;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;

/** One row of {@code job_runs}, as the API shows it. */
public record Run(
        UUID id,
        String job,
        UUID workspaceId,
        RunStatus status,
        String displayStatus,
        boolean dryRun,
        Map<String, Object> params,
        Map<String, Object> metrics,
        String error,
        String errorCode,
        List<Object> errorLog,
        long processed,
        Long total,
        int attempt,
        int maxAttempts,
        String triggeredBy,
        String correlationId,
        String owner,
        Instant createdAt,
        Instant runAfter,
        Instant startedAt,
        Instant finishedAt,
        Instant updatedAt,
        Instant heartbeatAt,
        Long durationMs,
        String controlRequested,
        String controlledBy,
        @JsonIgnore boolean exclusive,
        @JsonIgnore int lastSeq,
        @JsonIgnore String idempotencyKey) {

    /**
     * The display status {@code stale} marks executing runs whose heartbeat is older than {@code staleBefore};
     * {@code scheduled}, queued runs that are not due yet (asked for later with {@code run_at} or {@code delay}).
     */
    public static Run from(Row row, Instant staleBefore) {
        RunStatus status = RunStatus.of(row.getString("status"));
        Instant heartbeat = instant(row, "heartbeat_at");
        boolean stale = (status == RunStatus.RUNNING || status == RunStatus.PAUSED)
                && heartbeat != null && heartbeat.isBefore(staleBefore);
        JsonObject metrics = row.getJsonObject("metrics");
        JsonArray errorLog = row.getJsonArray("error_log");
        return new Run(
                row.getUUID("id"),
                row.getString("job_name"),
                row.getUUID("workspace_id"),
                status,
                stale ? "stale" : scheduled(status, instant(row, "run_after")) ? "scheduled" : status.value(),
                row.getBoolean("dry_run"),
                row.getJsonObject("params").getMap(),
                metrics == null ? null : metrics.getMap(),
                row.getString("error"),
                row.getString("error_code"),
                errorLog == null ? List.of() : errorLog.getList(),
                row.getLong("processed"),
                row.getLong("total"),
                row.getInteger("attempt"),
                row.getInteger("max_attempts"),
                row.getString("triggered_by"),
                row.getString("correlation_id"),
                row.getString("owner"),
                instant(row, "created_at"),
                instant(row, "run_after"),
                instant(row, "started_at"),
                instant(row, "finished_at"),
                instant(row, "updated_at"),
                heartbeat,
                row.getLong("duration_ms"),
                row.getString("control_requested"),
                row.getColumnIndex("controlled_by") >= 0 ? row.getString("controlled_by") : null,
                row.getBoolean("exclusive"),
                row.getInteger("last_seq"),
                row.getString("idempotency_key"));
    }

    private static boolean scheduled(RunStatus status, Instant runAfter) {
        return status == RunStatus.QUEUED && runAfter != null && runAfter.isAfter(Instant.now());
    }

    static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }
}

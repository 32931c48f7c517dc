package dev.jobstream.run;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
        int priority,
        Long timeoutMs,
        UUID scheduleId,
        List<Map<String, Object>> attempts,
        @JsonIgnore boolean exclusive,
        @JsonIgnore int lastSeq,
        @JsonIgnore String idempotencyKey) {

    /**
     * The display status {@code stale} marks executing runs whose heartbeat is older than {@code staleBefore};
     * {@code retrying}, queued runs waiting for their next attempt after a failed one; {@code scheduled}, other queued
     * runs that are not due yet (asked for later with {@code run_at} or {@code delay}, or snoozed). {@code attempts}
     * is the run's attempt history: the attempts that ended before, then the current one once it started.
     */
    public static Run from(Row row, Instant staleBefore) {
        return from(row, staleBefore, true);
    }

    /**
     * A run just claimed, for its engine: without its attempt history, which the engine does not read (a claim
     * decodes hundreds of runs at a time).
     */
    static Run claimed(Row row) {
        return from(row, Instant.EPOCH, false);
    }

    private static Run from(Row row, Instant staleBefore, boolean history) {
        RunStatus status = RunStatus.of(row.getString("status"));
        Instant heartbeat = instant(row, "heartbeat_at");
        boolean stale = (status == RunStatus.RUNNING || status == RunStatus.PAUSED)
                && heartbeat != null && heartbeat.isBefore(staleBefore);
        JsonObject metrics = row.getJsonObject("metrics");
        JsonArray errorLog = row.getJsonArray("error_log");
        JsonArray previous = row.getJsonArray("attempts");
        Instant runAfter = instant(row, "run_after");
        Object last = previous == null || previous.isEmpty() ? null : previous.getValue(previous.size() - 1);
        String display = display(status, runAfter,
                last instanceof JsonObject entry ? entry.getString("outcome") : null, stale);
        return new Run(
                row.getUUID("id"),
                row.getString("job_name"),
                row.getUUID("workspace_id"),
                status,
                display,
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
                row.getInteger("priority"),
                row.getLong("timeout_ms"),
                row.getUUID("schedule_id"),
                history ? attempts(row, status, previous) : List.of(),
                row.getBoolean("exclusive"),
                row.getInteger("last_seq"),
                row.getString("idempotency_key"));
    }

    /** The attempts that ended before the current one, then the current one if it started (or the run ended). */
    private static List<Map<String, Object>> attempts(Row row, RunStatus status, JsonArray previous) {
        List<Map<String, Object>> attempts = new ArrayList<>();
        if (previous != null) {
            for (Object entry : previous) {
                Map<String, Object> attempt = new LinkedHashMap<>(((JsonObject) entry).getMap());
                attempt.computeIfPresent("started_at", (k, v) -> OffsetDateTime.parse((String) v).toInstant());
                attempt.computeIfPresent("finished_at", (k, v) -> OffsetDateTime.parse((String) v).toInstant());
                attempts.add(attempt);
            }
        }
        Instant started = instant(row, "started_at");
        if (started == null && !status.isTerminal()) {
            return attempts; // the current attempt has not begun
        }
        Map<String, Object> current = new LinkedHashMap<>();
        current.put("attempt", row.getInteger("attempt"));
        current.put("owner", row.getString("owner"));
        current.put("started_at", started);
        current.put("finished_at", instant(row, "finished_at"));
        current.put("outcome", status.value());
        current.put("error", row.getString("error"));
        current.put("error_code", row.getString("error_code"));
        attempts.add(current);
        return attempts;
    }

    /**
     * The display status: {@code stale} for an executing run whose heartbeat is old, {@code retrying} for a queued run
     * not due yet after a failed (or stale) attempt ({@code lastOutcome}: the outcome of the attempt before),
     * {@code scheduled} for another queued run not due yet, the status otherwise.
     */
    static String display(RunStatus status, Instant runAfter, String lastOutcome, boolean stale) {
        if (stale) {
            return "stale";
        }
        if (!scheduled(status, runAfter)) {
            return status.value();
        }
        return "failed".equals(lastOutcome) || "stale".equals(lastOutcome) ? "retrying" : "scheduled";
    }

    private static boolean scheduled(RunStatus status, Instant runAfter) {
        return status == RunStatus.QUEUED && runAfter != null && runAfter.isAfter(Instant.now());
    }

    static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }
}

package dev.jobstream.run.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.jobstream.run.Run;
import dev.jobstream.run.RunStatus;
import dev.jobstream.run.RunVersion;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;

/** How a row of {@code job_runs} becomes a {@link Run} (and a {@link RunVersion}): the store's side of a run. */
final class RunRows {

    private RunRows() {
    }

    /**
     * The columns a run is read from, named: statements stay prepared on each connection, and PostgreSQL refuses to
     * run a prepared statement whose result changed shape, as one reading {@code *} would after a newer replica's
     * migration added a column.
     */
    static final String COLUMNS = """
            id, job_name, workspace_id, status, exclusive, dry_run, params, metrics, error, error_code, error_log,
            processed, total, attempt, max_attempts, triggered_by, correlation_id, idempotency_key, owner,
            control_requested, created_at, run_after, started_at, finished_at, updated_at, heartbeat_at, duration_ms,
            version, last_seq, controlled_by, priority, timeout_ms, attempts, schedule_id, traceparent, webhook,
            limit_key, parent_id, on_dependency_failure, has_dependencies, has_children""";

    /** {@link #COLUMNS} of the table named {@code alias} in a statement. */
    static String columns(String alias) {
        return alias + "." + String.join(", " + alias + ".", COLUMNS.split(",\\s*"));
    }

    /**
     * The display status {@code stale} marks executing runs whose heartbeat is older than {@code staleBefore};
     * {@code retrying}, queued runs waiting for their next attempt after a failed one; {@code scheduled}, other queued
     * runs that are not due yet (asked for later with {@code run_at} or {@code delay}, or snoozed). {@code attempts}
     * is the run's attempt history: the attempts that ended before, then the current one once it started.
     */
    static Run from(Row row, Instant staleBefore) {
        return from(row, Columns.of(row), staleBefore, true);
    }

    /** The runs of a result, decoded by column position: each column is looked up once per result. */
    static List<Run> all(Iterable<Row> rows, Instant staleBefore, boolean history) {
        List<Run> runs = new ArrayList<>();
        Columns columns = null;
        for (Row row : rows) {
            if (columns == null) {
                columns = Columns.of(row);
            }
            runs.add(from(row, columns, staleBefore, history));
        }
        return runs;
    }

    /**
     * Where each column of a result is. A row looks a column up by name in a list, one name after the other; a run
     * has thirty of them, read for every row of results of hundreds.
     */
    private static final class Columns {
        private final Map<String, Integer> positions = new java.util.HashMap<>();

        static Columns of(Row row) {
            Columns columns = new Columns();
            for (int i = 0; i < row.size(); i++) {
                columns.positions.put(row.getColumnName(i), i);
            }
            return columns;
        }

        /** The column's position; -1 when the result does not have it. */
        int at(String name) {
            Integer position = positions.get(name);
            return position == null ? -1 : position;
        }
    }

    /**
     * Runs just claimed, for their engines: without their attempt history, which engines do not read (a claim
     * decodes hundreds of runs at a time).
     */
    static List<Run> claimed(Iterable<Row> rows) {
        return all(rows, Instant.EPOCH, false);
    }

    private static Run from(Row row, Columns c, Instant staleBefore, boolean history) {
        RunStatus status = RunStatus.of(row.getString(c.at("status")));
        Instant heartbeat = instant(row, c.at("heartbeat_at"));
        boolean stale = (status == RunStatus.RUNNING || status == RunStatus.PAUSED)
                && heartbeat != null && heartbeat.isBefore(staleBefore);
        JsonObject metrics = row.getJsonObject(c.at("metrics"));
        JsonArray errorLog = row.getJsonArray(c.at("error_log"));
        JsonArray previous = row.getJsonArray(c.at("attempts"));
        Instant runAfter = instant(row, c.at("run_after"));
        Object last = previous == null || previous.isEmpty() ? null : previous.getValue(previous.size() - 1);
        String display = Run.display(status, runAfter,
                last instanceof JsonObject entry ? entry.getString("outcome") : null, stale);
        return new Run(
                row.getUUID(c.at("id")),
                row.getString(c.at("job_name")),
                row.getUUID(c.at("workspace_id")),
                status,
                display,
                row.getBoolean(c.at("dry_run")),
                row.getJsonObject(c.at("params")).getMap(),
                metrics == null ? null : metrics.getMap(),
                row.getString(c.at("error")),
                row.getString(c.at("error_code")),
                errorLog == null ? List.of() : errorLog.getList(),
                row.getLong(c.at("processed")),
                row.getLong(c.at("total")),
                row.getInteger(c.at("attempt")),
                row.getInteger(c.at("max_attempts")),
                row.getString(c.at("triggered_by")),
                row.getString(c.at("correlation_id")),
                row.getString(c.at("owner")),
                instant(row, c.at("created_at")),
                Run.waits(runAfter) ? null : runAfter,
                instant(row, c.at("started_at")),
                instant(row, c.at("finished_at")),
                instant(row, c.at("updated_at")),
                heartbeat,
                row.getLong(c.at("duration_ms")),
                row.getString(c.at("control_requested")),
                c.at("controlled_by") >= 0 ? row.getString(c.at("controlled_by")) : null,
                row.getInteger(c.at("priority")),
                row.getLong(c.at("timeout_ms")),
                row.getUUID(c.at("schedule_id")),
                c.at("traceparent") >= 0 ? row.getString(c.at("traceparent")) : null,
                c.at("webhook") >= 0 ? row.getString(c.at("webhook")) : null,
                history ? attempts(row, c, status, previous) : List.of(),
                c.at("limit_key") >= 0 ? row.getString(c.at("limit_key")) : null,
                null,
                c.at("parent_id") >= 0 ? row.getUUID(c.at("parent_id")) : null,
                null,
                c.at("on_dependency_failure") >= 0 ? row.getString(c.at("on_dependency_failure")) : null,
                null,
                flag(row, c.at("has_dependencies")),
                flag(row, c.at("has_children")),
                row.getBoolean(c.at("exclusive")),
                row.getInteger(c.at("last_seq")),
                row.getString(c.at("idempotency_key")));
    }

    /** A flag of flows: null (the run is in no flow) is false; -1, a result without the column, too. */
    private static boolean flag(Row row, int column) {
        return column >= 0 && Boolean.TRUE.equals(row.getBoolean(column));
    }

    /** The attempts that ended before the current one, then the current one if it started (or the run ended). */
    private static List<Map<String, Object>> attempts(Row row, Columns c, RunStatus status, JsonArray previous) {
        List<Map<String, Object>> attempts = new ArrayList<>();
        if (previous != null) {
            for (Object entry : previous) {
                Map<String, Object> attempt = new LinkedHashMap<>(((JsonObject) entry).getMap());
                attempt.computeIfPresent("started_at", (k, v) -> OffsetDateTime.parse((String) v).toInstant());
                attempt.computeIfPresent("finished_at", (k, v) -> OffsetDateTime.parse((String) v).toInstant());
                attempts.add(attempt);
            }
        }
        Instant started = instant(row, c.at("started_at"));
        if (started == null && !status.isTerminal()) {
            return attempts; // the current attempt has not begun
        }
        Map<String, Object> current = new LinkedHashMap<>();
        current.put("attempt", row.getInteger(c.at("attempt")));
        current.put("owner", row.getString(c.at("owner")));
        current.put("started_at", started);
        current.put("finished_at", instant(row, c.at("finished_at")));
        current.put("outcome", status.value());
        current.put("error", row.getString(c.at("error")));
        current.put("error_code", row.getString(c.at("error_code")));
        attempts.add(current);
        return attempts;
    }

    /** A run as the live feed reads it ({@link RunVersion}): its summary and the version of its row. */
    static RunVersion version(Row row) {
        RunStatus status = RunStatus.of(row.getString("status"));
        Instant runAfter = instant(row, "run_after");
        return new RunVersion(row.getUUID("id"), row.getString("job_name"), row.getUUID("workspace_id"),
                status.value(), Run.display(status, runAfter, row.getString("last_outcome"), false),
                row.getBoolean("dry_run"), row.getLong("processed"), row.getLong("total"), row.getString("error"),
                instant(row, "created_at"), instant(row, "updated_at"), instant(row, "finished_at"),
                Run.waits(runAfter) ? null : runAfter, row.getInteger("attempt"), row.getLong("version"));
    }

    static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }

    private static Instant instant(Row row, int column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }
}

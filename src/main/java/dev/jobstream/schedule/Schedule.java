package dev.jobstream.schedule;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnore;

import io.vertx.mutiny.sqlclient.Row;

/**
 * A schedule as the API shows it: its job fires on {@code cron} in {@code time_zone} with {@code params}, in
 * {@code workspace_id}; {@code next_fire_at} is the tick it fires next ({@code next_fire_times}: the few after that
 * too), {@code last_run_id} the run of its last tick and {@code last_run_status} its display status now (null when
 * none, or deleted). {@code source}: {@code code} (declared by the job; it can be
 * disabled, not changed or deleted) or {@code api}. {@code webhook}: the webhook its runs call when they end, over
 * their job's (null: the job's, if any).
 */
public record Schedule(UUID id, String job, UUID workspaceId, String cron, String timeZone, Map<String, Object> params,
        int priority, boolean enabled, Instant nextFireAt, Instant lastFiredAt, UUID lastRunId, String source,
        String createdBy, Instant createdAt, Instant updatedAt, List<Instant> nextFireTimes, String lastRunStatus,
        String webhook, @JsonIgnore int version) {

    /** This schedule, with its last run's display status. */
    Schedule withLastRunStatus(String status) {
        return new Schedule(id, job, workspaceId, cron, timeZone, params, priority, enabled, nextFireAt, lastFiredAt,
                lastRunId, source, createdBy, createdAt, updatedAt, nextFireTimes, status, webhook, version);
    }

    /** How many fire times a schedule shows. */
    static final int SHOWN_FIRE_TIMES = 5;

    static Schedule from(Row row) {
        String cron = row.getString("cron");
        String zone = row.getString("time_zone");
        Instant next = instant(row, "next_fire_at");
        boolean enabled = row.getBoolean("enabled");
        List<Instant> upcoming = List.of();
        if (enabled) {
            try {
                Cron parsed = Cron.parse(cron, zone);
                upcoming = new java.util.ArrayList<>();
                upcoming.add(next);
                upcoming.addAll(parsed.next(next, SHOWN_FIRE_TIMES - 1));
            } catch (IllegalArgumentException e) {
                upcoming = List.of(next); // stored before a parser change; it still fires at next_fire_at
            }
        }
        return new Schedule(row.getUUID("id"), row.getString("job_name"), row.getUUID("workspace_id"), cron, zone,
                row.getJsonObject("params").getMap(), row.getInteger("priority"), enabled, next,
                instant(row, "last_fired_at"), row.getUUID("last_run_id"), row.getString("source"),
                row.getString("created_by"), instant(row, "created_at"), instant(row, "updated_at"), upcoming, null,
                row.getString("webhook"), row.getInteger("version"));
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }
}

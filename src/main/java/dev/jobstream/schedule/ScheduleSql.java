package dev.jobstream.schedule;

/**
 * Every statement on {@code job_schedules}; {@link ScheduleStore} is the only class that runs them. A schedule's
 * {@code next_fire_at} moves on only by {@link #ADVANCE}, guarded by its old value, so a tick fires once. Every write
 * counts up its {@code version}, and a change through the API ({@link #UPDATE}) writes only over the version it read.
 */
final class ScheduleSql {

    private ScheduleSql() {
    }

    /**
     * The columns a {@link Schedule} is read from, named rather than {@code *}: a prepared statement whose result
     * changed shape (a newer replica's migration added a column) is refused by PostgreSQL.
     */
    static final String SCHEDULE = """
            id, job_name, workspace_id, cron, time_zone, params, priority, enabled, next_fire_at, last_fired_at,
            last_run_id, source, created_by, created_at, updated_at, version, webhook""";

    static final String INSERT = """
            INSERT INTO job_schedules (id, job_name, workspace_id, cron, time_zone, params, priority, enabled,
                                       next_fire_at, source, created_by, webhook)
            VALUES ($1, $2, $3, $4, $5, $6::text::jsonb, $7, $8, $9, 'api', $10, $11)
            RETURNING %s
            """.formatted(SCHEDULE);

    /**
     * The schedule a job declares in code, created on start-up; an existing one keeps its state (enabled or not) and
     * takes the code's cron, its next tick recomputed only if the cron changed.
     */
    static final String UPSERT_CODE = """
            INSERT INTO job_schedules (id, job_name, workspace_id, cron, time_zone, next_fire_at, source, created_by)
            VALUES ($1, $2, $3, $4, 'UTC', $5, 'code', 'code')
            ON CONFLICT (job_name) WHERE source = 'code' DO UPDATE
               SET cron = excluded.cron, workspace_id = excluded.workspace_id, time_zone = 'UTC',
                   next_fire_at = CASE WHEN job_schedules.cron IS DISTINCT FROM excluded.cron
                                       THEN excluded.next_fire_at ELSE job_schedules.next_fire_at END,
                   updated_at = CASE WHEN job_schedules.cron IS DISTINCT FROM excluded.cron
                                     THEN now() ELSE job_schedules.updated_at END,
                   version = job_schedules.version + 1
            """;

    static final String FIND = "SELECT " + SCHEDULE + " FROM job_schedules WHERE id = $1";

    /** Schedules by creation, optionally of one job ({@code $1}) and workspace ({@code $2}), within {@code $3}. */
    static final String LIST = """
            SELECT %s FROM job_schedules
             WHERE ($1::text IS NULL OR job_name = $1) AND ($2::uuid IS NULL OR workspace_id = $2)
               AND ($3::uuid[] IS NULL OR workspace_id = ANY($3))
             ORDER BY created_at, id
             LIMIT $4
            """.formatted(SCHEDULE);

    /**
     * Changes a schedule as it was read at version {@code $8} (its webhook: {@code $9}); its next tick is given
     * ({@code $7}), computed from the
     * new cron, zone or enabling. No row when the schedule changed since (a tick fired it, another change): the
     * caller reads it again.
     */
    static final String UPDATE = """
            UPDATE job_schedules
               SET cron = $2, time_zone = $3, params = $4::text::jsonb, priority = $5, enabled = $6, next_fire_at = $7,
                   webhook = $9, updated_at = now(), version = version + 1
             WHERE id = $1 AND version = $8
            RETURNING %s
            """.formatted(SCHEDULE);

    static final String DELETE = "DELETE FROM job_schedules WHERE id = $1 AND source = 'api'";

    /** Enabled schedules whose next tick is due, of the jobs {@code $1}, earliest first, {@code $2} at most. */
    static final String DUE = """
            SELECT %s FROM job_schedules
             WHERE enabled AND next_fire_at <= now() AND job_name = ANY($1)
             ORDER BY next_fire_at
             LIMIT $2
            """.formatted(SCHEDULE);

    /**
     * Moves due schedules on to their next tick ({@code $1} ids, {@code $2} the ticks being fired, {@code $3} the next
     * ones, {@code $4} the runs the ticks make): only a schedule still at that tick, enabled, and not held by another
     * replica's firing ({@code SKIP LOCKED}) moves; the rows returned are the ticks this replica fires.
     */
    static final String ADVANCE = """
            WITH ticks AS (
                SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[], $4::uuid[])
                       AS t(id, tick, next_fire_at, run_id)
            ), held AS (
                SELECT s.id FROM job_schedules s JOIN ticks t ON s.id = t.id AND s.next_fire_at = t.tick
                 WHERE s.enabled
                   FOR UPDATE OF s SKIP LOCKED
            )
            UPDATE job_schedules s
               SET next_fire_at = t.next_fire_at, last_fired_at = now(), last_run_id = t.run_id, updated_at = now(),
                   version = s.version + 1
              FROM ticks t
             WHERE s.id = t.id AND s.id IN (SELECT id FROM held)
            RETURNING s.id, t.tick, t.run_id
            """;
}

package dev.jobstream.sweep;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import jakarta.inject.Singleton;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The sweeper's SQL. Each statement locks the rows it changes with {@code FOR UPDATE SKIP LOCKED}, so sweepers of
 * several replicas sweeping at once share the work and never end a run twice. Times are the database's clock unless
 * a sweep is given one ({@code $1}), which tests use to sweep "later".
 */
@Singleton
public class SweepRepository {

    /** First delay of a stale run's next attempt; it doubles with each attempt, up to {@link #MAX_BACKOFF}. */
    static final Duration BASE_BACKOFF = Duration.ofSeconds(2);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

    /**
     * Stale runs (executing, heartbeat older than {@code $2} ms): with attempts left back to {@code queued} as the
     * next attempt, claimable after an exponential backoff with ±25% jitter; otherwise {@code failed} with
     * {@code error_code 'stale'}. Either way one event (state_json or end_json, the next seq), one STALE_RUN error
     * event, and notifications for streams and dispatchers.
     */
    static final String SWEEP_STALE = """
            WITH stale AS (
                SELECT id, status AS previous, owner AS previous_owner, heartbeat_at AS last_heartbeat,
                       attempt < max_attempts AS requeue, coalesce($1::timestamptz, now()) AS at
                  FROM job_runs
                 WHERE status IN ('running', 'paused')
                   AND heartbeat_at < coalesce($1::timestamptz, now()) - $2 * interval '1 millisecond'
                 ORDER BY heartbeat_at
                 LIMIT $3
                   FOR UPDATE SKIP LOCKED
            ), swept AS (
                UPDATE job_runs r
                   SET status = CASE WHEN s.requeue THEN 'queued' ELSE 'failed' END,
                       owner = CASE WHEN s.requeue THEN NULL ELSE r.owner END,
                       attempt = CASE WHEN s.requeue THEN r.attempt + 1 ELSE r.attempt END,
                       started_at = CASE WHEN s.requeue THEN NULL ELSE r.started_at END,
                       heartbeat_at = CASE WHEN s.requeue THEN NULL ELSE r.heartbeat_at END,
                       run_after = CASE WHEN s.requeue
                                        THEN s.at + least($5, $4 * power(2, r.attempt - 1))
                                                    * (0.75 + random() * 0.5) * interval '1 millisecond'
                                        ELSE r.run_after END,
                       finished_at = CASE WHEN s.requeue THEN NULL ELSE s.at END,
                       error = CASE WHEN s.requeue THEN r.error
                                    ELSE 'Stale: no heartbeat from ' || coalesce(s.previous_owner, '?') || ' since '
                                         || to_char(s.last_heartbeat AT TIME ZONE 'UTC',
                                                    'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') END,
                       error_code = CASE WHEN s.requeue THEN r.error_code ELSE 'stale' END,
                       duration_ms = CASE WHEN s.requeue THEN r.duration_ms
                                          ELSE greatest(0, (extract(epoch FROM s.at - r.started_at) * 1000)::bigint)
                                          END,
                       control_requested = NULL,
                       last_seq = r.last_seq + 1,
                       updated_at = now(),
                       version = r.version + 1
                  FROM stale s
                 WHERE r.id = s.id
                RETURNING r.id, r.job_name, r.workspace_id, r.correlation_id, r.status, r.attempt, r.last_seq,
                          r.run_after, r.error, r.duration_ms, s.previous, s.previous_owner, s.last_heartbeat, s.at
            ), events AS (
                INSERT INTO job_run_events (run_id, seq, event, data, created_at)
                SELECT id, last_seq,
                       CASE WHEN status = 'queued' THEN 'state_json' ELSE 'end_json' END,
                       CASE WHEN status = 'queued'
                            THEN jsonb_build_object('state', 'queued', 'previous', previous, 'reason', 'stale',
                                                    'attempt', attempt, 'run_after', run_after, 'ts', at)
                            ELSE jsonb_build_object('ok', false, 'state', 'failed', 'cancelled', false,
                                                    'error', error, 'error_code', 'stale', 'metrics', '{}'::jsonb,
                                                    'duration_ms', duration_ms, 'ts', at) END,
                       at
                  FROM swept
            ), errors AS (
                INSERT INTO error_events (occurred_at, severity, kind, message, job_name, workspace_id, run_id,
                                          correlation_id, details)
                SELECT at, CASE WHEN status = 'queued' THEN 'warning' ELSE 'error' END, 'STALE_RUN',
                       left('Run of ' || job_name || ' went stale on ' || coalesce(previous_owner, '?')
                            || CASE WHEN status = 'queued' THEN '; requeued as attempt ' || attempt
                                    ELSE '; failed' END, 2000),
                       job_name, workspace_id, id, correlation_id,
                       jsonb_build_object('owner', previous_owner, 'last_heartbeat', last_heartbeat,
                                          'requeued', status = 'queued', 'attempt', attempt)
                  FROM swept
            )
            SELECT id, job_name, status, pg_notify('jobstream_events', ''),
                   CASE WHEN status = 'queued' THEN pg_notify('jobstream_queued', '') END
              FROM swept
            """;

    /** Terminal runs that ended before {@code $1}, a batch at a time; their events go with them (cascade). */
    static final String DELETE_RUNS = """
            DELETE FROM job_runs
             WHERE id IN (SELECT id FROM job_runs
                           WHERE finished_at < $1
                           ORDER BY finished_at
                           LIMIT $2
                             FOR UPDATE SKIP LOCKED)
            """;

    /** Error events that occurred before {@code $1}, a batch at a time. */
    static final String DELETE_ERRORS = """
            DELETE FROM error_events
             WHERE id IN (SELECT id FROM error_events
                           WHERE occurred_at < $1
                           ORDER BY occurred_at
                           LIMIT $2
                             FOR UPDATE SKIP LOCKED)
            """;

    /** What one stale batch did; {@code failedJobs} names the job of each run it failed. */
    record Stale(int requeued, int failed, java.util.List<String> failedJobs) {
    }

    private final Pool pool;

    SweepRepository(Pool pool) {
        this.pool = pool;
    }

    Uni<Stale> sweepStale(Instant at, Duration staleAfter, int limit) {
        Tuple args = Tuple.of(utc(at), staleAfter.toMillis(), limit, BASE_BACKOFF.toMillis(),
                MAX_BACKOFF.toMillis());
        return pool.preparedQuery(SWEEP_STALE).execute(args).map(rows -> {
            int requeued = 0;
            java.util.List<String> failed = new java.util.ArrayList<>();
            for (Row row : rows) {
                if ("queued".equals(row.getString("status"))) {
                    requeued++;
                } else {
                    failed.add(row.getString("job_name"));
                }
            }
            return new Stale(requeued, failed.size(), failed);
        });
    }

    Uni<Integer> deleteRuns(Instant endedBefore, int limit) {
        return pool.preparedQuery(DELETE_RUNS).execute(Tuple.of(utc(endedBefore), limit)).map(r -> r.rowCount());
    }

    Uni<Integer> deleteErrors(Instant before, int limit) {
        return pool.preparedQuery(DELETE_ERRORS).execute(Tuple.of(utc(before), limit)).map(r -> r.rowCount());
    }

    private static OffsetDateTime utc(Instant at) {
        return at == null ? null : at.atOffset(ZoneOffset.UTC);
    }
}

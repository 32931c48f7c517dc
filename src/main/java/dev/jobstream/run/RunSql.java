package dev.jobstream.run;

/**
 * Every statement on {@code job_runs}, named for the transition it makes or the read it does; {@link RunStore} is
 * the only class that runs them. A transition's statement may append the run's events ({@code job_run_events}) and
 * error events ({@code error_events}) in the same statement, so that a change and its record commit together; every
 * other read and write of those tables is in their own stores. Each transition is guarded in SQL by the states it
 * comes from ({@code status = ANY(...)}) and, where an engine writes, by the run's owner and attempt (the fence).
 * Every statement that changes runs announces the time of its change ({@code now()}, in microseconds since the
 * epoch) on {@code jobstream_runs}, in the same transaction, so the live feed learns of changes that commit late.
 * The states and transitions are listed in this package's documentation.
 */
final class RunSql {

    private RunSql() {
    }

    /** Inserts many runs in one statement; a run that hits a unique index (exclusive slot, idempotency key) is skipped. */
    static final String INSERT_RUNS = """
            WITH inserted AS (
                INSERT INTO job_runs (id, job_name, workspace_id, exclusive, dry_run, params, max_attempts,
                                      triggered_by, correlation_id, idempotency_key)
                SELECT id, job_name, workspace_id, exclusive, dry_run, params::jsonb, max_attempts,
                       triggered_by, correlation_id, idempotency_key
                  FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::boolean[], $5::boolean[], $6::text[],
                              $7::integer[], $8::text[], $9::text[], $10::text[])
                       AS n(id, job_name, workspace_id, exclusive, dry_run, params, max_attempts,
                            triggered_by, correlation_id, idempotency_key)
                ON CONFLICT DO NOTHING
                RETURNING *
            )
            SELECT inserted.*, pg_notify('jobstream_queued', ''), pg_notify('jobstream_runs', (extract(epoch FROM now()) * 1000000)::bigint::text) FROM inserted
            """;

    /** The runs that made inserts of the given (job, workspace, idempotency key) triples conflict. */
    static final String FIND_CONFLICTING = """
            SELECT r.* FROM job_runs r
              JOIN unnest($1::text[], $2::uuid[], $3::text[]) AS c(job_name, workspace_id, idempotency_key)
                ON r.job_name = c.job_name AND r.workspace_id = c.workspace_id
             WHERE (c.idempotency_key IS NOT NULL AND r.idempotency_key = c.idempotency_key)
                OR (r.exclusive AND r.status = ANY($4))
            """;

    static final String FIND_BY_ID = "SELECT * FROM job_runs WHERE id = $1";

    /** Runs changed after the cursor ({@code updated_at}, {@code id}), in that order: the live feed's pages. */
    static final String CHANGED_AFTER = """
            SELECT id, job_name, workspace_id, status, dry_run, processed, total, error, created_at, updated_at,
                   finished_at, version
              FROM job_runs
             WHERE (updated_at, id) > ($1, $2)
             ORDER BY updated_at, id
             LIMIT $3
            """;

    /**
     * Runs whose last change was made at {@code $1} (one statement's {@code now()}), after id {@code $2}: what a
     * statement that committed after the feed had read past its time changed.
     */
    static final String CHANGED_AT = """
            SELECT id, job_name, workspace_id, status, dry_run, processed, total, error, created_at, updated_at,
                   finished_at, version
              FROM job_runs
             WHERE updated_at = $1 AND id > $2
             ORDER BY id
             LIMIT $3
            """;

    static final String COUNT_QUEUED = "SELECT count(*) FROM (SELECT 1 FROM job_runs WHERE status = 'queued' LIMIT $1) q";

    static final String CLAIM_QUEUED = """
            WITH claimed AS (
                UPDATE job_runs r
                   SET status = 'running', owner = $1, started_at = now(), heartbeat_at = now(), updated_at = now(),
                       version = r.version + 1
                  FROM (SELECT id FROM job_runs
                         WHERE status = 'queued' AND run_after <= now()
                         ORDER BY run_after, created_at
                         LIMIT $2
                           FOR UPDATE SKIP LOCKED) due
                 WHERE r.id = due.id
                RETURNING r.*
            )
            SELECT claimed.*, pg_notify('jobstream_runs', (extract(epoch FROM now()) * 1000000)::bigint::text) FROM claimed
            """;

    /** Gives a claimed run back to the queue (its exclusive key is still locked elsewhere). */
    static final String RELEASE_CLAIM = """
            WITH released AS (
                UPDATE job_runs
                   SET status = 'queued', owner = NULL, started_at = NULL, heartbeat_at = NULL,
                       run_after = now() + $3 * interval '1 millisecond', updated_at = now(), version = version + 1
                 WHERE id = ANY($1) AND owner = $2 AND status = 'running'
                RETURNING id
            )
            SELECT id, pg_notify('jobstream_runs', (extract(epoch FROM now()) * 1000000)::bigint::text) FROM released
            """;

    /**
     * Refreshes the heartbeats; the rows returned are the runs still owned, with their control requests. Rows are
     * locked in id order, as the flush locks them.
     */
    static final String HEARTBEAT = """
            WITH locked AS (
                SELECT id FROM job_runs
                 WHERE id = ANY($1) AND owner = $2 AND status = ANY($3)
                 ORDER BY id
                   FOR UPDATE
            )
            UPDATE job_runs r SET heartbeat_at = now()
              FROM locked l
             WHERE r.id = l.id
            RETURNING r.id, r.control_requested
            """;

    /** The control requests of runs this replica still owns; a run not returned was ended or taken elsewhere. */
    static final String CONTROL_OF = """
            SELECT id, control_requested FROM job_runs
             WHERE id = ANY($1) AND owner = $2 AND status = ANY($3)
            """;

    /** Stores a request for the run's engine and tells every replica. */
    static final String REQUEST_CONTROL = """
            WITH requested AS (
                UPDATE job_runs SET control_requested = $2, controlled_by = $4, updated_at = now(),
                                    version = version + 1
                 WHERE id = $1 AND status = ANY($3)
                RETURNING *
            )
            SELECT requested.*, pg_notify('jobstream_control', requested.id::text), pg_notify('jobstream_runs', (extract(epoch FROM now()) * 1000000)::bigint::text)
              FROM requested
            """;

    /**
     * Ends the run as cancelled in the database at once, with its end_json event: for queued runs (no engine) and
     * for force-cancel (an engine that may hang; it is told, and its later writes are refused by their guard).
     */
    static final String CANCEL_NOW = """
            WITH cancelled AS (
                UPDATE job_runs
                   SET status = 'cancelled', finished_at = now(), updated_at = now(), control_requested = NULL,
                       controlled_by = $5, error_code = $3, last_seq = last_seq + 1, version = version + 1,
                       duration_ms = CASE WHEN started_at IS NULL THEN NULL
                                          ELSE (extract(epoch FROM now() - started_at) * 1000)::bigint END
                 WHERE id = $1 AND status = ANY($2)
                RETURNING *
            ), ended AS (
                INSERT INTO job_run_events (run_id, seq, event, data)
                SELECT id, last_seq, 'end_json',
                       jsonb_build_object('ok', false, 'state', 'cancelled', 'cancelled', true, 'error', NULL,
                                          'metrics', coalesce(metrics, '{}'::jsonb), 'duration_ms', duration_ms,
                                          'forced', $4::boolean, 'by', $5::text,
                                          'ts', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
                  FROM cancelled
            )
            SELECT cancelled.*, pg_notify('jobstream_control', cancelled.id::text),
                   pg_notify('jobstream_events', ''), pg_notify('jobstream_runs', (extract(epoch FROM now()) * 1000000)::bigint::text)
              FROM cancelled
            """;

    /**
     * One flush: per run, its new last_seq, progress, error log, state (paused/running, clearing the control request
     * it carried out) and, when the engine stopped, its terminal state — or {@code queued} for a run interrupted by a
     * shutdown or a lost lock, which goes back to the queue as its next attempt; the events of those runs; a
     * JOB_FAILED error event for each run that failed; one NOTIFY on {@code jobstream_events} (see RunEventHub), and
     * one on the queued channel per requeued run. Rows this replica no longer owns (owner, attempt, executing state:
     * the fence) are left alone and their events dropped; the returned ids are the runs that were written.
     * <p>
     * Idempotent, for a retry after a lost reply: events already stored are skipped ({@code ON CONFLICT DO
     * NOTHING}), a run already ended by the same flush (same owner, attempt, end state and last sequence number) is
     * returned as written and left as it is, and the rest sets absolute values. The rows are locked in id order, as
     * the heartbeat locks them, so the two never deadlock.
     */
    static final String FLUSH = """
            WITH changes AS (
                SELECT * FROM unnest($2::uuid[], $3::integer[], $4::integer[], $5::bigint[], $6::bigint[],
                                     $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::bigint[],
                                     $17::text[])
                       AS c(id, attempt, last_seq, processed, total, error_log, status, metrics, error, error_code,
                            duration_ms, acknowledged)
            ), locked AS (
                SELECT r.id, r.status IN ('running', 'paused') AS owned
                  FROM job_runs r
                  JOIN changes c ON r.id = c.id
                 WHERE r.owner = $1 AND r.attempt = c.attempt
                   AND (r.status IN ('running', 'paused')
                        OR (c.status IS NOT NULL AND r.status = c.status AND r.last_seq = c.last_seq))
                 ORDER BY r.id
                   FOR UPDATE OF r
            ), written AS (
                UPDATE job_runs r
                   SET last_seq = c.last_seq,
                       processed = coalesce(c.processed, r.processed),
                       total = coalesce(c.total, r.total),
                       error_log = coalesce(c.error_log::jsonb, r.error_log),
                       status = coalesce(c.status, r.status),
                       metrics = coalesce(c.metrics::jsonb, r.metrics),
                       error = coalesce(c.error, r.error),
                       error_code = coalesce(c.error_code, r.error_code),
                       duration_ms = coalesce(c.duration_ms, r.duration_ms),
                       finished_at = CASE WHEN c.status IN ('completed', 'failed', 'cancelled') THEN now()
                                          ELSE r.finished_at END,
                       control_requested = CASE WHEN c.status IN ('completed', 'failed', 'cancelled', 'queued')
                                                THEN NULL
                                                WHEN r.control_requested = c.acknowledged THEN NULL
                                                ELSE r.control_requested END,
                       owner = CASE WHEN c.status = 'queued' THEN NULL ELSE r.owner END,
                       attempt = CASE WHEN c.status = 'queued' THEN r.attempt + 1 ELSE r.attempt END,
                       started_at = CASE WHEN c.status = 'queued' THEN NULL ELSE r.started_at END,
                       heartbeat_at = CASE WHEN c.status = 'queued' THEN NULL ELSE r.heartbeat_at END,
                       run_after = CASE WHEN c.status = 'queued' THEN now() ELSE r.run_after END,
                       updated_at = now(),
                       version = r.version + 1
                  FROM changes c, locked l
                 WHERE r.id = c.id AND l.id = c.id AND l.owned
                RETURNING r.id, r.status, r.job_name, r.workspace_id, r.correlation_id, r.error, r.error_code,
                          r.attempt
            ), events AS (
                INSERT INTO job_run_events (run_id, seq, event, data)
                SELECT e.run_id, e.seq, e.event, e.data::jsonb
                  FROM unnest($13::uuid[], $14::integer[], $15::text[], $16::text[]) AS e(run_id, seq, event, data)
                 WHERE e.run_id IN (SELECT id FROM written)
                ON CONFLICT (run_id, seq) DO NOTHING
            ), failures AS (
                INSERT INTO error_events (severity, kind, message, job_name, workspace_id, run_id, correlation_id,
                                          details)
                SELECT 'error', 'JOB_FAILED', left('Run of ' || w.job_name || ' failed: ' || coalesce(w.error, ''), 2000),
                       w.job_name, w.workspace_id, w.id, w.correlation_id,
                       jsonb_build_object('error_code', w.error_code, 'attempt', w.attempt)
                  FROM written w
                 WHERE w.status = 'failed'
            )
            SELECT l.id, CASE WHEN l.owned THEN pg_notify('jobstream_events', '') END,
                   CASE WHEN w.status = 'queued' THEN pg_notify('jobstream_queued', '') END,
                   CASE WHEN l.owned THEN pg_notify('jobstream_runs', (extract(epoch FROM now()) * 1000000)::bigint::text) END
              FROM locked l
              LEFT JOIN written w ON w.id = l.id
            """;

    /**
     * Puts runs whose engines did not stop in time (shutdown grace) back in the queue as their next attempt, with a
     * {@code state_json} event; guarded like a flush by owner, attempt and executing state.
     */
    static final String REQUEUE = """
            WITH owned AS (
                SELECT j.id, j.status AS previous
                  FROM job_runs j
                  JOIN unnest($2::uuid[], $3::integer[]) AS s(id, attempt) ON j.id = s.id AND j.attempt = s.attempt
                 WHERE j.owner = $1 AND j.status IN ('running', 'paused')
                   FOR UPDATE OF j
            ), requeued AS (
                UPDATE job_runs r
                   SET status = 'queued', owner = NULL, attempt = r.attempt + 1, started_at = NULL,
                       heartbeat_at = NULL, run_after = now(), control_requested = NULL, last_seq = r.last_seq + 1,
                       updated_at = now(), version = r.version + 1
                  FROM owned o
                 WHERE r.id = o.id
                RETURNING r.id, r.last_seq, r.attempt, o.previous
            ), events AS (
                INSERT INTO job_run_events (run_id, seq, event, data)
                SELECT id, last_seq, 'state_json',
                       jsonb_build_object('state', 'queued', 'previous', previous, 'reason', $4::text,
                                          'attempt', attempt, 'ts', now())
                  FROM requeued
            )
            SELECT id, pg_notify('jobstream_events', ''), pg_notify('jobstream_queued', ''),
                   pg_notify('jobstream_runs', (extract(epoch FROM now()) * 1000000)::bigint::text)
              FROM requeued
            """;

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
                   CASE WHEN status = 'queued' THEN pg_notify('jobstream_queued', '') END,
                   pg_notify('jobstream_runs', (extract(epoch FROM now()) * 1000000)::bigint::text)
              FROM swept
            """;

    /** Terminal runs that ended before {@code $1}, a batch at a time; their events go with them (cascade). */
    static final String DELETE_EXPIRED = """
            DELETE FROM job_runs
             WHERE id IN (SELECT id FROM job_runs
                           WHERE finished_at < $1
                           ORDER BY finished_at
                           LIMIT $2
                             FOR UPDATE SKIP LOCKED)
            """;

    static final String DELETE_TERMINAL = "DELETE FROM job_runs WHERE id = $1 AND status = ANY($2)";
}

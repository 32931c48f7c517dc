package dev.jobstream.run.store;

import dev.jobstream.run.Run;

/**
 * Every statement on {@code job_runs}, named for the transition it makes or the read it does; {@link RunStore} is
 * the only class that runs them. A transition's statement may append the run's events ({@code job_run_events}) and
 * error events ({@code error_events}) in the same statement, so that a change and its record commit together; every
 * other read and write of those tables is in their own stores. Each transition is guarded in SQL by the states it
 * comes from ({@code status = ANY(...)}) and, where an engine writes, by the run's owner and attempt (the fence).
 * Every statement that changes runs announces the time of its change ({@code now()}, in microseconds since the
 * epoch) on {@code jobstream_runs}, in the same transaction, so the live feed learns of changes that commit late.
 * The statements of engines, which name their runs by id, test the state as {@code coalesce(status, '')}: no partial
 * index on {@code status} matches that, so the runs are read by primary key even when statistics taken at rest say
 * that nothing executes (the planner would read every run claimed since the last vacuum through the index of
 * executing runs instead). Each statement that stores events sends one notification on {@code jobstream_events}
 * whose payload names the runs (their ids, comma-separated), so that a replica reads again the streams of those runs
 * alone; past 200 runs (a payload holds 8,000 bytes) it is empty, which every stream takes as its own. The states
 * and transitions are listed in this package's documentation.
 */
final class RunSql {

    private RunSql() {
    }

    /**
     * Inserts many runs in one statement; a run that hits a unique index (exclusive slot, idempotency key) is skipped.
     * {@code $16} holds each run's trigger's trace context, {@code $18} its webhook. The notification on
     * {@code jobstream_queued} carries {@code $17}: the jobs of the batch (comma-separated; empty when too long), so
     * that dispatchers know whether runs of a job with limits came.
     */
    static final String INSERT_RUNS = """
            WITH inserted AS (
                INSERT INTO job_runs (id, job_name, workspace_id, exclusive, dry_run, params, max_attempts,
                                      triggered_by, correlation_id, idempotency_key, run_after, priority, timeout_ms,
                                      schedule_id, limit_key, traceparent, webhook)
                SELECT id, job_name, workspace_id, exclusive, dry_run, params::jsonb, max_attempts,
                       triggered_by, correlation_id, idempotency_key, coalesce(run_after, now()), priority, timeout_ms,
                       schedule_id, limit_key, traceparent, webhook
                  FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::boolean[], $5::boolean[], $6::text[],
                              $7::integer[], $8::text[], $9::text[], $10::text[], $11::timestamptz[], $12::smallint[],
                              $13::bigint[], $14::uuid[], $15::text[], $16::text[], $18::text[])
                       AS n(id, job_name, workspace_id, exclusive, dry_run, params, max_attempts,
                            triggered_by, correlation_id, idempotency_key, run_after, priority, timeout_ms,
                            schedule_id, limit_key, traceparent, webhook)
                ON CONFLICT DO NOTHING
                RETURNING %s
            )
            SELECT inserted.*, pg_notify('jobstream_queued', $17),
                   pg_notify('jobstream_runs', (extract(epoch FROM now()) * 1000000)::bigint::text)
              FROM inserted
            """.formatted(RunRows.COLUMNS);

    /**
     * Inserts the runs of schedule ticks ({@code $1}…{@code $15} as {@link #INSERT_RUNS} takes them, {@code $16} their
     * ticks, {@code $17} their webhooks): a tick whose exclusive slot is taken is recorded as a {@code skipped} run
     * that names the active run.
     * The idempotency key names the schedule and the tick, so a tick never makes two runs. Answers each inserted run's
     * id and status.
     */
    static final String INSERT_TICKS = """
            WITH ticks AS (
                SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::boolean[], $5::boolean[], $6::text[],
                                     $7::integer[], $8::text[], $9::text[], $10::text[], $11::timestamptz[],
                                     $12::smallint[], $13::bigint[], $14::uuid[], $15::text[], $16::timestamptz[],
                                     $17::text[])
                       AS t(id, job_name, workspace_id, exclusive, dry_run, params, max_attempts, triggered_by,
                            correlation_id, idempotency_key, run_after, priority, timeout_ms, schedule_id, limit_key,
                            tick, webhook)
            ), inserted AS (
                INSERT INTO job_runs (id, job_name, workspace_id, exclusive, dry_run, params, max_attempts,
                                      triggered_by, correlation_id, idempotency_key, priority, timeout_ms, schedule_id,
                                      limit_key, webhook)
                SELECT id, job_name, workspace_id, exclusive, dry_run, params::jsonb, max_attempts, triggered_by,
                       correlation_id, idempotency_key, priority, timeout_ms, schedule_id, limit_key, webhook
                  FROM ticks
                ON CONFLICT DO NOTHING
                RETURNING id
            ), skipped AS (
                INSERT INTO job_runs (id, job_name, workspace_id, exclusive, params, max_attempts, triggered_by,
                                      idempotency_key, priority, timeout_ms, schedule_id, status, finished_at, error,
                                      error_code, webhook)
                SELECT t.id, t.job_name, t.workspace_id, t.exclusive, t.params::jsonb, t.max_attempts, t.triggered_by,
                       t.idempotency_key, t.priority, t.timeout_ms, t.schedule_id, 'skipped', now(),
                       left('Skipped the tick of ' || to_char(t.tick AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                            || ': run ' || coalesce((SELECT r.id::text FROM job_runs r
                                                      WHERE r.job_name = t.job_name
                                                        AND r.workspace_id = t.workspace_id AND r.exclusive
                                                        AND r.status IN ('queued', 'running', 'paused')
                                                      LIMIT 1), '?')
                            || ' of this job and workspace was still active', 1000),
                       'slot_taken', t.webhook
                  FROM ticks t
                 WHERE t.id NOT IN (SELECT id FROM inserted)
                ON CONFLICT DO NOTHING
                RETURNING id
            ), notified AS (
                SELECT pg_notify('jobstream_queued', ''),
                       pg_notify('jobstream_runs', (extract(epoch FROM now()) * 1000000)::bigint::text)
                 WHERE EXISTS (SELECT FROM inserted) OR EXISTS (SELECT FROM skipped)
            )
            SELECT x.id, x.status
              FROM (SELECT id, 'queued' AS status FROM inserted UNION ALL SELECT id, 'skipped' FROM skipped) x
                   CROSS JOIN notified
            """;

    /** The runs that made inserts of the given (job, workspace, idempotency key) triples conflict. */
    static final String FIND_CONFLICTING = """
            SELECT %s FROM job_runs r
              JOIN unnest($1::text[], $2::uuid[], $3::text[]) AS c(job_name, workspace_id, idempotency_key)
                ON r.job_name = c.job_name AND r.workspace_id = c.workspace_id
             WHERE (c.idempotency_key IS NOT NULL AND r.idempotency_key = c.idempotency_key)
                OR (r.exclusive AND r.status = ANY($4))
            """.formatted(RunRows.columns("r"));

    static final String FIND_BY_ID = "SELECT " + RunRows.COLUMNS + " FROM job_runs WHERE id = $1";

    /** The runs of the ids $1 that exist (a page of schedules' last runs, say). */
    static final String FIND_BY_IDS = "SELECT " + RunRows.COLUMNS + " FROM job_runs WHERE id = ANY($1::uuid[])";

    /**
     * What the events of run {@code $1} after sequence number {@code $2} are read from, in one snapshot: the run's
     * columns that its lifecycle events (start, end, requeue) are derived from, and up to {@code $3} of its stored
     * events (what its job or worker emitted, interrupts, forced cancels), no later than its last sequence number.
     * No row when the run does not exist.
     */
    static final String EVENTS_AFTER = """
            SELECT r.id, r.job_name, r.workspace_id, r.dry_run, r.status, r.attempt, r.max_attempts, r.started_at,
                   r.finished_at, r.updated_at, r.start_seq, r.end_seq, r.last_seq, r.metrics, r.error, r.error_code,
                   r.duration_ms, r.attempts, e.seqs, e.events, e.data, e.created
              FROM job_runs r
                   CROSS JOIN LATERAL (SELECT array_agg(x.seq ORDER BY x.seq) AS seqs,
                                              array_agg(x.event ORDER BY x.seq) AS events,
                                              array_agg(x.data::text ORDER BY x.seq) AS data,
                                              array_agg(x.created_at ORDER BY x.seq) AS created
                                         FROM (SELECT seq, event, data, created_at FROM job_run_events
                                                WHERE run_id = r.id AND seq > $2 AND seq <= r.last_seq
                                                ORDER BY seq
                                                LIMIT $3) x) e
             WHERE r.id = $1
            """;

    /** Runs changed after the cursor ({@code updated_at}, {@code id}), in that order: the live feed's pages. */
    static final String CHANGED_AFTER = """
            SELECT id, job_name, workspace_id, status, dry_run, processed, total, error, created_at, updated_at,
                   finished_at, version, run_after, attempt, attempts -> -1 ->> 'outcome' AS last_outcome
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
                   finished_at, version, run_after, attempt, attempts -> -1 ->> 'outcome' AS last_outcome
              FROM job_runs
             WHERE updated_at = $1 AND id > $2
             ORDER BY id
             LIMIT $3
            """;

    /**
     * The active runs of the workspaces given ($1, null: all) by what they wait for: due in the queue, asked for later
     * (retrying: after a failed or stale attempt; the others scheduled), executing (stale: heartbeat before $2),
     * paused; and since when the oldest due run waits. Each count is read in an index alone (the queue's, the status
     * index, the heartbeat index, the retrying runs'), not in the table.
     */
    static final String ACTIVE_COUNTS = """
            SELECT (SELECT count(*) FROM job_runs WHERE status = 'queued' AND run_after <= now() AND %1$s),
                   (SELECT count(*) FROM job_runs
                     WHERE status = 'queued' AND attempt > 1 AND run_after > now()
                       AND attempts -> -1 ->> 'outcome' IN ('failed', 'stale') AND %1$s),
                   (SELECT count(*) FROM job_runs WHERE status = 'queued' AND run_after > now() AND %1$s),
                   (SELECT count(*) FROM job_runs WHERE status = 'running' AND %1$s),
                   (SELECT count(*) FROM job_runs WHERE status = 'paused' AND %1$s),
                   (SELECT count(*) FROM job_runs WHERE status IN ('running', 'paused') AND heartbeat_at < $2 AND %1$s),
                   (SELECT min(run_after) FROM job_runs WHERE status = 'queued' AND run_after <= now() AND %1$s),
                   now()
            """.formatted("($1::uuid[] IS NULL OR workspace_id = ANY($1::uuid[]))");

    /**
     * The runs executing (running, paused) by the replica that owns them, of the workspaces given ($1, null: all): read
     * through the heartbeat index of the executing runs, a few hundred rows per replica at most.
     */
    static final String EXECUTING_BY_OWNER = """
            SELECT owner, count(*) FILTER (WHERE status = 'running'), count(*) FILTER (WHERE status = 'paused')
              FROM job_runs
             WHERE status IN ('running', 'paused') AND owner IS NOT NULL
               AND ($1::uuid[] IS NULL OR workspace_id = ANY($1::uuid[]))
             GROUP BY owner""";

    static final String COUNT_QUEUED = "SELECT count(*) FROM (SELECT 1 FROM job_runs WHERE status = 'queued' LIMIT $1) q";

    /**
     * The queue's depth for the gauges: queued runs counted up to {@code $1}, and the seconds since the oldest of them
     * that is due became due (0: none is), among those counted.
     */
    static final String QUEUE_DEPTH = """
            SELECT count(*), coalesce(extract(epoch FROM now() - min(run_after) FILTER (WHERE run_after <= now())), 0)
              FROM (SELECT run_after FROM job_runs WHERE status = 'queued' LIMIT $1) q
            """;

    /**
     * Claims up to {@code $2} due runs of the jobs {@code $3} in dispatch order: higher priority first, then the
     * earliest due, then the oldest. The head of each job's queue is read (and locked) in the queued index, which is
     * by job: the queued runs of other jobs, however many, are never read. The runs are then updated by primary key
     * ({@code = ANY (ARRAY(…))}), never through a join that could read the whole table. A job's runs that still
     * carry a limit key (queued while the job had limits by key) come first. The error of an attempt before is
     * cleared (it stays in the attempt history). The claim reserves the sequence number of the attempt's
     * {@code start_json} ({@code start_seq}), which is read from the row, not stored; an attempt claimed again after
     * a claim given back before any of its events (see {@link #RELEASE_CLAIM}) keeps the start it had. Streams of
     * the runs are told ({@code jobstream_events}).
     */
    static final String CLAIM_QUEUED = claim("""
            SELECT q.id FROM unnest($3::text[]) AS j(name)
             CROSS JOIN LATERAL (SELECT id, priority, run_after, created_at FROM job_runs
                                  WHERE status = 'queued' AND job_name = j.name AND run_after <= now()
                                  ORDER BY limit_key, priority DESC, run_after, created_at
                                  LIMIT $2 FOR UPDATE SKIP LOCKED) q
             ORDER BY q.priority DESC, q.run_after, q.created_at LIMIT $2""", "statement_timestamp()", "");

    /** {@link #CLAIM_QUEUED} for a worker: of the workspaces $4 only (null: every workspace). */
    static final String CLAIM_QUEUED_OF = claim("""
            SELECT q.id FROM unnest($3::text[]) AS j(name)
             CROSS JOIN LATERAL (SELECT id, priority, run_after, created_at FROM job_runs
                                  WHERE status = 'queued' AND job_name = j.name AND run_after <= now()
                                    AND ($4::uuid[] IS NULL OR workspace_id = ANY($4::uuid[]))
                                  ORDER BY limit_key, priority DESC, run_after, created_at
                                  LIMIT $2 FOR UPDATE SKIP LOCKED) q
             ORDER BY q.priority DESC, q.run_after, q.created_at LIMIT $2""", "statement_timestamp()", "");

    /**
     * Claims due runs of one job with limits: at most {@code $2}, and no more than its limits leave — {@code $4} the
     * most active at once (counting the job's runs executing anywhere), {@code $5} starts per {@code $6} ms, and per
     * key {@code $7} starts per {@code $8} ms and {@code $9} active at once; a null limit does not count. Each key
     * with queued runs is found by a skip scan of the queued index (a probe per key, not a read of the backlog), and
     * the head of each within its room is taken; runs without a key are limited by the job's limits alone. The starts
     * a rate limit counts are written to {@code job_starts} in the same statement. {@code $10} is the time of the
     * claim (null: the statement's; tests give their own clock). Run after {@link #LOCK_LIMITED_JOB} in the same
     * transaction, which serializes the claims of the job across replicas, so no two count the same room.
     */
    static final String CLAIM_LIMITED = claimLimited("");

    /** {@link #CLAIM_LIMITED} for a worker: of the workspaces $11 only (null: every workspace). */
    static final String CLAIM_LIMITED_OF = claimLimited("AND ($11::uuid[] IS NULL OR workspace_id = ANY($11::uuid[]))");

    private static String claimLimited(String workspaces) {
        return claim("""
                WITH RECURSIVE job_room AS (
                    SELECT greatest(0, least($2::integer,
                               $4::integer - (SELECT count(*) FROM job_runs
                                               WHERE job_name = $3 AND status IN ('running', 'paused')
                                                 AND owner IS NOT NULL),
                               $5::integer - (SELECT count(*) FROM job_starts
                                               WHERE job_name = $3 AND limit_key IS NULL
                                                 AND started_at > %1$s - $6::bigint * interval '1 millisecond')))
                           AS n
                ), keys AS (
                    (SELECT limit_key FROM job_runs
                      WHERE status = 'queued' AND job_name = $3 AND limit_key IS NOT NULL
                        AND (SELECT n FROM job_room) > 0
                      ORDER BY limit_key LIMIT 1)
                    UNION ALL
                    SELECT (SELECT r.limit_key FROM job_runs r
                             WHERE r.status = 'queued' AND r.job_name = $3 AND r.limit_key > k.limit_key
                             ORDER BY r.limit_key LIMIT 1)
                      FROM keys k WHERE k.limit_key IS NOT NULL
                ), key_room AS (
                    SELECT k.limit_key, least(
                               $9::integer - (SELECT count(*) FROM job_runs e
                                               WHERE e.job_name = $3 AND e.limit_key = k.limit_key
                                                 AND e.status IN ('running', 'paused')),
                               $7::integer - (SELECT count(*) FROM job_starts s
                                               WHERE s.job_name = $3 AND s.limit_key = k.limit_key
                                                 AND s.started_at > %1$s - $8::bigint * interval '1 millisecond'))
                           AS n
                      FROM keys k WHERE k.limit_key IS NOT NULL
                ), picked AS (
                    SELECT q.* FROM key_room kr
                     CROSS JOIN LATERAL (SELECT id, priority, run_after, created_at FROM job_runs
                                          WHERE status = 'queued' AND job_name = $3 AND limit_key = kr.limit_key
                                            AND run_after <= %1$s %2$s
                                          ORDER BY limit_key, priority DESC, run_after, created_at
                                          LIMIT coalesce(kr.n, $2) FOR UPDATE SKIP LOCKED) q
                     WHERE coalesce(kr.n, 1) > 0
                    UNION ALL
                    SELECT * FROM (SELECT id, priority, run_after, created_at FROM job_runs
                                    WHERE status = 'queued' AND job_name = $3 AND limit_key IS NULL
                                      AND run_after <= %1$s %2$s
                                    ORDER BY limit_key, priority DESC, run_after, created_at
                                    LIMIT (SELECT n FROM job_room) FOR UPDATE SKIP LOCKED) unkeyed
                )
                SELECT id FROM picked ORDER BY priority DESC, run_after, created_at LIMIT (SELECT n FROM job_room)
                """.formatted(CLAIM_TIME, workspaces), CLAIM_TIME, """
                , counted AS (
                    INSERT INTO job_starts (job_name, limit_key, started_at)
                    SELECT $3, NULL, %1$s FROM claimed WHERE $5::integer IS NOT NULL
                    UNION ALL
                    SELECT $3, limit_key, %1$s FROM claimed WHERE $7::integer IS NOT NULL AND limit_key IS NOT NULL
                )""".formatted(CLAIM_TIME));
    }

    /** The time of a limited claim: {@code $10}, or the statement's. */
    private static final String CLAIM_TIME = "coalesce($10::timestamptz, statement_timestamp())";

    /**
     * Serializes, until the transaction ends, the claims of the limited job {@code $1}, or the inserts of the runs of
     * job {@code $1} that must not overlap ({@link #ACTIVE_OVERLAPPING}): a transaction-scoped advisory lock, in
     * the two-key space.
     */
    static final String LOCK_LIMITED_JOB = "SELECT pg_advisory_xact_lock(1785688915, hashtext($1))";

    /**
     * When a run of job {@code $1} with the limit key {@code $4} may start, if a rate limit keeps it waiting: the
     * latest of the times the job's starts in the window ({@code $2} per {@code $3} ms) and the key's ({@code $5} per
     * {@code $6} ms) leave room for one more — when the {@code limit}-th newest start leaves its window. Null: a limit
     * has room now (or the job has none).
     */
    static final String THROTTLED_UNTIL = """
            SELECT greatest(
                       (SELECT started_at + $3::bigint * interval '1 millisecond' FROM job_starts
                         WHERE job_name = $1 AND limit_key IS NULL
                           AND started_at > now() - $3::bigint * interval '1 millisecond'
                         ORDER BY started_at DESC OFFSET $2::integer - 1 LIMIT 1),
                       (SELECT started_at + $6::bigint * interval '1 millisecond' FROM job_starts
                         WHERE job_name = $1 AND limit_key = $4
                           AND started_at > now() - $6::bigint * interval '1 millisecond'
                         ORDER BY started_at DESC OFFSET $5::integer - 1 LIMIT 1)) AS until
            """;

    /** Deletes up to {@code $2} starts older than {@code $1}, which no rate limit's window reaches any more. */
    static final String DELETE_OLD_STARTS = """
            WITH deleted AS (
                DELETE FROM job_starts
                 WHERE ctid = ANY (ARRAY(SELECT ctid FROM job_starts WHERE started_at < $1 LIMIT $2))
                RETURNING 1
            )
            SELECT count(*) FROM deleted
            """;

    /**
     * Serializes, until the transaction ends, the inserts of runs of job {@code $1} with the limit key {@code $2}
     * (see {@link #ACTIVE_OF_KEY}): a transaction-scoped advisory lock in the one-key space, apart from
     * {@link #LOCK_LIMITED_JOB}'s.
     */
    static final String LOCK_KEY = "SELECT pg_advisory_xact_lock(hashtextextended($1 || chr(31) || $2, 1785688915))";

    /**
     * Up to {@code $3} active runs of job {@code $1} with the limit key {@code $2}: queued ones (read in the queued
     * index), then executing ones (in the index of the executing runs of a key).
     */
    static final String ACTIVE_OF_KEY = """
            SELECT id FROM (
                (SELECT id FROM job_runs
                  WHERE status = 'queued' AND job_name = $1 AND limit_key = $2 ORDER BY limit_key LIMIT $3)
                UNION ALL
                (SELECT id FROM job_runs
                  WHERE job_name = $1 AND limit_key = $2 AND status IN ('running', 'paused') LIMIT $3)
            ) active
             LIMIT $3
            """;

    /**
     * An active run of job {@code $1} that acts on the runs of workspace {@code $2} (null: of every workspace, so any
     * active run of the job overlaps), or of every workspace (recorded in the system workspace {@code $3}).
     */
    static final String ACTIVE_OVERLAPPING = """
            SELECT id FROM job_runs
             WHERE job_name = $1 AND status IN ('queued', 'running', 'paused')
               AND ($2::uuid IS NULL OR workspace_id = $2 OR workspace_id = $3)
             LIMIT 1
            """;

    private static String claim(String picked, String startedAt, String counted) {
        return """
                WITH claimed AS (
                    UPDATE job_runs
                       SET status = 'running', owner = $1, started_at = %2$s, heartbeat_at = now(),
                           updated_at = now(), error = NULL, error_code = NULL, version = version + 1, reported = 0,
                           start_seq = CASE WHEN start_seq = last_seq THEN start_seq ELSE last_seq + 1 END,
                           last_seq = CASE WHEN start_seq = last_seq THEN last_seq ELSE last_seq + 1 END,
                           end_seq = NULL
                     WHERE id = ANY (ARRAY(%1$s))
                    RETURNING %4$s
                )%3$s, notified AS (
                    SELECT pg_notify('jobstream_runs', (extract(epoch FROM now()) * 1000000)::bigint::text),
                           pg_notify('jobstream_events', (SELECT CASE WHEN count(*) <= 200
                                                                 THEN string_agg(id::text, ',') ELSE '' END
                                                            FROM claimed))
                     WHERE EXISTS (SELECT FROM claimed)
                )
                SELECT claimed.* FROM claimed CROSS JOIN notified
                """.formatted(picked, startedAt, counted, RunRows.COLUMNS);
    }

    /**
     * Gives claimed runs back to the queue, due in {@code $3} ms (claimed while their replica began to stop); due at
     * once, they wake the dispatchers. The attempt keeps its start ({@code start_seq}): claimed again, it starts
     * with that same event. A run with events after its start is not given back (it is executing).
     */
    static final String RELEASE_CLAIM = """
            WITH released AS (
                UPDATE job_runs
                   SET status = 'queued', owner = NULL, started_at = NULL, heartbeat_at = NULL,
                       run_after = now() + $3 * interval '1 millisecond', updated_at = now(), version = version + 1
                 WHERE id = ANY($1) AND owner = $2 AND coalesce(status, '') = 'running'
                   AND coalesce(start_seq, last_seq) = last_seq
                RETURNING id
            )
            SELECT id, CASE WHEN $3 = 0 THEN pg_notify('jobstream_queued', '') END,
                   pg_notify('jobstream_runs', (extract(epoch FROM now()) * 1000000)::bigint::text)
              FROM released
            """;

    /**
     * Gives back runs claimed for a worker that went away before it heard of them ({@code $1} the runs, {@code $2}
     * their attempts, {@code $3} the worker's owner name): each goes back to the queue, due at once, as the same
     * attempt, keeping its start as {@link #RELEASE_CLAIM} does; a run the worker reported on is left alone.
     */
    static final String UNCLAIM = """
            WITH claimed AS (
                SELECT * FROM unnest($1::uuid[], $2::integer[]) AS c(id, attempt)
            ), released AS (
                UPDATE job_runs r
                   SET status = 'queued', owner = NULL, started_at = NULL, heartbeat_at = NULL, run_after = now(),
                       updated_at = now(), version = r.version + 1
                  FROM claimed c
                 WHERE r.id = ANY (ARRAY(SELECT id FROM claimed)) AND r.id = c.id AND r.attempt = c.attempt
                   AND r.owner = $3 AND coalesce(r.status, '') = 'running' AND r.reported = 0
                   AND coalesce(r.start_seq, r.last_seq) = r.last_seq
                RETURNING r.id
            )
            SELECT id, pg_notify('jobstream_queued', ''),
                   pg_notify('jobstream_runs', (extract(epoch FROM now()) * 1000000)::bigint::text)
              FROM released
            """;

    /**
     * Refreshes the heartbeats; the rows returned are the runs still owned, with their control requests. A row that a
     * flush holds at that instant is skipped rather than waited for (it is being written: its run is alive), so a
     * heartbeat and a flush never deadlock.
     */
    static final String HEARTBEAT = """
            WITH beat AS (
                SELECT id FROM job_runs
                 WHERE id = ANY($1) AND owner = $2 AND coalesce(status, '') = ANY($3)
                   FOR UPDATE SKIP LOCKED
            ), beaten AS (
                UPDATE job_runs r SET heartbeat_at = now()
                  FROM beat b
                 WHERE r.id = b.id
            )
            SELECT id, control_requested FROM job_runs
             WHERE id = ANY($1) AND owner = $2 AND coalesce(status, '') = ANY($3)
            """;

    /**
     * A worker's report on the run it holds ({@code $1} run, {@code $2} owner, {@code $3} attempt: the lease), numbered
     * {@code $4} within its claim: its events ({@code $5} names, {@code $6} JSON data, numbered after the run's
     * last), progress ({@code $7} processed, {@code $8} total), error-log entries ({@code $9}, a JSON array; the run
     * keeps the first 100) and a state ({@code $10}: {@code paused} or {@code running}) that carries out the pause or
     * resume asked of the run, with its {@code state_json} event after the others. The run stores at most {@code $11}
     * events, as an engine's: the last a truncation notice, the events past it dropped (the end is stored after it by
     * the flush of ends). A report numbered no higher than
     * the last one stored was stored before (a repeat after a lost reply): it renews the lease and stores nothing
     * again. Either way the heartbeat is renewed; the row returned carries the run's status, control request and last
     * sequence number, whether the attempt ran past its timeout ({@code timed_out}: the worker should stop), and no
     * row when the lease is no longer the run's (ended, swept, claimed again).
     */
    static final String REPORT = """
            WITH held AS (
                SELECT id, status, last_seq, reported, control_requested
                  FROM job_runs
                 WHERE id = $1 AND owner = $2 AND attempt = $3 AND coalesce(status, '') IN ('running', 'paused')
                   FOR UPDATE
            ), reported AS (
                SELECT e.event, e.data, e.n FROM unnest($5::text[], $6::text[]) WITH ORDINALITY AS e(event, data, n)
            ), fresh AS (
                SELECT h.*, (SELECT count(*) FROM reported)::integer AS events,
                       CASE WHEN ($10::text = 'paused' AND h.status = 'running' AND h.control_requested = 'pause')
                              OR ($10::text = 'running' AND h.status = 'paused' AND h.control_requested = 'resume')
                            THEN $10::text END AS next_status
                  FROM held h
                 WHERE h.reported < $4
            ), items AS (
                SELECT e.n, e.event, e.data::jsonb AS data FROM reported e
                 UNION ALL
                SELECT f.events + 1, 'state_json',
                       jsonb_build_object('state', f.next_status, 'previous', f.status,
                                          'ts', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
                  FROM fresh f
                 WHERE f.next_status IS NOT NULL
            ), sized AS (
                SELECT f.*, k.kept, (k.kept < k.items AND f.last_seq < $11::integer)::integer AS notice
                  FROM fresh f,
                       LATERAL (SELECT f.events + (f.next_status IS NOT NULL)::integer AS items) i,
                       LATERAL (SELECT i.items, greatest(0, least(i.items, $11::integer - 1 - f.last_seq)) AS kept) k
            ), written AS (
                UPDATE job_runs r
                   SET reported = $4,
                       last_seq = s.last_seq + s.kept + s.notice,
                       processed = coalesce($7, r.processed),
                       total = coalesce($8, r.total),
                       error_log = CASE WHEN $9::text IS NULL OR jsonb_array_length(r.error_log) >= 100
                                        THEN r.error_log
                                        ELSE (SELECT jsonb_agg(x.entry ORDER BY x.n)
                                                FROM jsonb_array_elements(r.error_log || $9::text::jsonb)
                                                     WITH ORDINALITY AS x(entry, n)
                                               WHERE x.n <= 100) END,
                       status = coalesce(s.next_status, r.status),
                       control_requested = CASE WHEN s.next_status IS NULL THEN r.control_requested END,
                       heartbeat_at = now(),
                       updated_at = now(),
                       version = r.version + 1
                  FROM sized s
                 WHERE r.id = s.id
                RETURNING r.id, r.status, r.control_requested, r.last_seq, %1$s
            ), renewed AS (
                UPDATE job_runs r SET heartbeat_at = now()
                  FROM held h
                 WHERE r.id = h.id AND NOT EXISTS (SELECT FROM fresh)
                RETURNING r.id, r.status, r.control_requested, r.last_seq, %1$s
            ), events AS (
                INSERT INTO job_run_events (run_id, seq, event, data)
                SELECT s.id, s.last_seq + i.n, i.event, i.data FROM sized s JOIN items i ON i.n <= s.kept
                 UNION ALL
                SELECT s.id, s.last_seq + s.kept + 1, 'log',
                       jsonb_build_object('level', 'warn', 'truncated', true, 'message', 'Event limit of ' || $11::integer
                                          || ' reached: further events of this run are not stored',
                                          'ts', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
                  FROM sized s
                 WHERE s.notice = 1
            ), notified AS (
                SELECT pg_notify('jobstream_events', (SELECT CASE WHEN count(*) <= 200
                                                             THEN string_agg(id::text, ',') ELSE '' END FROM fresh)),
                       pg_notify('jobstream_runs', (extract(epoch FROM now()) * 1000000)::bigint::text)
                 WHERE EXISTS (SELECT FROM fresh)
            )
            SELECT w.*, true AS stored FROM written w LEFT JOIN notified ON true
             UNION ALL
            SELECT r.*, false AS stored FROM renewed r
            """
            .formatted("r.status = 'running' AND r.timeout_ms IS NOT NULL "
                    + "AND now() >= r.started_at + r.timeout_ms * interval '1 millisecond' AS timed_out");

    /**
     * Locks the runs $1, in id order, for a flush of ends in the same transaction, and reads their last event: an end
     * built from an earlier read is numbered after what a report stored meanwhile.
     */
    static final String LOCK_LAST_SEQ = """
            SELECT id, last_seq FROM job_runs WHERE id = ANY($1) ORDER BY id FOR UPDATE
            """;

    /** The control requests of runs this replica still owns; a run not returned was ended or taken elsewhere. */
    static final String CONTROL_OF = """
            SELECT id, control_requested FROM job_runs
             WHERE id = ANY($1) AND owner = $2 AND coalesce(status, '') = ANY($3)
            """;

    /**
     * Stores a request for the run's engine and tells every replica. A cancel asked stays asked: a pause or resume
     * after it does not replace it.
     */
    static final String REQUEST_CONTROL = """
            WITH requested AS (
                UPDATE job_runs SET control_requested = $2, controlled_by = $4, updated_at = now(),
                                    version = version + 1
                 WHERE id = $1 AND status = ANY($3) AND (status = 'queued' OR owner IS NOT NULL)
                   AND (control_requested IS DISTINCT FROM 'cancel' OR $2 = 'cancel')
                RETURNING %s
            )
            SELECT requested.*, pg_notify('jobstream_control', requested.id::text), pg_notify('jobstream_runs', (extract(epoch FROM now()) * 1000000)::bigint::text)
              FROM requested
            """
            .formatted(RunRows.COLUMNS);

    /**
     * Ends the runs $1 (one, or a bulk cancel's page) as cancelled in the database at once, with their end_json
     * events: for queued runs (no engine) and for force-cancel (an engine that may hang; it is told, and its later
     * writes are refused by their guard).
     */
    static final String CANCEL_NOW = """
            WITH cancelled AS (
                UPDATE job_runs
                   SET status = 'cancelled', finished_at = now(), updated_at = now(), control_requested = NULL,
                       controlled_by = $5, error_code = $3, last_seq = last_seq + 1, version = version + 1,
                       duration_ms = CASE WHEN started_at IS NULL THEN NULL
                                          ELSE (extract(epoch FROM now() - started_at) * 1000)::bigint END
                 WHERE id = ANY($1::uuid[]) AND (status = ANY($2) OR (status = 'paused' AND owner IS NULL))
                RETURNING %s
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
                   pg_notify('jobstream_events', (SELECT CASE WHEN count(*) <= 200
                                                         THEN string_agg(id::text, ',') ELSE '' END FROM cancelled)),
                   pg_notify('jobstream_runs', (extract(epoch FROM now()) * 1000000)::bigint::text)
              FROM cancelled
            """
            .formatted(RunRows.COLUMNS);

    /**
     * One flush: per run, its new last_seq, progress, error log, state (paused/running, clearing the control request
     * it carried out) and, when the attempt ended, its end ({@code ended}): a terminal state, or ({@code requeued})
     * {@code queued} again — a failed
     * attempt to be retried, a snooze, or a wait for other runs ({@code retry_in} null: not due until they end, see
     * {@link #SETTLE}) — as the next attempt, due {@code retry_in} ms from now, with the attempt
     * that ended appended to the run's history ({@code attempts}; a snooze allows one attempt more). The end takes
     * the flush's last sequence number and is read from the row, not stored: {@code end_seq} with the run's columns
     * for a terminal end, the history entry (with its {@code start_seq}, {@code end_seq} and what its
     * {@code state_json} shows) for a requeue. Also the events the job emitted; a JOB_FAILED error event for each run that failed, a JOB_ATTEMPT_FAILED warning for each failed
     * attempt that will be retried; one NOTIFY on {@code jobstream_events} (see RunEventHub) and one on the feed's
     * channel per statement, not per run. An engine that stops before
     * its job ends flushes what it has, then interrupts its attempt ({@link #INTERRUPT_OWNED}). Rows this replica no longer owns (owner, attempt, executing state:
     * the fence) are left alone and their events dropped; the returned ids are the runs that were written. A run asked
     * to cancel is never requeued: a requeue that a cancel overtook is written as the {@code cancelled} end that the
     * cancel promised ({@code decided} decides it as {@code AttemptEnd} does: a cancel wins over a failure or a
     * snooze; a repeat of it finds that end stored). {@code decided} reads a requeued run's row {@code FOR UPDATE}:
     * a cancel that commits while the flush waits for the row is then read, not missed — the update would find the
     * cancel only after its decision, write nothing, and leave the run to the sweeper.
     * <p>
     * Idempotent, for a retry after a lost reply: events already stored are skipped ({@code ON CONFLICT DO
     * NOTHING}), a run already ended by the same flush (same owner, attempt, end state and last sequence number; for
     * a requeue, its attempt in the history) is returned as written and left as it is, and the rest sets absolute
     * values. A flush is a heartbeat too
     * ({@code heartbeat_at}); the heartbeat never waits for a row a flush holds (it skips it), so the two never
     * deadlock. Every run is read by its primary key (the check for an end already stored is a scalar subquery, which
     * PostgreSQL never turns into a join, and it runs only for the runs the update did not write): a flush never
     * reads the whole table. The updates find their rows by {@code id = ANY (ARRAY(…))} and test the state as
     * {@code coalesce(status, '')}, which no partial index on {@code status} matches: statistics taken at rest say
     * that nothing executes, and the planner would otherwise read the runs through the index of executing runs —
     * every run claimed since the last vacuum, on every flush.
     */
    static final String FLUSH = """
            WITH changes AS (
                SELECT * FROM unnest($2::uuid[], $3::integer[], $4::integer[], $5::bigint[], $6::bigint[],
                                     $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::bigint[],
                                     $17::text[], $18::bigint[], $19::boolean[])
                       AS f(id, attempt, last_seq, processed, total, error_log, status, metrics, error, error_code,
                            duration_ms, acknowledged, retry_in, snoozed)
            ), decided AS (
                SELECT f.id, f.attempt, f.last_seq, f.processed, f.total, f.error_log,
                       CASE WHEN o.overtaken THEN 'cancelled' ELSE f.status END AS status,
                       CASE WHEN o.overtaken THEN '{}' ELSE f.metrics END AS metrics,
                       CASE WHEN o.overtaken THEN NULL ELSE f.error END AS error,
                       CASE WHEN o.overtaken THEN NULL ELSE f.error_code END AS error_code,
                       f.duration_ms, f.acknowledged, f.retry_in, f.snoozed
                  FROM changes f,
                       LATERAL (SELECT CASE WHEN f.status = 'queued'
                                            THEN coalesce((SELECT r.control_requested = 'cancel'
                                                                  OR (r.status = 'cancelled' AND r.owner = $1
                                                                      AND r.attempt = f.attempt
                                                                      AND r.end_seq = f.last_seq)
                                                             FROM job_runs r WHERE r.id = f.id FOR UPDATE), false)
                                            ELSE false END AS overtaken) o
            ), ended AS (
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
                       end_seq = CASE WHEN c.status IN ('completed', 'failed', 'cancelled') THEN c.last_seq
                                      ELSE r.end_seq END,
                       control_requested = CASE WHEN c.status IN ('completed', 'failed', 'cancelled')
                                                THEN NULL
                                                WHEN r.control_requested = c.acknowledged THEN NULL
                                                ELSE r.control_requested END,
                       heartbeat_at = now(),
                       updated_at = now(),
                       version = r.version + 1
                  FROM decided c
                 WHERE r.id = ANY (ARRAY(SELECT id FROM decided WHERE status IS DISTINCT FROM 'queued'))
                   AND r.id = c.id AND r.owner = $1 AND r.attempt = c.attempt
                   AND coalesce(r.status, '') IN ('running', 'paused') AND c.status IS DISTINCT FROM 'queued'
                RETURNING r.id, r.status, r.job_name, r.workspace_id, r.correlation_id, r.error, r.error_code,
                          r.attempt, r.max_attempts, r.run_after, false AS snoozed
            ), requeued AS (
                UPDATE job_runs r
                   SET last_seq = c.last_seq,
                       processed = coalesce(c.processed, r.processed),
                       total = coalesce(c.total, r.total),
                       error_log = coalesce(c.error_log::jsonb, r.error_log),
                       status = 'queued',
                       error = c.error,
                       error_code = c.error_code,
                       control_requested = NULL,
                       heartbeat_at = NULL,
                       owner = NULL,
                       attempt = r.attempt + 1,
                       max_attempts = CASE WHEN c.snoozed THEN r.max_attempts + 1 ELSE r.max_attempts END,
                       started_at = NULL,
                       run_after = CASE WHEN c.retry_in IS NULL THEN 'infinity'
                                        ELSE now() + c.retry_in * interval '1 millisecond' END,
                       attempts = r.attempts || jsonb_build_object('attempt', r.attempt, 'owner', r.owner,
                                      'started_at', r.started_at, 'finished_at', now(),
                                      'outcome', CASE WHEN c.retry_in IS NULL THEN 'waiting'
                                                      WHEN c.snoozed THEN 'snoozed' ELSE 'failed' END,
                                      'error', c.error, 'error_code', c.error_code,
                                      'start_seq', r.start_seq, 'end_seq', c.last_seq, 'previous', r.status,
                                      'max_attempts', r.max_attempts, 'retry_in_ms', c.retry_in,
                                      'duration_ms', c.duration_ms),
                       start_seq = NULL,
                       updated_at = now(),
                       version = r.version + 1
                  FROM decided c
                 WHERE r.id = ANY (ARRAY(SELECT id FROM decided WHERE status = 'queued'))
                   AND r.id = c.id AND r.owner = $1 AND r.attempt = c.attempt
                   AND coalesce(r.status, '') IN ('running', 'paused') AND c.status = 'queued'
                   AND r.control_requested IS DISTINCT FROM 'cancel'
                RETURNING r.id, r.status, r.job_name, r.workspace_id, r.correlation_id, r.error, r.error_code,
                          r.attempt, r.max_attempts, r.run_after, c.snoozed
            ), written AS (
                SELECT * FROM ended UNION ALL SELECT * FROM requeued
            ), applied AS (
                SELECT c.id
                  FROM decided c
                 WHERE c.status NOT IN ('running', 'paused') AND c.id NOT IN (SELECT id FROM written)
                   AND CASE WHEN c.status = 'queued'
                            THEN (SELECT r.attempts @> jsonb_build_array(jsonb_build_object('attempt', c.attempt,
                                                                                           'owner', $1::text))
                                    FROM job_runs r WHERE r.id = c.id)
                            ELSE (SELECT r.status FROM job_runs r
                                   WHERE r.id = c.id AND r.owner = $1 AND r.attempt = c.attempt
                                     AND r.last_seq = c.last_seq) = c.status END
            ), events AS (
                INSERT INTO job_run_events (run_id, seq, event, data)
                SELECT e.run_id, e.seq, e.event, e.data::jsonb
                  FROM unnest($13::uuid[], $14::integer[], $15::text[], $16::text[]) AS e(run_id, seq, event, data)
                 WHERE e.run_id IN (SELECT id FROM written)
                ON CONFLICT (run_id, seq) DO NOTHING
            ), failures AS (
                INSERT INTO error_events (severity, kind, message, job_name, workspace_id, run_id, correlation_id,
                                          details)
                SELECT CASE WHEN w.status = 'failed' THEN 'error' ELSE 'warning' END,
                       CASE WHEN w.status = 'failed' THEN 'JOB_FAILED' ELSE 'JOB_ATTEMPT_FAILED' END,
                       left(CASE WHEN w.status = 'failed'
                                 THEN 'Run of ' || w.job_name || ' failed: '
                                 ELSE 'Attempt ' || (w.attempt - 1) || ' of ' || (w.max_attempts) || ' of '
                                      || w.job_name || ' failed (retried at '
                                      || to_char(w.run_after AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                                      || '): ' END || coalesce(w.error, ''), 2000),
                       w.job_name, w.workspace_id, w.id, w.correlation_id,
                       CASE WHEN w.status = 'failed'
                            THEN jsonb_build_object('error_code', w.error_code, 'attempt', w.attempt)
                            ELSE jsonb_build_object('error_code', w.error_code, 'attempt', w.attempt - 1,
                                                    'next_attempt', w.attempt, 'max_attempts', w.max_attempts,
                                                    'run_after', w.run_after) END
                  FROM written w
                 WHERE w.status = 'failed' OR (w.status = 'queued' AND NOT w.snoozed)
            ), notified AS (
                SELECT pg_notify('jobstream_events', (SELECT CASE WHEN count(*) <= 200
                                                             THEN string_agg(id::text, ',') ELSE '' END FROM written)),
                       pg_notify('jobstream_runs', (extract(epoch FROM now()) * 1000000)::bigint::text),
                       CASE WHEN EXISTS (SELECT FROM written WHERE status = 'queued')
                            THEN pg_notify('jobstream_queued', '') END
                 WHERE EXISTS (SELECT FROM written)
            )
            SELECT w.id FROM written w CROSS JOIN notified
            UNION ALL
            SELECT a.id FROM applied a
            """;

    /**
     * The end of an attempt that did not end by itself — its engine stopped (shutdown, lost lock, expired lease, a
     * pause held too long) or its replica went silent (stale) — decided per run from what was asked of it: a cancel
     * that was requested ends the run {@code cancelled} (never run again, never failed); a paused run, or one whose
     * pause was requested, stays {@code paused} without an engine ("parked": no owner, no slot; resume queues it as
     * its next attempt); any other goes back to {@code queued} as its next attempt, or — stale, without attempts
     * left — ends {@code failed} with {@code error_code 'stale'}. One event each (state_json or end_json, the next
     * sequence number), a STALE_RUN error event for stale runs, and notifications for streams, dispatchers and the
     * feed. The runs are chosen by one of the heads below, as {@code chosen(id, previous, previous_owner,
     * last_heartbeat, control, requeue, at, reason, backoff)}; a requeue after a stale heartbeat waits an exponential
     * backoff (2 s × 2^(attempt − 1), at most 5 min, ± 25 % jitter), any other requeue is due at once.
     */
    private static final String INTERRUPT = """
            ), decided AS (
                SELECT c.*, CASE WHEN c.control = 'cancel' THEN 'cancelled'
                                 WHEN c.previous = 'paused' OR c.control = 'pause' THEN 'paused'
                                 WHEN c.requeue THEN 'queued'
                                 ELSE 'failed' END AS outcome
                  FROM chosen c
            ), changed AS (
                UPDATE job_runs r
                   SET status = d.outcome,
                       owner = CASE WHEN d.outcome IN ('queued', 'paused') THEN NULL ELSE r.owner END,
                       attempt = CASE WHEN d.outcome IN ('queued', 'paused') THEN r.attempt + 1 ELSE r.attempt END,
                       started_at = CASE WHEN d.outcome IN ('queued', 'paused') THEN NULL ELSE r.started_at END,
                       heartbeat_at = CASE WHEN d.outcome IN ('queued', 'paused') THEN NULL ELSE r.heartbeat_at END,
                       run_after = CASE WHEN d.outcome <> 'queued' THEN r.run_after
                                        WHEN d.backoff
                                        THEN d.at + least(300000, 2000 * power(2, r.attempt - 1))
                                                    * (0.75 + random() * 0.5) * interval '1 millisecond'
                                        ELSE d.at END,
                       finished_at = CASE WHEN d.outcome IN ('cancelled', 'failed') THEN d.at END,
                       error = CASE WHEN d.outcome <> 'failed' THEN r.error
                                    ELSE 'Stale: no heartbeat from ' || coalesce(d.previous_owner, '?') || ' since '
                                         || to_char(d.last_heartbeat AT TIME ZONE 'UTC',
                                                    'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') END,
                       error_code = CASE WHEN d.outcome = 'failed' THEN 'stale' ELSE r.error_code END,
                       duration_ms = CASE WHEN d.outcome IN ('cancelled', 'failed')
                                          THEN greatest(0, (extract(epoch FROM d.at - r.started_at) * 1000)::bigint)
                                          ELSE r.duration_ms END,
                       attempts = CASE WHEN d.outcome IN ('queued', 'paused')
                                       THEN r.attempts || jsonb_build_object('attempt', r.attempt, 'owner', r.owner,
                                            'started_at', r.started_at, 'finished_at', d.at,
                                            'outcome', CASE WHEN d.reason = 'stale' THEN 'stale' ELSE 'interrupted' END,
                                            'reason', d.reason, 'error', NULL, 'error_code', NULL,
                                            'start_seq', r.start_seq, 'max_attempts', r.max_attempts)
                                       ELSE r.attempts END,
                       start_seq = CASE WHEN d.outcome IN ('queued', 'paused') THEN NULL ELSE r.start_seq END,
                       control_requested = NULL,
                       last_seq = r.last_seq + 1,
                       updated_at = now(),
                       version = r.version + 1
                  FROM decided d
                 WHERE r.id = d.id
                RETURNING r.id, r.job_name, r.workspace_id, r.correlation_id, r.status, r.attempt, r.last_seq,
                          r.run_after, r.error, r.duration_ms, d.previous, d.previous_owner, d.last_heartbeat, d.at,
                          d.reason
            ), events AS (
                INSERT INTO job_run_events (run_id, seq, event, data, created_at)
                SELECT id, last_seq,
                       CASE WHEN status IN ('queued', 'paused') THEN 'state_json' ELSE 'end_json' END,
                       CASE status
                            WHEN 'queued' THEN jsonb_build_object('state', 'queued', 'previous', previous,
                                    'reason', reason, 'attempt', attempt, 'run_after', run_after, 'ts', at)
                            WHEN 'paused' THEN jsonb_build_object('state', 'paused', 'previous', previous,
                                    'reason', reason, 'attempt', attempt, 'parked', true, 'ts', at)
                            WHEN 'cancelled' THEN jsonb_build_object('ok', false, 'state', 'cancelled',
                                    'cancelled', true, 'error', NULL, 'metrics', '{}'::jsonb,
                                    'duration_ms', duration_ms, 'reason', reason, 'ts', at)
                            ELSE jsonb_build_object('ok', false, 'state', 'failed', 'cancelled', false,
                                    'error', error, 'error_code', 'stale', 'metrics', '{}'::jsonb,
                                    'duration_ms', duration_ms, 'ts', at) END,
                       at
                  FROM changed
            ), errors AS (
                INSERT INTO error_events (occurred_at, severity, kind, message, job_name, workspace_id, run_id,
                                          correlation_id, details)
                SELECT at, CASE WHEN status = 'failed' THEN 'error' ELSE 'warning' END, 'STALE_RUN',
                       left('Run of ' || job_name || ' went stale on ' || coalesce(previous_owner, '?')
                            || CASE status WHEN 'queued' THEN '; requeued as attempt ' || attempt
                                           WHEN 'paused' THEN '; kept paused'
                                           WHEN 'cancelled' THEN '; cancelled as requested'
                                           ELSE '; failed' END, 2000),
                       job_name, workspace_id, id, correlation_id,
                       jsonb_build_object('owner', previous_owner, 'last_heartbeat', last_heartbeat,
                                          'requeued', status = 'queued', 'attempt', attempt, 'outcome', status)
                  FROM changed
                 WHERE reason = 'stale'
            )
            SELECT id, job_name, status,
                   pg_notify('jobstream_events', (SELECT CASE WHEN count(*) <= 200
                                                         THEN string_agg(id::text, ',') ELSE '' END FROM changed)),
                   CASE WHEN status = 'queued' THEN pg_notify('jobstream_queued', '') END,
                   pg_notify('jobstream_runs', (extract(epoch FROM now()) * 1000000)::bigint::text)
              FROM changed
            """;

    /**
     * Interrupts attempts this replica owns ({@code $1} owner, {@code $2} ids with {@code $3} attempts, {@code $4}
     * reason): its engines stopped before their jobs ended. See {@link #INTERRUPT}.
     */
    static final String INTERRUPT_OWNED = """
            WITH chosen AS (
                SELECT j.id, j.status AS previous, j.owner AS previous_owner, j.heartbeat_at AS last_heartbeat,
                       j.control_requested AS control, true AS requeue, now() AS at, $4::text AS reason,
                       false AS backoff
                  FROM job_runs j
                  JOIN unnest($2::uuid[], $3::integer[]) AS s(id, attempt) ON j.id = s.id AND j.attempt = s.attempt
                 WHERE j.id = ANY ($2::uuid[]) AND j.owner = $1 AND coalesce(j.status, '') IN ('running', 'paused')
                 ORDER BY j.id
                   FOR UPDATE OF j
            """ + INTERRUPT;

    /**
     * Interrupts stale attempts: executing runs whose heartbeat is older than {@code $2} ms at {@code $1} (null: the
     * database's now), {@code $3} at most, oldest heartbeat first, skipping rows another sweeper holds — and none
     * before the server has been up that long: after a restart of PostgreSQL every replica first gets stale-after to
     * heartbeat again. With attempts left ({@code attempt < max_attempts}) a stale run is requeued, otherwise failed.
     * A worker's paused run is not stale: its lease lasts the pause hold (see {@link #WORKER_OVERDUE}). See
     * {@link #INTERRUPT}.
     */
    static final String INTERRUPT_STALE = """
            WITH chosen AS (
                SELECT id, status AS previous, owner AS previous_owner, heartbeat_at AS last_heartbeat,
                       control_requested AS control, attempt < max_attempts AS requeue,
                       coalesce($1::timestamptz, now()) AS at, 'stale'::text AS reason, true AS backoff
                  FROM job_runs
                 WHERE status IN ('running', 'paused')
                   AND heartbeat_at < coalesce($1::timestamptz, now()) - $2 * interval '1 millisecond'
                   AND coalesce($1::timestamptz, now()) - pg_postmaster_start_time() >= $2 * interval '1 millisecond'
                   AND (status = 'running' OR owner NOT LIKE 'worker:%')
                 ORDER BY heartbeat_at
                 LIMIT $3
                   FOR UPDATE SKIP LOCKED
            """ + INTERRUPT;

    /**
     * Workers' attempts the service ends itself, at {@code $1} (null: the database's now), {@code $4} at most: running
     * past their timeout and the grace after it ({@code $2} ms), or paused with no report for the pause hold
     * ({@code $3} ms). An engine watches both in-process; a worker may not, so its replica's sweep does. Read through
     * the executing runs' heartbeat index; every replica may sweep, and the statements that end the attempts are
     * guarded by owner and attempt.
     */
    static final String WORKER_OVERDUE = """
            SELECT %s FROM job_runs r
             WHERE r.status IN ('running', 'paused') AND r.heartbeat_at IS NOT NULL AND r.owner LIKE 'worker:%%'
               AND ((r.status = 'running' AND r.timeout_ms IS NOT NULL
                     AND r.started_at + (r.timeout_ms + $2) * interval '1 millisecond' < coalesce($1::timestamptz, now()))
                 OR (r.status = 'paused'
                     AND r.heartbeat_at < coalesce($1::timestamptz, now()) - $3 * interval '1 millisecond'))
             ORDER BY r.heartbeat_at
             LIMIT $4
            """
            .formatted(RunRows.columns("r"));

    /**
     * Resumes a parked run (paused, no engine): it goes back to {@code queued}, due now, as the attempt the park
     * counted, with a {@code state_json} event; {@code $2} is who asked.
     */
    static final String RESUME_PARKED = """
            WITH resumed AS (
                UPDATE job_runs
                   SET status = 'queued', run_after = now(), control_requested = NULL, controlled_by = $2,
                       last_seq = last_seq + 1, updated_at = now(), version = version + 1
                 WHERE id = $1 AND status = 'paused' AND owner IS NULL
                RETURNING %s
            ), events AS (
                INSERT INTO job_run_events (run_id, seq, event, data)
                SELECT id, last_seq, 'state_json',
                       jsonb_build_object('state', 'queued', 'previous', 'paused', 'reason', 'resume',
                                          'attempt', attempt, 'by', $2::text,
                                          'ts', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
                  FROM resumed
            )
            SELECT resumed.*, pg_notify('jobstream_queued', ''),
                   pg_notify('jobstream_events', (SELECT CASE WHEN count(*) <= 200
                                                         THEN string_agg(id::text, ',') ELSE '' END FROM resumed)),
                   pg_notify('jobstream_runs', (extract(epoch FROM now()) * 1000000)::bigint::text)
              FROM resumed
            """.formatted(RunRows.COLUMNS);

    /**
     * An operator's retry ({@code $2} who asked) of the runs $1 (one, or a bulk retry's page, locked in id order): a
     * failed or cancelled run goes back to {@code queued}, due now, as a new attempt of the same run — the attempt that ended goes to the history, and the run is allowed one attempt
     * more if it had used them all — with a {@code state_json} event. A run whose exclusive slot another run took
     * meanwhile hits the exclusive index (a unique violation: the caller answers 409).
     */
    static final String RETRY = """
            WITH previous AS (
                SELECT id, status FROM job_runs WHERE id = ANY($1::uuid[]) AND status IN ('failed', 'cancelled')
                 ORDER BY id FOR UPDATE
            ), retried AS (
                UPDATE job_runs r
                   SET status = 'queued', run_after = now(), owner = NULL, started_at = NULL, heartbeat_at = NULL,
                       finished_at = NULL, duration_ms = NULL, error = NULL, error_code = NULL,
                       control_requested = NULL, controlled_by = $2,
                       attempts = r.attempts || jsonb_build_object('attempt', r.attempt, 'owner', r.owner,
                                       'started_at', r.started_at, 'finished_at', r.finished_at,
                                       'outcome', r.status, 'error', r.error, 'error_code', r.error_code,
                                       'start_seq', r.start_seq, 'end_seq', r.end_seq,
                                       'max_attempts', r.max_attempts, 'metrics', r.metrics,
                                       'duration_ms', r.duration_ms),
                       start_seq = NULL, end_seq = NULL,
                       attempt = r.attempt + 1, max_attempts = greatest(r.max_attempts, r.attempt + 1),
                       last_seq = r.last_seq + 1, updated_at = now(), version = r.version + 1
                  FROM previous p
                 WHERE r.id = p.id
                RETURNING %s, p.status AS previous
            ), events AS (
                INSERT INTO job_run_events (run_id, seq, event, data)
                SELECT id, last_seq, 'state_json',
                       jsonb_build_object('state', 'queued', 'previous', previous, 'reason', 'retry',
                                          'attempt', attempt, 'by', $2::text,
                                          'ts', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
                  FROM retried
            )
            SELECT retried.*, pg_notify('jobstream_queued', ''),
                   pg_notify('jobstream_events', (SELECT CASE WHEN count(*) <= 200
                                                         THEN string_agg(id::text, ',') ELSE '' END FROM retried)),
                   pg_notify('jobstream_runs', (extract(epoch FROM now()) * 1000000)::bigint::text)
              FROM retried
            """.formatted(RunRows.columns("r"));

    /**
     * Terminal runs that ended before {@code $1}, a batch at a time, oldest first, and their events; answers how many
     * runs went. A run ends after it was created, so the runs created before {@code $1} hold them all: they are read
     * in {@code job_runs_created_idx} (of the runs not running), and no index of ended runs costs every end an entry.
     * The batch is then deleted by primary key ({@code = ANY (ARRAY(…))}), never through a join that could read the
     * whole table.
     */
    static final String DELETE_EXPIRED = """
            WITH expired AS (
                DELETE FROM job_runs
                 WHERE id = ANY (ARRAY(SELECT id FROM job_runs
                                        WHERE created_at < $1 AND finished_at < $1 AND status <> 'running'
                                        ORDER BY created_at
                                        LIMIT $2
                                          FOR UPDATE SKIP LOCKED))
                RETURNING id
            ), events AS (
                DELETE FROM job_run_events WHERE run_id = ANY (ARRAY(SELECT id FROM expired))
            )
            SELECT count(*) FROM expired
            """;

    /**
     * Deletes a terminal run, or a queued one that is not due yet (asked for later), and its events; answers how many
     * runs went (0 or 1).
     */
    static final String DELETE_RUN = """
            WITH deleted AS (
                DELETE FROM job_runs
                 WHERE id = $1 AND (status = ANY($2) OR (status = 'queued' AND run_after > now()))
                RETURNING id
            ), events AS (
                DELETE FROM job_run_events WHERE run_id = ANY (ARRAY(SELECT id FROM deleted))
            )
            SELECT count(*) FROM deleted
            """;

    // ---- flows: runs that wait for runs (job_run_dependencies), and children of a running job ----

    /**
     * Marks the runs {@code $1} as depended on ({@code has_dependents}), locking them until the transaction that
     * inserts their dependent commits: an end that commits later sees the mark, and its trigger settles the dependent;
     * one that committed before is read by {@link #SETTLE}. Answers each run found, with its workspace.
     */
    static final String LOCK_DEPENDENCIES = """
            UPDATE job_runs SET has_dependents = true WHERE id = ANY($1::uuid[]) RETURNING id, workspace_id
            """;

    /**
     * Inserts one run that waits for the runs {@code $17} (locked by {@link #LOCK_DEPENDENCIES} in the same
     * transaction): queued and not due ({@code run_after = 'infinity'}) until {@link #SETTLE} or the end of its last
     * dependency makes it due; {@code $16} is what it does when one fails. Its edges are inserted with it; a run that
     * hits a unique index (exclusive slot, idempotency key) is skipped, with no edges.
     */
    static final String INSERT_DEPENDENT = """
            WITH inserted AS (
                INSERT INTO job_runs (id, job_name, workspace_id, exclusive, dry_run, params, max_attempts,
                                      triggered_by, correlation_id, idempotency_key, run_after, priority, timeout_ms,
                                      limit_key, traceparent, webhook, on_dependency_failure, has_dependencies)
                VALUES ($1, $2, $3, $4, $5, $6::text::jsonb, $7::integer, $8, $9, $10, 'infinity', $11::integer,
                        $12::bigint, $13, $14, $15, $16, true)
                ON CONFLICT DO NOTHING
                RETURNING %s
            ), edges AS (
                INSERT INTO job_run_dependencies (run_id, depends_on, on_failure)
                SELECT i.id, d.id, $16 FROM inserted i CROSS JOIN unnest($17::uuid[]) AS d(id)
            )
            SELECT inserted.*, pg_notify('jobstream_runs', (extract(epoch FROM now()) * 1000000)::bigint::text)
              FROM inserted
            """.formatted(RunRows.COLUMNS);

    /**
     * Inserts a child of the run {@code $15}, held by {@code $16} as attempt {@code $17} (the lease), in its
     * workspace, and marks the parent ({@code has_children}, its row locked): a cancel of the parent that commits
     * later cancels the child too. The idempotency key {@code $9} names the parent and the child's key, so a parent's
     * attempt run again makes no second child (the conflict: the existing child is read by
     * {@link #FIND_CONFLICTING}). Answers one row: {@code held} (the lease held), and the child's columns if it was
     * inserted; the notification on {@code jobstream_queued} carries its job {@code $18}.
     */
    static final String INSERT_CHILD = """
            WITH parent AS (
                UPDATE job_runs SET has_children = true
                 WHERE id = $15 AND owner = $16 AND attempt = $17 AND coalesce(status, '') IN ('running', 'paused')
                RETURNING id, workspace_id
            ), inserted AS (
                INSERT INTO job_runs (id, job_name, workspace_id, exclusive, dry_run, params, max_attempts,
                                      triggered_by, correlation_id, idempotency_key, priority, timeout_ms, limit_key,
                                      traceparent, webhook, parent_id)
                SELECT $1, $2, p.workspace_id, $3, $4, $5::text::jsonb, $6::integer, $7, $8, $9, $10::integer,
                       $11::bigint, $12, $13, $14, p.id
                  FROM parent p
                ON CONFLICT DO NOTHING
                RETURNING %s
            )
            SELECT p.id IS NOT NULL AS held, p.workspace_id AS parent_workspace, i.*,
                   CASE WHEN i.id IS NOT NULL THEN pg_notify('jobstream_queued', $18) END,
                   CASE WHEN i.id IS NOT NULL
                        THEN pg_notify('jobstream_runs', (extract(epoch FROM now()) * 1000000)::bigint::text) END
              FROM (SELECT 1) one LEFT JOIN parent p ON true LEFT JOIN inserted i ON true
            """.formatted(RunRows.COLUMNS);

    /**
     * Records that the run {@code $1}, held by {@code $2} as attempt {@code $3} (the lease), waits for the runs
     * {@code $4} of its workspace (policy {@code run}: its job reads their results and decides), marking them
     * depended on (locked). Run before the flush that writes its wait; {@link #SETTLE} after it. Answers whether the
     * lease held and how many of the runs were found.
     */
    static final String ADD_WAITS = """
            WITH parent AS (
                UPDATE job_runs SET has_dependencies = true
                 WHERE id = $1 AND owner = $2 AND attempt = $3 AND coalesce(status, '') IN ('running', 'paused')
                RETURNING id, workspace_id
            ), flagged AS (
                UPDATE job_runs SET has_dependents = true
                 WHERE id = ANY($4::uuid[]) AND id <> $1 AND workspace_id = (SELECT workspace_id FROM parent)
                RETURNING id
            ), edges AS (
                INSERT INTO job_run_dependencies (run_id, depends_on, on_failure)
                SELECT $1, id, 'run' FROM flagged
                ON CONFLICT DO NOTHING
            )
            SELECT EXISTS (SELECT FROM parent) AS held, (SELECT count(*) FROM flagged) AS found
            """;

    /**
     * Settles the waiting runs {@code $1} whose wait was just written: their dependencies are locked first (an end in
     * flight commits before they are read), then each becomes due once they have all ended, or ends failed or
     * cancelled as its policy says when one failed (the function {@code job_runs_settle} of V26, which the trigger
     * {@code job_runs_flow_ended} also calls when a dependency ends). Answers how many runs it changed.
     */
    static final String SETTLE = "SELECT job_runs_settle($1::uuid[], true) AS settled";

    /**
     * The safety net of the sweep: settles up to {@code $1} waiting runs whose dependencies have all ended, or one of
     * which failed under a policy that ends them, as {@link #SETTLE} does. Read through the index of waiting runs.
     */
    static final String SETTLE_STUCK = """
            SELECT job_runs_settle(ARRAY(
                SELECT r.id FROM job_runs r
                 WHERE r.status = 'queued' AND r.run_after = 'infinity'
                   AND (NOT EXISTS (SELECT FROM job_run_dependencies d JOIN job_runs x ON x.id = d.depends_on
                                     WHERE d.run_id = r.id AND x.finished_at IS NULL)
                        OR EXISTS (SELECT FROM job_run_dependencies d JOIN job_runs x ON x.id = d.depends_on
                                    WHERE d.run_id = r.id AND d.on_failure <> 'run'
                                      AND x.status IN ('failed', 'cancelled', 'skipped')))
                 ORDER BY r.id
                 LIMIT $1), true) AS settled
            """;

    /**
     * What the run {@code $1} waits or waited for, in id order (the order they were made): each dependency's id, and
     * its job, status, metrics and error (null when it was deleted).
     */
    static final String DEPENDENCIES_OF = """
            SELECT d.depends_on AS run_id, x.job_name, x.status, x.metrics, x.error, x.error_code
              FROM job_run_dependencies d LEFT JOIN job_runs x ON x.id = d.depends_on
             WHERE d.run_id = $1
             ORDER BY d.depends_on
            """;

    /** Up to {@code $2} children of the run {@code $1}, oldest first, with their status (the parent's index). */
    static final String CHILDREN_OF = """
            SELECT id, job_name, status FROM job_runs WHERE parent_id = $1 ORDER BY created_at, id LIMIT $2
            """;
}

-- Outcomes of runs by minute and by hour, for GET /v1/stats and the console's overview: how many runs of a job ended
-- completed, failed, cancelled or skipped in a workspace within the period, and how long those that ran took (a
-- histogram), so that a window of an hour or a week is read in a few hundred rows rather than in the runs. Kept up to
-- date by the trigger below as runs end (whichever statement ends them); retention deletes minutes after 2 days and
-- hours after 8. History only grows: deleting a run does not take its end back.
CREATE TABLE job_run_rollup (
    period            text        NOT NULL CHECK (period IN ('minute', 'hour')),
    workspace_id      uuid        NOT NULL,
    bucket            timestamptz NOT NULL,
    job_name          text        NOT NULL,
    -- 0: the row of the workspace (what a token scoped to workspaces reads); 1 to 4: a row of every workspace
    -- (workspace_id is the nil UUID; what a token without a scope reads), spread over 4 shards by backend, so that
    -- concurrent statements ending runs of one job seldom wait for each other's row
    shard             smallint    NOT NULL CHECK (shard BETWEEN 0 AND 4),
    completed         integer     NOT NULL,
    failed            integer     NOT NULL,
    cancelled         integer     NOT NULL,
    skipped           integer     NOT NULL,
    -- the runs that ran (a duration), by duration: element 1 below 1 ms, element 1 + k from 2^((k-1)/2) ms up to
    -- 2^(k/2) ms, the last one open-ended
    durations         integer[]   NOT NULL CHECK (cardinality(durations) = 49),
    duration_ms_total bigint      NOT NULL,
    PRIMARY KEY (period, workspace_id, bucket, job_name, shard)
);

-- The histogram's element of a duration.
CREATE FUNCTION jobstream_duration_slot(ms bigint) RETURNS integer
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN CASE WHEN ms < 1 THEN 1 ELSE 2 + least(47, floor(2 * ln(ms) / ln(2)))::integer END;

CREATE FUNCTION jobstream_histogram_add(histogram integer[], slot integer) RETURNS integer[]
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
    histogram[slot] := histogram[slot] + 1;
    RETURN histogram;
END
$$;

-- The histogram of the durations' slots (nulls, runs that did not run, are left out).
CREATE AGGREGATE jobstream_histogram(integer) (
    SFUNC = jobstream_histogram_add,
    STYPE = integer[],
    INITCOND = '{0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0}'
);

CREATE FUNCTION jobstream_histogram_merge(a integer[], b integer[]) RETURNS integer[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN ARRAY(SELECT x + y FROM unnest(a, b) WITH ORDINALITY AS h(x, y, i) ORDER BY i);

-- The sum of histograms.
CREATE AGGREGATE jobstream_histogram_sum(integer[]) (
    SFUNC = jobstream_histogram_merge,
    STYPE = integer[]
);

-- Adds ended runs (their workspaces, jobs, outcomes, ends and durations, element by element) to the rollup: each into
-- its workspace's minute and hour and into the every-workspace ones, in the order of the primary key, so that two
-- statements never wait for each other's rows in opposite orders.
CREATE FUNCTION jobstream_rollup_add(workspaces uuid[], jobs text[], outcomes text[], ends timestamptz[],
                                     durations bigint[]) RETURNS void
    LANGUAGE sql AS $$
    INSERT INTO job_run_rollup AS r (period, workspace_id, bucket, job_name, shard, completed, failed, cancelled,
                                     skipped, durations, duration_ms_total)
    SELECT p.period, w.workspace_id, date_trunc(p.period, e.finished_at), e.job_name, w.shard,
           count(*) FILTER (WHERE e.status = 'completed'), count(*) FILTER (WHERE e.status = 'failed'),
           count(*) FILTER (WHERE e.status = 'cancelled'), count(*) FILTER (WHERE e.status = 'skipped'),
           jobstream_histogram(jobstream_duration_slot(e.duration_ms)), coalesce(sum(e.duration_ms), 0)
      FROM unnest(workspaces, jobs, outcomes, ends, durations)
           AS e(workspace_id, job_name, status, finished_at, duration_ms)
     CROSS JOIN (VALUES ('minute'), ('hour')) AS p(period)
     CROSS JOIN LATERAL (VALUES (e.workspace_id, 0::smallint),
                                ('00000000-0000-0000-0000-000000000000'::uuid, (1 + pg_backend_pid() % 4)::smallint))
                        AS w(workspace_id, shard)
     GROUP BY 1, 2, 3, 4, 5
     ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (period, workspace_id, bucket, job_name, shard) DO UPDATE
       SET completed = r.completed + excluded.completed, failed = r.failed + excluded.failed,
           cancelled = r.cancelled + excluded.cancelled, skipped = r.skipped + excluded.skipped,
           durations = jobstream_histogram_merge(r.durations, excluded.durations),
           duration_ms_total = r.duration_ms_total + excluded.duration_ms_total
$$;

-- Runs that a statement ended: inserted ended (a skipped tick), or updated from an active status to an ended one (a
-- run retried by hand ends again, and counts again).
CREATE FUNCTION job_runs_rollup() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM jobstream_rollup_add(array_agg(a.workspace_id), array_agg(a.job_name), array_agg(a.status),
                                     array_agg(a.finished_at), array_agg(a.duration_ms))
           FROM after_rows a
          WHERE a.finished_at IS NOT NULL
         HAVING count(*) > 0;
    ELSE
        PERFORM jobstream_rollup_add(array_agg(a.workspace_id), array_agg(a.job_name), array_agg(a.status),
                                     array_agg(a.finished_at), array_agg(a.duration_ms))
           FROM after_rows a
           JOIN before_rows b ON b.id = a.id
          WHERE a.finished_at IS NOT NULL AND b.finished_at IS NULL
         HAVING count(*) > 0;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER job_runs_rollup_insert AFTER INSERT ON job_runs
    REFERENCING NEW TABLE AS after_rows FOR EACH STATEMENT EXECUTE FUNCTION job_runs_rollup();
CREATE TRIGGER job_runs_rollup_update AFTER UPDATE ON job_runs
    REFERENCING OLD TABLE AS before_rows NEW TABLE AS after_rows FOR EACH STATEMENT EXECUTE FUNCTION job_runs_rollup();

-- The ends of the last 8 days, for a replica that starts on an existing table.
INSERT INTO job_run_rollup (period, workspace_id, bucket, job_name, shard, completed, failed, cancelled, skipped,
                            durations, duration_ms_total)
SELECT p.period, w.workspace_id, date_trunc(p.period, e.finished_at), e.job_name, w.shard,
       count(*) FILTER (WHERE e.status = 'completed'), count(*) FILTER (WHERE e.status = 'failed'),
       count(*) FILTER (WHERE e.status = 'cancelled'), count(*) FILTER (WHERE e.status = 'skipped'),
       jobstream_histogram(jobstream_duration_slot(e.duration_ms)), coalesce(sum(e.duration_ms), 0)
  FROM job_runs e
 CROSS JOIN (VALUES ('minute'), ('hour')) AS p(period)
 CROSS JOIN LATERAL (VALUES (e.workspace_id, 0::smallint), ('00000000-0000-0000-0000-000000000000'::uuid, 1::smallint))
                    AS w(workspace_id, shard)
 WHERE e.created_at > now() - interval '8 days' AND e.finished_at > now() - interval '8 days'
   AND (p.period = 'hour' OR e.finished_at > now() - interval '2 days')
 GROUP BY 1, 2, 3, 4, 5;

-- Outcomes of runs by minute and by hour, for GET /v1/stats and the console's overview: how many runs of a job ended
-- completed, failed, cancelled or skipped in the period, how long they took in all, and (for every workspace
-- together, job_run_totals) a histogram of their durations, so that a window of an hour or a week is read in a few thousand rows
-- rather than in the runs. A sweep adds the runs that ended since the last one (job_run_rollup_mark), a few seconds
-- behind, off the path of the runs themselves; retention deletes minutes after 2 days and hours after 8. History only
-- grows: deleting a run does not take its end back.
-- One workspace's ends: what a token scoped to workspaces reads.
CREATE TABLE job_run_rollup (
    period            text        NOT NULL CHECK (period IN ('minute', 'hour')),
    workspace_id      uuid        NOT NULL,
    bucket            timestamptz NOT NULL,
    job_name          text        NOT NULL,
    completed         integer     NOT NULL,
    failed            integer     NOT NULL,
    cancelled         integer     NOT NULL,
    skipped           integer     NOT NULL,
    duration_ms_total bigint      NOT NULL,
    PRIMARY KEY (period, workspace_id, bucket, job_name)
) PARTITION BY LIST (period);
CREATE TABLE job_run_rollup_minutes PARTITION OF job_run_rollup FOR VALUES IN ('minute');
CREATE TABLE job_run_rollup_hours PARTITION OF job_run_rollup FOR VALUES IN ('hour');

-- Every workspace's ends together, what a token without a scope reads: a table of its own, so that a week of them
-- sits in a few pages rather than one row a page among the workspaces' rows.
CREATE TABLE job_run_totals (
    period            text        NOT NULL CHECK (period IN ('minute', 'hour')),
    bucket            timestamptz NOT NULL,
    job_name          text        NOT NULL,
    completed         integer     NOT NULL,
    failed            integer     NOT NULL,
    cancelled         integer     NOT NULL,
    skipped           integer     NOT NULL,
    duration_ms_total bigint      NOT NULL,
    -- the runs that ran (a duration), by duration: element 1 below 1 ms, element 1 + k from 2^((k-1)/2) ms up to
    -- 2^(k/2) ms, the last one open-ended
    durations         integer[]   NOT NULL CHECK (cardinality(durations) = 49),
    PRIMARY KEY (period, bucket, job_name)
) PARTITION BY LIST (period);
-- a period's rows apart from the other's: a week of hours is read in a few pages, not among the minutes
CREATE TABLE job_run_totals_minutes PARTITION OF job_run_totals FOR VALUES IN ('minute');
CREATE TABLE job_run_totals_hours PARTITION OF job_run_totals FOR VALUES IN ('hour');

-- Runs that ended up to this instant are in the rollup (one row: the sweep that adds more locks it).
CREATE TABLE job_run_rollup_mark (
    id           integer     PRIMARY KEY CHECK (id = 1),
    rolled_up_to timestamptz NOT NULL
);
-- the first sweeps add the ends of the last 8 days of an existing table
INSERT INTO job_run_rollup_mark VALUES (1, now() - interval '8 days');

-- The histogram's element of a duration.
CREATE FUNCTION jobstream_duration_slot(ms bigint) RETURNS integer
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN CASE WHEN ms < 1 THEN 1 ELSE 2 + least(47, floor(2 * ln(ms) / ln(2)))::integer END;

-- The sum of two histograms, element by element.
CREATE FUNCTION jobstream_histogram_merge(a integer[], b integer[]) RETURNS integer[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN a IS NULL THEN b WHEN b IS NULL THEN a
                ELSE ARRAY(SELECT x + y FROM unnest(a, b) WITH ORDINALITY AS h(x, y, i) ORDER BY i) END;

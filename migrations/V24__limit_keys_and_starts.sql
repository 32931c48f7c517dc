-- Rate limits and concurrency per key.
--
-- A job may count its runs by a key: the run's workspace, or a value of its params. limit_key holds it, taken when
-- the run is triggered; null for a run of a job without a key.
ALTER TABLE job_runs ADD COLUMN limit_key text;
ALTER TABLE job_runs ADD CONSTRAINT job_runs_limit_key_length CHECK (length(limit_key) <= 200) NOT VALID;
ALTER TABLE job_runs VALIDATE CONSTRAINT job_runs_limit_key_length;

-- The queue by job, then key: a claim reads the head of each of its jobs (and, for a job counted by key, of each
-- key) and never the queued runs of another job — a throttled job's backlog of any size costs the claims of other
-- jobs nothing. It replaces the queue by priority alone, which every claim read through, skipping other jobs' runs.
DROP INDEX job_runs_queued_idx;
CREATE INDEX job_runs_queued_idx ON job_runs (job_name, limit_key, priority DESC, run_after, created_at)
    WHERE status = 'queued';

-- The executing runs of a key, which a concurrency limit per key counts; runs without a key have no entry.
CREATE INDEX job_runs_executing_key_idx ON job_runs (job_name, limit_key)
    WHERE limit_key IS NOT NULL AND status IN ('running', 'paused');

-- The starts of rate-limited jobs: one row per start and limit (limit_key null for a limit of the whole job), which
-- the claims of the job count over the limit's window. Rows older than the longest window are deleted by the sweeper.
CREATE TABLE job_starts (
    job_name   text        NOT NULL CHECK (length(job_name) BETWEEN 1 AND 200),
    limit_key  text                 CHECK (length(limit_key) <= 200),
    started_at timestamptz NOT NULL
);
CREATE INDEX job_starts_key_idx ON job_starts (job_name, limit_key, started_at);
CREATE INDEX job_starts_started_idx ON job_starts (started_at);

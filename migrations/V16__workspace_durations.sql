-- A histogram of durations in each workspace's rows of the outcome rollup too (as job_run_totals keeps for every
-- workspace together), so that GET /v1/stats gives a token limited to workspaces the p50 and p95 of its own runs.
-- Rows rolled up before this migration have none (null): their runs count in runs and failure rates, not in the
-- durations.
ALTER TABLE job_run_rollup ADD COLUMN durations integer[] CHECK (cardinality(durations) = 49);

-- The live feed (GET /v1/stream) pages through changed runs with a keyset cursor on (updated_at, id), which always
-- advances, also past thousands of runs changed in one statement (one updated_at).
DROP INDEX job_runs_updated_idx;
CREATE INDEX job_runs_updated_id_idx ON job_runs (updated_at, id);

-- The live feed (GET /v1/stream) reads runs changed since its last read; updated_at moves on every change of a
-- run (not on heartbeats).
CREATE INDEX job_runs_updated_idx ON job_runs (updated_at);

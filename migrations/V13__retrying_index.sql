-- GET /v1/stats counts the runs waiting for their next attempt (queued, attempt > 1, not due yet) without reading
-- every queued run: a run enters this index only when it goes back to the queue after an attempt, which is rare.
CREATE INDEX job_runs_retrying_idx ON job_runs (run_after) WHERE status = 'queued' AND attempt > 1;

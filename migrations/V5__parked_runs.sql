-- A paused run may be held by no engine ("parked": its replica stopped or died, or the pause outlasted
-- jobstream.engines.pause-hold); resume queues it as its next attempt. Only a running run must have an owner.
ALTER TABLE job_runs DROP CONSTRAINT job_runs_owner_while_executing;
ALTER TABLE job_runs ADD CONSTRAINT job_runs_owner_while_running CHECK (status <> 'running' OR owner IS NOT NULL);
-- a queued run is held by nobody
ALTER TABLE job_runs ADD CONSTRAINT job_runs_no_owner_while_queued CHECK (status <> 'queued' OR owner IS NULL);

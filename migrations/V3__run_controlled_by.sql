-- Who made the last control request of a run (pause, resume, cancel): the token's name or the JWT's subject.
ALTER TABLE job_runs ADD COLUMN controlled_by text CHECK (length(controlled_by) <= 200);

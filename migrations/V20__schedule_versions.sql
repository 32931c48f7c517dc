-- A schedule's version, one more with every write: a PATCH writes only over the version it read (else it reads the
-- schedule again), so it neither sets a fired tick back nor loses the changes of a PATCH that raced it.
ALTER TABLE job_schedules ADD COLUMN version integer NOT NULL DEFAULT 0;

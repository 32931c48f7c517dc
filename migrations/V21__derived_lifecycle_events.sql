-- A run's lifecycle events are read from its row, not stored: the claim reserves the start's sequence number
-- (start_seq), an attempt's own end the next one (end_seq, for an end its executor wrote: completed, failed,
-- cancelled). A requeue keeps both in the attempt's entry of the history (attempts), with what its event shows.
-- Runs ended before this migration keep their stored start and end events, and these columns stay null.
ALTER TABLE job_runs ADD COLUMN start_seq integer, ADD COLUMN end_seq integer;

-- An attempt's timeout is at most a week, as the API has it: a longer one stored earlier would overflow
-- started_at + timeout_ms * interval '1 millisecond', and with it the check of every overdue run.
UPDATE job_runs SET timeout_ms = 604800000 WHERE timeout_ms > 604800000;
ALTER TABLE job_runs ADD CONSTRAINT job_runs_timeout_at_most_a_week CHECK (timeout_ms <= 604800000) NOT VALID;
ALTER TABLE job_runs VALIDATE CONSTRAINT job_runs_timeout_at_most_a_week;

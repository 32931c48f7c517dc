-- The W3C trace context of a run's trigger (its traceparent: version 00, trace id, span id, flags; 55 characters),
-- which the spans of its attempts link to. Null for a run triggered without one (a schedule's tick, tracing off and
-- no header). The check is validated apart, as V19's, so that adding it does not hold writes while it reads the runs.
ALTER TABLE job_runs ADD COLUMN traceparent text;
ALTER TABLE job_runs ADD CONSTRAINT job_runs_traceparent_w3c
    CHECK (length(traceparent) = 55 AND traceparent ~ '^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$') NOT VALID;
ALTER TABLE job_runs VALIDATE CONSTRAINT job_runs_traceparent_w3c;

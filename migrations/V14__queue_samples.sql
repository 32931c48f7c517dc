-- The queue's depth over time, for GET /v1/stats and the console's overview: once a minute the sweep of one replica
-- (the first to get there) writes how many runs were due in the queue, how many were running and how long the oldest
-- due run had waited, for every workspace together (per workspace, a burst of runs in many workspaces would make
-- as many rows a minute). Retention deletes samples after 8 days.
CREATE TABLE job_queue_samples (
    minute           timestamptz PRIMARY KEY,
    queued           integer     NOT NULL CHECK (queued >= 0),
    running          integer     NOT NULL CHECK (running >= 0),
    oldest_queued_ms bigint      CHECK (oldest_queued_ms >= 0)
);

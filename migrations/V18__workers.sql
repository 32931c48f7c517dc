-- The workers outside the service, for GET /v1/replicas, GET /v1/engines and the console's Replicas tab: a worker's
-- row is written when it claims or reports (at most once per heartbeat interval per replica) and while it waits in a
-- long poll. Its id is the owner its runs carry (worker:<token>/<worker>); the jobs are those of its last claim. A
-- worker silent for longer than stale-after reads as lost; the sweep deletes rows silent for longer than
-- jobstream.engines.retention.
CREATE TABLE workers (
    id            text        PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 300),
    token         text        NOT NULL,
    worker        text        NOT NULL,
    jobs          text[]      NOT NULL DEFAULT '{}',
    first_seen_at timestamptz NOT NULL DEFAULT now(),
    contact_at    timestamptz NOT NULL,
    replica       text        NOT NULL
);

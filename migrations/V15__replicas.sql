-- The replicas registry, for GET /v1/replicas and the console's Replicas tab: each replica writes its row when it
-- starts and with every heartbeat (its engines busy and their maximum, the runs it ended since it started), and marks
-- it stopped when it shuts down. A replica killed without a word keeps its last heartbeat, which ages past
-- stale-after: it reads as lost. The sweep deletes rows stopped or lost for longer than jobstream.replicas.retention.
CREATE TABLE replicas (
    id           text        PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 200),
    version      text        NOT NULL,
    started_at   timestamptz NOT NULL,
    heartbeat_at timestamptz NOT NULL,
    stopped_at   timestamptz,
    engines_max  integer     NOT NULL CHECK (engines_max >= 0),
    engines_busy integer     NOT NULL CHECK (engines_busy >= 0),
    runs_ended   bigint      NOT NULL CHECK (runs_ended >= 0)
);

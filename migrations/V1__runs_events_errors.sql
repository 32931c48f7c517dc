-- jobstream schema, version 1: runs, their events, error events and their daily rollups.

CREATE TABLE job_runs (
    id                uuid        PRIMARY KEY,
    job_name          text        NOT NULL CHECK (length(job_name) BETWEEN 1 AND 200),
    workspace_id      uuid        NOT NULL,
    status            text        NOT NULL DEFAULT 'queued'
                                  CHECK (status IN ('queued', 'running', 'paused', 'completed', 'failed', 'cancelled', 'skipped')),
    exclusive         boolean     NOT NULL,
    dry_run           boolean     NOT NULL DEFAULT false,
    params            jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(params) = 'object'),
    metrics           jsonb,
    error             text        CHECK (length(error) <= 1000),
    error_code        text,
    error_log         jsonb       NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(error_log) = 'array'),
    processed         bigint      NOT NULL DEFAULT 0 CHECK (processed >= 0),
    total             bigint      CHECK (total >= 0),
    attempt           integer     NOT NULL DEFAULT 1 CHECK (attempt >= 1),
    max_attempts      integer     NOT NULL DEFAULT 1 CHECK (max_attempts >= 1),
    triggered_by      text,
    correlation_id    text,
    idempotency_key   text        CHECK (length(idempotency_key) <= 200),
    owner             text,
    control_requested text        CHECK (control_requested IN ('pause', 'resume', 'cancel')),
    created_at        timestamptz NOT NULL DEFAULT now(),
    run_after         timestamptz NOT NULL DEFAULT now(),
    started_at        timestamptz,
    finished_at       timestamptz,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    heartbeat_at      timestamptz,
    duration_ms       bigint      CHECK (duration_ms >= 0),
    version           bigint      NOT NULL DEFAULT 0,
    last_seq          integer     NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
    CONSTRAINT job_runs_finished_iff_terminal
        CHECK ((status IN ('completed', 'failed', 'cancelled', 'skipped')) = (finished_at IS NOT NULL)),
    CONSTRAINT job_runs_owner_while_executing
        CHECK (status NOT IN ('running', 'paused') OR owner IS NOT NULL)
);

-- newest runs overall, per job, and per workspace + job (list endpoint, keyset on (created_at, id))
CREATE INDEX job_runs_created_idx ON job_runs (created_at DESC, id DESC);
CREATE INDEX job_runs_job_created_idx ON job_runs (job_name, created_at DESC, id DESC);
CREATE INDEX job_runs_workspace_job_created_idx ON job_runs (workspace_id, job_name, created_at DESC, id DESC);
-- executing runs by heartbeat (stale scan)
CREATE INDEX job_runs_executing_heartbeat_idx ON job_runs (heartbeat_at) WHERE status IN ('running', 'paused');
-- queued runs in dispatch order
CREATE INDEX job_runs_queued_idx ON job_runs (run_after, created_at) WHERE status = 'queued';
-- terminal runs by age (retention)
CREATE INDEX job_runs_finished_idx ON job_runs (finished_at) WHERE finished_at IS NOT NULL;
-- at most one active run per (job, workspace) for exclusive jobs, across all replicas
CREATE UNIQUE INDEX job_runs_exclusive_active_uidx ON job_runs (job_name, workspace_id)
    WHERE exclusive AND status IN ('queued', 'running', 'paused');
-- a trigger repeated with the same idempotency key returns the first run
CREATE UNIQUE INDEX job_runs_idempotency_uidx ON job_runs (job_name, workspace_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;

CREATE TABLE job_run_events (
    run_id     uuid        NOT NULL REFERENCES job_runs (id) ON DELETE CASCADE,
    seq        integer     NOT NULL CHECK (seq >= 1),
    event      text        NOT NULL CHECK (event IN ('start_json', 'log', 'progress_json', 'state_json', 'end_json')),
    data       jsonb       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, seq)
);

CREATE TABLE error_events (
    id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at    timestamptz NOT NULL DEFAULT now(),
    severity       text        NOT NULL CHECK (severity IN ('info', 'warning', 'error', 'critical')),
    kind           text        NOT NULL CHECK (kind ~ '^[A-Z][A-Z0-9_]{0,63}$'),
    message        text        NOT NULL CHECK (length(message) <= 2000),
    job_name       text,
    workspace_id   uuid,
    run_id         uuid,
    correlation_id text,
    details        jsonb       NOT NULL DEFAULT '{}',
    resolved_at    timestamptz,
    resolved_by    text,
    CONSTRAINT error_events_resolved_together CHECK ((resolved_at IS NULL) = (resolved_by IS NULL))
);

CREATE INDEX error_events_occurred_idx ON error_events (occurred_at);
CREATE INDEX error_events_unresolved_idx ON error_events (severity) WHERE resolved_at IS NULL;
CREATE INDEX error_events_run_idx ON error_events (run_id) WHERE run_id IS NOT NULL;

CREATE TABLE error_event_rollups (
    day          date        NOT NULL,
    kind         text        NOT NULL,
    severity     text        NOT NULL CHECK (severity IN ('info', 'warning', 'error', 'critical')),
    count        bigint      NOT NULL CHECK (count >= 0),
    first_at     timestamptz NOT NULL,
    last_at      timestamptz NOT NULL,
    rolled_up_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (day, kind, severity)
);

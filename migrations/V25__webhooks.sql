-- Signed completion webhooks (docs/webhooks.md). An admin registers each webhook under a name, with the URL its
-- deliveries are POSTed to and a secret of its own that signs them; a job, a schedule or a trigger names one, and the
-- run stores the name it resolved to.
CREATE TABLE webhooks (
    name              text        PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,99}$'),
    url               text        NOT NULL CHECK (length(url) BETWEEN 1 AND 2000),
    description       text        NOT NULL DEFAULT '' CHECK (length(description) <= 1000),
    secret            text        NOT NULL CHECK (length(secret) BETWEEN 32 AND 200),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    updated_by        text        NOT NULL,
    secret_rotated_at timestamptz NOT NULL DEFAULT now()
);

-- The webhook a run calls when it ends, and the one a schedule's runs call. Null for the runs without one, which
-- cost nothing more: an absent value takes no space, and the triggers below test it in their WHEN clause alone. The
-- check on job_runs is validated apart, as V23's, so that adding it does not hold writes while it reads the runs.
ALTER TABLE job_runs ADD COLUMN webhook text;
ALTER TABLE job_runs ADD CONSTRAINT job_runs_webhook_length CHECK (length(webhook) <= 100) NOT VALID;
ALTER TABLE job_runs VALIDATE CONSTRAINT job_runs_webhook_length;
ALTER TABLE job_schedules ADD COLUMN webhook text CHECK (length(webhook) <= 100);

-- One delivery per end of a run with a webhook: a run retried after it ended ends again as a later attempt, hence the
-- key (run_id, run_attempt). The payload is the run's summary as it ended, written in the statement that ended it, so
-- that every attempt of the delivery sends the same body. Each attempt of the delivery is appended to attempts_log
-- ({attempt, at, http_status, error, duration_ms}). A replica that claims a delivery holds it until locked_until
-- (its lease): two replicas never send one delivery at once, and one killed mid-delivery leaves it to another once
-- the lease ran out. attempts counts the claims, and a claim's outcome is written only while it is still the last
-- one (its fence).
CREATE TABLE webhook_deliveries (
    id           uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    run_id       uuid        NOT NULL,
    run_attempt  integer     NOT NULL,
    webhook      text        NOT NULL,
    workspace_id uuid        NOT NULL,
    payload      json        NOT NULL,
    status       text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts     integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    attempts_log jsonb       NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(attempts_log) = 'array'),
    next_at      timestamptz NOT NULL DEFAULT now(),
    locked_until timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz,
    CHECK ((status = 'pending') = (finished_at IS NULL)),
    UNIQUE (run_id, run_attempt)
);
-- pending deliveries by when they are due (the delivery loop's claim)
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_at) WHERE status = 'pending';

-- A run with a webhook that ends gets its delivery, whichever statement ended it (an engine's flush, a worker's end, a
-- cancel, the sweeper, a bulk action), in that statement's transaction; the delivery loops of every replica are woken.
-- The summary's times are written as the API writes them (UTC, microseconds).
CREATE FUNCTION job_runs_webhook_delivery() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO webhook_deliveries (run_id, run_attempt, webhook, workspace_id, payload)
    VALUES (NEW.id, NEW.attempt, NEW.webhook, NEW.workspace_id, json_build_object(
        'id', NEW.id, 'job', NEW.job_name, 'workspace_id', NEW.workspace_id, 'status', NEW.status,
        'attempt', NEW.attempt, 'error', NEW.error, 'error_code', NEW.error_code, 'metrics', NEW.metrics,
        'started_at', to_char(NEW.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        'finished_at', to_char(NEW.finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        'duration_ms', NEW.duration_ms))
    ON CONFLICT (run_id, run_attempt) DO NOTHING;
    PERFORM pg_notify('jobstream_webhooks', '');
    RETURN NULL;
END
$$;

-- Declared as job_runs_transition is: the WHEN clause is tested for each row, and an AFTER trigger whose WHEN is false
-- queues nothing, so a run without a webhook pays that test alone.
CREATE TRIGGER job_runs_webhook_ended AFTER UPDATE ON job_runs
    FOR EACH ROW WHEN (NEW.webhook IS NOT NULL AND NEW.finished_at IS NOT NULL AND OLD.finished_at IS NULL)
    EXECUTE FUNCTION job_runs_webhook_delivery();
-- a run recorded as already ended (a schedule's tick whose exclusive slot was taken: skipped)
CREATE TRIGGER job_runs_webhook_recorded_ended AFTER INSERT ON job_runs
    FOR EACH ROW WHEN (NEW.webhook IS NOT NULL AND NEW.finished_at IS NOT NULL)
    EXECUTE FUNCTION job_runs_webhook_delivery();

-- Deliveries go with their run (retention, DELETE /v1/runs/{id}). Not a foreign key: its cascade would cost the delete
-- of every run (and TRUNCATE of job_runs would need CASCADE), where this trigger costs the runs with a webhook alone.
CREATE FUNCTION job_runs_delete_deliveries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM webhook_deliveries WHERE run_id = OLD.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER job_runs_webhook_deleted AFTER DELETE ON job_runs
    FOR EACH ROW WHEN (OLD.webhook IS NOT NULL)
    EXECUTE FUNCTION job_runs_delete_deliveries();

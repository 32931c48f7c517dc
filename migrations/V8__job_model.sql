-- The job model: retries with an attempt history, priorities, timeouts, runs of schedules, and schedules.

-- priority: higher runs first (-100 to 100, default 0); timeout_ms: how long one attempt may run (null: no limit);
-- attempts: the attempts that ended before the current one (number, owner, started/finished, outcome, error, code);
-- schedule_id: the schedule whose tick made the run.
ALTER TABLE job_runs
    ADD COLUMN priority    smallint NOT NULL DEFAULT 0 CHECK (priority BETWEEN -100 AND 100),
    ADD COLUMN timeout_ms  bigint   CHECK (timeout_ms > 0),
    ADD COLUMN attempts    jsonb    NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(attempts) = 'array'),
    ADD COLUMN schedule_id uuid;

-- queued runs in dispatch order: higher priority first, then the earliest due (within a priority, due runs come
-- before runs asked for later, so the claim never walks past many of those)
DROP INDEX job_runs_queued_idx;
CREATE INDEX job_runs_queued_idx ON job_runs (priority DESC, run_after, created_at) WHERE status = 'queued';

-- A failed or cancelled run may be retried by an operator: it goes back to queued as its next attempt.
DROP TRIGGER job_runs_transition ON job_runs;
CREATE TRIGGER job_runs_transition BEFORE UPDATE OF status ON job_runs
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status AND (OLD.status, NEW.status) NOT IN (
        ('queued', 'running'), ('queued', 'cancelled'),
        ('running', 'queued'), ('running', 'paused'), ('running', 'completed'), ('running', 'failed'),
        ('running', 'cancelled'),
        ('paused', 'running'), ('paused', 'queued'), ('paused', 'completed'), ('paused', 'failed'),
        ('paused', 'cancelled'),
        ('failed', 'queued'), ('cancelled', 'queued')))
    EXECUTE FUNCTION job_runs_check_transition();

-- A schedule fires its job on a cron (Unix, 5 fields) in a time zone. next_fire_at is the tick it fires next: the
-- replica that fires it moves it on in the same statement that inserts the tick's run, guarded by its old value, so
-- each tick fires once across replicas. source 'code': declared by the job (one per job); 'api': added by a user.
CREATE TABLE job_schedules (
    id            uuid        PRIMARY KEY,
    job_name      text        NOT NULL CHECK (length(job_name) BETWEEN 1 AND 200),
    workspace_id  uuid        NOT NULL,
    cron          text        NOT NULL CHECK (length(cron) BETWEEN 1 AND 200),
    time_zone     text        NOT NULL DEFAULT 'UTC' CHECK (length(time_zone) BETWEEN 1 AND 100),
    params        jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(params) = 'object'),
    priority      smallint    NOT NULL DEFAULT 0 CHECK (priority BETWEEN -100 AND 100),
    enabled       boolean     NOT NULL DEFAULT true,
    next_fire_at  timestamptz NOT NULL,
    last_fired_at timestamptz,
    last_run_id   uuid,
    source        text        NOT NULL CHECK (source IN ('code', 'api')),
    created_by    text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
-- enabled schedules by their next tick (the ticker's poll)
CREATE INDEX job_schedules_due_idx ON job_schedules (next_fire_at) WHERE enabled;
-- a job declares at most one schedule in code
CREATE UNIQUE INDEX job_schedules_code_uidx ON job_schedules (job_name) WHERE source = 'code';
CREATE INDEX job_schedules_workspace_idx ON job_schedules (workspace_id, created_at);

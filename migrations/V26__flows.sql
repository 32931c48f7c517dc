-- Flows (docs/flows.md): a run may wait for other runs — the ones its trigger named (depends_on), or the children its
-- job triggered and then waited for — and a running job may trigger child runs (parent_id). A waiting run is queued
-- and never due (run_after = 'infinity') until its dependencies have ended; then it becomes due, or it ends failed or
-- cancelled as its dependencies' policy says. No new status: a waiting run is shown display_status "waiting".
--
-- The columns are null for every run outside a flow, and cost such a run nothing: an absent value takes no space, the
-- partial indexes below hold no such run, and the triggers test them in their WHEN clause alone.
--   parent_id              the run whose job triggered this one (its child)
--   on_dependency_failure  what this run does when a run its trigger named (depends_on) failed or was cancelled:
--                          'fail' (it ends failed, error_code dependency_failed), 'cancel' (it ends cancelled) or
--                          'run' (it runs all the same); null: its trigger named none
--   has_dependencies       true when the run has rows in job_run_dependencies (it waits, or waited)
--   has_dependents         true when some run depends on this one: set, with the row locked, in the transaction that
--                          inserts the dependent, so that an end that commits after that transaction sees it
--   has_children           true when the run's job triggered children: set, with the row locked, by the statement
--                          that inserts the child, so that a cancel that commits after it cancels the child too
ALTER TABLE job_runs ADD COLUMN parent_id uuid, ADD COLUMN on_dependency_failure text,
    ADD COLUMN has_dependencies boolean, ADD COLUMN has_dependents boolean, ADD COLUMN has_children boolean;
ALTER TABLE job_runs ADD CONSTRAINT job_runs_on_dependency_failure
    CHECK (on_dependency_failure IN ('fail', 'cancel', 'run')) NOT VALID;
ALTER TABLE job_runs VALIDATE CONSTRAINT job_runs_on_dependency_failure;

-- a run's children, newest last (GET /v1/runs/{id}, the cancel of a parent)
CREATE INDEX job_runs_parent_idx ON job_runs (parent_id, created_at) WHERE parent_id IS NOT NULL;
-- the waiting runs (the safety net of the sweep reads them)
CREATE INDEX job_runs_waiting_idx ON job_runs (id) WHERE status = 'queued' AND run_after = 'infinity';

-- The edges of flows: run_id waits for depends_on. on_failure is the dependent's policy for this dependency: its
-- trigger's on_dependency_failure for the runs the trigger named, 'run' for the children a job waited for (the job
-- reads their results and decides). Deleted with the dependent (trigger below), kept when the dependency is deleted
-- (a dependency that is gone counts as ended, not as failed).
CREATE TABLE job_run_dependencies (
    run_id     uuid NOT NULL,
    depends_on uuid NOT NULL,
    on_failure text NOT NULL CHECK (on_failure IN ('fail', 'cancel', 'run')),
    PRIMARY KEY (run_id, depends_on)
);
CREATE INDEX job_run_dependencies_depends_on_idx ON job_run_dependencies (depends_on);

-- A dependent that fails because a dependency failed has never started: queued → failed is a transition now (the
-- list of V8, and that pair).
DROP TRIGGER job_runs_transition ON job_runs;
CREATE TRIGGER job_runs_transition BEFORE UPDATE OF status ON job_runs
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status AND (OLD.status, NEW.status) NOT IN (
        ('queued', 'running'), ('queued', 'cancelled'), ('queued', 'failed'),
        ('running', 'queued'), ('running', 'paused'), ('running', 'completed'), ('running', 'failed'),
        ('running', 'cancelled'),
        ('paused', 'running'), ('paused', 'queued'), ('paused', 'completed'), ('paused', 'failed'),
        ('paused', 'cancelled'),
        ('failed', 'queued'), ('cancelled', 'queued')))
    EXECUTE FUNCTION job_runs_check_transition();

-- Settles the waiting runs among `dependents`: one whose dependency failed (or was cancelled, or skipped) under the
-- policy 'fail' ends failed (error_code dependency_failed, naming it), under 'cancel' ends cancelled, both at once;
-- one whose dependencies have all ended becomes due (run_after = now()) and wakes the dispatchers. Answers how many
-- runs it changed.
--
-- Locking, so that no end is missed: the statement that ends a dependency holds its row; the trigger below then calls
-- this with lock_dependencies false and locks the waiting dependents first. Whoever writes a run's wait (the insert of
-- a dependent, a job's wait for its children, the sweep) calls it with lock_dependencies true after its wait is
-- written: it takes the dependencies FOR SHARE first (waiting for an end in flight to commit), then the dependents.
-- Each read below runs after those locks, with a snapshot of its own (PL/pgSQL in READ COMMITTED): of two
-- transactions that end two dependencies of one run, the second to lock the run sees the first's end; of a wait and
-- an end, either the wait's read sees the end, or the end's trigger sees the wait. The dependencies are always
-- locked before the dependents, so the two sides never wait for each other in a circle.
CREATE FUNCTION job_runs_settle(dependents uuid[], lock_dependencies boolean) RETURNS integer
    LANGUAGE plpgsql AS $$
DECLARE
    settled integer;
BEGIN
    IF lock_dependencies THEN
        PERFORM 1 FROM job_runs
          WHERE id = ANY (ARRAY(SELECT depends_on FROM job_run_dependencies WHERE run_id = ANY (dependents)))
          ORDER BY id FOR SHARE;
    END IF;
    PERFORM 1 FROM job_runs WHERE id = ANY (dependents) AND status = 'queued' AND run_after = 'infinity'
      ORDER BY id FOR UPDATE;
    WITH verdicts AS (
        SELECT r.id, v.fail_on, v.cancel_on, v.pending
          FROM job_runs r
               CROSS JOIN LATERAL (
                   SELECT count(*) FILTER (WHERE x.finished_at IS NULL AND x.id IS NOT NULL) AS pending,
                          min(d.depends_on::text || ' (' || x.job_name || ') ended ' || x.status)
                              FILTER (WHERE d.on_failure = 'fail' AND x.status IN ('failed', 'cancelled', 'skipped'))
                              AS fail_on,
                          min(d.depends_on::text)
                              FILTER (WHERE d.on_failure = 'cancel' AND x.status IN ('failed', 'cancelled', 'skipped'))
                              AS cancel_on
                     FROM job_run_dependencies d LEFT JOIN job_runs x ON x.id = d.depends_on
                    WHERE d.run_id = r.id) v
         WHERE r.id = ANY (dependents) AND r.status = 'queued' AND r.run_after = 'infinity'
    ), decided AS (
        SELECT id, fail_on,
               CASE WHEN fail_on IS NOT NULL THEN 'failed' WHEN cancel_on IS NOT NULL THEN 'cancelled'
                    WHEN pending = 0 THEN 'queued' END AS next
          FROM verdicts
    ), changed AS (
        UPDATE job_runs r
           SET status = d.next,
               run_after = now(),
               finished_at = CASE WHEN d.next <> 'queued' THEN now() END,
               error = CASE WHEN d.next = 'failed' THEN left('Dependency ' || d.fail_on, 1000) ELSE r.error END,
               error_code = CASE WHEN d.next = 'failed' THEN 'dependency_failed' ELSE r.error_code END,
               metrics = CASE WHEN d.next <> 'queued' THEN coalesce(r.metrics, '{}'::jsonb) ELSE r.metrics END,
               controlled_by = CASE WHEN d.next = 'cancelled' THEN 'flow' ELSE r.controlled_by END,
               last_seq = CASE WHEN d.next <> 'queued' THEN r.last_seq + 1 ELSE r.last_seq END,
               updated_at = now(),
               version = r.version + 1
          FROM decided d
         WHERE r.id = d.id AND d.next IS NOT NULL
        RETURNING r.id, r.status, r.last_seq, r.error, r.error_code
    ), events AS (
        INSERT INTO job_run_events (run_id, seq, event, data)
        SELECT id, last_seq, 'end_json',
               jsonb_build_object('ok', false, 'state', status, 'cancelled', status = 'cancelled', 'error', error,
                                  'error_code', error_code, 'metrics', '{}'::jsonb, 'duration_ms', NULL,
                                  'reason', 'dependency',
                                  'ts', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
          FROM changed
         WHERE status <> 'queued'
    ), notified AS (
        SELECT pg_notify('jobstream_runs', (extract(epoch FROM now()) * 1000000)::bigint::text),
               pg_notify('jobstream_events', (SELECT CASE WHEN count(*) <= 200 THEN string_agg(id::text, ',')
                                                      ELSE '' END FROM changed WHERE status <> 'queued')),
               CASE WHEN EXISTS (SELECT FROM changed WHERE status = 'queued')
                    THEN pg_notify('jobstream_queued', '') END
         WHERE EXISTS (SELECT FROM changed)
    )
    SELECT count(*) INTO settled FROM changed LEFT JOIN notified ON true;
    RETURN settled;
END
$$;

-- Cancels the active children of a run that was cancelled: queued and parked ones at once (with their end event),
-- executing ones by a cancel request to their engine or worker. Their own ends cancel their children in turn.
CREATE FUNCTION job_runs_cancel_children(parent uuid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    changed integer;
BEGIN
    PERFORM 1 FROM job_runs WHERE parent_id = parent AND status IN ('queued', 'running', 'paused')
      ORDER BY id FOR UPDATE;
    WITH cancelled AS (
        UPDATE job_runs
           SET status = 'cancelled', finished_at = now(), updated_at = now(), control_requested = NULL,
               controlled_by = 'parent:' || parent, last_seq = last_seq + 1, version = version + 1,
               duration_ms = CASE WHEN started_at IS NULL THEN NULL
                                  ELSE (extract(epoch FROM now() - started_at) * 1000)::bigint END
         WHERE parent_id = parent AND (status = 'queued' OR (status = 'paused' AND owner IS NULL))
        RETURNING id, last_seq, metrics, duration_ms
    ), requested AS (
        UPDATE job_runs
           SET control_requested = 'cancel', controlled_by = 'parent:' || parent, updated_at = now(),
               version = version + 1
         WHERE parent_id = parent AND status IN ('running', 'paused') AND owner IS NOT NULL
           AND control_requested IS DISTINCT FROM 'cancel'
        RETURNING id
    ), ended AS (
        INSERT INTO job_run_events (run_id, seq, event, data)
        SELECT id, last_seq, 'end_json',
               jsonb_build_object('ok', false, 'state', 'cancelled', 'cancelled', true, 'error', NULL,
                                  'metrics', coalesce(metrics, '{}'::jsonb), 'duration_ms', duration_ms,
                                  'forced', false, 'by', 'parent:' || parent,
                                  'ts', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
          FROM cancelled
    )
    SELECT count(*) INTO changed
      FROM (SELECT pg_notify('jobstream_control', x.id::text)
              FROM (SELECT id FROM cancelled UNION ALL SELECT id FROM requested) x) n;
    IF changed > 0 THEN
        PERFORM pg_notify('jobstream_runs', (extract(epoch FROM now()) * 1000000)::bigint::text);
        PERFORM pg_notify('jobstream_events', ''); -- rare: every stream reads its run again
    END IF;
END
$$;

-- A run in a flow that ends (status terminal, finished_at just set), whichever statement ended it (an engine's flush,
-- a worker's end, a cancel, the sweeper, a bulk action, a settle): a cancelled parent cancels its children, and its
-- dependents are settled. Declared as job_runs_webhook_ended is: a run outside any flow pays the WHEN test alone.
CREATE FUNCTION job_runs_flow_ended() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.has_children AND NEW.status = 'cancelled' THEN
        PERFORM job_runs_cancel_children(NEW.id);
    END IF;
    IF NEW.has_dependents THEN
        PERFORM job_runs_settle(ARRAY(SELECT run_id FROM job_run_dependencies WHERE depends_on = NEW.id), false);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER job_runs_flow_ended AFTER UPDATE ON job_runs
    FOR EACH ROW WHEN ((NEW.has_dependents OR NEW.has_children) AND NEW.finished_at IS NOT NULL
                       AND OLD.finished_at IS NULL)
    EXECUTE FUNCTION job_runs_flow_ended();

-- A dependent's edges go with it (retention, DELETE /v1/runs/{id}); a dependency that is deleted counts as ended for
-- the runs that wait for it, which are settled. Not a foreign key: its check would cost every run's delete.
CREATE FUNCTION job_runs_flow_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.has_dependencies THEN
        DELETE FROM job_run_dependencies WHERE run_id = OLD.id;
    END IF;
    IF OLD.has_dependents THEN
        PERFORM job_runs_settle(ARRAY(SELECT run_id FROM job_run_dependencies WHERE depends_on = OLD.id), false);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER job_runs_flow_deleted AFTER DELETE ON job_runs
    FOR EACH ROW WHEN (OLD.has_dependencies OR OLD.has_dependents)
    EXECUTE FUNCTION job_runs_flow_deleted();

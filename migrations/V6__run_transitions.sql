-- The run state machine, enforced by the schema as well as by the guarded statements: a status changes only along a
-- transition (see the README's "Run states"); a terminal run never changes status again. The trigger fires only
-- when the status changes.
CREATE FUNCTION job_runs_check_transition() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (OLD.status, NEW.status) IN (
        ('queued', 'running'), ('queued', 'cancelled'),
        ('running', 'queued'), ('running', 'paused'), ('running', 'completed'), ('running', 'failed'),
        ('running', 'cancelled'),
        ('paused', 'running'), ('paused', 'queued'), ('paused', 'completed'), ('paused', 'failed'),
        ('paused', 'cancelled'))
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'run % cannot go from % to %', OLD.id, OLD.status, NEW.status
        USING ERRCODE = 'check_violation';
END
$$;

CREATE TRIGGER job_runs_transition BEFORE UPDATE OF status ON job_runs
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION job_runs_check_transition();

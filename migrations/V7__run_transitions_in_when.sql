-- The status-transition check of V6, evaluated in the trigger's WHEN clause: the executor tests the pair itself, and
-- the function (which only raises) is called for a forbidden transition alone, not for every status change.
DROP TRIGGER job_runs_transition ON job_runs;
CREATE TRIGGER job_runs_transition BEFORE UPDATE OF status ON job_runs
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status AND (OLD.status, NEW.status) NOT IN (
        ('queued', 'running'), ('queued', 'cancelled'),
        ('running', 'queued'), ('running', 'paused'), ('running', 'completed'), ('running', 'failed'),
        ('running', 'cancelled'),
        ('paused', 'running'), ('paused', 'queued'), ('paused', 'completed'), ('paused', 'failed'),
        ('paused', 'cancelled')))
    EXECUTE FUNCTION job_runs_check_transition();

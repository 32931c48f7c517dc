-- A claim writes no entry into the indexes of the lists. A run's row version enters every index whose predicate it
-- matches, and no update of a run is HOT (its status is in the partial indexes' predicates): the claim's version of
-- every run used to enter the three indexes by creation and the status index, four entries for a state that lasts
-- milliseconds for a short job. Running runs (as many as the engines and workers' leases at most) are listed from an
-- index of their own, which the claim's version enters instead; the lists read it beside the others and merge.
-- The status index kept every status but completed: it now leaves out running too.
DROP INDEX job_runs_created_idx;
CREATE INDEX job_runs_created_idx ON job_runs (created_at DESC, id DESC) WHERE status <> 'running';

DROP INDEX job_runs_job_created_idx;
CREATE INDEX job_runs_job_created_idx ON job_runs (job_name, created_at DESC, id DESC) WHERE status <> 'running';

DROP INDEX job_runs_workspace_created_idx;
CREATE INDEX job_runs_workspace_created_idx
    ON job_runs (workspace_id, created_at DESC, id DESC, job_name, status, dry_run) WHERE status <> 'running';

DROP INDEX job_runs_status_created_idx;
CREATE INDEX job_runs_status_created_idx ON job_runs (status, created_at DESC, id DESC, job_name, workspace_id, dry_run)
    WHERE status NOT IN ('completed', 'running');

-- running runs newest first, the lists' filters checked in the index
CREATE INDEX job_runs_running_idx ON job_runs (created_at DESC, id DESC, job_name, workspace_id, dry_run)
    WHERE status = 'running';

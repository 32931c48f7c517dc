-- GET /v1/runs with a status other than completed (failed, running, queued, …), alone or with a job, workspaces or
-- dry_run: that status's runs newest first, the other filters checked in the index, so that a run that does not
-- match costs no read of the table. A run leaves it when it completes: the bulk of the table is not in it, and an
-- end writes no entry into it.
CREATE INDEX job_runs_status_created_idx ON job_runs (status, created_at DESC, id DESC, job_name, workspace_id, dry_run)
    WHERE status <> 'completed';

-- Retention finds the oldest ended runs through job_runs_created_idx (a run ends after it was created), so that an
-- end writes no index entry for retention alone.
DROP INDEX job_runs_finished_idx;

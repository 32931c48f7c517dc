-- GET /v1/runs of a workspace, or of a token's workspaces (each read on its own, newest first, and merged): its runs
-- in the order of the list, the job, status and dry_run checked in the index. It replaces the index by workspace and
-- job, whose runs of a workspace were not in the list's order: a workspace's page sorted all its runs, and a token of
-- several workspaces walked the newest runs of every workspace until a page of its own came (~14,500 rows for five
-- workspaces at 1,000,000 runs). A run still writes one entry in an index by workspace.
CREATE INDEX job_runs_workspace_created_idx
    ON job_runs (workspace_id, created_at DESC, id DESC, job_name, status, dry_run);

DROP INDEX job_runs_workspace_job_created_idx;

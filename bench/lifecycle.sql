-- pgbench script (bench/lists.sh): the index writes of one run's life, in one transaction — inserted queued,
-- claimed (running: none of these updates is HOT), ended completed.
\set ws random(0, 9999)
BEGIN;
INSERT INTO job_runs (id, job_name, workspace_id, exclusive)
VALUES (gen_random_uuid(), 'bench.lifecycle', ('00000000-0000-4000-8000-' || lpad(:ws::text, 12, '0'))::uuid, false)
RETURNING id AS run_id \gset
UPDATE job_runs
   SET status = 'running', owner = 'pgbench', started_at = now(), heartbeat_at = now(), updated_at = now(),
       version = version + 1
 WHERE id = :run_id;
UPDATE job_runs
   SET status = 'completed', finished_at = now(), duration_ms = 0, heartbeat_at = now(), updated_at = now(),
       last_seq = 2, version = version + 1
 WHERE id = :run_id;
COMMIT;

-- Existing runs for benchmarks, written straight to the tables (psql; the schema of migrations/ must be there).
--
--   psql -v runs=1000000 -v active=1 -f bench/seed.sql        (or bench/seed.sh 1000000)
--
-- runs: how many. active: 1 for the proportions below; 0 makes the queued, running and paused runs completed (history
-- only: a work-off measured on top of it finds no foreign runs in the queue). Appends to what is there.
--
-- Proportions: completed ~97.4 %, failed 1 %, queued 0.5 % (asked for later: not due), cancelled 0.5 %, skipped
-- 0.5 %, running 0.1 % (a tenth of them with a heartbeat 2 h old), paused 0.05 % (half parked); dry runs 2 %.
-- 20 jobs bench.job-00 … bench.job-19, skewed (job-00 ~ 22 %, job-18 ~ 1.3 %), and bench.job-19 a rare one (0.05 %:
-- a daily job). 10,000 workspaces 00000000-0000-4000-8000-<k, 12 digits>, skewed (k = 10000 · random()³: workspace 0
-- holds ~4.6 %, the first 100 ~21 %, the last ones a few runs per million). created_at spread over 29 days, in insert
-- order (as a live table is). Events: start_json, progress_json and end_json (log while executing) for every run
-- that started; a JOB_FAILED error event for every failed run.
\o /dev/null
SELECT setseed(0.42);
\o

WITH seeded AS (
    INSERT INTO job_runs (id, job_name, workspace_id, status, exclusive, dry_run, error, error_code, triggered_by,
                          owner, created_at, run_after, started_at, finished_at, updated_at, heartbeat_at,
                          duration_ms, last_seq, processed, total)
    SELECT gen_random_uuid(), job, workspace, status, false, dry_run,
           CASE WHEN status = 'failed' THEN 'Bench failure ' || (i % 7) END,
           CASE WHEN status = 'failed' THEN 'job_failed' END,
           'bench', CASE WHEN status = 'running' OR (status = 'paused' AND i % 2 = 0) THEN 'bench-replica' END,
           created_at,
           CASE WHEN status = 'queued' THEN created_at + interval '30 days' ELSE created_at END,
           CASE WHEN started THEN created_at + interval '50 milliseconds' END,
           CASE WHEN status IN ('completed', 'failed', 'cancelled', 'skipped') THEN created_at + interval '2 seconds' END,
           CASE WHEN status IN ('running', 'paused') THEN now() ELSE created_at + interval '2 seconds' END,
           CASE WHEN status = 'running' AND i % 10 = 0 THEN now() - interval '2 hours'
                WHEN status = 'running' OR (status = 'paused' AND i % 2 = 0)
                THEN now() - random() * interval '1 minute' END,
           CASE WHEN status IN ('completed', 'failed', 'cancelled') AND started THEN 1950 END,
           CASE WHEN started THEN 3 ELSE 0 END,
           CASE WHEN started THEN 10 ELSE 0 END, 10
      FROM (SELECT i, created_at, workspace, dry_run, job, status, status NOT IN ('queued', 'skipped') AS started
              FROM (SELECT i,
                           now() - interval '29 days' * random() AS created_at,
                           ('00000000-0000-4000-8000-' || lpad(floor(10000 * random() ^ 3)::text, 12, '0'))::uuid
                               AS workspace,
                           random() < 0.02 AS dry_run,
                           CASE WHEN j < 0.0005 THEN 'bench.job-19'
                                ELSE 'bench.job-' || lpad(floor(19 * j ^ 2)::text, 2, '0') END AS job,
                           CASE WHEN s < 0.001 THEN CASE WHEN :active = 1 THEN 'running' ELSE 'completed' END
                                WHEN s < 0.011 THEN 'failed'
                                WHEN s < 0.016 THEN CASE WHEN :active = 1 THEN 'queued' ELSE 'completed' END
                                WHEN s < 0.021 THEN 'cancelled'
                                WHEN s < 0.0215 THEN CASE WHEN :active = 1 THEN 'paused' ELSE 'completed' END
                                WHEN s < 0.0265 THEN 'skipped'
                                ELSE 'completed' END AS status
                      FROM (SELECT i, random() AS j, random() AS s FROM generate_series(1, :runs) i) draws) runs
             ORDER BY created_at) drawn
    RETURNING id, job_name, workspace_id, status, error, error_code, created_at, finished_at, last_seq
), events AS (
    INSERT INTO job_run_events (run_id, seq, event, data, created_at)
    SELECT r.id, e.seq, e.event, e.data, r.created_at + e.seq * interval '500 milliseconds'
      FROM seeded r
           CROSS JOIN LATERAL (VALUES (1, 'start_json', '{"params": {}}'::jsonb),
                                      (2, 'progress_json', '{"processed": 10, "total": 10}'::jsonb),
                                      (3, CASE WHEN r.finished_at IS NULL THEN 'log' ELSE 'end_json' END,
                                       jsonb_build_object('ok', r.status = 'completed', 'state', r.status)))
                           AS e(seq, event, data)
     WHERE r.last_seq = 3
)
INSERT INTO error_events (occurred_at, severity, kind, message, job_name, workspace_id, run_id, details)
SELECT finished_at, 'error', 'JOB_FAILED', 'Run of ' || job_name || ' failed: ' || error, job_name, workspace_id, id,
       jsonb_build_object('error_code', error_code, 'attempt', 1)
  FROM seeded
 WHERE status = 'failed';

VACUUM ANALYZE job_runs;
VACUUM ANALYZE job_run_events;
VACUUM ANALYZE error_events;

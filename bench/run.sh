#!/usr/bin/env bash
# jobstream benchmarks: pgbench -N baseline, trigger path, work-off (and pg-boss when Node is there), all in one
# run against one PostgreSQL; figures go into bench/RESULTS.md between the "bench:latest" markers.
#
#   eval "$(../shared/tools/pg-local.sh)"   # or export PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD yourself
#   bench/run.sh
#
# Needs: a JDK, pgbench and psql (postgresql-client), wrk; Node 20 + npm for the pg-boss (12.38.0) comparison.
# Knobs: RUNS (20000), DURATION (10 s per load phase), WARMUP (5 s), ENGINES (work-off engines, 1000), PORT (8097),
# DRAIN_ROUNDS (5: the drain is repeated on the same replica, whose JIT is still warming in the first rounds).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
: "${PGHOST:?set PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD (see the header of this script)}"
RUNS=${RUNS:-20000}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-5}
DRAIN_ROUNDS=${DRAIN_ROUNDS:-5}
ENGINES=${ENGINES:-1000}
PORT=${PORT:-8097}
OUT=bench/out
mkdir -p "$OUT"
export JOBSTREAM_TOKEN=$BENCH_TOKEN

[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -q package -DskipTests

q() { psql -qtAX -v ON_ERROR_STOP=1 -c "$1"; }
PID=
start_service() { # engines [port]
  local port=${2:-$PORT}
  JOBSTREAM_ADMIN_TOKEN=$BENCH_TOKEN JOBSTREAM_DEMO_JOBS=true JOBSTREAM_ENGINES_MAX=$1 QUARKUS_HTTP_PORT=$port \
    java -jar target/quarkus-app/quarkus-run.jar >"$OUT/service-$1.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$port/q/health/ready" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "service did not become ready; see $OUT/service-$1.log" >&2
  exit 1
}
stop_service() { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; PID=; }
trap stop_service EXIT

echo "== pgbench -N baseline"
pgbench -i -q -s 1 >/dev/null 2>&1
tps() { awk '/^tps = / {printf "%.0f", $3; exit}'; }
PGB1=$(pgbench -N -c 1 -T "$DURATION" 2>/dev/null | tps)
PGB64=$(pgbench -N -c 64 -j 2 -T "$DURATION" 2>/dev/null | tps)
pgbench -i -I d >/dev/null 2>&1
echo "pgbench -N: 1 client $PGB1 tps, 64 clients $PGB64 tps"

wrk_trigger() { # seconds output
  wrk -t2 -c64 -d"$1s" -s bench/trigger.lua "http://127.0.0.1:$PORT/v1/jobs/demo.sleep/runs" >"$2"
  tail -1 "$2"
}

echo "== trigger path: 64 clients, distinct workspaces (after ${WARMUP}s of warm-up)"
start_service 0
wrk_trigger "$WARMUP" "$OUT/warmup.txt" >/dev/null
q "TRUNCATE job_runs, job_run_events, error_events"
TRIGGER_API=$(wrk_trigger "$DURATION" "$OUT/trigger-api.txt")
stop_service
start_service 16
wrk_trigger "$WARMUP" "$OUT/warmup.txt" >/dev/null
q "TRUNCATE job_runs, job_run_events, error_events"
TRIGGER_EXEC=$(wrk_trigger "$DURATION" "$OUT/trigger-exec.txt")
stop_service
echo "API-only replica: $TRIGGER_API"
echo "replica also executing (16 engines): $TRIGGER_EXEC"

batch_body() { # file
  q "SELECT json_build_object('runs', json_agg(json_build_object('workspace_id', gen_random_uuid(),
       'params', json_build_object('items', 0)))) FROM generate_series(1, 1000)" >"$1"
}
enqueue() { # batches [port]
  for i in $(seq 1 "$1"); do
    curl -fsS -o /dev/null -H "Authorization: Bearer $BENCH_TOKEN" -H "Content-Type: application/json" \
      --data-binary "@$OUT/batch-$i.json" "http://127.0.0.1:${2:-$PORT}/v1/jobs/demo.sleep/runs/batch"
  done
}
# Waits until no run is left queued or executing (two index scans: a count of the whole table every 0.1 s would
# cost PostgreSQL a good part of a core and slow down what it measures), then checks that all of them completed.
await_completed() { # count
  for _ in $(seq 1 1200); do
    if [ "$(q "SELECT (SELECT count(*) FROM job_runs WHERE status = 'queued')
                    + (SELECT count(*) FROM job_runs WHERE status IN ('running', 'paused'))")" -eq 0 ]; then
      [ "$(q "SELECT count(*) FROM job_runs WHERE status = 'completed'")" -ge "$1" ] && return 0
    fi
    sleep 0.1
  done
  echo "runs did not complete in time" >&2
  return 1
}

echo "== work-off: $RUNS no-op runs enqueued through /runs/batch while $ENGINES engines execute them"
BATCHES=$((RUNS / 1000))
for i in $(seq 1 "$BATCHES"); do batch_body "$OUT/batch-$i.json"; done
start_service "$ENGINES"
q "TRUNCATE job_runs, job_run_events, error_events"
enqueue 5 && await_completed 5000
q "TRUNCATE job_runs, job_run_events, error_events"
enqueue "$BATCHES"
await_completed "$RUNS"
END_TO_END_S=$(q "SELECT round(extract(epoch FROM max(finished_at) - min(created_at))::numeric, 3) FROM job_runs")
ENQUEUE_S=$(q "SELECT round(extract(epoch FROM max(created_at) - min(created_at))::numeric, 3) FROM job_runs")
COMPLETED=$(q "SELECT count(*) FROM job_runs WHERE status = 'completed'")
EVENTS=$(q "SELECT count(*) FROM job_run_events")
WORKOFF_RPS=$(echo "scale=0; $COMPLETED / $END_TO_END_S" | bc)
echo "work-off end to end: $COMPLETED completed ${END_TO_END_S}s after the first enqueue = $WORKOFF_RPS runs/s; $EVENTS events"

echo "== drain: the same warm replica, paused (SIGSTOP) while a second, API-only replica enqueues $RUNS runs; $DRAIN_ROUNDS rounds"
WORKER=$PID
DRAINS=()
for round in $(seq 1 "$DRAIN_ROUNDS"); do
  q "TRUNCATE job_runs, job_run_events, error_events"
  kill -STOP "$WORKER"
  start_service 0 $((PORT + 1))
  enqueue "$BATCHES" $((PORT + 1))
  stop_service
  PID=$WORKER
  kill -CONT "$WORKER"
  await_completed "$RUNS"
  DRAIN_S=$(q "SELECT round(extract(epoch FROM max(finished_at) - min(started_at))::numeric, 3) FROM job_runs")
  DRAIN_EVENTS=$(q "SELECT count(*) FROM job_run_events")
  DRAINS+=("$(echo "scale=0; $RUNS / $DRAIN_S" | bc)")
  echo "drain round $round: $RUNS runs from first claim to last completion in ${DRAIN_S}s = ${DRAINS[-1]} runs/s; $DRAIN_EVENTS events"
done
stop_service
DRAIN_RPS=$(printf '%s\n' "${DRAINS[@]}" | sort -n | sed -n "$(((DRAIN_ROUNDS + 1) / 2))p")

PGBOSS="not run (needs node and npm)"
if command -v npm >/dev/null 2>&1 && [ -f bench/pgboss/package.json ]; then
  echo "== pg-boss work-off, same PostgreSQL"
  (cd bench/pgboss && npm ci --silent --no-audit --no-fund >/dev/null 2>&1)
  PGBOSS=$(cd bench/pgboss && JOBS=$RUNS node workoff.mjs | tail -1) || PGBOSS="failed: see output above"
  echo "pg-boss: $PGBOSS"
fi

ratio() { echo "scale=2; $1 / $2" | bc; }
TRIGGER_API_RPS=$(echo "$TRIGGER_API" | sed -E 's/.*"rps":([0-9.]+).*/\1/')
TRIGGER_EXEC_RPS=$(echo "$TRIGGER_EXEC" | sed -E 's/.*"rps":([0-9.]+).*/\1/')
REPORT="$OUT/latest.md"
cat >"$REPORT" <<MD
<!-- bench:latest:begin -->
### Latest run: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, PostgreSQL $(q "SHOW server_version") at $PGHOST:$PGPORT

Command: \`bench/run.sh\` (RUNS=$RUNS DURATION=$DURATION ENGINES=$ENGINES)

| figure | value |
|---|---|
| \`pgbench -N\`, 1 client | $PGB1 tps |
| \`pgbench -N -c 64 -j 2\` | $PGB64 tps |
| trigger path, API-only replica (\`JOBSTREAM_ENGINES_MAX=0\`), 64 wrk clients | $TRIGGER_API → **$(ratio "$TRIGGER_API_RPS" "$PGB1") ×** pgbench -N (1 client), $(ratio "$TRIGGER_API_RPS" "$PGB64") × (64 clients) |
| trigger path, replica executing the runs too (16 engines) | $TRIGGER_EXEC → $(ratio "$TRIGGER_EXEC_RPS" "$PGB1") × pgbench -N (1 client) |
| work-off: $RUNS no-op runs enqueued through /runs/batch (1000 a call) while $ENGINES engines execute them, start + end events | **$WORKOFF_RPS runs/s** end to end: $COMPLETED completed ${END_TO_END_S} s after the first enqueue (enqueueing took ${ENQUEUE_S} s of it); $EVENTS events stored |
| drain of $RUNS queued runs by a warm replica ($ENGINES engines), first claim → last completion, median of $DRAIN_ROUNDS | **$DRAIN_RPS runs/s** (rounds: ${DRAINS[*]} runs/s; $DRAIN_EVENTS events stored in the last) |
| pg-boss work-off, same database, batch 1000 × 4 workers, \`burstWhenBatchFull\` | $PGBOSS |
<!-- bench:latest:end -->
MD
write_section latest "$REPORT"
cat "$REPORT"

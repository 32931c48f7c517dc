#!/usr/bin/env bash
# jobstream benchmarks: pgbench -N baseline, trigger path, work-off (and pg-boss when Node is there), all in one
# run against one PostgreSQL; figures go into bench/RESULTS.md between the "bench:latest" markers.
#
#   eval "$(../shared/tools/pg-local.sh)"   # or export PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD yourself
#   bench/run.sh
#
# Needs: a JDK, pgbench and psql (postgresql-client), wrk; Node 20 + npm for the pg-boss (12.38.0) comparison.
# Knobs: RUNS (20000), WARM (20000 jobs of warm-up before the work-offs, for both), DURATION (10 s per load phase),
# WARMUP (5 s of the trigger path), PORT (8097), E2E_ROUNDS and DRAIN_ROUNDS (3 each,
# median: the JIT is still warming in the first rounds), TUNED (the settings of the tuned work-off), JOB (the job of
# the work-off: demo.noop, not exclusive, as pg-boss's jobs are; the exclusive demo.sleep is measured beside it).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
: "${PGHOST:?set PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD (see the header of this script)}"
RUNS=${RUNS:-20000}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-5}
# jobs each system works off before it is measured (at most RUNS: the warm-up posts the same batches). 20,000: after
# 5,000 the replica's rounds still climbed on 2 cores (its JIT was not done).
WARM=${WARM:-20000}
[ "$WARM" -le "$RUNS" ] || WARM=$RUNS
E2E_ROUNDS=${E2E_ROUNDS:-3}
DRAIN_ROUNDS=${DRAIN_ROUNDS:-3}
# the settings docs/configuration.md ("Short jobs") recommends
TUNED=${TUNED:-JOBSTREAM_ENGINES_MAX=1000 JOBSTREAM_ENGINES_MAX_ENDING=2000}
PORT=${PORT:-8097}
JOB=${JOB:-demo.noop}
OUT=bench/out
mkdir -p "$OUT"
export JOBSTREAM_TOKEN=$BENCH_TOKEN

[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -q package -DskipTests
command -v wrk >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; } || {
  echo "wrk is needed (apt-get install wrk)" >&2
  exit 1
}

q() { psql -qtAX -v ON_ERROR_STOP=1 -c "$1"; }
PID=
start_service() { # engines [port [VAR=value …]]: engines "" leaves jobstream's default
  local engines=$1 port=${2:-$PORT}
  shift; shift || true
  env JOBSTREAM_ADMIN_TOKEN=$BENCH_TOKEN JOBSTREAM_DEMO_JOBS=true ${engines:+JOBSTREAM_ENGINES_MAX=$engines} \
    QUARKUS_HTTP_PORT=$port "$@" java -jar target/quarkus-app/quarkus-run.jar >"$OUT/service-${engines:-default}.log" 2>&1 &
  PID=$!
  await_ready "$port" "$OUT/service-${engines:-default}.log"
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

batch_body() { # file params: 1,000 runs, each in a workspace of its own
  q "SELECT json_build_object('runs', json_agg(json_build_object('workspace_id', gen_random_uuid(),
       'params', '$2'::json))) FROM generate_series(1, 1000)" >"$1"
}
enqueue() { # batches [port]: of $JOB
  for i in $(seq 1 "$1"); do
    curl -fsS -o /dev/null -H "Authorization: Bearer $BENCH_TOKEN" -H "Content-Type: application/json" \
      --data-binary "@$OUT/$JOB-batch-$i.json" "http://127.0.0.1:${2:-$PORT}/v1/jobs/$JOB/runs/batch"
  done
}
median() { printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"; }

# workoff LABEL [VAR=value …]: a warm replica with these settings (after WARM runs) works off RUNS no-op runs
# E2E_ROUNDS times end to end (posted through /runs/batch while it executes them) and DRAIN_ROUNDS times as a drain
# (enqueued by an API-only replica while it is frozen); sets E2E_RPS, E2E_ALL, DRAIN_RPS, DRAIN_ALL, EVENTS.
workoff() {
  local label=$1
  shift
  echo "== work-off, $label: $RUNS no-op runs; $E2E_ROUNDS rounds end to end, $DRAIN_ROUNDS rounds of drain"
  start_service "" "$PORT" "$@"
  local worker=$PID e2e=() drains=()
  DONE=0
  q "TRUNCATE job_runs, job_run_events, error_events"
  enqueue $((WARM / 1000)) && await_completed "$WARM"
  for round in $(seq 1 "$E2E_ROUNDS"); do
    q "TRUNCATE job_runs, job_run_events, error_events"
    enqueue "$BATCHES"
    await_completed "$RUNS"
    e2e+=("$(q "SELECT round($RUNS / extract(epoch FROM max(finished_at) - min(created_at))::numeric) FROM job_runs")")
    echo "end to end, round $round: ${e2e[-1]} runs/s"
  done
  for round in $(seq 1 "$DRAIN_ROUNDS"); do
    q "TRUNCATE job_runs, job_run_events, error_events"
    kill -STOP "$worker"
    start_service 0 $((PORT + 1))
    enqueue "$BATCHES" $((PORT + 1))
    stop_service
    PID=$worker
    kill -CONT "$worker"
    await_completed "$RUNS"
    drains+=("$(q "SELECT round($RUNS / extract(epoch FROM max(finished_at) - min(started_at))::numeric) FROM job_runs")")
    echo "drain, round $round: ${drains[-1]} runs/s"
  done
  EVENTS=$(q "SELECT count(*) FROM job_run_events")
  STARTS_ENDS=$(q "SELECT count(*) FILTER (WHERE start_seq IS NOT NULL) + count(*) FILTER (WHERE end_seq IS NOT NULL)
                     FROM job_runs")
  stop_service
  E2E_RPS=$(median "${e2e[@]}"); E2E_ALL="${e2e[*]}"
  DRAIN_RPS=$(median "${drains[@]}"); DRAIN_ALL="${drains[*]}"
}

BATCHES=$((RUNS / 1000))
for i in $(seq 1 "$BATCHES"); do
  batch_body "$OUT/demo.noop-batch-$i.json" '{}'
  batch_body "$OUT/demo.sleep-batch-$i.json" '{"items":0}'
done
workoff "$JOB, jobstream's default settings"
DEF_E2E=$E2E_RPS DEF_E2E_ALL=$E2E_ALL DEF_DRAIN=$DRAIN_RPS DEF_DRAIN_ALL=$DRAIN_ALL
workoff "$JOB, tuned for short jobs ($TUNED)" $TUNED
TUN_E2E=$E2E_RPS TUN_E2E_ALL=$E2E_ALL TUN_DRAIN=$DRAIN_RPS TUN_DRAIN_ALL=$DRAIN_ALL
# the exclusive job beside it (one active run per workspace: each run's insert and claim check the exclusive index)
JOB=demo.sleep DRAIN_ROUNDS=1 workoff "demo.sleep (exclusive), jobstream's default settings"
EXC_E2E=$E2E_RPS EXC_E2E_ALL=$E2E_ALL

PGBOSS="not run (needs node and npm)"
PGBOSS_E2E=
PGBOSS_DRAIN=
if command -v npm >/dev/null 2>&1 && [ -f bench/pgboss/package.json ]; then
  echo "== pg-boss work-off, same PostgreSQL"
  (cd bench/pgboss && npm ci --silent --no-audit --no-fund >/dev/null 2>&1)
  # as many rounds as jobstream's, each a warm-up, an end to end and a drain; the medians are compared
  pgboss_e2e=() pgboss_drain=()
  for round in $(seq 1 "$E2E_ROUNDS"); do
    PGBOSS=$(cd bench/pgboss && JOBS=$RUNS WARM=$WARM node workoff.mjs | tail -1) || { PGBOSS="failed: see output above"; break; }
    pgboss_e2e+=("$(echo "$PGBOSS" | sed -nE 's/.*"end_to_end_per_s":([0-9]+).*/\1/p')")
    pgboss_drain+=("$(echo "$PGBOSS" | sed -nE 's/.*"drain_per_s":([0-9]+).*/\1/p')")
    echo "pg-boss, round $round: $PGBOSS"
  done
  if [ ${#pgboss_e2e[@]} -gt 0 ]; then
    PGBOSS_E2E=$(median "${pgboss_e2e[@]}") PGBOSS_DRAIN=$(median "${pgboss_drain[@]}")
    PGBOSS="end to end $PGBOSS_E2E jobs/s (rounds: ${pgboss_e2e[*]}), drain $PGBOSS_DRAIN jobs/s (rounds: ${pgboss_drain[*]}); the last round: $PGBOSS"
  fi
fi

ratio() { echo "scale=2; $1 / $2" | bc; }
vs() { [ -n "$2" ] && echo "$(ratio "$1" "$2") ×" || echo "(no pg-boss figure)"; }
PGBOSS_VERSION=$(echo "$PGBOSS" | sed -nE 's/.*"version":"([^"]+)".*/\1/p')
TRIGGER_API_RPS=$(echo "$TRIGGER_API" | sed -E 's/.*"rps":([0-9.]+).*/\1/')
TRIGGER_EXEC_RPS=$(echo "$TRIGGER_EXEC" | sed -E 's/.*"rps":([0-9.]+).*/\1/')
REPORT="$OUT/latest.md"
cat >"$REPORT" <<MD
<!-- bench:latest:begin -->
### Latest run: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, PostgreSQL $(q "SHOW server_version") at $PGHOST:$PGPORT

Command: \`bench/run.sh\` (RUNS=$RUNS DURATION=$DURATION E2E_ROUNDS=$E2E_ROUNDS DRAIN_ROUNDS=$DRAIN_ROUNDS)

| figure | value |
|---|---|
| \`pgbench -N\`, 1 client | $PGB1 tps |
| \`pgbench -N -c 64 -j 2\` | $PGB64 tps |
| trigger path, API-only replica (\`JOBSTREAM_ENGINES_MAX=0\`), 64 wrk clients | $TRIGGER_API → **$(ratio "$TRIGGER_API_RPS" "$PGB1") ×** pgbench -N (1 client), $(ratio "$TRIGGER_API_RPS" "$PGB64") × (64 clients) |
| trigger path, replica executing the runs too (16 engines) | $TRIGGER_EXEC → $(ratio "$TRIGGER_EXEC_RPS" "$PGB1") × pgbench -N (1 client) |
| work-off end to end at jobstream's default settings: $RUNS no-op runs of $JOB posted through /runs/batch (1000 a call) while the replica executes them, median of $E2E_ROUNDS | **$DEF_E2E runs/s** (rounds: $DEF_E2E_ALL) → **$(vs "$DEF_E2E" "$PGBOSS_E2E")** pg-boss |
| the same, tuned for short jobs ($TUNED) | **$TUN_E2E runs/s** (rounds: $TUN_E2E_ALL) → **$(vs "$TUN_E2E" "$PGBOSS_E2E")** pg-boss |
| drain of $RUNS queued runs by a warm replica, first claim → last completion, median of $DRAIN_ROUNDS: default / tuned | $DEF_DRAIN runs/s (rounds: $DEF_DRAIN_ALL) → $(vs "$DEF_DRAIN" "$PGBOSS_DRAIN") pg-boss; $TUN_DRAIN runs/s (rounds: $TUN_DRAIN_ALL) → $(vs "$TUN_DRAIN" "$PGBOSS_DRAIN") pg-boss |
| the same at default settings with the exclusive demo.sleep (one active run per workspace) | $EXC_E2E runs/s (rounds: $EXC_E2E_ALL) → $(vs "$EXC_E2E" "$PGBOSS_E2E") pg-boss |
| event rows stored in the last round; starts and ends read from the runs' rows | $EVENTS; $STARTS_ENDS |
| pg-boss $PGBOSS_VERSION, same database: warm-up $WARM, then $RUNS jobs inserted (1000 a call) while 4 workers (batch 1000, \`burstWhenBatchFull\`) work them off, and a drain | $PGBOSS |
<!-- bench:latest:end -->
MD
write_section latest "$REPORT"
cat "$REPORT"

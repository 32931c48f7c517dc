#!/usr/bin/env bash
# Where a short run's CPU goes, and how much of it index work could save. A replica at jobstream's default settings
# works off RUNS no-op runs posted through /runs/batch while it executes them (end to end), ROUNDS times after a
# warm-up; around each round the CPU time of the JVM and of every PostgreSQL process is read from /proc. Then the same
# on the same schema with the indexes of job_runs that only lists, the live feed and the sweeper read dropped (DROP):
# what a schema whose updates of a run write no index entry could at most save. Then the posting alone, on an
# API-only replica. Figures go into bench/RESULTS.md between the "bench:costs" markers.
#
#   eval "$(../shared/tools/pg-local.sh)"; bench/costs.sh       # ~5 minutes
#
# Knobs: RUNS (20000), ROUNDS (6; the median of the last half is reported: the replica's JIT is not done after the
# warm-up on 2 cores), PORT (8096), DROP (the indexes dropped). Works in a database of its own, <PGDATABASE>_costs,
# dropped and made again.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
: "${PGHOST:?set PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD (see the header of this script)}"
RUNS=${RUNS:-20000}
ROUNDS=${ROUNDS:-6}
PORT=${PORT:-8096}
DROP=${DROP:-job_runs_created_idx job_runs_job_created_idx job_runs_workspace_created_idx job_runs_status_created_idx
job_runs_updated_id_idx job_runs_executing_heartbeat_idx}
OUT=bench/out
mkdir -p "$OUT"
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -q package -DskipTests
BASE_DB=$PGDATABASE
export PGDATABASE=${BASE_DB}_costs
psql -qX -d "$BASE_DB" -c "DROP DATABASE IF EXISTS $PGDATABASE" -c "CREATE DATABASE $PGDATABASE"

q() { psql -qtAX -v ON_ERROR_STOP=1 -c "$1"; }
PID=
stop_service() { [ -z "$PID" ] || { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; PID=; }; }
trap stop_service EXIT
start_service() { # ENGINES
  env JOBSTREAM_ADMIN_TOKEN=$BENCH_TOKEN JOBSTREAM_DEMO_JOBS=true ${1:+JOBSTREAM_ENGINES_MAX=$1} QUARKUS_HTTP_PORT=$PORT \
    java -jar target/quarkus-app/quarkus-run.jar >"$OUT/service-costs.log" 2>&1 &
  PID=$!
  DONE=0
  await_ready "$PORT" "$OUT/service-costs.log"
}
batches costs "$RUNS"
enqueue() { post_batches costs "$RUNS"; }
ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
pg_ticks() { local p t=0; for p in $(pgrep -x postgres); do t=$((t + $(ticks "$p"))); done; echo "$t"; }
us_per_run() { echo $((($1) * 1000000 / $(getconf CLK_TCK) / RUNS)); }
median() { printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"; }

# measure LABEL: ROUNDS end-to-end rounds on a fresh table; sets ROW
measure() {
  local rates=() jvm=() pg=() j0 p0 round
  q "TRUNCATE job_runs, job_run_events, error_events"
  enqueue && await_completed "$RUNS" # warm-up
  for round in $(seq 1 "$ROUNDS"); do
    q "TRUNCATE job_runs, job_run_events, error_events"
    j0=$(ticks "$PID") p0=$(pg_ticks)
    enqueue
    await_completed "$RUNS"
    jvm+=("$(us_per_run "$(ticks "$PID") - j0")") pg+=("$(us_per_run "$(pg_ticks) - p0")")
    rates+=("$(q "SELECT round($RUNS / extract(epoch FROM max(finished_at) - min(created_at))::numeric) FROM job_runs")")
    echo "$1, round $round: ${rates[-1]} runs/s, JVM ${jvm[-1]} µs/run, PostgreSQL ${pg[-1]} µs/run"
  done
  local late=$((ROUNDS / 2))
  ROW="| $1 | **$(median "${rates[@]:$late}")** (rounds: ${rates[*]}) | $(median "${jvm[@]:$late}") | $(median "${pg[@]:$late}") |"
}

start_service # migrates
measure "all indexes of job_runs"
ALL=$ROW
stop_service
for index in $DROP; do q "DROP INDEX $index"; done
start_service
measure "without $(echo $DROP | wc -w) of them"
FEWER=$ROW
stop_service

start_service 0 # posting alone
posted=()
for round in $(seq 1 "$ROUNDS"); do
  q "TRUNCATE job_runs, job_run_events, error_events"
  j0=$(ticks "$PID") p0=$(pg_ticks) t0=$(date +%s%N)
  enqueue
  t1=$(date +%s%N)
  posted+=("$((RUNS * 1000000000 / (t1 - t0)))")
  echo "posting alone, round $round: ${posted[-1]} runs/s, JVM $(us_per_run "$(ticks "$PID") - j0") µs/run, PostgreSQL $(us_per_run "$(pg_ticks) - p0") µs/run"
done
POSTED="$(median "${posted[@]:$((ROUNDS / 2))}") runs/s (rounds: ${posted[*]})"
stop_service

REPORT="$OUT/costs.md"
cat >"$REPORT" <<MD
<!-- bench:costs:begin -->
### Where a short run's CPU goes, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, PostgreSQL $(q "SHOW server_version")

Command: \`bench/costs.sh\` (RUNS=$RUNS ROUNDS=$ROUNDS), default settings, end to end, after a warm-up of $RUNS;
CPU time of the JVM and of all PostgreSQL processes per run, medians of the last $((ROUNDS - ROUNDS / 2)) rounds.
Dropped in the second row: $(echo $DROP | sed 's/ /, /g').

| schema | end to end, runs/s | JVM µs/run | PostgreSQL µs/run |
|---|---|---|---|
$ALL
$FEWER

Posting alone (API-only replica, calls of 1,000 one after the other): $POSTED.
<!-- bench:costs:end -->
MD
write_section costs "$REPORT"
cat "$REPORT"

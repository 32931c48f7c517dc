#!/usr/bin/env bash
# Where a short run's CPU goes, and how much of it index work could save. A replica at jobstream's default settings
# works off RUNS no-op runs posted through /runs/batch while it executes them (end to end), ROUNDS times after a
# warm-up; around each round the CPU time of the JVM and of every PostgreSQL process is read from /proc. Then the same
# on the same schema with the indexes of job_runs that only lists, the live feed and the sweeper read dropped (DROP):
# what a schema whose updates of a run write no index entry could at most save. Then the posting alone, on an
# API-only replica. Then pg-boss (bench/pgboss, 12.38.0) working off its no-op jobs on the same PostgreSQL, measured
# the same way per job: CPU of PostgreSQL and of its Node process, WAL bytes, rows written. Figures go into
# bench/RESULTS.md between the "bench:costs" markers.
#
#   eval "$(../shared/tools/pg-local.sh)"; bench/costs.sh       # ~5 minutes
#
# Knobs: RUNS (20000), ROUNDS (6; the median of the last half is reported: the replica's JIT is not done after the
# warm-up on 2 cores), PORT (8096), DROP (the indexes dropped; DROP= drops none), JAVA_OPTS (to the replica), PEERS (1; 0 skips the
# posting alone and pg-boss, for a quick comparison of two schemas), SECOND_JAVA_OPTS, SECOND_JAR and SECOND (the
# second row's replica options, build and label: DROP= SECOND_JAVA_OPTS=-D… SECOND=… compares a setting, DROP=
# SECOND_JAR=…/quarkus-run.jar SECOND=… another build). Works in a database of its own,
# <PGDATABASE>_costs, dropped and made again.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
: "${PGHOST:?set PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD (see the header of this script)}"
RUNS=${RUNS:-20000}
ROUNDS=${ROUNDS:-6}
PORT=${PORT:-8096}
DROP=${DROP-job_runs_created_idx job_runs_job_created_idx job_runs_workspace_created_idx job_runs_status_created_idx
job_runs_updated_id_idx job_runs_executing_heartbeat_idx job_runs_running_idx}
OUT=bench/out
mkdir -p "$OUT"
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -q package -DskipTests
BASE_DB=$PGDATABASE
export PGDATABASE=${BASE_DB}_costs
# each row is measured in a database made for it, the same way
fresh_database() { psql -qX -d "$BASE_DB" -c "DROP DATABASE IF EXISTS $PGDATABASE" -c "CREATE DATABASE $PGDATABASE"; }

q() { psql -qtAX -v ON_ERROR_STOP=1 -c "$1"; }
PID=
stop_service() { [ -z "$PID" ] || { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; PID=; }; }
trap stop_service EXIT
start_service() { # ENGINES
  env JOBSTREAM_ADMIN_TOKEN=$BENCH_TOKEN JOBSTREAM_DEMO_JOBS=true ${1:+JOBSTREAM_ENGINES_MAX=$1} QUARKUS_HTTP_PORT=$PORT \
    java ${JAVA_OPTS:-} -jar "${JAR:-target/quarkus-app/quarkus-run.jar}" >"$OUT/service-costs.log" 2>&1 &
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
# write counters of the database: WAL bytes (the cluster's), and rows inserted, updated and HOT-updated in the tables
# of the schema $1 (PostgreSQL publishes a backend's counts within 10 s of its last write: settle first)
settle() { sleep 11; }
writes() { q "SELECT (SELECT wal_bytes FROM pg_stat_wal), coalesce(sum(n_tup_ins), 0), coalesce(sum(n_tup_upd), 0),
                     coalesce(sum(n_tup_hot_upd), 0) FROM pg_stat_user_tables WHERE schemaname = '$1'" | tr '|' ' '; }
per_run() { # before after runs: "WAL bytes/run, rows inserted + updated/run (HOT %)"
  read -r w0 i0 u0 h0 <<<"$1"; read -r w1 i1 u1 h1 <<<"$2"
  local rows=$(((i1 - i0) + (u1 - u0)))
  echo "$(((w1 - w0) / $3)) | $(echo "scale=2; $rows / $3" | bc) ($(((u1 - u0) > 0 ? (h1 - h0) * 100 / (u1 - u0) : 0)) % of updates HOT)"
}

# measure LABEL: ROUNDS end-to-end rounds on a fresh table; sets ROW
measure() {
  local rates=() jvm=() pg=() j0 p0 round w0
  q "TRUNCATE job_runs, job_run_events, error_events"
  enqueue && await_completed "$RUNS" # warm-up
  settle
  w0=$(writes public)
  for round in $(seq 1 "$ROUNDS"); do
    q "TRUNCATE job_runs, job_run_events, error_events"
    j0=$(ticks "$PID") p0=$(pg_ticks)
    enqueue
    await_completed "$RUNS"
    jvm+=("$(us_per_run "$(ticks "$PID") - j0")") pg+=("$(us_per_run "$(pg_ticks) - p0")")
    rates+=("$(q "SELECT round($RUNS / extract(epoch FROM max(finished_at) - min(created_at))::numeric) FROM job_runs")")
    echo "$1, round $round: ${rates[-1]} runs/s, JVM ${jvm[-1]} µs/run, PostgreSQL ${pg[-1]} µs/run"
  done
  settle
  local late=$((ROUNDS / 2)) wal
  wal=$(per_run "$w0" "$(writes public)" $((RUNS * ROUNDS)))
  ROW="| $1 | **$(median "${rates[@]:$late}")** (rounds: ${rates[*]}) | $(median "${jvm[@]:$late}") | $(median "${pg[@]:$late}") | $wal |"
}

fresh_database
start_service # migrates
stop_service
start_service
measure "all indexes of job_runs"
ALL=$ROW
stop_service
fresh_database
JAR=${SECOND_JAR:-} start_service # migrates
stop_service
for index in $DROP; do q "DROP INDEX $index"; done
JAR=${SECOND_JAR:-} JAVA_OPTS=${SECOND_JAVA_OPTS:-${JAVA_OPTS:-}} start_service
measure "${SECOND:-without $(echo $DROP | wc -w) of them}"
FEWER=$ROW
stop_service

if [ "${PEERS:-1}" = 0 ]; then
  printf '%s\n%s\n' "$ALL" "$FEWER"
  exit 0
fi

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

PGBOSS_ROW="| pg-boss (not run: needs node and npm) | | | | |"
if command -v npm >/dev/null 2>&1; then
  (cd bench/pgboss && npm ci --silent --no-audit --no-fund >/dev/null 2>&1)
  # its warm-up, end to end and drain: WARM + 2 × JOBS jobs, each inserted, fetched and completed
  settle
  # the script drops and makes its schema again: its tables' counts start at 0
  before="$(q "SELECT wal_bytes FROM pg_stat_wal") 0 0 0"
  # its connections' backends exit with it: their CPU is sampled while they live (every 0.2 s)
  declare -A base=() last=() pg_last=()
  for p in $(pgrep -x postgres); do base[$p]=$(ticks "$p"); done
  (cd bench/pgboss && JOBS=$RUNS SCHEMA=pgboss_bench node workoff.mjs >"../../$OUT/pgboss-costs.json") &
  NODE=$!
  while kill -0 "$NODE" 2>/dev/null; do
    for p in $(pgrep -P "$NODE") "$NODE"; do t=$(ticks "$p"); [ "$t" -gt 0 ] && last[$p]=$t; done
    for p in $(pgrep -x postgres); do t=$(ticks "$p"); [ "$t" -gt 0 ] && pg_last[$p]=$t; done
    sleep 0.2
  done
  wait "$NODE"
  node_ticks=0 pg_used=0
  for p in "${!last[@]}"; do node_ticks=$((node_ticks + last[$p])); done
  for p in "${!pg_last[@]}"; do pg_used=$((pg_used + pg_last[$p] - ${base[$p]:-0})); done
  jobs=$((5000 + 2 * RUNS))
  settle
  PGBOSS_ROW="| pg-boss 12.38.0, $jobs jobs (warm-up, end to end, drain) | $(sed -nE 's/.*"end_to_end_per_s":([0-9]+).*/\1/p' "$OUT/pgboss-costs.json") | $(us_per_job=$((node_ticks * 1000000 / $(getconf CLK_TCK) / jobs)); echo "$us_per_job (Node)") | $((pg_used * 1000000 / $(getconf CLK_TCK) / jobs)) | $(per_run "$before" "$(writes pgboss_bench)" "$jobs") |"
fi

REPORT="$OUT/costs.md"
cat >"$REPORT" <<MD
<!-- bench:costs:begin -->
### Where a short run's CPU goes, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, PostgreSQL $(q "SHOW server_version")

Command: \`bench/costs.sh\` (RUNS=$RUNS ROUNDS=$ROUNDS), default settings, end to end, after a warm-up of $RUNS;
CPU time of the JVM and of all PostgreSQL processes per run, medians of the last $((ROUNDS - ROUNDS / 2)) rounds.
Dropped in the second row: $(echo $DROP | sed 's/ /, /g').

| schema | end to end, runs/s | JVM µs/run | PostgreSQL µs/run | WAL bytes/run | rows written/run |
|---|---|---|---|---|---|
$ALL
$FEWER
$PGBOSS_ROW

Posting alone (API-only replica, calls of 1,000 one after the other): $POSTED.
<!-- bench:costs:end -->
MD
write_section costs "$REPORT"
cat "$REPORT"

#!/usr/bin/env bash
# Work-off of two builds of jobstream in one run, rounds alternating, on one PostgreSQL: the working tree ("this")
# against an earlier commit ("base"). Each build has a database of its own and a warm replica that is frozen
# (SIGSTOP) while the other one works. This is how a change is checked for a throughput regression on a machine
# whose speed drifts from minute to minute: only figures measured side by side are compared.
#
#   eval "$(../shared/tools/pg-local.sh)"   # or export PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD yourself
#   bench/compare.sh d52d7d3                # the commit to compare with
#
# Rounds: end to end (RUNS no-op runs posted through /runs/batch while the replica executes them) and drain (the
# same runs enqueued by an API-only replica while the worker is frozen, then drained), E2E_ROUNDS and DRAIN_ROUNDS
# of each (4), after a warm-up of 5,000 runs. JAVA_OPTS goes to the replicas (e.g. a JFR recording). When the pg_stat_statements extension is installed in the databases,
# the busiest statements of every round are kept in bench/out/compare/.
# Needs: a JDK, git, psql, curl; the role must be allowed to create databases.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
: "${PGHOST:?set PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD (see the header of this script)}"
BASE=${1:?usage: bench/compare.sh <commit>}
RUNS=${RUNS:-20000}
ENGINES=${ENGINES:-1000}
E2E_ROUNDS=${E2E_ROUNDS:-4}
DRAIN_ROUNDS=${DRAIN_ROUNDS:-4}
OUT=bench/out/compare
mkdir -p "$OUT"
export JOBSTREAM_TOKEN=$BENCH_TOKEN

BASE_TREE="$OUT/tree-$(git rev-parse --short "$BASE")"
if [ ! -f "$BASE_TREE/target/quarkus-app/quarkus-run.jar" ]; then
  git worktree remove --force "$BASE_TREE" 2>/dev/null || true
  git worktree add --detach "$BASE_TREE" "$BASE" >/dev/null
  (cd "$BASE_TREE" && ./mvnw -q package -DskipTests)
fi
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -q package -DskipTests
declare -A JAR=([base]="$BASE_TREE/target/quarkus-app/quarkus-run.jar" [this]=target/quarkus-app/quarkus-run.jar)
declare -A PORT=([base]=8201 [this]=8202)
declare -A WORKER=()
BUILDS="base this"

db() { echo "${PGDATABASE}_compare_$1"; }
q() { psql -d "$(db "$1")" -qtAX -v ON_ERROR_STOP=1 -c "$2"; }
for b in $BUILDS; do
  psql -qtAX -c "DROP DATABASE IF EXISTS $(db "$b")" -c "CREATE DATABASE $(db "$b")" >/dev/null
  q "$b" "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null 2>&1 || true
done
statements() { # build round-name
  q "$1" "SELECT calls, round(total_exec_time::numeric) AS ms, rows, left(regexp_replace(query, '\s+', ' ', 'g'), 120)
            FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
           ORDER BY total_exec_time DESC LIMIT 12" >"$OUT/statements-$2-$1.txt" 2>/dev/null || true
}
reset_statements() { q "$1" "SELECT pg_stat_statements_reset()" >/dev/null 2>&1 || true; }

PID=
start() { # build engines port
  PGDATABASE=$(db "$1") JOBSTREAM_ADMIN_TOKEN=$BENCH_TOKEN JOBSTREAM_DEMO_JOBS=true JOBSTREAM_ENGINES_MAX=$2 QUARKUS_HTTP_PORT=$3 \
    java ${JAVA_OPTS:-} -jar "${JAR[$1]}" >"$OUT/service-$1-$2.log" 2>&1 &
  PID=$!
  await_ready "$3" "$OUT/service-$1-$2.log"
}
cleanup() {
  for b in $BUILDS; do
    [ -n "${WORKER[$b]:-}" ] && { kill -CONT "${WORKER[$b]}" 2>/dev/null; kill "${WORKER[$b]}" 2>/dev/null; } || true
  done
  [ -n "$PID" ] && kill "$PID" 2>/dev/null || true
}
trap cleanup EXIT

BATCHES=$((RUNS / 1000))
for i in $(seq 1 "$BATCHES"); do
  psql -qtAX -c "SELECT json_build_object('runs', json_agg(json_build_object('workspace_id', gen_random_uuid(),
       'params', json_build_object('items', 0)))) FROM generate_series(1, 1000)" >"$OUT/batch-$i.json"
done
enqueue() { # batches port
  for i in $(seq 1 "$1"); do
    curl -fsS -o /dev/null -H "Authorization: Bearer $BENCH_TOKEN" -H "Content-Type: application/json" \
      --data-binary "@$OUT/batch-$i.json" "http://127.0.0.1:$2/v1/jobs/demo.sleep/runs/batch"
  done
}
# Waits until the worker of the build completed COUNT more runs than when it was last frozen (its counter, which costs
# PostgreSQL nothing to read), then checks in the database that COUNT runs are completed.
declare -A DONE=()
await_completed() { # build count
  for _ in $(seq 1 3600); do
    if [ "$(completed_runs "${PORT[$1]}")" -ge $((${DONE[$1]:-0} + $2)) ] &&
       [ "$(q "$1" "SELECT count(*) FROM job_runs WHERE status = 'completed'")" -ge "$2" ]; then
      DONE[$1]=$(completed_runs "${PORT[$1]}")
      return 0
    fi
    sleep 0.05
  done
  echo "$1: runs did not complete in time" >&2
  return 1
}
rate() { # build from-column
  q "$1" "SELECT round($RUNS / extract(epoch FROM max(finished_at) - min($2))::numeric) FROM job_runs"
}

for b in $BUILDS; do
  start "$b" "$ENGINES" "${PORT[$b]}"
  WORKER[$b]=$PID; PID=
  q "$b" "TRUNCATE job_runs, job_run_events, error_events"
  enqueue 5 "${PORT[$b]}"
  await_completed "$b" 5000
  kill -STOP "${WORKER[$b]}"
done

declare -A E2E=() DRAIN=()
for round in $(seq 1 "$E2E_ROUNDS"); do
  for b in $BUILDS; do
    q "$b" "TRUNCATE job_runs, job_run_events, error_events"
    reset_statements "$b"
    kill -CONT "${WORKER[$b]}"
    enqueue "$BATCHES" "${PORT[$b]}"
    await_completed "$b" "$RUNS"
    kill -STOP "${WORKER[$b]}"
    E2E[$b]="${E2E[$b]:-} $(rate "$b" created_at)"
    statements "$b" "e2e-$round"
    echo "end to end, round $round, $b: $(rate "$b" created_at) runs/s"
  done
done
for round in $(seq 1 "$DRAIN_ROUNDS"); do
  for b in $BUILDS; do
    q "$b" "TRUNCATE job_runs, job_run_events, error_events"
    start "$b" 0 $((PORT[$b] + 100))
    enqueue "$BATCHES" $((PORT[$b] + 100))
    kill "$PID"; wait "$PID" 2>/dev/null || true; PID=
    reset_statements "$b"
    kill -CONT "${WORKER[$b]}"
    await_completed "$b" "$RUNS"
    kill -STOP "${WORKER[$b]}"
    DRAIN[$b]="${DRAIN[$b]:-} $(rate "$b" started_at)"
    statements "$b" "drain-$round"
    echo "drain, round $round, $b: $(rate "$b" started_at) runs/s"
  done
done

REPORT="$OUT/latest.md"
cat >"$REPORT" <<MD
<!-- bench:compare:begin -->
### Side by side: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src migrations || echo "+changes") against $(git rev-parse --short "$BASE"), $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, PostgreSQL $(q base "SHOW server_version")

Command: \`bench/compare.sh $BASE\` (RUNS=$RUNS ENGINES=$ENGINES, rounds alternating between the builds)

| runs/s, median (rounds) | $(git rev-parse --short "$BASE") (base) | this build | this ÷ base |
|---|---|---|---|
| end to end | $(echo "${E2E[base]}" | rounds_median) (${E2E[base]# }) | $(echo "${E2E[this]}" | rounds_median) (${E2E[this]# }) | $(echo "scale=2; $(echo "${E2E[this]}" | rounds_median) / $(echo "${E2E[base]}" | rounds_median)" | bc) |
| drain | $(echo "${DRAIN[base]}" | rounds_median) (${DRAIN[base]# }) | $(echo "${DRAIN[this]}" | rounds_median) (${DRAIN[this]# }) | $(echo "scale=2; $(echo "${DRAIN[this]}" | rounds_median) / $(echo "${DRAIN[base]}" | rounds_median)" | bc) |
<!-- bench:compare:end -->
MD
write_section compare "$REPORT"
cat "$REPORT"

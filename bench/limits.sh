#!/usr/bin/env bash
# The work-off of a job without limits, with and without a backlog of 100,000 due runs of a rate-limited job
# (demo.rated: one start a minute per workspace, the backlog spread over 100 workspaces, at a higher priority than the
# runs measured, so that a claim walking the queue in priority order would meet it first). Rounds alternate between
# the two, on one warm replica and one PostgreSQL; with a commit as argument, the same rounds run on that build too
# (its replica frozen while the other works), to show what the backlog cost before the queue was indexed by job.
#
#   eval "$(../shared/tools/pg-local.sh)"   # or export PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD yourself
#   bench/limits.sh [c3690ff]
#
# RUNS no-op runs of demo.noop (20,000) are posted through /runs/batch while the replica executes them, ROUNDS times
# (3) each way, after a warm-up of 5,000. Needs: a JDK, git, psql, curl; the role must be allowed to create databases.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
: "${PGHOST:?set PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD (see the header of this script)}"
BASE=${1:-}
RUNS=${RUNS:-20000}
BACKLOG=${BACKLOG:-100000}
ROUNDS=${ROUNDS:-3}
OUT=bench/out/limits
mkdir -p "$OUT"

[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -q package -DskipTests
declare -A JAR=([this]=target/quarkus-app/quarkus-run.jar)
declare -A PORT=([this]=8301 [base]=8302)
declare -A WORKER=()
BUILDS=this
if [ -n "$BASE" ]; then
  BASE_TREE="$OUT/tree-$(git rev-parse --short "$BASE")"
  if [ ! -f "$BASE_TREE/target/quarkus-app/quarkus-run.jar" ]; then
    git worktree remove --force "$BASE_TREE" 2>/dev/null || true
    git worktree add --detach "$BASE_TREE" "$BASE" >/dev/null
    (cd "$BASE_TREE" && ./mvnw -q package -DskipTests)
  fi
  JAR[base]="$BASE_TREE/target/quarkus-app/quarkus-run.jar"
  BUILDS="this base"
fi

db() { echo "${PGDATABASE}_limits_$1"; }
q() { psql -d "$(db "$1")" -qtAX -v ON_ERROR_STOP=1 -c "$2"; }
for b in $BUILDS; do
  psql -qtAX -c "DROP DATABASE IF EXISTS $(db "$b")" -c "CREATE DATABASE $(db "$b")" >/dev/null
done

cleanup() {
  for b in $BUILDS; do
    [ -n "${WORKER[$b]:-}" ] && { kill -CONT "${WORKER[$b]}" 2>/dev/null; kill "${WORKER[$b]}" 2>/dev/null; } || true
  done
}
trap cleanup EXIT

BATCHES=$((RUNS / 1000))
for i in $(seq 1 "$BATCHES"); do
  psql -qtAX -c "SELECT json_build_object('runs', json_agg(json_build_object('workspace_id', gen_random_uuid())))
                   FROM generate_series(1, 1000)" >"$OUT/batch-$i.json"
done
enqueue() { # batches port
  for i in $(seq 1 "$1"); do
    curl -fsS -o /dev/null -H "Authorization: Bearer $BENCH_TOKEN" -H "Content-Type: application/json" \
      --data-binary "@$OUT/batch-$i.json" "http://127.0.0.1:$2/v1/jobs/demo.noop/runs/batch"
  done
}
declare -A DONE=()
await_completed() { # build count
  for _ in $(seq 1 3600); do
    if [ "$(completed_runs "${PORT[$1]}")" -ge $((${DONE[$1]:-0} + $2)) ] &&
       [ "$(q "$1" "SELECT count(*) FROM job_runs WHERE job_name = 'demo.noop' AND status = 'completed'")" -ge "$2" ]; then
      DONE[$1]=$(completed_runs "${PORT[$1]}")
      return 0
    fi
    sleep 0.05
  done
  echo "$1: runs did not complete in time" >&2
  return 1
}
rate() { # build
  q "$1" "SELECT round($RUNS / extract(epoch FROM max(finished_at) - min(created_at))::numeric)
            FROM job_runs WHERE job_name = 'demo.noop'"
}
# The backlog: due runs of demo.rated, older and of a higher priority than the runs measured. A build that counts
# runs by key gets each run's key (its workspace) as a trigger would give it.
backlog() { # build
  local key_column="" key_value=""
  if [ "$(q "$1" "SELECT count(*) FROM information_schema.columns
                   WHERE table_name = 'job_runs' AND column_name = 'limit_key'")" = 1 ]; then
    key_column=", limit_key"; key_value=", w::text"
  fi
  q "$1" "INSERT INTO job_runs (id, job_name, workspace_id, exclusive, priority, created_at, run_after$key_column)
          SELECT gen_random_uuid(), 'demo.rated', w, false, 10, now() - interval '1 hour', now() - interval '1 hour'$key_value
            FROM generate_series(1, $BACKLOG) i,
                 LATERAL (SELECT ('00000000-0000-0000-0000-' || lpad((i % 100)::text, 12, '0'))::uuid AS w) k"
  q "$1" "ANALYZE job_runs"
}

for b in $BUILDS; do
  PGDATABASE=$(db "$b") JOBSTREAM_ADMIN_TOKEN=$BENCH_TOKEN JOBSTREAM_DEMO_JOBS=true QUARKUS_HTTP_PORT=${PORT[$b]} \
    java ${JAVA_OPTS:-} -jar "${JAR[$b]}" >"$OUT/service-$b.log" 2>&1 &
  WORKER[$b]=$!
  await_ready "${PORT[$b]}" "$OUT/service-$b.log"
  enqueue 5 "${PORT[$b]}"
  await_completed "$b" 5000
  kill -STOP "${WORKER[$b]}"
done

declare -A CLEAR=() HELD=()
for round in $(seq 1 "$ROUNDS"); do
  for b in $BUILDS; do
    for phase in clear backlog; do
      q "$b" "TRUNCATE job_runs, job_run_events, error_events"
      q "$b" "TRUNCATE job_starts" 2>/dev/null || true
      [ "$phase" = backlog ] && backlog "$b"
      kill -CONT "${WORKER[$b]}"
      enqueue "$BATCHES" "${PORT[$b]}"
      await_completed "$b" "$RUNS"
      kill -STOP "${WORKER[$b]}"
      r=$(rate "$b")
      if [ "$phase" = clear ]; then CLEAR[$b]="${CLEAR[$b]:-} $r"; else HELD[$b]="${HELD[$b]:-} $r"; fi
      echo "round $round, $b, $phase: $r runs/s"
    done
  done
done

row() { # build label
  local clear held
  clear=$(echo "${CLEAR[$1]}" | rounds_median); held=$(echo "${HELD[$1]}" | rounds_median)
  echo "| $2 | $clear (${CLEAR[$1]# }) | $held (${HELD[$1]# }) | $(echo "scale=2; $held / $clear" | bc) |"
}
REPORT="$OUT/latest.md"
{
  echo "<!-- bench:limits:begin -->"
  echo "### A throttled backlog beside a work-off: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src migrations || echo "+changes"), $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, PostgreSQL $(q this "SHOW server_version")"
  echo
  echo "Command: \`bench/limits.sh${BASE:+ $BASE}\` (RUNS=$RUNS BACKLOG=$BACKLOG ROUNDS=$ROUNDS; end to end, demo.noop; the backlog: $BACKLOG due runs of demo.rated over 100 workspaces, priority 10)"
  echo
  echo "| demo.noop runs/s, median (rounds) | no backlog | beside the backlog | beside ÷ without |"
  echo "|---|---|---|---|"
  row this "this build"
  [ -n "$BASE" ] && row base "$(git rev-parse --short "$BASE") (queue by priority alone)"
  echo "<!-- bench:limits:end -->"
} >"$REPORT"
write_section limits "$REPORT"
cat "$REPORT"

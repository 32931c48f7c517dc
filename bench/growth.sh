#!/usr/bin/env bash
# Work-off on top of a history: for each size in SIZES, the table is seeded with that many finished runs (their
# events and error events; bench/seed.sh with ACTIVE=0), then a warm replica at jobstream's default settings works
# off RUNS no-op runs posted through /runs/batch, ROUNDS times (figure: RUNS / (last finished_at − first created_at)
# of the round's runs, median). The lists at the same sizes: bench/lists.sh. Figures go into bench/RESULTS.md between
# the "bench:growth" markers.
#
#   eval "$(../shared/tools/pg-local.sh)"   # or export PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD yourself
#   bench/growth.sh                          # ~10 minutes
#
# Knobs: SIZES ("10000 100000 1000000"), RUNS (20000), ROUNDS (3), PORT (8097). Uses the database of the PG*
# variables, whose runs it deletes — unless SEEDED=1: then it measures once on the runs the database has (e.g. the
# 1,000,000 that bench/lists.sh leaves in <db>_lists; their queued and running runs are of jobs no replica has).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
: "${PGHOST:?set PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD (see the header of this script)}"
SIZES=${SIZES:-10000 100000 1000000}
RUNS=${RUNS:-20000}
ROUNDS=${ROUNDS:-3}
PORT=${PORT:-8097}
OUT=bench/out
mkdir -p "$OUT"
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -q package -DskipTests

q() { psql -qtAX -v ON_ERROR_STOP=1 -c "$1"; }
PID=
stop_service() { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; PID=; }
trap stop_service EXIT
batches growth "$RUNS"
enqueue() { post_batches growth "$RUNS"; }
median() { printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"; }

ROWS=""
for size in $SIZES; do
  echo "== $size existing runs"
  # the schema: a replica that starts migrates the database
  JOBSTREAM_ADMIN_TOKEN=$BENCH_TOKEN JOBSTREAM_DEMO_JOBS=true QUARKUS_HTTP_PORT=$PORT \
    java -jar target/quarkus-app/quarkus-run.jar >"$OUT/service-growth.log" 2>&1 &
  PID=$!
  await_ready "$PORT" "$OUT/service-growth.log"
  stop_service
  if [ "${SEEDED:-0}" != 1 ]; then
    q "TRUNCATE job_runs, job_run_events, error_events"
    ACTIVE=0 bench/seed.sh "$size" >/dev/null
  fi
  q "VACUUM ANALYZE job_runs" && q "VACUUM ANALYZE job_run_events"
  RUNS_BEFORE=$(q "SELECT count(*) FROM job_runs")
  EVENTS_BEFORE=$(q "SELECT count(*) FROM job_run_events")
  SIZE_ON_DISK=$(q "SELECT pg_size_pretty(pg_total_relation_size('job_runs') + pg_total_relation_size('job_run_events'))")
  JOBSTREAM_ADMIN_TOKEN=$BENCH_TOKEN JOBSTREAM_DEMO_JOBS=true QUARKUS_HTTP_PORT=$PORT \
    java -jar target/quarkus-app/quarkus-run.jar >"$OUT/service-growth.log" 2>&1 &
  PID=$!
  await_ready "$PORT" "$OUT/service-growth.log"
  DONE=0
  since=$(q "SELECT now()")
  enqueue && await_completed "$RUNS" "$since" # warm-up
  rates=()
  for round in $(seq 1 "$ROUNDS"); do
    since=$(q "SELECT now()")
    enqueue
    await_completed "$RUNS" "$since"
    rates+=("$(q "SELECT round($RUNS / extract(epoch FROM max(finished_at) - min(created_at))::numeric)
                  FROM job_runs WHERE created_at >= '$since'")")
    echo "round $round: ${rates[-1]} runs/s"
  done
  stop_service
  ROWS="$ROWS| $size | $RUNS_BEFORE runs, $EVENTS_BEFORE events, $SIZE_ON_DISK | **$(median "${rates[@]}") runs/s** (rounds: ${rates[*]}) |
"
done

REPORT="$OUT/growth.md"
cat >"$REPORT" <<MD
<!-- bench:growth:begin -->
### Work-off on top of a history, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, PostgreSQL $(q "SHOW server_version")

Command: \`bench/growth.sh\` (SIZES="$SIZES" RUNS=$RUNS ROUNDS=$ROUNDS), jobstream's default settings, end to end
($RUNS no-op runs posted through /runs/batch while the replica executes them), after a warm-up of $RUNS.

| existing runs | before the first round (runs and events, their size with indexes) | work-off end to end, median |
|---|---|---|
$ROWS<!-- bench:growth:end -->
MD
write_section growth "$REPORT"
cat "$REPORT"

#!/usr/bin/env bash
# Workers outside the service, in one run against one PostgreSQL: RUNS no-op runs worked off end to end by the
# service's own engines (demo.noop) and by WORKERS Node workers (clients/node) claiming up to CONCURRENCY
# runs each over HTTP, beside pg-boss 12.38 (bench/pgboss) with its workers; then claim-to-start latency, from a
# trigger sent to an idle worker's handler called. Figures go into bench/RESULTS.md ("bench:workers").
#
#   eval "$(../shared/tools/pg-local.sh)"; bench/workers.sh
#
# Knobs: RUNS (20000), ROUNDS (3, median), WORKERS (4), CONCURRENCY (100), SAMPLES (200), PORT (8097).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
: "${PGHOST:?set PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD (see the header of this script)}"
RUNS=${RUNS:-20000}
ROUNDS=${ROUNDS:-3}
WORKERS=${WORKERS:-4}
CONCURRENCY=${CONCURRENCY:-100}
SAMPLES=${SAMPLES:-200}
PORT=${PORT:-8097}
mkdir -p bench/out
WORKER_TOKEN=bench-worker-token-0123456789abcdef
printf '[{"name": "bench-worker", "sha256": "%s", "roles": ["worker"]}]\n' \
  "$(printf %s "$WORKER_TOKEN" | sha256sum | cut -d' ' -f1)" >bench/out/workers-tokens.json

[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -q package -DskipTests
q() { psql -qtAX -v ON_ERROR_STOP=1 -c "$1"; }
median() { printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"; }
PID=
stop_service() { [ -z "$PID" ] || { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; PID=; }; }
trap stop_service EXIT

# one replica at jobstream's default settings, which knows the workers' token
JOBSTREAM_ADMIN_TOKEN=$BENCH_TOKEN JOBSTREAM_DEMO_JOBS=true JOBSTREAM_TOKENS_FILE=bench/out/workers-tokens.json \
  QUARKUS_HTTP_PORT=$PORT java -jar target/quarkus-app/quarkus-run.jar >bench/out/service-workers.log 2>&1 &
PID=$!
await_ready "$PORT" bench/out/service-workers.log

echo "== the service's engines: $RUNS no-op runs end to end, $ROUNDS rounds (after 5,000 of warm-up)"
batches workers "$RUNS"
q "TRUNCATE job_runs, job_run_events, error_events"
DONE=$(completed_runs "$PORT")
post_batches workers 5000 && await_completed 5000
engines=()
for round in $(seq 1 "$ROUNDS"); do
  q "TRUNCATE job_runs, job_run_events, error_events"
  post_batches workers "$RUNS"
  await_completed "$RUNS"
  engines+=("$(q "SELECT round($RUNS / extract(epoch FROM max(finished_at) - min(created_at))::numeric) FROM job_runs")")
  echo "round $round: ${engines[-1]} runs/s"
done

echo "== $WORKERS Node workers × $CONCURRENCY: $RUNS no-op runs end to end, $ROUNDS rounds; then claim-to-start"
q "TRUNCATE job_runs, job_run_events, error_events"
REMOTE=$(JOBSTREAM_URL="http://127.0.0.1:$PORT" JOBSTREAM_TOKEN=$BENCH_TOKEN WORKER_TOKEN=$WORKER_TOKEN RUNS=$RUNS \
  ROUNDS=$ROUNDS WORKERS=$WORKERS CONCURRENCY=$CONCURRENCY SAMPLES=$SAMPLES node bench/clients/remote-workoff.mjs)
echo "$REMOTE"
EVENTS=$(q "SELECT count(*) FROM job_run_events")
stop_service

PGBOSS="not run (needs node and npm)"
if command -v npm >/dev/null 2>&1; then
  echo "== pg-boss work-off, same PostgreSQL"
  (cd bench/pgboss && npm ci --silent --no-audit --no-fund >/dev/null 2>&1)
  PGBOSS=$(cd bench/pgboss && JOBS=$RUNS node workoff.mjs | tail -1) || PGBOSS="failed: see output above"
  echo "pg-boss: $PGBOSS"
fi

field() { echo "$1" | sed -nE "s/.*\"$2\":([0-9.]+).*/\1/p"; }
ENGINES=$(median "${engines[@]}")
REMOTE_RPS=$(field "$REMOTE" end_to_end_per_s)
PGBOSS_RPS=$(field "$PGBOSS" end_to_end_per_s)
ratio() { [ -n "$2" ] && echo "scale=2; $1 / $2" | bc || echo "?"; }
REPORT=bench/out/workers.md
cat >"$REPORT" <<MD
<!-- bench:workers:begin -->
### Workers outside the service, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, PostgreSQL $(q "SHOW server_version")

Command: \`bench/workers.sh\` (RUNS=$RUNS ROUNDS=$ROUNDS WORKERS=$WORKERS CONCURRENCY=$CONCURRENCY), one replica at
jobstream's default settings; the workers, the replica, PostgreSQL and pg-boss share the same cores.

| figure | value |
|---|---|
| the service's engines: $RUNS no-op runs end to end (posted through /runs/batch while executed), median | **$ENGINES runs/s** (rounds: ${engines[*]}) |
| $WORKERS Node workers × $CONCURRENCY over HTTP (a long-poll claim of up to $CONCURRENCY; the ends that finish while a call is out go in one \`POST /v1/workers/runs/ends\`) | **$REMOTE_RPS runs/s** → $(ratio "$REMOTE_RPS" "$ENGINES") × the engines, $(ratio "$REMOTE_RPS" "$PGBOSS_RPS") × pg-boss |
| pg-boss, same database, same measurement | ${PGBOSS_RPS:-?} jobs/s |
| claim-to-start: a run triggered into an idle worker's long poll, trigger sent → handler called | p50 $(field "$REMOTE" p50) ms, p99 **$(field "$REMOTE" p99) ms** (max $(field "$REMOTE" max) ms, $(field "$REMOTE" samples) samples) |
| event rows stored by the workers' runs (warm-up, rounds, latency samples; their starts and ends are read from the runs' rows) | $EVENTS |

Raw: remote \`$REMOTE\`; pg-boss \`$PGBOSS\`.
<!-- bench:workers:end -->
MD
write_section workers "$REPORT"
cat "$REPORT"

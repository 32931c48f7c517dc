#!/usr/bin/env bash
# POST /v1/runs/bulk at scale: a bulk retry of RUNS failed runs and a bulk cancel of RUNS queued ones, each in a
# workspace of a table that also holds OTHER runs of other workspaces, on one replica at its default settings. Times
# each from the request to the bulk run's end (polled every 0.2 s), and how long the dry run's count took. The runs
# are of a job no replica executes, so that retried runs stay queued. Works in a fresh database <PGDATABASE>_bulk.
# Figures go into bench/RESULTS.md between the "bench:bulk" markers.
#
#   eval "$(../shared/tools/pg-local.sh)"; bench/bulk.sh
#
# Knobs: RUNS (20000), OTHER (200000), PORT (8096), BENCH_LOCK (as in bench/lists.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
: "${PGHOST:?set PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD (see the header of this script)}"
RUNS=${RUNS:-20000}
OTHER=${OTHER:-200000}
PORT=${PORT:-8096}
OUT=bench/out
mkdir -p "$OUT"
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -q package -DskipTests
export PGDATABASE=${PGDATABASE}_bulk
q() { psql -qtAX -v ON_ERROR_STOP=1 -c "$1"; }
PID=
stop_service() { [ -z "$PID" ] || { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; PID=; }; }
trap stop_service EXIT
FAILED_IN=00000000-0000-4000-8000-0000000b0001
QUEUED_IN=00000000-0000-4000-8000-0000000b0002
ms() { date +%s%3N; }

bulk() { # BODY → "matched seconds count_ms"
  local t0 t1 t2 answer id status
  t0=$(ms)
  curl -fsS -H "Authorization: Bearer $BENCH_TOKEN" -H 'Content-Type: application/json' \
    -d "${1%\}}, \"dry_run\": true}" "http://127.0.0.1:$PORT/v1/runs/bulk" >/dev/null
  t1=$(ms)
  answer=$(curl -fsS -H "Authorization: Bearer $BENCH_TOKEN" -H 'Content-Type: application/json' -d "$1" \
    "http://127.0.0.1:$PORT/v1/runs/bulk")
  id=$(printf %s "$answer" | sed -E 's/.*"run":\{"id":"([^"]+)".*/\1/')
  while :; do
    status=$(curl -fsS -H "Authorization: Bearer $BENCH_TOKEN" "http://127.0.0.1:$PORT/v1/runs/$id/progress" |
      sed -E 's/^\{"status":"([a-z]+)".*/\1/')
    case $status in completed | failed | cancelled) break ;; esac
    sleep 0.2
  done
  t2=$(ms)
  [ "$status" = completed ] || { echo "bulk run $id ended $status" >&2; exit 1; }
  printf '%s %s %s\n' "$(printf %s "$answer" | sed -E 's/.*"matched":([0-9]+).*/\1/')" \
    "$(awk -v ms=$((t2 - t1)) 'BEGIN { printf "%.1f", ms / 1000 }')" $((t1 - t0))
}

measure() {
  dropdb --if-exists "$PGDATABASE"
  createdb "$PGDATABASE"
  JOBSTREAM_ADMIN_TOKEN=$BENCH_TOKEN QUARKUS_HTTP_PORT=$PORT \
    java ${JAVA_OPTS:-} -jar target/quarkus-app/quarkus-run.jar >"$OUT/service-bulk.log" 2>&1 &
  PID=$!
  await_ready "$PORT" "$OUT/service-bulk.log"
  q "INSERT INTO job_runs (id, job_name, workspace_id, status, exclusive, created_at, finished_at)
     SELECT gen_random_uuid(), 'bench.bulk', CASE WHEN i <= $RUNS THEN '$FAILED_IN'::uuid ELSE gen_random_uuid() END,
            'failed', false, now() - make_interval(secs => i), now() FROM generate_series(1, $RUNS + $OTHER / 2) i"
  q "INSERT INTO job_runs (id, job_name, workspace_id, status, exclusive, created_at)
     SELECT gen_random_uuid(), 'bench.bulk', CASE WHEN i <= $RUNS THEN '$QUEUED_IN'::uuid ELSE gen_random_uuid() END,
            'queued', false, now() - make_interval(secs => i) FROM generate_series(1, $RUNS + $OTHER / 2) i"
  q "ANALYZE job_runs"
  bulk "{\"action\": \"retry\", \"workspace_id\": \"$FAILED_IN\"}" >"$OUT/bulk-retry.txt"
  bulk "{\"action\": \"cancel\", \"workspace_id\": \"$QUEUED_IN\"}" >"$OUT/bulk-cancel.txt"
  [ "$(q "SELECT count(*) FROM job_runs WHERE workspace_id = '$FAILED_IN' AND status = 'queued'")" = "$RUNS" ]
  [ "$(q "SELECT count(*) FROM job_runs WHERE workspace_id = '$QUEUED_IN' AND status = 'cancelled'")" = "$RUNS" ]
  stop_service
}
locked measure
read -r RETRIED RETRY_S RETRY_COUNT_MS <"$OUT/bulk-retry.txt"
read -r CANCELLED CANCEL_S CANCEL_COUNT_MS <"$OUT/bulk-cancel.txt"

REPORT=$OUT/bulk.md
{
  echo '<!-- bench:bulk:begin -->'
  echo "### Bulk actions ($(date -u +%Y-%m-%dT%H:%MZ), \`bench/bulk.sh\`)"
  echo
  echo "One replica at its default settings; $RUNS runs in one workspace among $((2 * RUNS + OTHER)) in the table."
  echo
  echo '| action | runs | count (dry run) | request to the bulk run'"'"'s end | runs/s |'
  echo '|---|---|---|---|---|'
  echo "| retry failed | $RETRIED | $RETRY_COUNT_MS ms | $RETRY_S s | $(awk -v n="$RETRIED" -v s="$RETRY_S" 'BEGIN { printf "%d", n / s }') |"
  echo "| cancel queued | $CANCELLED | $CANCEL_COUNT_MS ms | $CANCEL_S s | $(awk -v n="$CANCELLED" -v s="$CANCEL_S" 'BEGIN { printf "%d", n / s }') |"
  echo '<!-- bench:bulk:end -->'
} >"$REPORT"
write_section bulk "$REPORT"
cat "$REPORT"

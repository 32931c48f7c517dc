#!/usr/bin/env bash
# GET /v1/stats with 1,000,000 runs in the table: p50 and p99 per window, CLIENTS concurrent clients on an API-only
# replica, with the admin token (every workspace) and with a token scoped to five workspaces. Works in the database
# bench/lists.sh leaves (<PGDATABASE>_lists), seeding it with bench/seed.sh when it holds fewer than SIZE runs; the
# replica's sweeps add the ends of the last 8 days to the outcome rollup before anything is measured. Figures go into bench/RESULTS.md
# between the "bench:stats" markers.
#
#   eval "$(../shared/tools/pg-local.sh)"; bench/stats.sh
#
# Knobs: SIZE (1000000), CLIENTS ("2 8": each number of concurrent clients in turn; a console polls every 10 s), DURATION (5 s measured per window, after WARMUP 2 s; first, rounds of 5 s of
# every window until the replica's JIT compilers are done), PORT (8095), BENCH_LOCK (as in bench/lists.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
: "${PGHOST:?set PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD (see the header of this script)}"
SIZE=${SIZE:-1000000}
CLIENTS=${CLIENTS:-2 8}
DURATION=${DURATION:-5}
WARMUP=${WARMUP:-2}
PORT=${PORT:-8095}
OUT=bench/out
mkdir -p "$OUT"
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -q package -DskipTests
export PGDATABASE=${PGDATABASE}_lists
q() { psql -qtAX -v ON_ERROR_STOP=1 -c "$1"; }
PID=
start_service() { SCHEDULER=true api_replica stats; } # it sweeps: the sweep adds ended runs to the rollup
ACCESS=$OUT/stats-access.log
stop_service() { [ -z "$PID" ] || { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; PID=; }; }
trap stop_service EXIT

wrk_stats() { # TOKEN QUERIES SECONDS [CLIENTS] → requests, p50, p99, max, errors
  ENDPOINT=/v1/stats TOKEN=$1 QUERIES=$2 wrk -t2 -c"${4:-8}" -d"$3s" -s bench/lists.lua "http://127.0.0.1:$PORT" |
    tail -1
}

measure() {
  [ "$(psql -qtAX -d postgres -c "SELECT count(*) FROM pg_database WHERE datname = '$PGDATABASE'")" = 1 ] ||
    createdb "$PGDATABASE"
  start_service # migrates (and fills the rollup of a table seeded before it existed)
  if [ "$(q "SELECT count(*) FROM job_runs")" -lt "$SIZE" ]; then
    stop_service
    q "TRUNCATE job_runs, job_run_events, error_events, job_run_rollup"
    bench/seed.sh "$SIZE" >/dev/null
    start_service
  fi
  # the first sweeps add the ends of the last 8 days (an hour a pass, a day a sweep)
  for _ in $(seq 1 600); do
    [ "$(q "SELECT rolled_up_to > now() - interval '1 minute' FROM job_run_rollup_mark")" = t ] && break
    sleep 1
  done
  q "VACUUM ANALYZE job_run_rollup" && q "VACUUM ANALYZE job_run_totals"
  q "SELECT count(*) FROM job_runs" >"$OUT/stats-runs.txt"
  q "SELECT (SELECT count(*) FROM job_run_rollup) || ' rows of workspaces and ' || (SELECT count(*) FROM job_run_totals)
            || ' of every workspace, ' || pg_size_pretty(sum(pg_total_relation_size(inhrelid)))
       FROM pg_inherits WHERE inhparent IN ('job_run_rollup'::regclass, 'job_run_totals'::regclass)" \
    >"$OUT/stats-rollup.txt"
  printf '%s\n' "window=1h" "window=24h" "window=7d" "window=24h&bucket=1m" >"$OUT/stats-queries.txt"
  await_compiled "$PID" wrk_stats "$BENCH_TOKEN" "$OUT/stats-queries.txt" 5
  : >"$OUT/stats.tsv"
  local token query figures logged clients
  for clients in $CLIENTS; do
    for token in admin scoped; do
      for query in "window=1h" "window=24h" "window=7d" "window=24h&bucket=1m"; do
        echo "$query" >"$OUT/stats-queries.txt"
        local bearer=$BENCH_TOKEN
        [ "$token" = scoped ] && bearer=$SCOPED_TOKEN
        wrk_stats "$bearer" "$OUT/stats-queries.txt" "$WARMUP" "$clients" >/dev/null
        logged=$(wc -l <"$ACCESS")
        figures=$(wrk_stats "$bearer" "$OUT/stats-queries.txt" "$DURATION" "$clients")
        sleep 1 # the access log is written behind the requests
        printf '%s\t%s\t%s\t%s\t%s\n' "$clients" "$token" "$query" "$figures" \
          "$(tail -n +$((logged + 1)) "$ACCESS" | sort -n | awk '{ t[NR] = $1 } END { print NR ? t[int(NR * 0.99)] : "-" }')" |
          tee -a "$OUT/stats.tsv"
      done
    done
  done
  stop_service
}
locked measure
RUNS=$(cat "$OUT/stats-runs.txt")
ROLLUP=$(cat "$OUT/stats-rollup.txt")

REPORT="$OUT/stats.md"
{
  echo "<!-- bench:stats:begin -->"
  echo "### GET /v1/stats at $RUNS runs, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, PostgreSQL $(q "SHOW server_version")"
  echo
  echo "Command: \`bench/stats.sh\` (SIZE=$SIZE CLIENTS=\"$CLIENTS\" DURATION=$DURATION; data: bench/seed.sql, ends spread over"
  echo "29 days; the outcome rollup holds $ROLLUP). Clients back to back on an API-only replica (which sweeps),"
  echo "after its JIT compilers are done; ms:"
  echo
  echo "| clients | token | query | requests/s | p50 | p99 | replica's own p99 |"
  echo "|---|---|---|---|---|---|---|"
  awk -F'\t' -v d="$DURATION" '{ printf "| %s | %s | `%s` | %d | %s | **%s** | %s |\n", $1, $2, $3, $4 / d, $5, $6, $9 }' \
    "$OUT/stats.tsv"
  echo "<!-- bench:stats:end -->"
} >"$REPORT"
write_section stats "$REPORT"
cat "$REPORT"

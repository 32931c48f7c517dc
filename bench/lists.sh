#!/usr/bin/env bash
# GET /v1/runs at 10,000, 100,000 and 1,000,000 existing runs: p50 and p99 per filter combination, CLIENTS
# concurrent clients on an API-only replica; and the write cost of the runs' indexes: a run's insert, claim and end
# (pgbench, one run a transaction) on the schema before migrations/V9__list_indexes.sql and with it, rounds
# alternating. Writes its figures into bench/RESULTS.md between the "bench:lists" markers.
#
#   eval "$(../shared/tools/pg-local.sh)"; bench/lists.sh
#
# Works in databases of its own, named after PGDATABASE (<db>_lists for the lists, <db>_v8 and <db>_v9 for the
# writes), dropped and made again. Needs a JDK, psql, pgbench and wrk.
# Knobs: SIZES ("10000 100000 1000000"), DURATION (4 s measured per combination, after WARMUP 1 s; first, rounds
# of 5 s of every combination until the replica's JIT compilers are done), CLIENTS (8), PORT (8099), WRITE_SEED (runs
# in the tables the writes go to, 100000), WRITE_SECONDS (10 per round), WRITE_ROUNDS (5), JAVA_OPTS (to the replica),
# BENCH_LOCK (a file: each size and the write phase run under flock on it, e.g. /tmp/bench.lock, so that other
# benchmarks on the machine wait), REUSE (1: a size whose figures bench/out holds is not measured again).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
: "${PGHOST:?set PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD (see the header of this script)}"
SIZES=${SIZES:-10000 100000 1000000}
DURATION=${DURATION:-4}
WARMUP=${WARMUP:-1}
CLIENTS=${CLIENTS:-8}
PORT=${PORT:-8099}
WRITE_SEED=${WRITE_SEED:-100000}
WRITE_SECONDS=${WRITE_SECONDS:-10}
WRITE_ROUNDS=${WRITE_ROUNDS:-5}
OUT=bench/out
mkdir -p "$OUT"
BASE_DB=$PGDATABASE
export PGDATABASE=${BASE_DB}_lists

[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -q package -DskipTests

q() { psql -qtAX -v ON_ERROR_STOP=1 -c "$1"; }
fresh_db() { dropdb --if-exists "$1" && createdb "$1"; }
PID=
start_service() { api_replica lists; }
ACCESS=$OUT/lists-access.log
stop_service() { [ -z "$PID" ] || { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; PID=; }; }
trap stop_service EXIT

STATUSES="queued running paused completed failed cancelled skipped"
# cursors SQL: the next_cursor of the run at each offset of the query's order (page 51 and deeper)
cursors() {
  q "SELECT translate(encode(convert_to('r1:' || (extract(epoch FROM created_at) * 1000000)::bigint || ':' || id,
                                         'UTF8'), 'base64'), E'+/=\n', '-_')
       FROM (SELECT created_at, id, row_number() OVER (ORDER BY created_at DESC, id DESC) AS n FROM job_runs $1) r
      WHERE n >= least(2500, (SELECT count(*) FROM job_runs $1) / 2) AND n % 97 = 0 LIMIT 30" | paste -sd' '
}
# combos FILE: one line per combination: name, token, then the queries one of which each request takes
combos() {
  local jobs workspaces big w s j
  jobs=$(q "SELECT DISTINCT job_name FROM job_runs" | paste -sd' ')
  workspaces=$(q "(SELECT workspace_id FROM (SELECT DISTINCT workspace_id FROM job_runs) w ORDER BY random() LIMIT 40)
                  UNION ALL (SELECT workspace_id FROM job_runs GROUP BY 1 ORDER BY count(*) DESC LIMIT 3)" | paste -sd' ')
  big=$(q "SELECT workspace_id FROM job_runs GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
  row() { local name=$1 token=$2; shift 2; printf '%s\t%s' "$name" "$token"; printf '\t%s' "$@"; printf '\n'; }
  {
    row "no filter" "$BENCH_TOKEN" "limit=50"
    for s in $STATUSES; do row "status=$s" "$BENCH_TOKEN" "status=$s"; done
    row "status=stale" "$BENCH_TOKEN" "status=stale"
    row "job" "$BENCH_TOKEN" $(for j in $jobs; do echo "job=$j"; done)
    row "job + status" "$BENCH_TOKEN" $(for j in $jobs; do for s in $STATUSES; do echo "job=$j&status=$s"; done; done)
    row "workspace" "$BENCH_TOKEN" $(for w in $workspaces; do echo "workspace_id=$w"; done)
    row "workspace + status" "$BENCH_TOKEN" \
      $(for w in $workspaces; do for s in $STATUSES; do echo "workspace_id=$w&status=$s"; done; done)
    row "biggest workspace + status" "$BENCH_TOKEN" $(for s in $STATUSES; do echo "workspace_id=$big&status=$s"; done)
    row "job + workspace" "$BENCH_TOKEN" $(for w in $workspaces; do for j in $jobs; do echo "job=$j&workspace_id=$w"; done; done)
    row "job + workspace + status" "$BENCH_TOKEN" \
      $(for w in $workspaces; do for j in $jobs; do for s in $STATUSES; do echo "job=$j&workspace_id=$w&status=$s"; done; done; done)
    row "dry_run=true" "$BENCH_TOKEN" "dry_run=true"
    row "dry_run=true + status" "$BENCH_TOKEN" $(for s in $STATUSES; do echo "dry_run=true&status=$s"; done)
    row "scoped token (5 workspaces)" "$SCOPED_TOKEN" "limit=50"
    row "scoped token + status" "$SCOPED_TOKEN" $(for s in $STATUSES; do echo "status=$s"; done)
    row "cursor, page 50+" "$BENCH_TOKEN" $(for c in $(cursors ""); do echo "cursor=$c"; done)
    row "cursor, page 50+, status=failed" "$BENCH_TOKEN" \
      $(for c in $(cursors "WHERE status = 'failed'"); do echo "status=failed&cursor=$c"; done)
    row "cursor, page 50+, biggest workspace" "$BENCH_TOKEN" \
      $(for c in $(cursors "WHERE workspace_id = '$big'"); do echo "workspace_id=$big&cursor=$c"; done)
  } >"$1"
}

# wrk TOKEN QUERIES SECONDS: CLIENTS connections back to back → requests, p50, p99, max, errors
wrk_lists() {
  TOKEN=$1 QUERIES=$2 wrk -t2 -c"$CLIENTS" -d"$3s" -s bench/lists.lua "http://127.0.0.1:$PORT" | tail -1
}
# statements: "calls total_ms" of the list's statements so far (pg_stat_statements), or nothing without it
statements() {
  q "SELECT sum(calls), sum(total_exec_time) FROM pg_stat_statements
      WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND query LIKE 'SELECT % FROM job_runs%ORDER BY created_at DESC, id DESC LIMIT%'" 2>/dev/null | tr '|' ' ' || true
}
# db_mean BEFORE AFTER: the mean execution time in PostgreSQL of the statements between two statements snapshots
db_mean() {
  [ -n "$1" ] && [ -n "$2" ] || { echo "-"; return; }
  echo "$1 $2" | awk '{ printf "%.2f", ($3 > $1) ? ($4 - $2) / ($3 - $1) : 0 }'
}
# load COMBOS: every combination's queries until the replica's JIT compilers are done, then per combination WARMUP
# seconds not counted and DURATION seconds measured; one line per combination: its name, then wrk_lists's figures
load() {
  local name token queries before figures
  cut -f3- "$1" | tr '\t' '\n' >"$OUT/lists-queries.txt"
  await_compiled "$PID" wrk_lists "$BENCH_TOKEN" "$OUT/lists-queries.txt" 5
  while IFS=$'\t' read -r name token queries; do
    echo "$queries" | tr '\t' '\n' >"$OUT/lists-queries.txt"
    wrk_lists "$token" "$OUT/lists-queries.txt" "$WARMUP" >/dev/null
    before=$(statements) logged=$(wc -l <"$ACCESS")
    figures=$(wrk_lists "$token" "$OUT/lists-queries.txt" "$DURATION")
    sleep 1 # the access log is written behind the requests
    printf '%s\t%s\t%s\t%s\n' "$name" "$figures" "$(db_mean "$before" "$(statements)")" \
      "$(tail -n +$((logged + 1)) "$ACCESS" | sort -n | awk '{ t[NR] = $1 } END { print NR ? t[int(NR * 0.99)] : "-" }')"
  done <"$1"
}

measure_size() { # runs
  trap stop_service EXIT
  echo "== $1 runs: seed, then $CLIENTS clients × ${DURATION}s per combination"
  start_service
  q "TRUNCATE job_runs, job_run_events, error_events"
  bench/seed.sh "$1" >/dev/null
  combos "$OUT/lists-combos-$1.tsv"
  load "$OUT/lists-combos-$1.tsv" | tee "$OUT/lists-$1.tsv"
  stop_service
}

# ---- lists ----
# the database stays from run to run (pg_stat_statements, when an administrator created it there, gives each
# combination's mean time in PostgreSQL); the service migrates it, each size truncates it
[ "$(psql -qtAX -d postgres -c "SELECT count(*) FROM pg_database WHERE datname = '$PGDATABASE'")" = 1 ] ||
  createdb "$PGDATABASE"
q "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null 2>&1 || true
for n in $SIZES; do
  [ -n "${REUSE:-}" ] && [ -s "$OUT/lists-$n.tsv" ] || locked measure_size "$n"
done

# ---- write cost: insert, claim, end of one run per transaction, V1–V8 against V1–V9 ----
write_dbs() {
  local db
  for db in v8 v9; do
    fresh_db "${BASE_DB}_$db"
    for v in $(seq 1 "${db#v}"); do
      PGDATABASE=${BASE_DB}_$db psql -qX -v ON_ERROR_STOP=1 -f migrations/V"$v"__*.sql >/dev/null
    done
    PGDATABASE=${BASE_DB}_$db bench/seed.sh "$WRITE_SEED" >/dev/null
  done
}
write_round() { # db → "tps wal_bytes_per_run"
  local before tx
  before=$(PGDATABASE=$1 q "SELECT pg_current_wal_lsn()")
  tx=$(PGDATABASE=$1 pgbench -n -M prepared -f bench/lifecycle.sql -c 4 -j 2 -T "$WRITE_SECONDS" 2>/dev/null |
    awk '/^number of transactions actually processed/ {n = $NF} /^tps = / {printf "%s %.0f", n, $3; exit}')
  PGDATABASE=$1 q "SELECT '${tx#* }', round(pg_wal_lsn_diff(pg_current_wal_lsn(), '$before') / ${tx%% *})" | tr '|' ' '
}
write_rounds() {
  local round db
  for round in $(seq 1 "$WRITE_ROUNDS"); do
    for db in v8 v9; do
      echo "$db $(write_round "${BASE_DB}_$db")" | tee -a "$OUT/lists-writes.txt"
    done
  done
}
echo "== write cost: $WRITE_ROUNDS rounds of ${WRITE_SECONDS}s each, on $WRITE_SEED seeded runs"
: >"$OUT/lists-writes.txt"
locked write_dbs
locked write_rounds
median() { sort -n | sed -n "$(((WRITE_ROUNDS + 1) / 2))p"; }
TPS8=$(awk '$1 == "v8" {print $2}' "$OUT/lists-writes.txt" | median)
TPS9=$(awk '$1 == "v9" {print $2}' "$OUT/lists-writes.txt" | median)
WAL8=$(awk '$1 == "v8" {print $3}' "$OUT/lists-writes.txt" | median)
WAL9=$(awk '$1 == "v9" {print $3}' "$OUT/lists-writes.txt" | median)
ROUNDS8=$(awk '$1 == "v8" {print $2}' "$OUT/lists-writes.txt" | paste -sd' ')
ROUNDS9=$(awk '$1 == "v9" {print $2}' "$OUT/lists-writes.txt" | paste -sd' ')

# ---- report ----
REPORT="$OUT/lists.md"
{
  echo "<!-- bench:lists:begin -->"
  echo "### Lists at 10k–1M runs, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, PostgreSQL $(q "SHOW server_version")"
  echo
  echo "Command: \`bench/lists.sh\` (SIZES=\"$SIZES\" CLIENTS=$CLIENTS DURATION=$DURATION; data: bench/seed.sql)."
  echo "p99 (p50; the replica's own p99, from its first byte read to its last byte written; mean time of the statement"
  echo "in PostgreSQL, from pg_stat_statements) of \`GET /v1/runs\` in ms, $CLIENTS clients back to back on an API-only"
  echo "replica, after the replica's JIT compilers are done:"
  echo
  printf '| combination |'; for n in $SIZES; do printf ' %s runs |' "$n"; done; echo
  printf '|---|'; for _ in $SIZES; do printf -- '---|'; done; echo
  cut -f1 "$OUT/lists-$(echo "$SIZES" | awk '{print $1}').tsv" | while IFS= read -r name; do
    printf '| %s |' "$name"
    for n in $SIZES; do
      awk -F'\t' -v name="$name" '$1 == name {
        printf " %s%s%s (%s; %s; %s)%s |", ($4 + 0 >= 20 ? "**" : ""), $4, ($4 + 0 >= 20 ? "**" : ""), $3, $8, $7,
          ($6 > 0 ? ", " $6 " errors" : "") }' "$OUT/lists-$n.tsv"
    done
    echo
  done
  echo
  echo "Write cost, one run a transaction (insert, claim, end; bench/lifecycle.sql, pgbench -c 4 -j 2, ${WRITE_SECONDS}s"
  echo "rounds alternating, median of $WRITE_ROUNDS, on $WRITE_SEED seeded runs):"
  echo
  echo "| schema | runs/s | WAL per run |"
  echo "|---|---|---|"
  echo "| V1–V8 (before) | $TPS8 (rounds: $ROUNDS8) | $WAL8 B |"
  echo "| V1–V9 (with the list indexes) | $TPS9 (rounds: $ROUNDS9) | $WAL9 B |"
  echo "<!-- bench:lists:end -->"
} >"$REPORT"
write_section lists "$REPORT"
cat "$REPORT"

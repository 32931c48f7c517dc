# Shared by the bench scripts (source it).

# The admin token of the replicas the scripts start (a production replica wants at least 32 characters).
BENCH_TOKEN=bench-admin-token-0123456789abcdef

# write_section NAME FILE: puts FILE (which starts with <!-- bench:NAME:begin --> and ends with
# <!-- bench:NAME:end -->) in place of that block in bench/RESULTS.md, or appends it.
write_section() {
  local name=$1 report=$2
  if grep -q "bench:$name:begin" bench/RESULTS.md 2>/dev/null; then
    awk -v report="$report" -v begin="bench:$name:begin" -v end="bench:$name:end" '
      index($0, begin) { while ((getline line < report) > 0) print line; skip = 1; next }
      index($0, end) { skip = 0; next }
      !skip { print }' bench/RESULTS.md >bench/out/RESULTS.md && mv bench/out/RESULTS.md bench/RESULTS.md
  else
    printf '\n' >>bench/RESULTS.md
    cat "$report" >>bench/RESULTS.md
  fi
}

# completed_runs PORT: the runs that the replica on PORT completed since it started (its counter
# jobstream_runs_finished_total). Polling it costs PostgreSQL nothing; a count of job_runs every 0.1 s would cost it
# a good part of a core (the table is full of dead row versions during a work-off) and slow down what is measured.
completed_runs() {
  curl -fsS -H "Authorization: Bearer $BENCH_TOKEN" "http://127.0.0.1:$1/q/metrics" |
    awk '/^jobstream_runs_finished_total\{/ && /status="completed"/ { s += $2 } END { printf "%d", s }'
}

# await_ready PORT LOG: waits up to 30 s for the replica on PORT to be ready; exits the script, naming LOG, if not.
await_ready() {
  for _ in $(seq 1 150); do
    curl -fs "http://127.0.0.1:$1/q/health/ready" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "service did not become ready; see $2" >&2
  exit 1
}

# await_completed COUNT [SINCE]: waits until the replica on $PORT completed COUNT more runs than when this was last
# called (its counter, in DONE; set DONE=0 for a new replica), then checks in the database that COUNT runs created
# at or after SINCE (default: all) are completed.
DONE=0
await_completed() {
  for _ in $(seq 1 2400); do
    if [ "$(completed_runs "$PORT")" -ge $((DONE + $1)) ] &&
       [ "$(psql -qtAX -v ON_ERROR_STOP=1 -c "SELECT count(*) FROM job_runs
              WHERE status = 'completed' AND created_at >= '${2:--infinity}'")" -ge "$1" ]; then
      DONE=$(completed_runs "$PORT")
      return 0
    fi
    sleep 0.05
  done
  echo "runs did not complete in time" >&2
  return 1
}

# jit_ticks PID: CPU time (clock ticks) the JVM's JIT compiler threads have used so far.
jit_ticks() {
  local t s=0
  for t in /proc/"$1"/task/*; do
    case "$(cat "$t/comm" 2>/dev/null)" in
      C1\ CompilerThre* | C2\ CompilerThre*) s=$((s + $(awk '{ print $14 + $15 }' "$t/stat" 2>/dev/null || echo 0))) ;;
    esac
  done
  echo "$s"
}

# await_compiled PID COMMAND...: runs COMMAND (a load of a few seconds) again and again until the JVM PID's JIT
# compilers used under 5 % of one core during one of them, or for 180 s at most. On 2 cores the compilers were
# still busy after 20 s of load, taking up to half the machine from what was then measured.
await_compiled() {
  local pid=$1 start=$SECONDS before after t0
  shift
  while [ $((SECONDS - start)) -lt 180 ]; do
    before=$(jit_ticks "$pid") t0=$(date +%s%N)
    "$@" >/dev/null
    after=$(jit_ticks "$pid")
    # ticks are 1/100 s; the load's duration in 1/100 s is (now - t0) / 10^7
    [ $(((after - before) * 20)) -lt $((($(date +%s%N) - t0) / 10000000)) ] && return 0
  done
  echo "the JIT compilers were still busy after 180 s of load" >&2
}

# locked FUNCTION [ARGS…]: runs it under flock on BENCH_LOCK, when set (so that other benchmarks on the machine wait)
locked() { ( [ -z "${BENCH_LOCK:-}" ] || flock 9; "$@" ) 9>>"${BENCH_LOCK:-/dev/null}"; }

# A viewer token limited to five workspaces of bench/seed.sql: 10, 500, 2000, 5000 and 9000 (a few thousand runs
# per million down to a few dozen). scoped_tokens FILE writes a tokens file (JOBSTREAM_TOKENS_FILE) that holds it.
SCOPED_TOKEN=bench-scoped-token-0123456789abcdef
scoped_tokens() {
  printf '[{"name": "bench-scoped", "sha256": "%s", "roles": ["viewer"], "workspaces": [%s]}]\n' \
    "$(printf %s "$SCOPED_TOKEN" | sha256sum | cut -d' ' -f1)" \
    "$(printf '"00000000-0000-4000-8000-%012d"\n' 10 500 2000 5000 9000 | paste -sd,)" >"$1"
}

# api_replica NAME: starts an API-only replica on $PORT (PID: its process; it does not sweep unless SCHEDULER=true)
# that knows the scoped token and writes each request's time in ms, from its first byte read to its last byte
# written, to bench/out/NAME-access.log: the server's share of what the clients measure (the rest is waiting for a
# core, and the network stack).
api_replica() {
  scoped_tokens "bench/out/$1-tokens.json"
  rm -f "bench/out/$1-access.log"
  JOBSTREAM_ADMIN_TOKEN=$BENCH_TOKEN JOBSTREAM_TOKENS_FILE="bench/out/$1-tokens.json" JOBSTREAM_ENGINES_MAX=0 \
    JOBSTREAM_STALE_AFTER=1h QUARKUS_SCHEDULER_ENABLED=${SCHEDULER:-false} QUARKUS_HTTP_PORT=$PORT \
    QUARKUS_HTTP_RECORD_REQUEST_START_TIME=true QUARKUS_HTTP_ACCESS_LOG_ENABLED=true QUARKUS_HTTP_ACCESS_LOG_PATTERN=%D \
    QUARKUS_HTTP_ACCESS_LOG_LOG_TO_FILE=true QUARKUS_HTTP_ACCESS_LOG_LOG_DIRECTORY=bench/out \
    QUARKUS_HTTP_ACCESS_LOG_BASE_FILE_NAME="$1-access" \
    java ${JAVA_OPTS:-} -jar target/quarkus-app/quarkus-run.jar >"bench/out/service-$1.log" 2>&1 &
  PID=$!
  await_ready "$PORT" "bench/out/service-$1.log"
}

# batches NAME RUNS: writes RUNS / 1000 bodies of /runs/batch (1,000 no-op runs of $JOB each, every run in a
# workspace of its own; JOB is demo.noop unless set: not exclusive, as a peer's jobs; demo.sleep is the exclusive one)
# to bench/out/NAME-batch-<i>.json; post_batches NAME RUNS posts them to the replica on $PORT, one after the other.
batches() {
  local i params='{}'
  [ "${JOB:-demo.noop}" = demo.noop ] || params='{"items":0}'
  for i in $(seq 1 $(($2 / 1000))); do
    psql -qtAX -v ON_ERROR_STOP=1 -c "SELECT json_build_object('runs', json_agg(json_build_object(
        'workspace_id', gen_random_uuid(), 'params', '$params'::json))) FROM generate_series(1, 1000)" \
      >"bench/out/$1-batch-$i.json"
  done
}
post_batches() {
  local i
  for i in $(seq 1 $(($2 / 1000))); do
    curl -fsS -o /dev/null -H "Authorization: Bearer $BENCH_TOKEN" -H "Content-Type: application/json" \
      --data-binary "@bench/out/$1-batch-$i.json" "http://127.0.0.1:$PORT/v1/jobs/${JOB:-demo.noop}/runs/batch"
  done
}

# rounds_median: the median of the space-separated figures on standard input (the mean of the middle two when even).
rounds_median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

#!/usr/bin/env bash
# Soak with faults: REPLICAS packaged replicas on one PostgreSQL under a mixed load (bench/clients/soak.mjs:
# triggers single, in batches, with idempotency keys and exclusive conflicts; engine runs; a job executed by Node
# workers, some behind a gateway that drops replies; pauses, resumes, cancels; SSE streams dropped and resumed with
# Last-Event-ID; schedules) for SOAK_MINUTES, while this script kills replicas with -9 and restarts them, stops
# others with SIGTERM, restarts PostgreSQL, and once stops it for longer than stale-after. Then the load stops, the
# runs settle, and the driver checks its ledger against the database: runs lost, executed twice, events missing or
# duplicated, streams left open must all be 0. Meanwhile the RSS of each replica and PostgreSQL's connections are
# sampled: they must stay flat. Figures go into bench/RESULTS.md ("bench:soak"); exits 1 if an invariant broke.
#
#   bench/soak.sh                   # SOAK_MINUTES=30
#   SOAK_MINUTES=3 bench/soak.sh    # a short one, while developing
#
# Runs as root: it restarts the machine's PostgreSQL cluster (pg_ctlcluster) and recreates the database SOAK_DB in
# it (../shared/tools/pg-local.sh, or PG_LOCAL). Needs a JDK, Node 20, psql, ss, jcmd.
# Knobs: SOAK_MINUTES (30), SOAK_SECONDS (instead), REPLICAS (3), BASE_PORT (8310: replicas on 8311…), FAULT_GAP
# (20: each fault comes 0.5–1.5 × FAULT_GAP s after the last one and its restart; kill -9, SIGTERM and a PostgreSQL
# restart in turn make a cycle of 1–1.5 min), OUTAGE (seconds PostgreSQL stays down, 6; stale-after is 2), SOAK_DB
# (soak), SOAK_BUILD (1: package first), and the driver's SOAK_RATE (4 runs/s), SOAK_WORKERS (4), SOAK_DROP (0.1),
# SOAK_STREAM_FRACTION (0.3), SOAK_SEED, … (bench/clients/soak.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
SOAK_SECONDS=${SOAK_SECONDS:-$(awk -v m="${SOAK_MINUTES:-30}" 'BEGIN { printf "%d", m * 60 }')}
REPLICAS=${REPLICAS:-3}
BASE_PORT=${BASE_PORT:-8310}
FAULT_GAP=${FAULT_GAP:-20}
OUTAGE=${OUTAGE:-6}
SOAK_DB=${SOAK_DB:-soak}
OUT=bench/out
SAMPLE_SECONDS=5
mkdir -p "$OUT"
[ "$REPLICAS" -ge 2 ] || { echo "REPLICAS must be 2 or more (replica 1 is never killed)" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "bench/soak.sh restarts PostgreSQL: run it as root" >&2; exit 2; }
[ "${SOAK_BUILD:-1}" = 0 ] && [ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -q package -DskipTests

# ---- PostgreSQL: a fresh database in the machine's cluster ----
read -r PG_VERSION PG_CLUSTER _ < <(pg_lsclusters --no-header | head -1)
pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" status >/dev/null 2>&1 || pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start
runuser -u postgres -- psql -qtAX -c "DROP DATABASE IF EXISTS $SOAK_DB WITH (FORCE)" >/dev/null
eval "$("${PG_LOCAL:-../shared/tools/pg-local.sh}" "$SOAK_DB")"
export PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD
q() { PGCONNECT_TIMEOUT=2 psql -qtAX -v ON_ERROR_STOP=1 -c "$1"; }
# others: sessions of other databases of the cluster (someone else's work, which a restart would break)
others() { q "SELECT count(*) FROM pg_stat_activity WHERE datname IS NOT NULL AND datname <> current_database()
                AND pid <> pg_backend_pid()" 2>/dev/null || echo 0; }
if [ "$(others)" != 0 ] && [ "${SOAK_PG_SHARED_OK:-0}" != 1 ]; then
  echo "other databases of this PostgreSQL have sessions, which its restarts would break; SOAK_PG_SHARED_OK=1 to go on" >&2
  exit 2
fi

WORKER_TOKEN=soak-worker-token-0123456789abcdef
printf '[{"name": "soak-worker", "sha256": "%s", "roles": ["worker"]}]\n' \
  "$(printf %s "$WORKER_TOKEN" | sha256sum | cut -d' ' -f1)" >"$OUT/soak-tokens.json"
FAULTS_LOG=$OUT/soak-faults.log
FAULTS_DONE=$OUT/soak-faults.done
SAMPLES=$OUT/soak-samples.csv
RESULT=$OUT/soak-result.json
PIDS_FILE=$OUT/soak-pids
rm -f "$FAULTS_LOG" "$FAULTS_DONE" "$SAMPLES" "$RESULT" "$OUT"/soak-r*.log
START=$(date +%s)
LOAD_AVG=$(cut -d' ' -f1 /proc/loadavg)
say() { echo "[$(($(date +%s) - START))s] $*" >&2; }
fault() { echo "$(date +%s%3N) $*" >>"$FAULTS_LOG"; say "$*"; }

# ---- replicas ----
# the container image's JVM flags (Dockerfile; as bench/memory.sh): a 768 MiB limit, half of it heap
JVM_FLAGS=${JVM_FLAGS:-"-XX:MaxRAM=768m -XX:MaxRAMPercentage=50 -XX:+UseParallelGC -XX:MinHeapFreeRatio=10 \
-XX:MaxHeapFreeRatio=20 -XX:GCTimeRatio=4 -XX:AdaptiveSizePolicyWeight=90 -XX:+ExitOnOutOfMemoryError"}
declare -a PID INC INSTANCE
PORTS=$(seq -s, $((BASE_PORT + 1)) $((BASE_PORT + REPLICAS)))
port_of() { echo $((BASE_PORT + $1)); }
write_pids() { local r; for r in $(seq 1 "$REPLICAS"); do echo "$r ${PID[$r]:-0}"; done >"$PIDS_FILE"; }
start_replica() {
  local i=$1
  INC[$i]=$((${INC[$i]:-0} + 1))
  INSTANCE[$i]=soak-r$i-${INC[$i]}
  # shellcheck disable=SC2086
  JOBSTREAM_ADMIN_TOKEN=$BENCH_TOKEN JOBSTREAM_TOKENS_FILE="$OUT/soak-tokens.json" JOBSTREAM_DEMO_JOBS=true \
    JOBSTREAM_HEARTBEAT_INTERVAL=300ms JOBSTREAM_STALE_AFTER=2s JOBSTREAM_SWEEPER_INTERVAL=500ms \
    JOBSTREAM_SHUTDOWN_GRACE=5s JOBSTREAM_INSTANCE_ID="${INSTANCE[$i]}" QUARKUS_HTTP_PORT="$(port_of "$i")" \
    java $JVM_FLAGS -jar target/quarkus-app/quarkus-run.jar >>"$OUT/soak-r$i.log" 2>&1 &
  PID[$i]=$!
  write_pids
  fault start "r$i" "${INSTANCE[$i]}" pid "${PID[$i]}"
}
# await_up I: waits up to 90 s for replica I to be ready; 1 if it is not
await_up() {
  local i=$1
  for _ in $(seq 1 450); do
    curl -fs "http://127.0.0.1:$(port_of "$i")/q/health/ready" >/dev/null 2>&1 && return 0
    kill -0 "${PID[$i]}" 2>/dev/null || break
    sleep 0.2
  done
  fault not-ready "r$i" "${INSTANCE[$i]}"
  return 1
}
alive() { kill -0 "${PID[$1]}" 2>/dev/null; }
DRIVER=
SAMPLER=
cleanup() {
  [ -z "$DRIVER" ] || kill "$DRIVER" 2>/dev/null || true
  [ -z "$SAMPLER" ] || kill "$SAMPLER" 2>/dev/null || true
  pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" status >/dev/null 2>&1 || pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start || true
  for i in $(seq 1 "$REPLICAS"); do [ -z "${PID[$i]:-}" ] || kill "${PID[$i]}" 2>/dev/null || true; done
  for i in $(seq 1 "$REPLICAS"); do [ -z "${PID[$i]:-}" ] || wait "${PID[$i]}" 2>/dev/null || true; done
}
trap cleanup EXIT
for i in $(seq 1 "$REPLICAS"); do start_replica "$i"; done
for i in $(seq 1 "$REPLICAS"); do await_up "$i" || { echo "replica $i did not start; see $OUT/soak-r$i.log" >&2; exit 1; }; done

# ---- samples: RSS of each replica, PostgreSQL's connections (all, and each replica's sockets to it) ----
sampler() {
  echo "ms,$(for i in $(seq 1 "$REPLICAS"); do printf 'rss%s_mib,' "$i"; done)pg_connections,$(seq -s, -f 'pg_sockets%g' 1 "$REPLICAS")"
  while :; do
    local line rss socks pid
    line="$(date +%s%3N)"
    socks=$(ss -Htnp state established "( dport = :$PGPORT )" 2>/dev/null || true)
    local counts=""
    while read -r i pid; do
      rss=$(awk '/^VmRSS/ { printf "%d", $2 / 1024 }' "/proc/$pid/status" 2>/dev/null || true)
      line="$line,${rss}"
      counts="$counts,$(grep -c "pid=$pid," <<<"$socks" || true)"
    done <"$PIDS_FILE"
    line="$line,$(q "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()" 2>/dev/null || true)$counts"
    echo "$line"
    sleep "$SAMPLE_SECONDS"
  done
}
sampler >"$SAMPLES" &
SAMPLER=$!

# ---- the load ----
say "load for $SOAK_SECONDS s on replicas $PORTS"
(cd bench/clients && PORTS=$PORTS JOBSTREAM_TOKEN=$BENCH_TOKEN WORKER_TOKEN=$WORKER_TOKEN SOAK_SECONDS=$SOAK_SECONDS \
  LEASE_MS=1600 RESULT="../../$RESULT" FAULTS_DONE="../../$FAULTS_DONE" FAULTS_LOG="../../$FAULTS_LOG" \
  exec node soak.mjs) 2> >(tee "$OUT/soak-driver.log" >&2) &
DRIVER=$!

# ---- faults ----
# replica 1 is never killed: its RSS over the whole soak is the memory figure; the others take the kills.
declare -A FAULTS=()
count() { FAULTS[$1]=$((${FAULTS[$1]:-0} + 1)); }
victim() { # a replica other than 1, and other than $1 when there is a choice
  local v
  for _ in 1 2 3 4 5 6 7 8; do
    v=$((2 + RANDOM % (REPLICAS - 1)))
    [ "$v" != "${1:-}" ] && break
  done
  echo "$v"
}
# monitor SECONDS: waits, restarting any replica that died without being killed (a crash: counted)
monitor() {
  local until=$(($(date +%s) + $1)) i
  while [ "$(date +%s)" -lt "$until" ]; do
    for i in $(seq 1 "$REPLICAS"); do
      if ! alive "$i"; then
        wait "${PID[$i]}" 2>/dev/null && status=0 || status=$?
        fault crash "r$i" "${INSTANCE[$i]}" "exit $status"
        count crash
        start_replica "$i"
        await_up "$i" || count not-ready
      fi
    done
    sleep 1
  done
}
LAST=
kill9() {
  local i
  i=$(victim "$LAST")
  LAST=$i
  fault kill9 "r$i" "${INSTANCE[$i]}" pid "${PID[$i]}"
  kill -9 "${PID[$i]}"
  wait "${PID[$i]}" 2>/dev/null || true
  count kill9
  sleep $((1 + RANDOM % 3))
  start_replica "$i"
  await_up "$i" || count not-ready
}
STOP_MS=()
sigterm() {
  local i t
  i=$(victim "$LAST")
  LAST=$i
  fault sigterm "r$i" "${INSTANCE[$i]}" pid "${PID[$i]}"
  t=$(date +%s%3N)
  kill -TERM "${PID[$i]}"
  for _ in $(seq 1 200); do alive "$i" || break; sleep 0.1; done
  if alive "$i"; then # not stopped within 20 s (shutdown grace 5 s): a hang
    fault kill9 "r$i" "${INSTANCE[$i]}" "after SIGTERM: still running after 20 s"
    count sigterm-hang
    kill -9 "${PID[$i]}"
  fi
  wait "${PID[$i]}" 2>/dev/null || true
  STOP_MS+=($(($(date +%s%3N) - t)))
  count sigterm
  start_replica "$i"
  await_up "$i" || count not-ready
}
MODE=fast
pg_restart() {
  if [ "$(others)" != 0 ] && [ "${SOAK_PG_SHARED_OK:-0}" != 1 ]; then fault pg-restart skipped: other databases in use; count skipped; return; fi
  fault pg-restart "$MODE"
  pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" restart -m "$MODE" >/dev/null
  fault pg-up
  count "pg-restart-$MODE"
  if [ "$MODE" = fast ]; then MODE=immediate; else MODE=fast; fi
}
pg_outage() {
  if [ "$(others)" != 0 ] && [ "${SOAK_PG_SHARED_OK:-0}" != 1 ]; then fault pg-outage skipped: other databases in use; count skipped; return; fi
  fault pg-outage-begin "$OUTAGE s"
  pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" stop -m fast >/dev/null
  sleep "$OUTAGE"
  pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start >/dev/null
  fault pg-outage-end
  count pg-outage
}
LOAD_START=$(date +%s)
END=$((LOAD_START + SOAK_SECONDS))
HALF=$((LOAD_START + SOAK_SECONDS / 2))
ACTIONS=(kill9 sigterm pg_restart)
k=0
outage_done=false
while :; do
  gap=$((FAULT_GAP / 2 + RANDOM % (FAULT_GAP + 1)))
  [ $(($(date +%s) + gap)) -lt $((END - 10)) ] || break
  monitor "$gap"
  if ! $outage_done && [ "$(date +%s)" -ge "$HALF" ]; then
    pg_outage
    outage_done=true
  else
    ${ACTIONS[$((k % 3))]}
    k=$((k + 1))
  fi
done
$outage_done || { [ $(($(date +%s) + OUTAGE + 5)) -ge "$END" ] || { pg_outage; outage_done=true; }; }
monitor $((END - $(date +%s) > 0 ? END - $(date +%s) : 0))
for i in $(seq 1 "$REPLICAS"); do alive "$i" || { count crash; start_replica "$i"; }; await_up "$i" || count not-ready; done
touch "$FAULTS_DONE"
say "faults over: ${!FAULTS[*]} → ${FAULTS[*]}"

# ---- after the load: the driver settles and checks; then what is left open ----
while kill -0 "$DRIVER" 2>/dev/null; do monitor 1; done
wait "$DRIVER" || true
DRIVER=
sleep 3
gauges() { # total of jobstream_sse_subscribers (run and feed streams) over the replicas
  local port s=0 v
  for port in ${PORTS//,/ }; do
    v=$(curl -fsS -H "Authorization: Bearer $BENCH_TOKEN" "http://127.0.0.1:$port/q/metrics" |
      awk 'index($0, "jobstream_sse_subscribers{") == 1 { s += $NF } END { printf "%d", s }') || v="?"
    s=$((s + ${v/\?/1000000}))
  done
  echo "$s"
}
SSE_OPEN=$(gauges)
HTTP_OPEN=0
for port in ${PORTS//,/ }; do
  HTTP_OPEN=$((HTTP_OPEN + $(ss -Htn state established "( sport = :$port )" | wc -l)))
done
heap_mib() { # heap used after a full GC
  jcmd "$1" GC.run >/dev/null 2>&1 || true
  curl -fsS -H "Authorization: Bearer $BENCH_TOKEN" "http://127.0.0.1:$(port_of 1)/q/metrics" |
    awk 'index($0, "jvm_memory_used_bytes{area=\"heap\"") == 1 { s += $NF } END { printf "%d", s / 1048576 }'
}
HEAP_END=$(heap_mib "${PID[1]}")
sleep "$SAMPLE_SECONDS"
kill "$SAMPLER" 2>/dev/null || true
SAMPLER=

# ---- figures ----
[ -s "$RESULT" ] || { echo "the driver wrote no result; see $OUT/soak-driver.log" >&2; exit 1; }
j() { jq -r "$1" "$RESULT"; }
# RSS of replica 1 (never killed) and PostgreSQL's connections: the first sample after the warm-up (a fifth of the
# load, at least 60 s), the last one (after settling), the largest
WARM_MS=$(($(head -2 "$SAMPLES" | tail -1 | cut -d, -f1) + 1000 * (SOAK_SECONDS / 5 > 60 ? SOAK_SECONDS / 5 : 60)))
col() { # col NAME: first-after-warm-up / last / max of the column
  awk -F, -v name="$1" -v warm="$WARM_MS" '
    NR == 1 { for (c = 1; c <= NF; c++) if ($c == name) k = c; next }
    $k == "" { next }
    { last = $k; if ($k + 0 > max) max = $k + 0; if ($1 >= warm && first == "") first = $k }
    END { printf "%s %s %s\n", first, last, max }' "$SAMPLES"
}
read -r RSS_FIRST RSS_LAST RSS_MAX < <(col rss1_mib)
read -r PG_FIRST PG_LAST PG_MAX < <(col pg_connections)
OTHERS=""
for i in $(seq 2 "$REPLICAS"); do
  read -r _ _ m < <(col "rss${i}_mib")
  OTHERS="$OTHERS${OTHERS:+, }r$i $m MiB"
done
PG_SOCK_END=""
for i in $(seq 1 "$REPLICAS"); do PG_SOCK_END="$PG_SOCK_END${PG_SOCK_END:+ / }$(tail -1 "$SAMPLES" | cut -d, -f$((REPLICAS + 2 + i)))"; done
# flat: replica 1's RSS at the end within 25 % (or 64 MiB) of the first sample after the warm-up, its heap after a
# full GC at the end under 128 MiB (the heap is 384 MiB: a leak of the load's size would show); PostgreSQL's
# connections within the replicas' bound at the end and throughout (a replica holds at most its reactive pool, 24,
# its JDBC pool, 2, the LISTEN and the locks connections: 28), each replica's at the end too
POOL=28
MEM_OK=$(awk -v f="$RSS_FIRST" -v l="$RSS_LAST" -v h="$HEAP_END" 'BEGIN { print (l <= f * 1.25 || l <= f + 64) && h < 128 ? 1 : 0 }')
CONN_OK=$(awk -v l="$PG_LAST" -v m="$PG_MAX" -v b=$((REPLICAS * POOL)) -v each="$PG_SOCK_END" -v pool=$POOL '
  BEGIN { ok = l <= b && m <= b + 5; n = split(each, e, " / "); for (i = 1; i <= n; i++) if (e[i] > pool) ok = 0; print ok ? 1 : 0 }')
FAULT_COUNTS=$(for name in kill9 sigterm pg-restart-fast pg-restart-immediate pg-outage skipped crash sigterm-hang not-ready; do
  printf '%s %s, ' "$name" "${FAULTS[$name]:-0}"; done | sed 's/, $//')
STOPS=$(printf '%s\n' "${STOP_MS[@]:-}" | sort -n | paste -sd, -)
zero() { jq -r --arg k "$1" '.findings[$k].count // 0' "$RESULT"; }
sum() { local s=0 k; for k in "$@"; do s=$((s + $(zero "$k"))); done; echo "$s"; }
LOST=$(sum 'run lost (acknowledged, not stored)' 'run not terminal')
TWICE=$(sum 'attempt started twice (two start_json)' 'an attempt claimed twice' 'trigger without a key made two runs' \
  'run claimed while another worker held it under a valid lease' 'run executed again after an accepted cancel' \
  'exclusive runs active together' 'tick fired twice')
EVENTS=$(sum 'events not gap-free 1..last' 'not exactly one end_json, last' 'item stored twice in an attempt' \
  'item missing in an attempt' 'stream event received twice' 'stream event missing' \
  'stream events differ from the stored ones' 'stream without end_json' 'events after the end_json')
LEFT_OPEN=$(sum 'stream left open after end_json' 'stream left open: reconnected with Last-Event-ID of the end_json')
VIOLATIONS=$(jq -r '[.findings[].count] | add // 0' "$RESULT")
BROKEN=$(jq -r '.findings | to_entries | map("\(.key): \(.value.count)") | join("; ")' "$RESULT")
CRASHES=$((${FAULTS[crash]:-0} + ${FAULTS[sigterm-hang]:-0} + ${FAULTS[not-ready]:-0}))
OK=1
[ "$VIOLATIONS" = 0 ] && [ "$CRASHES" = 0 ] && [ "$SSE_OPEN" = 0 ] && [ "$HTTP_OPEN" = 0 ] && [ "$MEM_OK" = 1 ] &&
  [ "$CONN_OK" = 1 ] || OK=0

REPORT=$OUT/soak.md
cat >"$REPORT" <<MD
<!-- bench:soak:begin -->
### Soak with faults, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average $LOAD_AVG at the start, PostgreSQL $(q "SHOW server_version" | cut -d' ' -f1)

Command: \`SOAK_MINUTES=$(awk -v s="$SOAK_SECONDS" 'BEGIN { print s / 60 }') bench/soak.sh\` (REPLICAS=$REPLICAS, FAULT_GAP=${FAULT_GAP} s, OUTAGE=${OUTAGE} s,
SOAK_RATE=$(j .rate), seed $(j .seed)): $REPLICAS packaged replicas (heartbeat 300 ms, stale-after 2 s, sweeper 500 ms,
shutdown grace 5 s; the image's JVM flags, 384 MiB heap) on one PostgreSQL, $(j .load_seconds) s of load, then
$(j .settle.seconds) s to settle (every paused run resumed, every run terminal). **$([ "$OK" = 1 ] && echo "Every invariant held." || echo "Invariants broke: $BROKEN")**

| load | count |
|---|---|
| runs acknowledged (by kind and how triggered) | $(j .runs): $(jq -r '.by_kind | to_entries | map("\(.key) \(.value)") | join(", ")' "$RESULT") |
| triggers: with an idempotency key (sent again to any replica until answered), or without (sent once, told apart by \`X-Correlation-Id\`) | $(jq -r '.stats.triggers | to_entries | map("\(.key) \(.value)") | join(", ")' "$RESULT") |
| batches; keys sent again on purpose | $(jq -r '.stats.batches | to_entries | map("\(.key) \(.value)") | join(", ")' "$RESULT"); $(jq -r '.stats.replays | to_entries | map("\(.key) \(.value)") | join(", ")' "$RESULT") |
| controls (pause, each resumed 0.3–4 s later; cancel; force-cancel): answers | $(jq -r '.stats.controls | to_entries | map("\(.key) \(.value)") | join(", ")' "$RESULT") |
| SSE streams of runs, from a random replica, dropped and resumed with \`Last-Event-ID\` | $(jq -r '.stats.streams | to_entries | map("\(.key) \(.value)") | join(", ")' "$RESULT"); feeds: $(jq -r '.stats.feeds | to_entries | map("\(.key) \(.value)") | join(", ")' "$RESULT") |
| Node workers ($(jq -r '.stats.workers | to_entries | map(select(.key | startswith("errors") | not)) | map("\(.key) \(.value)") | join(", ")' "$RESULT")) | errors seen by them: $(jq -r '[.stats.workers | to_entries[] | select(.key | startswith("errors")) | .value] | add // 0' "$RESULT") |
| the lossy gateway between half of the workers and the replicas | $(jq -r '.stats.gateway | to_entries | map("\(.key) \(.value)") | join(", ")' "$RESULT") |
| schedules (\`* * * * *\`: a 5-field cron fires at most once a minute) | ticks expected $(j .checked.ticks.expected), fired $(j .checked.ticks.fired) ($(j .checked.ticks.skipped) skipped: exclusive slot taken) |
| outcomes | $(jq -r '.checked.outcomes | to_entries | map("\(.key) \(.value)") | join(", ")' "$RESULT") |

| faults injected | count |
|---|---|
| $FAULT_COUNTS | SIGTERM → exit: ${STOPS:-none} ms; PostgreSQL outage ${OUTAGE} s (stale-after 2 s) |
| runs failed \`stale\` (their replica killed with -9 mid-run: demo.sleep has one attempt) / of workers / other | $(j .checked.failedStale.killed) / $(j '.checked.failedStale.worker // 0') / $(j .checked.failedStale.other) |
| answers 5xx to the driver and the workers, within 10 s of a PostgreSQL restart or outage / at other times | $(j .checked.serverErrors.during_pg_faults) / $(j .checked.serverErrors.other) ($(jq -r '.checked.serverErrors.by_path | to_entries | map("\(.key) \(.value)") | join(", ")' "$RESULT")) |
| attempts of workers' runs that no worker was told of (the claim's reply lost with a replica, or a long poll cut), left to the stale sweep | $(j .checked.orphanWorkerAttempts.count) |

| invariant | count |
|---|---|
| runs lost (acknowledged and not stored, or not terminal after settle) | **$LOST** |
| executed twice (two \`start_json\` of an attempt, two runs of a trigger, an attempt claimed twice, a run claimed under another worker's valid lease, a run executed after an accepted cancel, exclusive runs active together, a tick fired twice) | **$TWICE** |
| events missing or duplicated (stored: gaps, not one \`end_json\` last, an item twice or skipped in an attempt; streamed: not exactly the stored sequence, no \`end_json\`) | **$EVENTS** |
| streams left open (not closed within 10 s of \`end_json\`, or of a reconnect with its \`Last-Event-ID\`) / SSE subscribers on the replicas after / HTTP connections to them after | **$LEFT_OPEN** / **$SSE_OPEN** / **$HTTP_OPEN** |
| other findings (runs nobody asked for, replays answering another run, ticks lost, 409s naming no active run, …) | $((VIOLATIONS - LOST - TWICE - EVENTS - LEFT_OPEN)) |
| replicas crashed, hung on SIGTERM, or not ready after a restart | $CRASHES |

| resources | first after warm-up | last (settled) | max |
|---|---|---|---|
| RSS of replica 1 (never killed), MiB; heap after a full GC at the end: $HEAP_END MiB | $RSS_FIRST | $RSS_LAST | $RSS_MAX |
| PostgreSQL connections (\`pg_stat_activity\` of the database; bound: $POOL a replica); each replica's at the end: $PG_SOCK_END | $PG_FIRST | $PG_LAST | $PG_MAX |

Memory $([ "$MEM_OK" = 1 ] && echo flat || echo "NOT flat") (replica 1's RSS at the end within 25 % or 64 MiB of the first sample after
the warm-up, its heap after a full GC under 128 MiB); connections $([ "$CONN_OK" = 1 ] && echo flat || echo "NOT flat") (at most 28 a replica at the end,
the total never above that bound + 5). RSS of the replicas that were killed and restarted, max: $OTHERS. Samples every ${SAMPLE_SECONDS} s: \`bench/out/soak-samples.csv\`;
faults: \`bench/out/soak-faults.log\`; the driver's ledger and findings: \`bench/out/soak-result.json\`.
<!-- bench:soak:end -->
MD
write_section soak "$REPORT"
cat "$REPORT"
echo "soak: $(j .load_seconds) s, $(j .runs) runs, faults: $FAULT_COUNTS; lost $LOST, twice $TWICE, events $EVENTS," \
  "left open $LEFT_OPEN/$SSE_OPEN/$HTTP_OPEN, RSS r1 $RSS_FIRST→$RSS_LAST (max $RSS_MAX) MiB, PG connections" \
  "$PG_FIRST→$PG_LAST (max $PG_MAX)$([ "$MEM_OK$CONN_OK" = 11 ] || echo " NOT FLAT"): $([ "$OK" = 1 ] && echo PASS || echo "FAIL${BROKEN:+ ($BROKEN)}")"
[ "$OK" = 1 ]

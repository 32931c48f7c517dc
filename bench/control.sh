#!/usr/bin/env bash
# Control latency: POST /pause → state_json "paused" at an SSE subscriber, for a run that checkpoints every 10 ms;
# once with the run on the replica that gets the request, once with the run on another replica. Writes its figures
# into bench/RESULTS.md between the "bench:control" markers.
#
#   eval "$(../shared/tools/pg-local.sh)"; bench/control.sh
#
# Needs a JDK, Node 20. Knobs: ROUNDS (40), PORT (8097; the second replica uses PORT+1).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
: "${PGHOST:?set PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD}"
ROUNDS=${ROUNDS:-40}
PORT=${PORT:-8097}
OUT=bench/out
mkdir -p "$OUT"
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -q package -DskipTests
PIDS=()
start() { # name engines port
  JOBSTREAM_ADMIN_TOKEN=$BENCH_TOKEN JOBSTREAM_DEMO_JOBS=true JOBSTREAM_INSTANCE_ID=$1 JOBSTREAM_ENGINES_MAX=$2 QUARKUS_HTTP_PORT=$3 \
    java -jar target/quarkus-app/quarkus-run.jar >"$OUT/service-$1.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$3/q/health/ready" >/dev/null 2>&1 && return 0; sleep 0.2; done
  return 1
}
stop_all() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; PIDS=(); }
trap stop_all EXIT
measure() { (cd bench/clients && A="http://127.0.0.1:$PORT" TOKEN=$BENCH_TOKEN ROUNDS=$ROUNDS node control-latency.mjs); }

start a 16 "$PORT"
SAME=$(measure)
stop_all
start b 16 $((PORT + 1))
start a 0 "$PORT"
CROSS=$(measure)
stop_all
echo "same replica: $SAME"
echo "across replicas: $CROSS"

REPORT="$OUT/control.md"
cat >"$REPORT" <<MD
<!-- bench:control:begin -->
### Control latency, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores

Command: \`bench/control.sh\` (ROUNDS=$ROUNDS; \`demo.sleep\` with \`delay_ms: 10\`, so a checkpoint every 10 ms)

| pause → \`state_json paused\` at a subscriber | p50 | p99 | max |
|---|---|---|---|
| same replica | $(echo "$SAME" | sed -E 's/.*"p50_ms":([0-9]+),"p99_ms":([0-9]+),"max_ms":([0-9]+).*/\1 ms | **\2 ms** | \3 ms/') |
| across replicas (request and subscriber on A, run on B) | $(echo "$CROSS" | sed -E 's/.*"p50_ms":([0-9]+),"p99_ms":([0-9]+),"max_ms":([0-9]+).*/\1 ms | **\2 ms** | \3 ms/') |
<!-- bench:control:end -->
MD
write_section control "$REPORT"
cat "$REPORT"

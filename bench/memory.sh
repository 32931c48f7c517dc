#!/usr/bin/env bash
# Resident memory (RSS) of the packaged service, idle and under load, for sizing the Kubernetes resources
# (k8s/base/deployment.yaml). The JVM runs with the flags the container image gives it (Dockerfile, ubi9 openjdk
# runtime: ParallelGC, heap = JAVA_MAX_RAM_RATIO % of the memory limit), with the limit emulated by -XX:MaxRAM.
# Writes its figures into bench/RESULTS.md between the "bench:memory" markers.
#
#   eval "$(../shared/tools/pg-local.sh)"; bench/memory.sh
#
# Needs a JDK, wrk, Node 20, curl. Knobs: LIMIT (memory limit to emulate, 768m), RATIO (heap % of it, 50),
# JVM_FLAGS (instead of those: e.g. JVM_FLAGS=-Dnone for the JVM's own defaults on this host), IDLE (seconds before
# the idle sample, 30), DURATION (seconds of load, 30), SUBSCRIBERS (SSE streams, 1000), PORT (8097),
# SECTION (the RESULTS.md section, memory).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
: "${PGHOST:?set PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD}"
LIMIT=${LIMIT:-768m}
RATIO=${RATIO:-50}
IDLE=${IDLE:-30}
DURATION=${DURATION:-30}
SUBSCRIBERS=${SUBSCRIBERS:-1000}
PORT=${PORT:-8097}
OUT=bench/out
mkdir -p "$OUT"
export JOBSTREAM_TOKEN=$BENCH_TOKEN
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -q package -DskipTests

# the container's JVM flags (ubi9 openjdk runtime defaults, heap ratio as set in the Dockerfile)
JVM_FLAGS=${JVM_FLAGS:-"-XX:MaxRAM=$LIMIT -XX:MaxRAMPercentage=$RATIO -XX:+UseParallelGC -XX:MinHeapFreeRatio=10 \
-XX:MaxHeapFreeRatio=20 -XX:GCTimeRatio=4 -XX:AdaptiveSizePolicyWeight=90 -XX:+ExitOnOutOfMemoryError"}
# shellcheck disable=SC2086
JOBSTREAM_ADMIN_TOKEN=$BENCH_TOKEN JOBSTREAM_DEMO_JOBS=true JOBSTREAM_STREAMS_MAX_PER_TOKEN=$((SUBSCRIBERS + 10)) QUARKUS_HTTP_PORT=$PORT java $JVM_FLAGS -jar target/quarkus-app/quarkus-run.jar \
  >"$OUT/service-memory.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 150); do curl -fs "http://127.0.0.1:$PORT/q/health/ready" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fs "http://127.0.0.1:$PORT/q/health/ready" >/dev/null || { echo "service not ready; see $OUT/service-memory.log" >&2; exit 1; }

rss_mib() { awk '/^VmRSS/ {printf "%d", $2 / 1024}' "/proc/$PID/status"; }
hwm_mib() { awk '/^VmHWM/ {printf "%d", $2 / 1024}' "/proc/$PID/status"; }

sleep "$IDLE"
IDLE_RSS=$(rss_mib)
echo "idle after ${IDLE}s: RSS $IDLE_RSS MiB"

# load: a run streamed to SUBSCRIBERS clients (10 events/s), 64 clients triggering no-op runs that this replica
# executes, and 8 clients listing runs, all at once for DURATION seconds
RUN=$(curl -fs -H "Authorization: Bearer $BENCH_TOKEN" -H "Content-Type: application/json" \
  -d "{\"workspace_id\":\"$(cat /proc/sys/kernel/random/uuid)\",\"params\":{\"items\":$(((DURATION + 30) * 5)),\"delay_ms\":200}}" \
  "http://127.0.0.1:$PORT/v1/jobs/demo.sleep/runs" | sed -E 's/.*"id":"([^"]+)".*/\1/')
(cd bench/clients && URL="http://127.0.0.1:$PORT/v1/runs/$RUN/events" TOKEN=$BENCH_TOKEN SUBSCRIBERS=$SUBSCRIBERS \
  SECONDS=$((DURATION + 5)) WORKERS=2 node sse-fanout.mjs >"../../$OUT/memory-fanout.json") &
CLIENTS=$!
sleep 5
wrk -t1 -c64 -d"${DURATION}s" -s bench/trigger.lua "http://127.0.0.1:$PORT/v1/jobs/demo.sleep/runs" \
  >"$OUT/memory-trigger.txt" &
TRIGGER=$!
wrk -t1 -c8 -d"${DURATION}s" -H "Authorization: Bearer $BENCH_TOKEN" \
  "http://127.0.0.1:$PORT/v1/runs?job=demo.sleep&limit=50" >"$OUT/memory-list.txt" &
LIST=$!
MAX_LOAD=0
for _ in $(seq 1 "$DURATION"); do
  r=$(rss_mib)
  [ "$r" -gt "$MAX_LOAD" ] && MAX_LOAD=$r
  sleep 1
done
wait $TRIGGER $LIST || true
wait $CLIENTS || true
curl -fs -o /dev/null -X POST -H "Authorization: Bearer $BENCH_TOKEN" "http://127.0.0.1:$PORT/v1/runs/$RUN/cancel?force=true" || true
sleep 5
AFTER_RSS=$(rss_mib)
PEAK=$(hwm_mib)
TRIGGERS=$(tail -1 "$OUT/memory-trigger.txt" | sed -E 's/.*"rps":([0-9.]+).*/\1/')
LISTS=$(awk '/Requests\/sec/ {print $2}' "$OUT/memory-list.txt")
STREAMS=$(sed -E 's/.*"subscribers":([0-9]+).*/\1/' "$OUT/memory-fanout.json")
echo "under load: RSS at most $MAX_LOAD MiB (peak $PEAK MiB); after: $AFTER_RSS MiB"
echo "load: $TRIGGERS triggers/s, $LISTS lists/s, $STREAMS streams"

SECTION=${SECTION:-memory}
REPORT="$OUT/$SECTION.md"
cat >"$REPORT" <<MD
<!-- bench:$SECTION:begin -->
### Memory (RSS), $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg)

Command: \`bench/memory.sh\` (IDLE=$IDLE DURATION=$DURATION SUBSCRIBERS=$SUBSCRIBERS): the packaged jar with
\`$(echo $JVM_FLAGS)\`, idle, then under load: $STREAMS SSE streams of one run (10 events/s), 64 clients triggering no-op runs that the
replica executes ($TRIGGERS/s), 8 clients listing runs ($LISTS/s), all at once for ${DURATION} s.

| figure | RSS |
|---|---|
| idle, ${IDLE} s after ready | **$IDLE_RSS MiB** |
| under load, most seen (sampled every second) | **$MAX_LOAD MiB** |
| peak (VmHWM) | $PEAK MiB |
| 5 s after the load | $AFTER_RSS MiB |
<!-- bench:$SECTION:end -->
MD
write_section "$SECTION" "$REPORT"
echo "figures written to bench/RESULTS.md"

#!/usr/bin/env bash
# SSE fan-out: SUBSCRIBERS (10,000) streams of one run that emits 10 events/s, on one replica; event delay
# percentiles and the replica's heap. Writes its figures into bench/RESULTS.md between the "bench:fanout" markers.
#
#   eval "$(../shared/tools/pg-local.sh)"; bench/fanout.sh
#
# Needs a JDK (jcmd), psql, and Node 20 for CLIENT=node. SERVER_CPUS/CLIENT_CPUS pin them with taskset. Knobs:
# SUBSCRIBERS (10000), DURATION (20 s of measurement after all are connected), PORT (8097), XMX (512m),
# CLIENT (java: bench/clients/SseFanout.java, one thread on non-blocking sockets; node: sse-fanout.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
: "${PGHOST:?set PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD}"
SUBSCRIBERS=${SUBSCRIBERS:-10000}
DURATION=${DURATION:-20}
PORT=${PORT:-8097}
XMX=${XMX:-512m}
OUT=bench/out
mkdir -p "$OUT"
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -q package -DskipTests

pin() { if [ -n "${1:-}" ]; then echo "taskset -c $1"; fi; }  # SERVER_CPUS / CLIENT_CPUS, e.g. 0 and 1
JOBSTREAM_ADMIN_TOKEN=$BENCH_TOKEN JOBSTREAM_DEMO_JOBS=true JOBSTREAM_STREAMS_MAX_PER_TOKEN=$((SUBSCRIBERS + 10)) QUARKUS_HTTP_PORT=$PORT $(pin "${SERVER_CPUS:-}") java -Xmx"$XMX" ${JAVA_OPTS:-} \
  -jar target/quarkus-app/quarkus-run.jar \
  >"$OUT/service-fanout.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/q/health/ready" >/dev/null 2>&1 && break; sleep 0.2; done

heap_mib() { jcmd "$PID" GC.heap_info 2>/dev/null | awk '/heap/ && /used/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K,?/, "", v); printf "%d", v / 1024; exit } }'; }

RUN=$(curl -fs -H "Authorization: Bearer $BENCH_TOKEN" -H "Content-Type: application/json" \
  -d "{\"workspace_id\":\"$(cat /proc/sys/kernel/random/uuid)\",\"params\":{\"items\":$(((DURATION + 60) * 5)),\"delay_ms\":200}}" \
  "http://127.0.0.1:$PORT/v1/jobs/demo.sleep/runs" | sed -E 's/.*"id":"([^"]+)".*/\1/')
echo "run $RUN emits 10 events/s (a log line and a progress event every 200 ms)"

MAX_HEAP=0
( while kill -0 "$PID" 2>/dev/null; do h=$(heap_mib); echo "${h:-0}"; sleep 2; done ) >"$OUT/heap.txt" &
SAMPLER=$!
CLIENT=${CLIENT:-java}
if [ "$CLIENT" = node ]; then
  RESULT=$(cd bench/clients && URL="http://127.0.0.1:$PORT/v1/runs/$RUN/events" TOKEN=$BENCH_TOKEN \
    SUBSCRIBERS=$SUBSCRIBERS SECONDS=$DURATION WORKERS=${WORKERS:-4} $(pin "${CLIENT_CPUS:-}") node sse-fanout.mjs)
  CLIENT_DESC="the Node client (sse-fanout.mjs), ${WORKERS:-4} processes"
else
  RESULT=$(cd bench/clients && URL="http://127.0.0.1:$PORT/v1/runs/$RUN/events" TOKEN=$BENCH_TOKEN \
    SUBSCRIBERS=$SUBSCRIBERS SECONDS=$DURATION $(pin "${CLIENT_CPUS:-}") java -Xmx256m SseFanout.java)
  CLIENT_DESC="the Java client (SseFanout.java: one thread, non-blocking sockets)"
fi
kill $SAMPLER 2>/dev/null || true
MAX_HEAP=$(sort -n "$OUT/heap.txt" | tail -1)
RSS=$(awk '/VmHWM/ {printf "%d", $2 / 1024}' /proc/$PID/status)
curl -fs -o /dev/null -X POST -H "Authorization: Bearer $BENCH_TOKEN" "http://127.0.0.1:$PORT/v1/runs/$RUN/cancel?force=true" || true
echo "fan-out: $RESULT; heap used at most ${MAX_HEAP} MiB (sampled every 2 s, -Xmx$XMX); peak RSS ${RSS} MiB"

REPORT="$OUT/fanout.md"
cat >"$REPORT" <<MD
<!-- bench:fanout:begin -->
### SSE fan-out, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores

Command: \`bench/fanout.sh\` (SUBSCRIBERS=$SUBSCRIBERS DURATION=$DURATION CLIENT=$CLIENT, replica with -Xmx$XMX;
$CLIENT_DESC, runs on the same $(nproc) cores)

| figure | value |
|---|---|
| subscribers of one run (10 events/s) | $(echo "$RESULT" | sed -E 's/.*"subscribers":([0-9]+).*/\1/') |
| event delay, engine → subscriber, p50 / p99 / max | $(echo "$RESULT" | sed -E 's/.*"p50_ms":([0-9]+).*"p99_ms":([0-9]+).*"max_ms":([0-9]+).*/\1 ms \/ **\2 ms** \/ \3 ms/') |
| events received (measured after warm-up) / gaps / errors | $(echo "$RESULT" | sed -E 's/.*"events":([0-9]+),"measured":([0-9]+),"gaps":([0-9]+),"errors":([0-9]+).*/\1 (\2) \/ \3 \/ \4/') |
| heap used, most seen / peak RSS | **$MAX_HEAP MiB** / $RSS MiB |
<!-- bench:fanout:end -->
MD
write_section fanout "$REPORT"
cat "$REPORT"

#!/usr/bin/env bash
# Where a short run's JVM time goes: async-profiler (4.1, from Maven Central) samples the CPU of a replica at
# jobstream's default settings, from its start, while it works off (1 + ROUNDS) × RUNS no-op runs posted through
# /runs/batch (end to end). The JIT compiler's samples are counted apart (they are the warm-up's, mostly); the frames
# that hold the most of the others, by themselves and with what they call, go into bench/RESULTS.md between the
# "bench:profile" markers, the collapsed stacks into bench/out/profile.collapsed.
#
#   eval "$(../shared/tools/pg-local.sh)"; bench/profile.sh       # ~2 minutes
#
# Knobs: RUNS (20000), ROUNDS (3), PORT (8095), EVENT (itimer: needs no perf_events; cpu where they are allowed).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
: "${PGHOST:?set PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD (see the header of this script)}"
RUNS=${RUNS:-20000}
ROUNDS=${ROUNDS:-3}
PORT=${PORT:-8095}
EVENT=${EVENT:-itimer}
OUT=bench/out
mkdir -p "$OUT"
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -q package -DskipTests

AP=tools.profiler:async-profiler:4.1
AP_JAR=~/.m2/repository/tools/profiler/async-profiler/4.1/async-profiler-4.1.jar
[ -f "$AP_JAR" ] || ./mvnw -q dependency:get -Dartifact=$AP
LIB="$OUT/async-profiler/linux-x64/libasyncProfiler.so"
[ -f "$LIB" ] || unzip -o -q "$AP_JAR" 'linux-x64/*' -d "$OUT/async-profiler"

q() { psql -qtAX -v ON_ERROR_STOP=1 -c "$1"; }
PID=
stop_service() { [ -z "$PID" ] || { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; PID=; }; }
trap stop_service EXIT
env JOBSTREAM_ADMIN_TOKEN=$BENCH_TOKEN JOBSTREAM_DEMO_JOBS=true QUARKUS_HTTP_PORT=$PORT \
  java -agentpath:"$LIB=start,event=$EVENT,interval=1ms,collapsed,file=$PWD/$OUT/profile.collapsed" \
  -jar target/quarkus-app/quarkus-run.jar >"$OUT/service-profile.log" 2>&1 &
PID=$!
DONE=0
await_ready "$PORT" "$OUT/service-profile.log"
batches profile "$RUNS"
q "TRUNCATE job_runs, job_run_events, error_events"
post_batches profile "$RUNS" && await_completed "$RUNS" # warm-up
for round in $(seq 1 "$ROUNDS"); do
  q "TRUNCATE job_runs, job_run_events, error_events"
  post_batches profile "$RUNS"
  await_completed "$RUNS"
done
stop_service # the profile is written as the JVM exits

JIT=$(awk '/CompileBroker::|C2Compiler::|C1Compiler::/ { n += $NF } END { print n + 0 }' "$OUT/profile.collapsed")
grep -v -E 'CompileBroker::|C2Compiler::|C1Compiler::' "$OUT/profile.collapsed" >"$OUT/profile.app.collapsed"

# the frames of the collapsed stacks: by themselves (the leaf), and with their callees (anywhere in a stack)
TOTAL=$(awk '{ n += $NF } END { print n }' "$OUT/profile.app.collapsed")
top() { # awk program that prints "samples frame" lines
  awk "$1" "$OUT/profile.app.collapsed" | sort -rn | awk 'NR <= 15' |
    awk -v t="$TOTAL" '{ s = $1; $1 = ""; printf "| %.1f %% | `%s` |\n", 100 * s / t, substr($0, 2) }'
}
SELF=$(top '{ n = $NF; $NF = ""; k = split($0, f, ";"); sub(/ +$/, "", f[k]); self[f[k]] += n }
            END { for (x in self) print self[x], x }')
INCL=$(top '{ n = $NF; $NF = ""; k = split($0, f, ";"); delete seen
              for (i = 1; i <= k; i++) { sub(/ +$/, "", f[i])
                if (f[i] ~ /^dev\/jobstream\// && !(f[i] in seen)) { seen[f[i]] = 1; all[f[i]] += n } } }
            END { for (x in all) print all[x], x }')

REPORT="$OUT/profile.md"
cat >"$REPORT" <<MD
<!-- bench:profile:begin -->
### Where the JVM's time goes, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores

Command: \`bench/profile.sh\` (RUNS=$RUNS ROUNDS=$ROUNDS EVENT=$EVENT): async-profiler 4.1 on a replica at the
default settings, from its start, working off (1 + $ROUNDS) × $RUNS no-op runs end to end: $TOTAL samples of 1 ms
outside the JIT compiler (which took $JIT more). Collapsed stacks: \`bench/out/profile.collapsed\`.

Frames holding the most samples by themselves:

| samples | frame |
|---|---|
$SELF

Frames of jobstream's own code holding the most samples with what they call:

| samples | frame |
|---|---|
$INCL
<!-- bench:profile:end -->
MD
write_section profile "$REPORT"
cat "$REPORT"

#!/usr/bin/env bash
# Reliability: runs the crash tests against packaged replicas ROUNDS times (kill -9 → stale detection, SIGTERM →
# requeue, PostgreSQL restart → readiness down/up) and writes what they measured into bench/RESULTS.md between the
# "bench:reliability" markers. The same tests run once in ./mvnw verify.
#
#   bench/reliability.sh            # ROUNDS=3
#
# Needs only a JDK (the tests start their own embedded PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
ROUNDS=${ROUNDS:-3}
OUT=bench/out
mkdir -p "$OUT"
./mvnw -q package -DskipTests
: >"$OUT/reliability.log"
for round in $(seq 1 "$ROUNDS"); do
  ./mvnw -q failsafe:integration-test failsafe:verify -Dit.test='CrashIT,DatabaseRestartIT' 2>&1 |
    grep '^reliability:' | tee -a "$OUT/reliability.log"
done
kill9=$(grep -o 'ended stale after [0-9]* ms' "$OUT/reliability.log" | grep -o '[0-9]*' | paste -sd, -)
term=$(grep -o 'stopped in [0-9]* ms' "$OUT/reliability.log" | grep -o '[0-9]*' | paste -sd, -)
down=$(grep -o 'DOWN after [0-9]* ms' "$OUT/reliability.log" | grep -o '[0-9]*' | paste -sd, -)
up=$(grep -o 'UP [0-9]* ms' "$OUT/reliability.log" | grep -o '[0-9]*' | paste -sd, -)
requeued=$(grep -o '[0-9]* of [0-9]* runs requeued' "$OUT/reliability.log" | cut -d' ' -f1-3 | paste -sd, -)
report="$OUT/reliability.md"
cat >"$report" <<MD
<!-- bench:reliability:begin -->
### Reliability, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores

Command: \`bench/reliability.sh\` (ROUNDS=$ROUNDS; \`CrashIT\` and \`DatabaseRestartIT\`: packaged replicas with
heartbeat 300 ms, stale-after 2 s, sweeper 500 ms; every assertion of the tests held in every round)

| figure | per round |
|---|---|
| \`kill -9\` of the executing replica → its run ended \`stale\` by the other replica (stale-after 2 s after the last heartbeat, found by the next sweep; Quarkus' scheduler fires at most once a second, so both run every 1 s here: 1–3 s) | $kill9 ms |
| SIGTERM during a run → replica exited, run requeued (\`reason: shutdown\`, attempt 2), finished by another replica | $term ms |
| PostgreSQL stopped under 4 running runs → readiness DOWN | $down ms |
| PostgreSQL back → readiness UP | $up ms |
| runs requeued by the restart (their lock connection was lost) | $requeued |
| runs lost / left running / duplicate executions (more starts than attempts) / stored events lost | 0 / 0 / 0 / 0 (asserted by the tests) |
<!-- bench:reliability:end -->
MD
write_section reliability "$report"
cat "$report"

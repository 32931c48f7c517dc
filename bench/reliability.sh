#!/usr/bin/env bash
# Reliability: runs the fault tests against packaged replicas ROUNDS times (kill -9 → stale detection, SIGTERM →
# requeue, PostgreSQL restart → readiness down/up, an outage longer than stale-after, a replica cut off by a TCP
# proxy, a half-open LISTEN connection, paused and cancelled runs through restarts, a burst of 20,000 runs under a
# live feed) and writes what they measured into bench/RESULTS.md between the
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
  ./mvnw -q failsafe:integration-test failsafe:verify -Dburst.batches=20 \
    -Dit.test='CrashIT,DatabaseRestartIT,PausedAcrossRestartsIT,LeaseIT,HalfOpenListenIT,BurstIT' 2>&1 |
    grep '^reliability:' | tee -a "$OUT/reliability.log"
done
kill9=$(grep -o 'ended stale after [0-9]* ms' "$OUT/reliability.log" | grep -o '[0-9]*' | paste -sd, -)
term=$(grep -o 'stopped in [0-9]* ms' "$OUT/reliability.log" | grep -o '[0-9]*' | paste -sd, -)
down=$(grep -o 'DOWN after [0-9]* ms' "$OUT/reliability.log" | grep -o '[0-9]*' | paste -sd, -)
up=$(grep -o 'UP [0-9]* ms' "$OUT/reliability.log" | grep -o '[0-9]*' | paste -sd, -)
requeued=$(grep -o '[0-9]* of [0-9]* runs requeued' "$OUT/reliability.log" | cut -d' ' -f1-3 | paste -sd, -)
outage=$(grep -o 'stale-after 4 s) under 2 replicas → [0-9]* of [0-9]* runs completed, [0-9]* requeued, 0 failed stale' "$OUT/reliability.log" | sed 's/.*→ //' | paste -sd';' -)
halted=$(grep -o 'its job halted [0-9]* ms' "$OUT/reliability.log" | grep -o '[0-9]*' | paste -sd, -)
taken=$(grep -o 'took the run [0-9]* ms' "$OUT/reliability.log" | grep -o '[0-9]*' | paste -sd, -)
halfopen=$(grep -o 'replaced [0-9]* ms after it froze' "$OUT/reliability.log" | grep -o '[0-9]*' | paste -sd, -)
burst=$(grep -o 'all completed in [0-9]* ms' "$OUT/reliability.log" | grep -o '[0-9]*' | paste -sd, -)
burstfeed=$(grep -o 'it [0-9]* ms later, [0-9]* changes sent' "$OUT/reliability.log" | sed 's/it //' | paste -sd';' -)
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
| PostgreSQL down 12 s under 2 replicas (heartbeat 1 s, stale-after 4 s, sweeper 1 s), 4 runs | $outage |
| replica cut off from PostgreSQL (TCP proxy closed): its job halted / the other replica took the run, after the cut | $halted ms / $taken ms |
| half-open LISTEN connection (TCP proxy drops its bytes): replaced after | $halfopen ms |
| burst of 20,000 runs through \`/runs/batch\` under a live feed: all completed in | $burst ms |
| … the feed reported the run triggered after the burst | $burstfeed |
| paused run through SIGTERM and kill -9, cancel accepted before SIGTERM / kill -9, pause held too long | kept paused and resumed to completion; ended cancelled, never run again; parked, slot freed (\`PausedAcrossRestartsIT\`) |
| runs lost / failed by a fault / duplicate executions (more starts than attempts) / stored events lost | 0 / 0 / 0 / 0 (asserted by the tests) |
<!-- bench:reliability:end -->
MD
write_section reliability "$report"
cat "$report"

// Work-off of no-op runs by workers outside the service (clients/node/jobstream-worker.mjs), measured as
// bench/run.sh measures the service's own engines:
//   warm-up:    WARM (5000) runs posted and worked off (JIT, caches, pools);
//   end to end: RUNS (20000) runs posted through /runs/batch (1000 a call) while WORKERS workers, each claiming up
//               to CONCURRENCY runs at a time (a long poll), execute them; figure = RUNS / (first post → last end
//               acknowledged), median of ROUNDS;
//   latency:    one idle worker waits in its long poll; a run is triggered; claim-to-start = from the trigger sent
//               to the handler called, SAMPLES times, p50 / p99.
// Env: JOBSTREAM_URL, JOBSTREAM_TOKEN (an admin token: it registers the job and triggers), WORKER_TOKEN (default the
// same), RUNS, WARM, WORKERS (4), CONCURRENCY (100), ROUNDS (3), SAMPLES (200). Output: one JSON line.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { JobstreamWorker } from '../../clients/node/jobstream-worker.mjs';

const URL_ = process.env.JOBSTREAM_URL.replace(/\/?$/, '/');
const TOKEN = process.env.JOBSTREAM_TOKEN;
const WORKER_TOKEN = process.env.WORKER_TOKEN ?? TOKEN;
const int = (name, def) => Number(process.env[name] ?? def);
const RUNS = int('RUNS', 20000);
const WARM = int('WARM', 5000);
const WORKERS = int('WORKERS', 4);
const CONCURRENCY = int('CONCURRENCY', 100);
const ROUNDS = int('ROUNDS', 3);
const SAMPLES = int('SAMPLES', 200);
const JOB = 'bench.remote-noop';

async function call(method, path, body) {
  const response = await fetch(new URL(path, URL_), {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${await response.text()}`);
  return response.json().catch(() => null);
}

const batch = () => ({ runs: Array.from({ length: 1000 }, () => ({ workspace_id: randomUUID() })) });
let ended = 0;
let waiters = [];
const onEnd = () => {
  ended++;
  waiters = waiters.filter((w) => (ended >= w.count ? (w.resolve(), false) : true));
};
const until = (count) => new Promise((resolve) => {
  if (ended >= count) resolve();
  else waiters.push({ count, resolve });
});

async function post(runs) {
  for (let i = 0; i < runs / 1000; i++) await call('POST', `v1/jobs/${JOB}/runs/batch`, batch());
}

await call('PUT', `v1/jobs/${JOB}`, { exclusive: false, description: 'no-op, for bench/workers.sh' });
const workers = Array.from({ length: WORKERS }, (_, i) => {
  const worker = new JobstreamWorker(URL_, {
    token: WORKER_TOKEN, workerId: `bench-${i}`, concurrency: CONCURRENCY, pollWaitSeconds: 5,
    reportEveryMs: 10000, jobs: { [JOB]: async () => ({}) },
  });
  worker.addEventListener('end', onEnd);
  worker.onerror = (e) => console.error(`worker ${i}: ${e.detail?.message ?? e.detail}`);
  return worker;
});

await post(WARM);
await until(WARM);
const rounds = [];
for (let round = 0; round < ROUNDS; round++) {
  const start = performance.now();
  const target = ended + RUNS;
  await post(RUNS);
  await until(target);
  rounds.push(Math.round(RUNS / ((performance.now() - start) / 1000)));
  console.error(`end to end, round ${round + 1}: ${rounds.at(-1)} runs/s`);
}
await Promise.all(workers.map((w) => w.close()));

// claim-to-start: one idle worker in its long poll
let started = null;
const idle = new JobstreamWorker(URL_, {
  token: WORKER_TOKEN, workerId: 'bench-idle', concurrency: 1, pollWaitSeconds: 30, reportEveryMs: 10000,
  jobs: { [JOB]: async () => { started?.(performance.now()); return {}; } },
});
const latencies = [];
for (let i = 0; i < SAMPLES + 10; i++) {
  await new Promise((resolve) => setTimeout(resolve, 30)); // the worker is back in its long poll
  const begun = new Promise((resolve) => { started = resolve; });
  const sent = performance.now();
  await call('POST', `v1/jobs/${JOB}/runs`, { workspace_id: randomUUID() });
  const at = await begun;
  if (i >= 10) latencies.push(at - sent);
}
await idle.close();
latencies.sort((a, b) => a - b);
const pct = (p) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] * 10) / 10;
const median = [...rounds].sort((a, b) => a - b)[Math.floor(rounds.length / 2)];
console.log(JSON.stringify({ runs: RUNS, workers: WORKERS, concurrency: CONCURRENCY, end_to_end_per_s: median,
  rounds, claim_to_start_ms: { p50: pct(0.5), p99: pct(0.99), max: Math.round(latencies.at(-1) * 10) / 10,
    samples: latencies.length } }));

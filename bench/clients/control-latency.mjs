// Pause latency: ROUNDS times, a run that checkpoints every 10 ms is triggered, followed over SSE on replica
// A; once it runs, POST /pause goes to A, and the time until the subscriber sees state_json "paused" is taken.
// The run executes wherever the replicas put it (bench/control.sh makes A unable to execute for the cross-replica
// case). Prints one JSON line with the percentiles in ms.
// Usage: A=http://127.0.0.1:8097 TOKEN=… ROUNDS=40 node control-latency.mjs
import http from 'node:http';

const base = process.env.A;
const token = process.env.TOKEN;
const rounds = Number(process.env.ROUNDS || 40);
const headers = { Authorization: `Bearer ${token}` };

async function post(path, body) {
  const response = await fetch(base + path, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' },
    body: body === undefined ? '' : JSON.stringify(body) });
  return { status: response.status, json: await response.json().catch(() => null) };
}

function follow(runId, onEvent) {
  const url = new URL(base + `/v1/runs/${runId}/events`);
  const request = http.get({ hostname: url.hostname, port: url.port, path: url.pathname,
    headers: { ...headers, Accept: 'text/event-stream' } }, (response) => {
    response.setEncoding('utf8');
    let buffer = '';
    response.on('data', (chunk) => {
      buffer += chunk;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const name = /^event: ?(.*)$/m.exec(frame);
        const data = /^data: ?(.*)$/m.exec(frame);
        if (name && data) onEvent(name[1], JSON.parse(data[1]));
      }
    });
    response.on('error', () => {});
  });
  request.on('error', () => {});
  return () => request.destroy();
}

const latencies = [];
for (let i = 0; i < rounds; i++) {
  const trigger = await post('/v1/jobs/demo.sleep/runs',
    { workspace_id: crypto.randomUUID(), params: { items: 100000, delay_ms: 10 } });
  const runId = trigger.json.id;
  let pausedAt = null;
  let sentAt = null;
  let running;
  const isRunning = new Promise((resolve) => { running = resolve; });
  let paused;
  const isPaused = new Promise((resolve) => { paused = resolve; });
  const stop = follow(runId, (name, data) => {
    if (name === 'progress_json') running();
    if (name === 'state_json' && data.state === 'paused') { pausedAt = performance.now(); paused(); }
  });
  await isRunning;
  sentAt = performance.now();
  const answer = await post(`/v1/runs/${runId}/pause`);
  if (answer.status !== 202) throw new Error('pause answered ' + answer.status);
  await Promise.race([isPaused, new Promise((_, reject) => setTimeout(() => reject(new Error('no pause seen')), 10000))]);
  latencies.push(pausedAt - sentAt);
  stop();
  await post(`/v1/runs/${runId}/cancel?force=true`);
}
latencies.sort((a, b) => a - b);
const at = (p) => Math.round(latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)]);
console.log(JSON.stringify({ rounds, p50_ms: at(50), p99_ms: at(99), max_ms: at(100) }));

// The load and the ledger of bench/soak.sh: a mixed load on the replicas while the script injects faults, then,
// once the load stopped and everything settled, the invariants checked against the database and what each client
// saw. Prints progress on stderr and writes its figures and findings as one JSON document to RESULT.
//
// The load (rates are per second, about):
//   triggers    SOAK_RATE runs: demo.sleep (engines) and soak.remote (workers), single and in batches, most with an
//               idempotency key (a trigger without an answer is sent again, to any replica, until one comes), some
//               without (sent once, told apart by X-Correlation-Id); keys sent again on purpose (must answer the
//               same run); triggers into a few hot workspaces of the exclusive demo.sleep (409 conflicts);
//   controls    pauses (each resumed 0.3–4 s later), cancels and force-cancels of recent runs;
//   streams     SOAK_STREAM_FRACTION of the runs followed over SSE from a random replica, the connection dropped at
//               random and resumed from another with Last-Event-ID; a share of them connect once more after the
//               end with Last-Event-ID of the end (what an EventSource does when the server closes), and must be
//               closed at once; two feeds (GET /v1/stream) reconnecting;
//   workers     SOAK_WORKERS Node workers (clients/node) executing soak.remote through two gateways of this process
//               that spread calls over the replicas; the "lossy" one drops replies of reports and ends (the worker
//               sends them again), some claim replies, and cuts some long polls;
//   schedules   SOAK_SCHEDULES schedules firing every minute (the finest a 5-field cron allows).
//
// The ledger records every answer; the checks (after settle): every acknowledged run exists and is terminal, no run
// nobody asked for, one run per trigger; one start_json per attempt; no worker given a run that another worker still held under a valid
// lease; every run's events 1..last, one end_json and it last, each attempt's items 1..k once; every stream received
// exactly the stored sequence and was closed after end_json; replayed keys answered the same run; no run executed
// after an accepted cancel; exclusive runs never active together; every schedule tick fired once.
//
// Env: PORTS (replica ports, comma-separated), JOBSTREAM_TOKEN (admin), WORKER_TOKEN, SOAK_SECONDS, RESULT,
// FAULTS_DONE (a file the script creates when faults are over and every replica is up), FAULTS_LOG (its log of
// faults), LEASE_MS, and the knobs below. PG* for psql.
import http from 'node:http';
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { JobstreamWorker, JobFailedError, SnoozeError } from '../../clients/node/jobstream-worker.mjs';

const env = process.env;
const num = (name, def) => Number(env[name] ?? def);
const PORTS = env.PORTS.split(',').map(Number);
const TOKEN = env.JOBSTREAM_TOKEN;
const WORKER_TOKEN = env.WORKER_TOKEN;
const SECONDS = num('SOAK_SECONDS', 180);
const RATE = num('SOAK_RATE', 4);
const STREAM_FRACTION = num('SOAK_STREAM_FRACTION', 0.3);
const STREAM_DROP = num('SOAK_STREAM_DROP', 0.5); // chance, per connection, that the client drops it mid-run
const REPLAY_AFTER_END = num('SOAK_REPLAY_AFTER_END', 0.1);
const MAX_STREAMS = num('SOAK_MAX_STREAMS', 80);
const WORKERS = num('SOAK_WORKERS', 4);
const DROP = num('SOAK_DROP', 0.1); // replies of reports and ends dropped by the lossy gateway
const DROP_CLAIM = num('SOAK_DROP_CLAIM', 0.02); // claim replies with runs dropped by it
const CUT_CLAIM = num('SOAK_CUT_CLAIM', 0.05); // long polls it cuts before their answer
const SCHEDULES = num('SOAK_SCHEDULES', 3);
const SETTLE = num('SOAK_SETTLE_SECONDS', 240);
const LEASE_MS = num('LEASE_MS', 1600);
const CLOSE_WAIT_MS = num('SOAK_CLOSE_WAIT_MS', 10000); // a stream must be closed this soon after end_json
const SEED = num('SOAK_SEED', Date.now() % 1000000007);
const RESULT = env.RESULT ?? 'bench/out/soak-result.json';
const FAULTS_LOG = env.FAULTS_LOG;

// ---- small things ----

let seed = SEED >>> 0;
const rnd = () => { // mulberry32: the choices of a soak are reproducible from its seed (the timings are not)
  seed = (seed + 0x6D2B79F5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const between = (a, b) => a + Math.floor(rnd() * (b - a + 1));
const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
const chance = (p) => rnd() < p;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const t0 = Date.now();
const log = (...a) => console.error(`[${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);
const inc = (o, k, n = 1) => { o[k] = (o[k] ?? 0) + n; };

const stats = {
  triggers: {}, batches: {}, replays: {}, controls: {}, streams: {}, feeds: {}, workers: {}, gateway: {}, api: {},
};
/** Findings: name → {count, samples}. Each is a broken invariant unless listed in NOT_VIOLATIONS. */
const findings = {};
function finding(name, sample) {
  const f = (findings[name] ??= { count: 0, samples: [] });
  f.count++;
  if (f.samples.length < 8 && sample !== undefined) f.samples.push(sample);
}

// ---- the API, any replica ----

async function call(method, path, body, { port = pick(PORTS), timeoutMs = 15000, headers = {} } = {}) {
  const response = await fetch(`http://127.0.0.1:${port}/${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', accept: 'application/json',
      ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  return { status: response.status, json, replayed: response.headers.get('idempotent-replayed') === 'true' };
}

/** Sends the call again, to any replica, after no answer, a 5xx or a 429, for patienceMs at most. */
async function reliable(method, path, body, patienceMs = 120000) {
  const giveUp = Date.now() + patienceMs;
  let last = '';
  for (let tries = 1; ; tries++) {
    try {
      const answer = await call(method, path, body);
      if (answer.status >= 500) failures.push({ at: Date.now(), path, status: answer.status });
      if (answer.status < 500 && answer.status !== 429) return { ...answer, tries };
      last = `HTTP ${answer.status}`;
    } catch (error) {
      last = error.cause?.code ?? error.name ?? String(error);
    }
    inc(stats.api, `retried after ${last}`);
    if (Date.now() > giveUp) return { status: 0, error: last, tries };
    await sleep(Math.min(2000, 100 * tries));
  }
}

function sql(query) {
  const r = spawnSync('psql', ['-qtAX', '-v', 'ON_ERROR_STOP=1', '-c', query],
    { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`psql: ${r.stderr}`);
  return r.stdout.trim();
}
const rows = (query) => JSON.parse(sql(`SELECT coalesce(json_agg(x), '[]') FROM (${query}) x`) || '[]');
const uuidArray = (ids) => `'{${ids.join(',')}}'::uuid[]`;

// ---- the ledger ----

/** Every run someone was told exists: id → {id, job, ws, how, key, at, controls}. */
const runs = new Map();
/** Every idempotency key sent: key → {job, body, id (null until answered), outcome}. */
const keys = new Map();
const failures = []; // 5xx answers, of the driver's calls and the workers': {at, path, status}
const keyless = []; // triggers without a key, sent once: {correlation, job, status, id}
const conflicts = []; // 409s of exclusive triggers: {job, ws, active, sentAt, answeredAt}
const schedules = []; // {id, job, ws, createdAt, disabledAt}
let inFlight = 0;
let stopping = false;

function addRun(run, how, key) {
  let r = runs.get(run.id);
  if (!r) {
    r = { id: run.id, job: run.job, ws: run.workspace_id, how, key, at: Date.now(), controls: [] };
    runs.set(run.id, r);
    if (!stopping && chance(STREAM_FRACTION) && openStreams() < MAX_STREAMS) new RunStream(run.id);
  }
  return r;
}

const WORKSPACE = () => randomUUID();
const HOT = Array.from({ length: 3 }, WORKSPACE); // exclusive demo.sleep triggered here again and again
const engineParams = () => ({ items: between(3, 10), delay_ms: between(100, 400) });
const remoteParams = () => ({ items: between(3, 8), delay_ms: between(100, 300) });

async function trigger(job, ws, params, how) {
  const key = randomUUID();
  const body = { workspace_id: ws, params, idempotency_key: key };
  const entry = { job, body, id: null, outcome: null };
  keys.set(key, entry);
  inc(stats.triggers, 'sent');
  const sentAt = Date.now();
  const answer = await reliable('POST', `v1/jobs/${job}/runs`, body);
  if (answer.tries > 1) inc(stats.triggers, 'sent again after no answer');
  if (answer.status === 202 || answer.status === 200) {
    if (answer.status === 200 && answer.tries === 1) finding('a new key answered as a replay', { key, run: answer.json.id });
    if (answer.status === 200) inc(stats.triggers, 'created, answered on a repeat (200)');
    else inc(stats.triggers, 'created (202)');
    entry.id = answer.json.id;
    entry.outcome = 'run';
    addRun(answer.json, how, key);
  } else if (answer.status === 409) {
    inc(stats.triggers, 'exclusive conflict (409)');
    entry.outcome = 'conflict';
    conflicts.push({ job, ws, active: answer.json?.active_run_id, sentAt, answeredAt: Date.now() });
  } else if (answer.status === 0) {
    inc(stats.triggers, 'no answer in time');
    entry.outcome = 'unknown';
  } else {
    inc(stats.triggers, `unexpected ${answer.status}`);
    entry.outcome = 'refused';
    finding('trigger refused', { status: answer.status, detail: answer.json?.detail });
  }
}

/**
 * A trigger without an idempotency key, sent once (sending it again could make a second run), told apart by its
 * X-Correlation-Id: after settling, each made one run if it was answered 202, and none or one otherwise.
 */
async function triggerKeyless(job, ws, params) {
  const correlation = `soak-${randomUUID()}`;
  inc(stats.triggers, 'sent without a key');
  let answer;
  try {
    answer = await call('POST', `v1/jobs/${job}/runs`, { workspace_id: ws, params },
      { headers: { 'x-correlation-id': correlation } });
  } catch {
    answer = { status: 0, json: null };
  }
  if (answer.status >= 500) failures.push({ at: Date.now(), path: `v1/jobs/${job}/runs`, status: answer.status });
  keyless.push({ correlation, job, status: answer.status, id: answer.json?.id ?? null });
  if (answer.status === 202) {
    inc(stats.triggers, 'created without a key (202)');
    addRun(answer.json, 'keyless');
  } else {
    inc(stats.triggers, `without a key, answered ${answer.status || 'nothing'} (not sent again)`);
  }
}

async function batch(job) {
  const n = between(5, 15);
  const items = Array.from({ length: n }, () => ({
    workspace_id: WORKSPACE(), params: job === 'demo.sleep' ? engineParams() : remoteParams(),
    idempotency_key: randomUUID(),
  }));
  inc(stats.batches, 'sent');
  inc(stats.batches, 'runs in them', n);
  const answer = await reliable('POST', `v1/jobs/${job}/runs/batch`, { runs: items });
  if (answer.status !== 200) {
    inc(stats.batches, `unanswered or refused (${answer.status})`);
    for (const item of items) keys.set(item.idempotency_key, { job, body: item, id: null, outcome: 'unknown' });
    return;
  }
  if (answer.tries > 1) inc(stats.batches, 'sent again after no answer');
  const ids = answer.json.results.map((result, i) => {
    const item = items[i];
    const entry = { job, body: item, id: null, outcome: 'refused' };
    keys.set(item.idempotency_key, entry);
    if (result.status === 202 || result.status === 200) {
      if (result.status === 200 && answer.tries === 1) finding('a new key answered as a replay', { key: item.idempotency_key });
      entry.id = result.run.id;
      entry.outcome = 'run';
      addRun(result.run, 'batch', item.idempotency_key);
      return result.run.id;
    }
    finding('batch item refused', result);
    return null;
  });
  if (chance(0.3)) { // the same batch again: every item answers its run
    inc(stats.batches, 'sent again on purpose');
    const again = await reliable('POST', `v1/jobs/${job}/runs/batch`, { runs: items });
    if (again.status !== 200) return;
    again.json.results.forEach((result, i) => {
      if (ids[i] !== null && (result.status !== 200 || result.run?.id !== ids[i])) {
        finding('replayed key answered another run', { key: items[i].idempotency_key, expected: ids[i], got: result });
      }
    });
  }
}

async function replay() {
  const known = [...keys.entries()].filter(([, e]) => e.outcome === 'run');
  if (known.length === 0) return;
  const [key, entry] = known[Math.floor(rnd() * Math.min(known.length, 200)) + Math.max(0, known.length - 200)] ?? [];
  if (!key) return;
  inc(stats.replays, 'sent');
  const answer = await reliable('POST', `v1/jobs/${entry.job}/runs`, entry.body);
  if (answer.status === 0) return inc(stats.replays, 'no answer in time');
  if (answer.status !== 200 || !answer.replayed || answer.json?.id !== entry.id) {
    finding('replayed key answered another run', { key, expected: entry.id, status: answer.status, got: answer.json?.id });
  } else {
    inc(stats.replays, 'answered the same run');
  }
}

/** Three triggers at once into a hot workspace of the exclusive demo.sleep: one run, two conflicts (or three). */
function hot() {
  const ws = pick(HOT);
  return Promise.all([0, 1, 2].map(() => trigger('demo.sleep', ws, { items: 6, delay_ms: 300 }, 'hot')));
}

async function triggerLoop() {
  const kinds = [
    [0.28, () => trigger('demo.sleep', WORKSPACE(), engineParams(), 'single')],
    [0.06, () => triggerKeyless(pick(['demo.sleep', 'soak.remote']), WORKSPACE(), engineParams())],
    [0.26, () => trigger('soak.remote', WORKSPACE(), remoteParams(), 'single')],
    [0.05, () => batch('demo.sleep')],
    [0.05, () => batch('soak.remote')],
    [0.10, () => replay()],
    [0.20, () => hot()],
  ];
  const end = t0 + SECONDS * 1000;
  while (Date.now() < end) {
    // a batch carries ~10 runs: the mean runs per action is ~1.7, so actions go at RATE / 1.7 a second
    await sleep(between(0, 2 * 1000 * 1.7 / RATE));
    if (inFlight > 200) continue; // the database is away: do not pile up
    let r = rnd();
    const [, action] = kinds.find(([p]) => (r -= p) < 0) ?? kinds[0];
    inFlight++;
    action().catch((e) => finding('driver error', String(e?.stack ?? e))).finally(() => inFlight--);
  }
}

// ---- controls ----

async function control(run, action, force = false) {
  const name = force ? 'force-cancel' : action;
  inc(stats.controls, `${name} sent`);
  let answer;
  try {
    answer = await call('POST', `v1/runs/${run.id}/${action}${force ? '?force=true' : ''}`);
    if (answer.status >= 500) failures.push({ at: Date.now(), path: action, status: answer.status });
  } catch (error) {
    answer = { status: 0, json: null };
  }
  inc(stats.controls, `${name} ${answer.status === 0 ? 'no answer' : answer.status}`);
  run.controls.push({ action: name, at: Date.now(), status: answer.status, attempt: answer.json?.attempt,
    runStatus: answer.json?.status, detail: answer.json?.detail });
  return answer;
}

/** Resumes a paused run: its pause may not be applied yet (409 "running"), so it asks until it is not paused. */
async function resumeLater(run) {
  await sleep(between(300, 4000));
  for (let i = 0; i < 60; i++) {
    const answer = await control(run, 'resume');
    if (answer.status === 202) return;
    if (answer.status === 409) {
      const now = await call('GET', `v1/runs/${run.id}`).catch(() => null);
      if (now && now.json && now.json.status !== 'paused' && now.json.control_requested !== 'pause') return;
    }
    await sleep(500);
  }
}

async function controlLoop() {
  const end = t0 + SECONDS * 1000;
  while (Date.now() < end) {
    await sleep(between(200, 1200));
    const recent = [...runs.values()].filter((r) => Date.now() - r.at < 3000 && r.how !== 'schedule');
    if (recent.length === 0) continue;
    const run = pick(recent);
    const r = rnd();
    if (r < 0.6) {
      control(run, 'pause').then((a) => a.status === 202 && resumeLater(run)).catch(() => {});
    } else if (r < 0.92) {
      control(run, 'cancel').catch(() => {});
    } else {
      control(run, 'cancel', true).catch(() => {});
    }
  }
}

// ---- schedules ----

async function addSchedules() {
  for (let i = 0; i < SCHEDULES; i++) {
    const job = i % 3 === 2 ? 'soak.remote' : 'demo.sleep';
    const ws = WORKSPACE();
    const answer = await reliable('POST', 'v1/schedules', { job, workspace_id: ws, cron: '* * * * *',
      params: job === 'demo.sleep' ? { items: 3, delay_ms: 200 } : { items: 3, delay_ms: 100 } });
    if (answer.status !== 201) throw new Error(`schedule: HTTP ${answer.status} ${JSON.stringify(answer.json)}`);
    schedules.push({ id: answer.json.id, job, ws, createdAt: Date.parse(answer.json.created_at), disabledAt: null });
  }
}

async function disableSchedules() {
  for (const s of schedules) {
    const answer = await reliable('PATCH', `v1/schedules/${s.id}`, { enabled: false });
    if (answer.status !== 200) finding('schedule not disabled', { id: s.id, status: answer.status });
    s.disabledAt = Date.now();
  }
}

// ---- SSE: run streams and feeds ----

const streams = [];
const openStreams = () => streams.filter((s) => !s.done).length;

/** One client following a run's events, dropping its connection at random and resuming with Last-Event-ID. */
class RunStream {
  constructor(runId) {
    this.runId = runId;
    this.events = []; // {id, event, data} as received, across connections
    this.last = 0;
    this.connections = 0;
    this.ownDrops = 0;
    this.serverDrops = 0;
    this.refused = 0;
    this.endAt = null;
    this.closedAt = null;
    this.leftOpen = false;
    this.done = false;
    this.probe = null; // the reconnect after the end: {closed, events, leftOpen}
    streams.push(this);
    inc(stats.streams, 'followed');
    this.connect(false);
  }

  connect(afterEnd) {
    if (this.done && !afterEnd) return;
    const port = pick(PORTS);
    const headers = { accept: 'text/event-stream', authorization: `Bearer ${TOKEN}` };
    if (this.last > 0) headers['last-event-id'] = String(this.last);
    const request = http.get({ host: '127.0.0.1', port, path: `/v1/runs/${this.runId}/events`, headers, agent: false });
    const connection = { request, over: false, ownDrop: false, afterEnd };
    this.current = connection;
    request.on('response', (response) => {
      if (response.statusCode !== 200) {
        this.refused++;
        inc(stats.streams, `refused ${response.statusCode}`);
        response.resume();
        response.on('end', () => this.over(connection, 'refused'));
        response.on('error', () => this.over(connection, 'refused'));
        return;
      }
      this.connections++;
      response.setEncoding('utf8');
      let buffer = '';
      response.on('data', (chunk) => {
        buffer += chunk;
        for (let at = buffer.indexOf('\n\n'); at >= 0; at = buffer.indexOf('\n\n')) {
          this.frame(buffer.slice(0, at), connection);
          buffer = buffer.slice(at + 2);
        }
      });
      response.on('end', () => this.over(connection, 'closed'));
      response.on('error', () => this.over(connection, 'error'));
      response.on('close', () => this.over(connection, 'closed'));
      if (!afterEnd && this.ownDrops < 3 && chance(STREAM_DROP)) {
        setTimeout(() => {
          if (!connection.over && this.endAt === null) {
            connection.ownDrop = true;
            this.ownDrops++;
            request.destroy();
          }
        }, between(100, 2500));
      }
    });
    request.on('error', () => this.over(connection, 'error'));
  }

  frame(text, connection) {
    let id = null, event = 'message', data = [];
    for (const line of text.split('\n')) {
      if (line.startsWith('id: ')) id = Number(line.slice(4));
      else if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    if (id === null) return; // a comment, or the retry: line
    if (connection.afterEnd) {
      this.probe.events++;
      return;
    }
    this.events.push({ id, event, data: data.join('\n') });
    this.last = id;
    if (event === 'end_json' && this.endAt === null) {
      this.endAt = Date.now();
      connection.closeTimer = setTimeout(() => {
        if (!connection.over) {
          this.leftOpen = true;
          connection.request.destroy();
        }
      }, CLOSE_WAIT_MS);
    }
  }

  over(connection, how) {
    if (connection.over) return;
    connection.over = true;
    clearTimeout(connection.closeTimer);
    if (connection.afterEnd) {
      this.probe.closed = !this.probe.leftOpen;
      return;
    }
    if (this.endAt !== null) { // the stream is complete
      if (!this.leftOpen) this.closedAt = Date.now();
      this.done = true;
      if (!this.leftOpen && chance(REPLAY_AFTER_END)) this.replayAfterEnd();
      return;
    }
    if (this.done) return; // given up on
    if (connection.ownDrop) inc(stats.streams, 'dropped by the client, resumed');
    else if (how !== 'refused') { this.serverDrops++; inc(stats.streams, `ended without end_json (${how}), resumed`); }
    setTimeout(() => this.connect(false), how === 'refused' ? between(200, 1000) : between(20, 500));
  }

  /** Connects once more with Last-Event-ID of the end_json, as an EventSource would: must get nothing, be closed. */
  replayAfterEnd() {
    inc(stats.streams, 'reconnected after the end');
    this.probe = { events: 0, closed: false, leftOpen: false };
    this.connect(true);
    const connection = this.current;
    connection.closeTimer = setTimeout(() => {
      if (!connection.over) {
        this.probe.leftOpen = true;
        connection.request.destroy();
      }
    }, CLOSE_WAIT_MS);
  }

  giveUp() {
    if (this.done) return;
    this.done = true;
    this.current?.request.destroy();
  }
}

const feeds = [];
function feed(port) {
  const f = { port, events: 0, connections: 0, request: null, closed: false };
  const connect = () => {
    if (f.closed) return;
    const request = http.get({ host: '127.0.0.1', port, path: '/v1/stream', agent: false,
      headers: { accept: 'text/event-stream', authorization: `Bearer ${TOKEN}` } });
    f.request = request;
    let again = false;
    const reconnect = () => {
      if (again || f.closed) return;
      again = true;
      inc(stats.feeds, 'reconnected');
      setTimeout(connect, 1000);
    };
    request.on('response', (response) => {
      if (response.statusCode === 200) f.connections++;
      response.on('data', (chunk) => { f.events += (chunk.toString().match(/^event:/gm) ?? []).length; });
      response.on('end', reconnect);
      response.on('error', reconnect);
      response.on('close', reconnect);
    });
    request.on('error', reconnect);
  };
  connect();
  feeds.push(f);
}

// ---- workers, through gateways that spread calls over the replicas ----

/** Claims of workers: `${run}|${lease}` → {run, attempt, worker, claimedAt (service's time), validUntil, endSentAt, dropped}. */
const holdings = new Map();
const reportSends = new Map(); // `${run}|${lease}|${seq}` → sends
const endSends = new Map(); // `${run}|${lease}|${outcome}` → sends
const workerOf = (lease) => lease.slice(lease.indexOf('.') + 1);

function claimed(run, dropped) {
  const k = `${run.run_id}|${run.lease.token}`;
  if (holdings.has(k)) {
    finding('an attempt claimed twice', { run: run.run_id, lease: run.lease.token });
    return;
  }
  const expires = Date.parse(run.lease.expires_at);
  holdings.set(k, { run: run.run_id, attempt: run.attempt, worker: workerOf(run.lease.token), lease: run.lease.token,
    claimedAt: expires - LEASE_MS, validUntil: expires, endSentAt: null, dropped });
}

/**
 * A report's answer (delivered, or dropped on the way back): the lease now ends when it says — not the latest end
 * seen so far: a paused run's lease lasts the pause hold, and its first report after the resume cuts it back.
 * A worker's reports on a run go one at a time, so answers are seen in the order the service gave them.
 */
function leaseSeen(runId, lease, expiresAt) {
  const h = holdings.get(`${runId}|${lease}`);
  if (h && expiresAt) h.validUntil = Date.parse(expiresAt);
}

/** What the workers send and are answered, seen at their fetch (every call and every repeat passes through it). */
function noteSend(path, body) {
  if (path.endsWith('/report')) {
    const runId = path.split('/')[4];
    const k = `${runId}|${body.lease}|${body.seq}`;
    const n = (reportSends.get(k) ?? 0) + 1;
    reportSends.set(k, n);
    inc(stats.workers, n === 1 ? 'reports' : 'reports sent again');
  } else if (path.endsWith('/ends')) {
    for (const end of body.ends) {
      const k = `${end.run_id}|${end.lease}|${end.outcome}`;
      const n = (endSends.get(k) ?? 0) + 1;
      endSends.set(k, n);
      inc(stats.workers, n === 1 ? `ends: ${end.outcome}` : 'ends sent again');
      const h = holdings.get(`${end.run_id}|${end.lease}`);
      if (h && h.endSentAt === null) h.endSentAt = Date.now();
    }
  } else if (path.endsWith('/claim')) {
    inc(stats.workers, 'claims');
  }
}

function noteAnswer(path, body, answer) {
  if (path.endsWith('/claim')) {
    for (const run of answer?.runs ?? []) claimed(run, false);
    inc(stats.workers, 'runs claimed', answer?.runs?.length ?? 0);
  } else if (path.endsWith('/report')) {
    leaseSeen(path.split('/')[4], body.lease, answer?.lease?.expires_at);
  } else if (path.endsWith('/ends')) {
    for (const result of answer?.results ?? []) {
      if (result.code !== 200) inc(stats.workers, `ends refused ${result.code} (${result.reason ?? String(result.detail).replace(/ [0-9a-f-]{36}/g, "").slice(0, 40)})`);
    }
  }
}

const realFetch = globalThis.fetch;
const gatewayPorts = new Set();
globalThis.fetch = async (url, init) => {
  const u = new URL(url);
  if (!gatewayPorts.has(Number(u.port))) return realFetch(url, init);
  const body = init?.body ? JSON.parse(init.body) : null;
  noteSend(u.pathname, body);
  const response = await realFetch(url, init);
  const answer = await response.clone().json().catch(() => null);
  if (response.ok) noteAnswer(u.pathname, body, answer);
  else inc(stats.workers, `answered ${response.status}${answer?.reason ? ` (${answer.reason})` : ''} to ${u.pathname.split('/').pop()}`);
  if (response.status >= 500) failures.push({ at: Date.now(), path: u.pathname, status: response.status });
  return response;
};

/** An HTTP gateway to the replicas (round robin, the next one when a replica refuses); `lossy` drops replies. */
function gateway(lossy) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  let next = 0;
  const g = stats.gateway;
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => forward(Buffer.concat(chunks), 0));
    let upstream = null;
    let answered = false;
    res.on('close', () => { if (!answered) upstream?.destroy(); });
    const path = req.url;
    const claim = path.endsWith('/claim');
    if (lossy && claim && chance(CUT_CLAIM)) {
      setTimeout(() => {
        if (!answered && !res.destroyed) {
          inc(g, 'long polls cut before their answer');
          answered = true;
          upstream?.destroy();
          res.destroy();
        }
      }, between(100, 3000));
    }
    const forward = (body, tries) => {
      if (answered) return;
      const port = PORTS[next++ % PORTS.length];
      const headers = { ...req.headers, host: `127.0.0.1:${port}`, 'content-length': body.length };
      upstream = http.request({ host: '127.0.0.1', port, method: req.method, path, headers, agent }, (ures) => {
        const parts = [];
        ures.on('data', (c) => parts.push(c));
        ures.on('error', () => lost());
        ures.on('end', () => deliver(ures, Buffer.concat(parts), body));
      });
      upstream.on('error', (error) => {
        if (error.code === 'ECONNREFUSED' && tries < 3 * PORTS.length) {
          setTimeout(() => forward(body, tries + 1), 100); // not sent: another replica
        } else {
          lost();
        }
      });
      upstream.end(body);
    };
    const lost = () => { // the replica went away with the request: the client gets no answer either
      if (answered) return;
      answered = true;
      inc(g, `calls lost with a replica${claim ? ' (claims)' : ''}`);
      res.destroy();
    };
    const deliver = (ures, payload, requestBody) => {
      if (answered) return;
      answered = true;
      const worker = !claim && (path.endsWith('/report') || path.endsWith('/ends') || /\/runs\/[^/]+\/\w+$/.test(path));
      let json = null;
      try { json = JSON.parse(payload.toString()); } catch { /* not JSON */ }
      const dropClaim = claim && ures.statusCode === 200 && json?.runs?.length > 0 && chance(DROP_CLAIM);
      if (lossy && ures.statusCode === 200 && (dropClaim || (worker && chance(DROP)))) {
        // processed by the service; the reply is lost on the way back
        if (dropClaim) {
          inc(g, 'claim replies dropped');
          inc(g, 'runs in dropped claim replies', json.runs.length);
          for (const run of json.runs) claimed(run, true);
        } else {
          inc(g, `replies dropped: ${path.split('/').pop()}`);
          if (path.endsWith('/report')) {
            const b = JSON.parse(requestBody.toString());
            leaseSeen(path.split('/')[4], b.lease, json?.lease?.expires_at);
          }
        }
        // some replies are held until the client gives up (10 s; a claim has no timeout: never held)
        if (!claim && chance(0.1)) inc(g, 'replies held until the client gave up');
        else res.destroy();
        return;
      }
      const headers = { ...ures.headers, 'content-length': payload.length };
      delete headers['transfer-encoding'];
      delete headers.connection;
      res.writeHead(ures.statusCode, headers);
      res.end(payload);
    };
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    gatewayPorts.add(server.address().port);
    resolve({ server, port: server.address().port });
  }));
}

function remoteJob(run) {
  return (async () => {
    const { items, delay_ms: delay } = run.params;
    for (let i = 1; i <= items; i++) {
      await run.checkpoint();
      run.info(`item ${i} of ${items}`);
      run.progress(i, items);
      await sleep(delay);
    }
    await run.checkpoint();
    const r = rnd();
    if (r < 0.05) throw new JobFailedError('a failure to retry', { code: 'soak_failure', retryable: true });
    if (r < 0.08) throw new SnoozeError(between(200, 1500));
    return { items };
  })();
}

// ---- settle and check ----

const TERMINAL = new Set(['completed', 'failed', 'cancelled', 'skipped']);

async function settle() {
  const deadline = Date.now() + SETTLE * 1000;
  let resumed = 0;
  for (;;) {
    let active;
    try {
      active = rows(`SELECT id, status, control_requested, owner FROM job_runs
                      WHERE status IN ('queued', 'running', 'paused')`);
    } catch (error) {
      log(`settle: ${error.message.trim()}`);
      await sleep(2000);
      continue;
    }
    if (active.length === 0) return { seconds: 0, resumed };
    if (Date.now() > deadline) { // check() counts each of them (or, not asked for, as such)
      return { resumed, stuck: active.length, samples: active.slice(0, 8) };
    }
    for (const run of active.filter((r) => r.status === 'paused')) {
      const answer = await call('POST', `v1/runs/${run.id}/resume`).catch(() => ({ status: 0 }));
      if (answer.status === 202) resumed++;
    }
    await sleep(2000);
  }
}

function check() {
  // every run, with its events summed up
  const all = rows(`
    SELECT r.id, r.job_name AS job, r.workspace_id AS ws, r.status, r.error_code, r.attempt, r.last_seq,
           r.idempotency_key AS key, r.schedule_id, r.created_at, r.finished_at, r.owner,
           e.n, e.min_seq, e.max_seq, e.ends, e.end_seq
      FROM job_runs r
      LEFT JOIN (SELECT run_id, count(*) n, min(seq) min_seq, max(seq) max_seq,
                        count(*) FILTER (WHERE event = 'end_json') ends,
                        max(seq) FILTER (WHERE event = 'end_json') end_seq
                   FROM job_run_events GROUP BY run_id) e ON e.run_id = r.id`);
  const byId = new Map(all.map((r) => [r.id, r]));
  const outcomes = {};
  for (const r of all) inc(outcomes, `${r.job} ${r.status}${r.error_code ? ` (${r.error_code})` : ''}`);

  // lost: acknowledged and not there, or not terminal
  let acknowledged = 0;
  for (const run of runs.values()) {
    acknowledged++;
    const stored = byId.get(run.id);
    if (!stored) finding('run lost (acknowledged, not stored)', run.id);
    else if (!TERMINAL.has(stored.status)) finding('run not terminal', { id: run.id, status: stored.status });
  }
  // unanswered triggers: did they make a run? (then it joins the ledger)
  const unknown = [...keys.entries()].filter(([, e]) => e.outcome === 'unknown');
  const byKey = new Map(all.filter((r) => r.key).map((r) => [`${r.job}|${r.ws}|${r.key}`, r]));
  let unknownMadeRuns = 0;
  for (const [key, e] of unknown) {
    const stored = byKey.get(`${e.job}|${e.body.workspace_id}|${key}`);
    if (stored) {
      unknownMadeRuns++;
      runs.set(stored.id, { id: stored.id, job: stored.job, ws: stored.ws, how: 'unanswered', key, controls: [] });
    }
  }
  // triggers without a key: one run each if answered 202; none or one if not (then it joins the ledger)
  const byCorrelation = new Map();
  for (const r of rows(`SELECT correlation_id AS c, array_agg(id) AS ids FROM job_runs
                         WHERE correlation_id LIKE 'soak-%' GROUP BY 1`)) byCorrelation.set(r.c, r.ids);
  for (const k of keyless) {
    const ids = byCorrelation.get(k.correlation) ?? [];
    if (ids.length > 1) finding('trigger without a key made two runs', { ...k, ids });
    else if (k.status === 202 && ids[0] !== k.id) finding('run lost (acknowledged, not stored)', k);
    else if (k.status !== 202 && ids.length === 1) {
      inc(stats.triggers, `without a key, answered ${k.status || 'nothing'}, yet made a run`);
      const stored = byId.get(ids[0]);
      runs.set(ids[0], { id: ids[0], job: stored.job, ws: stored.ws, how: 'unanswered', controls: [] });
      if (!TERMINAL.has(stored.status)) finding('run not terminal', { id: stored.id, status: stored.status });
    }
  }
  // stray: a run nobody asked for (neither acknowledged, nor an unanswered trigger, nor a schedule's tick)
  const ours = new Set(schedules.map((s) => s.id));
  for (const r of all) {
    if (runs.has(r.id)) continue;
    if (r.schedule_id && ours.has(r.schedule_id)) {
      runs.set(r.id, { id: r.id, job: r.job, ws: r.ws, how: 'schedule', controls: [] });
      if (!TERMINAL.has(r.status)) finding('run not terminal', { id: r.id, status: r.status });
      continue;
    }
    finding('run nobody asked for', { id: r.id, job: r.job, key: r.key });
  }
  // a key's run is the one it answered
  for (const [key, e] of keys) {
    if (e.outcome !== 'run') continue;
    const stored = byKey.get(`${e.job}|${e.body.workspace_id}|${key}`);
    if (!stored || stored.id !== e.id) finding('key stored with another run', { key, answered: e.id, stored: stored?.id });
  }

  // events: 1..last, one end_json, the last one; last_seq agrees
  for (const r of all) {
    if (r.status === 'skipped') {
      if (r.n) finding('skipped tick with events', r.id);
      continue;
    }
    if (!r.n || r.min_seq !== 1 || r.max_seq !== r.n || r.last_seq !== r.max_seq) {
      finding('events not gap-free 1..last', { id: r.id, n: r.n, min: r.min_seq, max: r.max_seq, last_seq: r.last_seq });
    }
    if (TERMINAL.has(r.status) && (r.ends !== 1 || r.end_seq !== r.max_seq)) {
      finding('not exactly one end_json, last', { id: r.id, ends: r.ends, end_seq: r.end_seq, max: r.max_seq });
    }
  }
  // one start_json per attempt (an attempt executed twice would write two)
  for (const d of rows(`SELECT run_id, (data->>'attempt')::int AS attempt, count(*) n FROM job_run_events
                         WHERE event = 'start_json' GROUP BY 1, 2 HAVING count(*) > 1`)) {
    finding('attempt started twice (two start_json)', d);
  }
  // each attempt's items 1..k, each once (a report or flush stored twice would repeat one; a lost one skip one)
  const itemSteps = rows(`
    WITH e AS (SELECT run_id, seq, event, data,
                      count(*) FILTER (WHERE event = 'start_json') OVER (PARTITION BY run_id ORDER BY seq) AS seg
                 FROM job_run_events),
         items AS (SELECT run_id, seg, seq, substring(data->>'message' from 'item ([0-9]+)')::int AS item
                     FROM e WHERE event = 'log' AND data->>'message' ~ 'item [0-9]+'),
         steps AS (SELECT run_id, seg, seq, item, lag(item) OVER (PARTITION BY run_id, seg ORDER BY seq) AS prev
                     FROM items)
    SELECT run_id, seg, seq, item, prev FROM steps
     WHERE (prev IS NULL AND item <> 1) OR (prev IS NOT NULL AND item <> prev + 1)`);
  for (const s of itemSteps) {
    finding(s.prev !== null && s.item <= s.prev ? 'item stored twice in an attempt' : 'item missing in an attempt', s);
  }

  // workers: never a run another worker still held under a valid lease
  const claimsByRun = new Map();
  for (const h of holdings.values()) {
    if (!claimsByRun.has(h.run)) claimsByRun.set(h.run, []);
    claimsByRun.get(h.run).push(h);
  }
  for (const list of claimsByRun.values()) {
    list.sort((a, b) => a.claimedAt - b.claimedAt);
    for (let i = 1; i < list.length; i++) {
      for (let j = 0; j < i; j++) {
        const held = list[j], next = list[i];
        if (next.attempt <= held.attempt) finding('an attempt claimed twice', { held, next });
        const until = Math.min(held.validUntil, held.endSentAt ?? Infinity);
        if (next.claimedAt < until) {
          finding('run claimed while another worker held it under a valid lease',
            { run: next.run, held: held.lease, validUntil: new Date(held.validUntil), endSentAt: held.endSentAt,
              next: next.lease, claimedAt: new Date(next.claimedAt) });
        }
      }
    }
  }
  // attempts of soak.remote that no worker was told of: claims whose reply never came
  const orphans = [];
  for (const r of rows(`SELECT run_id, (data->>'attempt')::int AS attempt FROM job_run_events e
                          JOIN job_runs r ON r.id = e.run_id
                         WHERE e.event = 'start_json' AND r.job_name = 'soak.remote'`)) {
    const known = [...(claimsByRun.get(r.run_id) ?? [])].some((h) => h.attempt === r.attempt);
    if (!known) orphans.push(r);
  }

  // streams: exactly the stored sequence, closed after end_json
  const followed = streams.filter((s) => s.events.length > 0 || s.endAt !== null || s.done);
  const storedEvents = new Map();
  const ids = [...new Set(streams.map((s) => s.runId))];
  for (let i = 0; i < ids.length; i += 500) {
    for (const e of rows(`SELECT run_id, seq, event, data::text AS data FROM job_run_events
                           WHERE run_id = ANY(${uuidArray(ids.slice(i, i + 500))}) ORDER BY run_id, seq`)) {
      if (!storedEvents.has(e.run_id)) storedEvents.set(e.run_id, []);
      storedEvents.get(e.run_id).push(e);
    }
  }
  let complete = 0;
  for (const s of followed) {
    const stored = storedEvents.get(s.runId) ?? [];
    if (s.endAt === null) {
      finding('stream without end_json', { run: s.runId, received: s.events.length, stored: stored.length });
      continue;
    }
    complete++;
    const got = s.events.map((e) => `${e.id} ${e.event} ${e.data}`);
    const want = stored.map((e) => `${e.seq} ${e.event} ${e.data}`);
    if (got.join('\n') !== want.join('\n')) {
      const seen = new Map();
      s.events.forEach((e) => seen.set(e.id, (seen.get(e.id) ?? 0) + 1));
      const sample = { run: s.runId, received: s.events.map((e) => e.id).join(','), stored: stored.length };
      if ([...seen.values()].some((n) => n > 1)) finding('stream event received twice', sample);
      else if (stored.some((e) => !seen.has(e.seq))) finding('stream event missing', sample);
      else finding('stream events differ from the stored ones', sample);
    }
    if (s.leftOpen) finding('stream left open after end_json', { run: s.runId, waitedMs: CLOSE_WAIT_MS });
    if (s.probe) {
      if (s.probe.leftOpen) {
        finding('stream left open: reconnected with Last-Event-ID of the end_json', { run: s.runId, lastEventId: s.last, waitedMs: CLOSE_WAIT_MS });
      }
      if (s.probe.events > 0) finding('events after the end_json', { run: s.runId, events: s.probe.events });
    }
  }

  // an accepted cancel: the run never executed again (no later attempt started), and was not failed
  for (const run of runs.values()) {
    const accepted = run.controls.filter((c) => (c.action === 'cancel' || c.action === 'force-cancel') && c.status === 202);
    if (accepted.length === 0) continue;
    const stored = byId.get(run.id);
    const firstAttempt = Math.min(...accepted.map((c) => c.attempt ?? Infinity));
    if (stored && stored.attempt > firstAttempt) {
      finding('run executed again after an accepted cancel', { run: run.id, cancelledAt: firstAttempt,
        attempt: stored.attempt, status: stored.status,
        controls: run.controls.map((c) => `${new Date(c.at).toISOString()} ${c.action} ${c.status || 'no answer'}`) });
    } else if (stored && stored.status !== 'cancelled') {
      inc(stats.controls, `cancel accepted, run ended ${stored.status}${stored.error_code ? ` (${stored.error_code})` : ''}`);
    }
  }

  // exclusive: never two active runs of a (job, workspace); a 409 named a run active at the time
  for (const o of rows(`
      SELECT id, prev_id, created_at, prev_finished FROM (
        SELECT id, created_at, lag(id) OVER w AS prev_id, lag(finished_at) OVER w AS prev_finished
          FROM job_runs WHERE exclusive AND status <> 'skipped'
        WINDOW w AS (PARTITION BY job_name, workspace_id ORDER BY created_at)) x
       WHERE prev_id IS NOT NULL AND (prev_finished IS NULL OR created_at < prev_finished - interval '1 second')`)) {
    finding('exclusive runs active together', o);
  }
  for (const c of conflicts) {
    const active = byId.get(c.active);
    const ok = active && active.job === c.job && active.ws === c.ws && Date.parse(active.created_at) <= c.answeredAt + 1000
      && (active.finished_at === null || Date.parse(active.finished_at) >= c.sentAt - 1000);
    if (!ok) finding('409 naming no run active then', { ...c, active: active ?? c.active });
  }

  // schedules: every minute between creation and disabling fired once
  const ticks = { expected: 0, fired: 0, skipped: 0 };
  for (const s of schedules) {
    const fired = new Map();
    for (const r of all.filter((x) => x.schedule_id === s.id)) {
      const tick = Date.parse(r.key.split(':').slice(2).join(':'));
      fired.set(tick, (fired.get(tick) ?? 0) + 1);
      if (r.status === 'skipped') ticks.skipped++;
    }
    for (const [tick, n] of fired) if (n > 1) finding('tick fired twice', { schedule: s.id, tick: new Date(tick), n });
    for (let m = Math.ceil((s.createdAt + 1) / 60000) * 60000; m <= s.disabledAt - 3000; m += 60000) {
      ticks.expected++;
      if (fired.has(m)) ticks.fired++;
      else finding('tick not fired', { schedule: s.id, tick: new Date(m) });
    }
  }

  // why runs failed: stale (their replica was killed with -9, and demo.sleep has one attempt), or otherwise
  const faults = FAULTS_LOG && fs.existsSync(FAULTS_LOG) ? fs.readFileSync(FAULTS_LOG, 'utf8') : '';
  const killed = new Set([...faults.matchAll(/ kill9 \S+ (\S+)/g)].map((m) => m[1]));
  const failedStale = { killed: 0, other: 0 };
  for (const r of all.filter((x) => x.status === 'failed' && x.error_code === 'stale')) {
    const owner = r.owner;
    if (killed.has(owner)) failedStale.killed++;
    else if (String(owner).startsWith('worker:')) failedStale.worker = (failedStale.worker ?? 0) + 1;
    else { failedStale.other++; finding('run failed stale, its replica not killed', { id: r.id, owner }); }
  }
  const failedOther = all.filter((x) => x.status === 'failed' && x.error_code !== 'stale'
    && !(x.job === 'soak.remote' && x.error_code === 'soak_failure'));
  for (const r of failedOther) finding('run failed, not by a fault', { id: r.id, job: r.job, error_code: r.error_code });

  // 5xx answers: while PostgreSQL was restarted or away (and 10 s after), or not
  const windows = [];
  let begin = null;
  for (const line of faults.split('\n')) {
    const [ms, what] = line.split(' ');
    if (what === 'pg-restart' || what === 'pg-outage-begin') begin = Number(ms);
    if ((what === 'pg-up' || what === 'pg-outage-end') && begin !== null) { windows.push([begin, Number(ms) + 10000]); begin = null; }
  }
  const serverErrors = { during_pg_faults: 0, other: 0, by_path: {} };
  for (const f of failures) {
    const during = windows.some(([a, b]) => f.at >= a && f.at <= b);
    serverErrors[during ? 'during_pg_faults' : 'other']++;
    inc(serverErrors.by_path, `${f.status} ${f.path.replace(/[0-9a-f-]{36}/g, '{id}')}`);
    // a 503 says "retry" (a replica stopping, a queue full): only other 5xx away from a database fault are findings
    if (!during && f.status !== 503) {
      finding('5xx answer away from a PostgreSQL fault', { at: new Date(f.at), path: f.path, status: f.status });
    }
  }

  return { outcomes, serverErrors, acknowledged, unknownMadeRuns, all: all.length, complete, followed: followed.length, ticks,
    failedStale, orphanWorkerAttempts: { count: orphans.length, samples: orphans.slice(0, 5) } };
}

// ---- the soak ----

log(`seed ${SEED}, ${SECONDS} s of load on replicas ${PORTS.join(', ')}`);
const reg = await reliable('PUT', 'v1/jobs/soak.remote', {
  description: 'soak: items steps executed by Node workers', exclusive: false,
  params: [{ name: 'items', type: 'integer', default: 3, minimum: 0, maximum: 1000 },
    { name: 'delay_ms', type: 'integer', default: 100, minimum: 0, maximum: 60000 }],
  retry: { max_attempts: 5, backoff_base_ms: 200, backoff_max_ms: 1000, jitter: 0.2 },
});
if (reg.status !== 201 && reg.status !== 200) throw new Error(`PUT soak.remote: ${reg.status} ${JSON.stringify(reg.json)}`);
await sleep(1500); // the other replicas learn the job
await addSchedules();
const clean = await gateway(false);
const lossy = await gateway(true);
const workers = Array.from({ length: WORKERS }, (_, i) => {
  const via = i % 2 === 0 ? lossy : clean;
  const worker = new JobstreamWorker(`http://127.0.0.1:${via.port}/`, {
    token: WORKER_TOKEN, workerId: `soak-w${i}${i % 2 === 0 ? '-lossy' : ''}`, concurrency: 4, pollWaitSeconds: 5,
    reportEveryMs: 400, jobs: { 'soak.remote': remoteJob },
  });
  worker.onerror = (e) => inc(stats.workers,
    `errors: ${String(e.detail?.message ?? e.detail).replace(/; reference .*/, '').slice(0, 60)}`);
  worker.addEventListener('end', (e) => inc(stats.workers, `attempts ended: ${e.detail.outcome}`));
  return worker;
});
for (const port of PORTS.slice(0, 2)) feed(port);

const progress = setInterval(() => log(`runs ${runs.size}, triggers in flight ${inFlight}, streams open ${openStreams()}, `
  + `claims ${stats.workers.claims ?? 0}, replies dropped ${Object.entries(stats.gateway)
    .filter(([k]) => k.startsWith('replies dropped')).reduce((s, [, v]) => s + v, 0)}`), 15000);
await Promise.all([triggerLoop(), controlLoop()]);
stopping = true;
log('load over: waiting for the triggers in flight');
while (inFlight > 0) await sleep(200);
await disableSchedules();
const loadSeconds = (Date.now() - t0) / 1000;
if (env.FAULTS_DONE) {
  log('waiting for the faults to end');
  const until = Date.now() + 300000;
  while (!fs.existsSync(env.FAULTS_DONE) && Date.now() < until) await sleep(500);
}
log('settling');
const settleStart = Date.now();
const settled = await settle();
settled.seconds = Math.round((Date.now() - settleStart) / 1000);
log(`settled in ${settled.seconds} s; waiting for the streams`);
const streamsUntil = Date.now() + 30000;
while (streams.some((s) => !s.done || (s.probe && !s.probe.closed && !s.probe.leftOpen)) && Date.now() < streamsUntil) {
  await sleep(200);
}
for (const s of streams.filter((x) => !x.done)) s.giveUp();
clearInterval(progress);
await Promise.all(workers.map((w) => w.close()));
for (const f of feeds) { f.closed = true; f.request?.destroy(); }
log('checking');
const checked = check();
const open = streams.filter((s) => s.leftOpen || s.probe?.leftOpen).length;
stats.streams['connections'] = streams.reduce((n, s) => n + s.connections, 0);
stats.feeds.events = feeds.reduce((n, f) => n + f.events, 0);
const result = {
  seed: SEED, load_seconds: Math.round(loadSeconds), rate: RATE, settle: settled, runs: runs.size,
  by_kind: [...runs.values()].reduce((o, r) => (inc(o, `${r.job} ${r.how}`), o), {}),
  stats, checked, open_streams_client: open, findings,
};
fs.writeFileSync(RESULT, JSON.stringify(result, null, 1));
const broken = Object.entries(findings).map(([k, v]) => `${k}: ${v.count}`);
log(broken.length === 0 ? 'every invariant held' : `BROKEN: ${broken.join('; ')}`);
process.exit(0);

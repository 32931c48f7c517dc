// The caller's client against a running jobstream with its demo jobs (dev or test mode):
//
//   JOBSTREAM_URL=http://localhost:8080 JOBSTREAM_TOKEN=<an admin or operator token> node --test test/
//
// NodeCallerTest runs it against the service under test. Each test works in a workspace of its own.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import * as client from '../index.mjs';
import * as worker from '../jobstream-worker.mjs';

const { JobstreamClient, JobstreamError } = client;
const PACKAGE = dirname(dirname(fileURLToPath(import.meta.url)));
const run = promisify(execFile);
const jobstream = new JobstreamClient();
const started = [];

/** Triggers a run of demo.sleep in a new workspace; it is cancelled after the tests if it is still going. */
async function sleepRun(items, delayMs, options = {}) {
  const triggered = await jobstream.trigger('demo.sleep',
    { workspaceId: randomUUID(), params: { items, delay_ms: delayMs }, ...options });
  started.push(triggered.id);
  return triggered;
}

after(async () => {
  await Promise.allSettled(started.map((id) => jobstream.cancel(id)));
});

/** Pulls events from `events` until one matches; fails with what came when the stream ends first. */
async function until(events, matches) {
  const seen = [];
  for (;;) {
    const { done, value } = await events.next();
    assert.ok(!done, `the stream ended before the event looked for; it sent ${JSON.stringify(seen)}`);
    seen.push(`${value.id} ${value.event}`);
    if (matches(value)) return value;
  }
}

/**
 * A TCP proxy on the loopback interface: drop() cuts every open connection once (new ones go through), and each
 * request's Last-Event-ID header (null when absent) is recorded in order, per path.
 */
async function startProxy(target) {
  const { hostname, port } = new URL(target);
  const sockets = new Set();
  const requests = [];
  const server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    client.once('data', (head) => {
      const text = head.toString('latin1');
      const path = text.slice(text.indexOf(' ') + 1, text.indexOf(' ', text.indexOf(' ') + 1));
      const lastEventId = /^last-event-id:\s*(\S+)/im.exec(text)?.[1] ?? null;
      requests.push({ path, lastEventId: lastEventId === null ? null : Number(lastEventId) });
    });
    for (const [from, to] of [[client, upstream], [upstream, client]]) {
      sockets.add(from);
      from.pipe(to);
      from.on('error', () => to.destroy());
      from.on('close', () => {
        sockets.delete(from);
        to.destroy();
      });
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    requests,
    drop: () => sockets.forEach((socket) => socket.destroy()),
    close: () => {
      sockets.forEach((socket) => socket.destroy());
      server.close();
    },
  };
}

test('a triggered run is waited for until its end, and a wait past its timeout rejects', async () => {
  const triggered = await sleepRun(3, 20);
  assert.equal(triggered.job, 'demo.sleep');
  assert.ok(['queued', 'running'].includes(triggered.status), triggered.status);

  const ended = await jobstream.waitForEnd(triggered.id, { timeoutMs: 20000 });
  assert.equal(ended.id, triggered.id);
  assert.equal(ended.status, 'completed');
  assert.equal(ended.processed, 3);
  assert.deepEqual(ended.metrics, { items: 3, processed: 3, dry_run: false });
  assert.equal((await jobstream.waitForEnd(triggered.id, { timeoutMs: 5000 })).status, 'completed');

  const long = await sleepRun(1000, 50);
  await assert.rejects(jobstream.waitForEnd(long.id, { timeoutMs: 300 }), { name: 'TimeoutError' });
  await jobstream.cancel(long.id);
  assert.equal((await jobstream.waitForEnd(long.id, { timeoutMs: 20000 })).status, 'cancelled');
});

test('trigger options reach the run', async () => {
  const workspaceId = randomUUID();
  const later = await jobstream.trigger('demo.noop', {
    workspaceId, delay: 60000, priority: 7, maxAttempts: 1, idempotencyKey: 'once', correlationId: 'corr-1',
  });
  started.push(later.id);
  assert.equal(later.workspace_id, workspaceId);
  assert.equal(later.display_status, 'scheduled');
  assert.equal(later.priority, 7);
  assert.equal(later.max_attempts, 1);
  assert.equal(later.correlation_id, 'corr-1');
  const again = await jobstream.trigger('demo.noop', {
    workspaceId, delay: 60000, priority: 7, maxAttempts: 1, idempotencyKey: 'once', correlationId: 'corr-1',
  });
  assert.equal(again.id, later.id);

  const dry = await jobstream.trigger('demo.noop', { workspaceId, dryRun: true, wait: 20 });
  assert.equal(dry.dry_run, true);
  assert.equal(dry.status, 'completed');
  const soon = await jobstream.trigger('demo.noop', { workspaceId, runAt: new Date(Date.now() + 60000) });
  started.push(soon.id);
  assert.equal(soon.display_status, 'scheduled');
  await assert.rejects(jobstream.trigger('demo.noop', { runAfter: new Date() }), TypeError);
});

test('follow resumes after a dropped connection with no event missed or repeated', async () => {
  const proxy = await startProxy(process.env.JOBSTREAM_URL);
  try {
    const through = new JobstreamClient({ url: proxy.url });
    const triggered = await sleepRun(40, 100);
    const ids = [];
    let last;
    for await (const event of through.follow(triggered.id)) {
      ids.push(event.id);
      last = event;
      if (ids.length === 5) proxy.drop();
    }

    assert.deepEqual(ids, Array.from({ length: ids.length }, (_, i) => i + 1));
    assert.equal(last.event, 'end_json');
    assert.equal(last.data.state, 'completed');
    assert.equal(ids.length, 82, 'start, a log line and a progress per item, end');
    const streams = proxy.requests.filter((r) => r.path.startsWith(`/v1/runs/${triggered.id}/events`));
    assert.equal(streams.length, 2, JSON.stringify(proxy.requests));
    assert.equal(streams[0].lastEventId, null);
    assert.ok(streams[1].lastEventId >= 5 && streams[1].lastEventId < 82, JSON.stringify(streams));
  } finally {
    proxy.close();
  }
});

test('follow starts after the event given, and ends at once for a run whose events were all seen', async () => {
  const triggered = await sleepRun(2, 10);
  const ended = await jobstream.waitForEnd(triggered.id, { timeoutMs: 20000 });
  assert.equal(ended.status, 'completed');
  const events = [];
  for await (const event of jobstream.follow(triggered.id, { after: 3 })) events.push(event);
  assert.deepEqual(events.map((e) => e.id), [4, 5, 6]);
  assert.deepEqual(events.map((e) => e.event), ['log', 'progress_json', 'end_json']);
  for await (const event of jobstream.follow(triggered.id, { after: 6 })) assert.fail(`no event, got ${event.id}`);
});

test('runs are listed page by page', async () => {
  const workspaceId = randomUUID();
  const results = await jobstream.triggerBatch('demo.noop', Array.from({ length: 5 }, () => ({ workspaceId })));
  assert.deepEqual(results.map((r) => r.status), [202, 202, 202, 202, 202]);
  const triggered = results.map((r) => r.run.id);

  const first = await jobstream.listRuns({ workspaceId, job: 'demo.noop', limit: 2 });
  assert.equal(first.runs.length, 2);
  assert.equal(typeof first.nextCursor, 'string');
  const pages = [];
  for await (const page of jobstream.runPages({ workspaceId, limit: 2 })) pages.push(page);
  assert.deepEqual(pages.map((p) => p.runs.length), [2, 2, 1]);
  assert.deepEqual(pages.map((p) => p.nextCursor === null), [false, false, true]);
  assert.deepEqual(pages[0].runs.map((r) => r.id), first.runs.map((r) => r.id));

  const listed = [];
  for await (const listedRun of jobstream.allRuns({ workspaceId, limit: 2 })) listed.push(listedRun.id);
  assert.equal(listed.length, 5);
  assert.deepEqual([...listed].sort(), [...triggered].sort());
  const rest = await jobstream.listRuns({ workspaceId, limit: 2, cursor: first.nextCursor });
  assert.deepEqual(rest.runs.map((r) => r.id), listed.slice(2, 4));
});

test('a run is paused, resumed, cancelled and retried', async () => {
  const triggered = await sleepRun(1000, 50);
  const events = jobstream.follow(triggered.id);
  try {
    await until(events, (e) => e.event === 'progress_json');
    const pausing = await jobstream.pause(triggered.id);
    assert.equal(pausing.id, triggered.id);
    await until(events, (e) => e.event === 'state_json' && e.data.state === 'paused');
    assert.equal((await jobstream.getRun(triggered.id)).status, 'paused');
    const twice = await jobstream.pause(triggered.id).catch((error) => error);
    assert.ok(twice instanceof JobstreamError, String(twice));
    assert.equal(twice.status, 409);
    assert.match(twice.problem.detail, /already paused/);

    await jobstream.resume(triggered.id);
    await until(events, (e) => e.event === 'state_json' && e.data.state === 'running');
    await until(events, (e) => e.event === 'progress_json');

    await jobstream.cancel(triggered.id);
    const end = await until(events, (e) => e.event === 'end_json');
    assert.equal(end.data.cancelled, true);
    assert.equal((await events.next()).done, true, 'the stream ends with the run');
  } finally {
    await events.return();
  }
  assert.equal((await jobstream.getRun(triggered.id)).status, 'cancelled');

  const retried = await jobstream.retry(triggered.id);
  assert.equal(retried.status, 'queued');
  await jobstream.cancel(triggered.id, { force: true });
  const ended = await jobstream.waitForEnd(triggered.id, { timeoutMs: 20000 });
  assert.equal(ended.status, 'cancelled');
});

test('the feed sends the changes of runs', async () => {
  const triggered = await sleepRun(30, 100);
  const seen = [];
  for await (const change of jobstream.feed({ workspaceId: triggered.workspace_id, signal: AbortSignal.timeout(20000) })) {
    seen.push(change.event);
    assert.equal(change.data.workspace_id, triggered.workspace_id);
    if (change.data.id === triggered.id && change.event === 'progress') break;
  }
  assert.ok(seen.includes('progress'), JSON.stringify(seen));
});

test('a refusal is a JobstreamError with the problem document', async () => {
  const unknown = await jobstream.trigger('no.such.job').catch((error) => error);
  assert.ok(unknown instanceof JobstreamError, String(unknown));
  assert.ok(unknown instanceof Error);
  assert.equal(unknown.status, 404);
  assert.equal(unknown.problem.status, 404);
  assert.equal(unknown.problem.title, 'Not Found');
  assert.match(unknown.problem.detail, /no\.such\.job/);
  assert.equal(unknown.retryable, false);

  await assert.rejects(jobstream.getRun('not-a-uuid'), (error) => error.status === 400 && /UUID/i.test(error.message));
  await assert.rejects(jobstream.getRun(randomUUID()), { name: 'JobstreamError', status: 404 });
  const follow = jobstream.follow(randomUUID());
  await assert.rejects(follow.next(), { name: 'JobstreamError', status: 404 });
  const anonymous = new JobstreamClient({ token: 'not-a-token' });
  await assert.rejects(anonymous.listRuns(), { name: 'JobstreamError', status: 401 });
  assert.throws(() => new JobstreamClient({ url: process.env.JOBSTREAM_URL, token: '' }), TypeError);
});

test('the types declare every export', async () => {
  for (const [module, types] of [[client, 'index.d.ts'], [worker, 'jobstream-worker.d.ts']]) {
    const text = await readFile(join(PACKAGE, types), 'utf8');
    const declared = new Set([...text.matchAll(/^export (?:declare )?(?:class|function|const) (\w+)/gm)].map((m) => m[1]));
    for (const m of text.matchAll(/^export \{([^}]*)\} from/gm)) m[1].split(',').forEach((n) => declared.add(n.trim()));
    assert.deepEqual([...declared].sort(), Object.keys(module).sort(), types);
  }
});

test("the README's example parses and calls only what the client has", async () => {
  const readme = await readFile(join(PACKAGE, '..', '..', 'README.md'), 'utf8');
  const example = /\*\*Calling from Node\.\*\*[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(example, 'README.md has a js example under "Calling from Node."');
  const folder = await mkdtemp(join(tmpdir(), 'jobstream-readme-'));
  try {
    await writeFile(join(folder, 'example.mjs'), example);
    await run('node', ['--check', join(folder, 'example.mjs')]);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
  const called = [...example.matchAll(/jobstream\.(\w+)\(/g)].map((m) => m[1]);
  assert.ok(called.length >= 10, called.join());
  for (const method of called) assert.equal(typeof JobstreamClient.prototype[method], 'function', method);
});

test('npm pack makes a package that installs offline in a fresh folder and runs', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'jobstream-client-'));
  try {
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', folder], { cwd: PACKAGE });
    const [packed] = JSON.parse(stdout);
    const files = packed.files.map((f) => f.path).sort();
    assert.deepEqual(files, ['example.mjs', 'index.d.ts', 'index.mjs', 'jobstream-worker.d.ts', 'jobstream-worker.mjs',
      'package.json', 'sse.mjs']);

    const app = join(folder, 'app');
    await mkdir(app);
    await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    await run('npm', ['install', '--offline', '--no-audit', '--no-fund', join(folder, packed.filename)], { cwd: app });
    const script = `
      import { JobstreamClient, JobstreamWorker } from '@jobstream/client';
      import { JobstreamWorker as Worker } from '@jobstream/client/worker';
      const page = await new JobstreamClient().listRuns({ limit: 1 });
      console.log(JSON.stringify({ runs: Array.isArray(page.runs), same: JobstreamWorker === Worker }));`;
    const { stdout: printed } = await run('node', ['--input-type=module', '-e', script], { cwd: app });
    assert.deepEqual(JSON.parse(printed), { runs: true, same: true });
    const installed = JSON.parse(await readFile(join(app, 'node_modules/@jobstream/client/package.json'), 'utf8'));
    assert.equal(installed.version, '0.1.0');
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});

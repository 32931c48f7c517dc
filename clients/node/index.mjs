// A caller's client for jobstream in Node.js (20 or later), with nothing but the platform's fetch: trigger runs,
// read and list them, control them, wait for their end, and follow their events and the live feed over SSE.
//
//   import { JobstreamClient } from '@jobstream/client';
//   const jobstream = new JobstreamClient({ url: 'https://jobstream.example' });   // token: JOBSTREAM_TOKEN
//   const run = await jobstream.trigger('demo.sleep', { params: { items: 3 } });
//   for await (const event of jobstream.follow(run.id)) console.log(event.id, event.event, event.data);
//   const ended = await jobstream.waitForEnd(run.id, { timeoutMs: 60000 });
//
// Runs and events are as the HTTP API answers them (snake_case); options are camelCase. A refusal of the service
// throws a JobstreamError with its status and problem document.
import { readEvents } from './sse.mjs';

export { JobFailedError, JobstreamWorker, RunStoppedError, SnoozeError } from './jobstream-worker.mjs';

const TERMINAL = new Set(['completed', 'failed', 'cancelled', 'skipped']);
const TRIGGER_FIELDS = {
  workspaceId: 'workspace_id', dryRun: 'dry_run', params: 'params', idempotencyKey: 'idempotency_key',
  runAt: 'run_at', delay: 'delay', priority: 'priority', timeout: 'timeout', maxAttempts: 'max_attempts',
  webhook: 'webhook',
};
const MAX_RECONNECT_DELAY_MS = 30000;

/** An answer of the service other than 2xx: `status`, and `problem`, its RFC 9457 document. */
export class JobstreamError extends Error {
  constructor(status, problem, { retryAfterSeconds = null } = {}) {
    super(`HTTP ${status}${problem.title ? ` ${problem.title}` : ''}${problem.detail ? `: ${problem.detail}` : ''}`);
    this.name = 'JobstreamError';
    this.status = status;
    this.problem = problem;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** True when the same request may succeed later: 408, 429 and 5xx. */
  get retryable() {
    return this.status === 408 || this.status === 429 || this.status >= 500;
  }

  static async of(response) {
    const text = await response.text().catch(() => '');
    let problem;
    try {
      problem = JSON.parse(text);
    } catch {
      problem = null;
    }
    if (problem === null || typeof problem !== 'object') {
      problem = { type: 'about:blank', title: response.statusText, status: response.status, detail: text || null };
    }
    const retryAfter = Number(response.headers.get('retry-after'));
    return new JobstreamError(response.status, problem,
      { retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null });
  }
}

export class JobstreamClient {
  #base;
  #token;
  #fetch;

  constructor({ url = process.env.JOBSTREAM_URL, token = process.env.JOBSTREAM_TOKEN, fetch = globalThis.fetch } = {}) {
    if (!url) throw new TypeError('The service\'s url is needed: pass { url } or set JOBSTREAM_URL');
    if (!token) throw new TypeError('A token is needed: pass { token } or set JOBSTREAM_TOKEN');
    this.#base = String(url).endsWith('/') ? String(url) : `${url}/`;
    this.#token = token;
    this.#fetch = fetch;
  }

  /**
   * Triggers a run of `job` and answers it (queued, or ended when `wait` seconds were given and it ended in time).
   * Options: workspaceId, dryRun, params, idempotencyKey, runAt (Date or ISO-8601), delay and timeout (ms, or a
   * duration such as '90s'), priority, maxAttempts, webhook (a registered webhook's name); wait (seconds),
   * correlationId, signal.
   */
  async trigger(job, { wait, correlationId, signal, ...options } = {}) {
    return this.#call('POST', `v1/jobs/${encodeURIComponent(job)}/runs`, {
      query: { wait }, body: triggerBody(options), correlationId, signal,
    });
  }

  /**
   * Triggers up to 1,000 runs of `job` in one commit; answers a result per run in input order: `{status: 202, run}`,
   * `{status: 200, run}` (a repeated idempotency key) or `{status: 409, reason, active_run_id, detail}`.
   */
  async triggerBatch(job, runs, { correlationId, signal } = {}) {
    const answer = await this.#call('POST', `v1/jobs/${encodeURIComponent(job)}/runs/batch`, {
      body: { runs: runs.map(triggerBody) }, correlationId, signal,
    });
    return answer.results;
  }

  async getRun(id, { signal } = {}) {
    return this.#call('GET', `v1/runs/${encodeURIComponent(id)}`, { signal });
  }

  /** One page of runs, newest first: `{runs, nextCursor}` (nextCursor null on the last page). */
  async listRuns({ job, status, workspaceId, dryRun, limit, cursor, signal } = {}) {
    const page = await this.#call('GET', 'v1/runs', {
      query: { job, status, workspace_id: workspaceId, dry_run: dryRun, limit, cursor }, signal,
    });
    return { runs: page.runs, nextCursor: page.next_cursor ?? null };
  }

  /** Every page of runs with these filters, fetched as they are read. */
  async* runPages(filters = {}) {
    let cursor = filters.cursor;
    do {
      const page = await this.listRuns({ ...filters, cursor });
      yield page;
      cursor = page.nextCursor;
    } while (cursor);
  }

  /** Every run with these filters, page by page. */
  async* allRuns(filters = {}) {
    for await (const page of this.runPages(filters)) yield* page.runs;
  }

  pause(id, { signal } = {}) {
    return this.#control(id, 'pause', {}, signal);
  }

  resume(id, { signal } = {}) {
    return this.#control(id, 'resume', {}, signal);
  }

  /** `force`: end the run in the database at once, for a hung one. */
  cancel(id, { force, signal } = {}) {
    return this.#control(id, 'cancel', { force }, signal);
  }

  /** Puts a failed or cancelled run back in the queue as its next attempt. */
  retry(id, { signal } = {}) {
    return this.#control(id, 'retry', {}, signal);
  }

  /**
   * The run's events, `{id, event, data}` with `data` parsed, from after `after` (0: all of them) until its
   * `end_json`. A dropped connection, a restarted replica or a silent stream (`idleMs`, 45 s; the service sends a
   * keepalive every 15 s) is reconnected after the service's `retry:` delay with `Last-Event-ID`, so no event is
   * missed or repeated; `maxRetries` failed reconnects in a row (10) throw the last error, as does a 4xx answer.
   */
  async* follow(id, { after = 0, signal, idleMs = 45000, maxRetries = 10 } = {}) {
    const path = `v1/runs/${encodeURIComponent(id)}/events`;
    for await (const event of this.#stream(path, {}, { lastEventId: after, signal, idleMs, maxRetries })) {
      yield event;
      if (event.event === 'end_json') return;
    }
  }

  /**
   * The live feed of run changes, `{event: 'created' | 'state' | 'progress', data: run summary}`, filtered by `job`
   * and `workspaceId`; it never ends by itself (break out of the loop, or abort `signal`). The feed has no event
   * ids: after a reconnect it goes on from the newest change, and changes made while it was away are not sent.
   */
  async* feed({ job, workspaceId, signal, idleMs = 45000, maxRetries = 10 } = {}) {
    const query = { job, workspace_id: workspaceId };
    for await (const { event, data } of this.#stream('v1/stream', query, { signal, idleMs, maxRetries })) {
      yield { event, data };
    }
  }

  /**
   * Resolves with the run once it has ended (completed, failed, cancelled, skipped), reading its event stream
   * until its end. Rejects with a TimeoutError after `timeoutMs`, or with `signal`'s reason.
   */
  async waitForEnd(id, { timeoutMs, signal } = {}) {
    const timeout = timeoutMs === undefined ? null : AbortSignal.timeout(timeoutMs);
    const { signal: both, release } = anySignal([signal, timeout]);
    try {
      let run = await this.getRun(id, { signal: both });
      let after = 0;
      while (!TERMINAL.has(run.status)) {
        // a run retried after its end goes on after the end_json seen
        for await (const event of this.follow(id, { after, signal: both })) after = event.id;
        run = await this.getRun(id, { signal: both });
      }
      return run;
    } catch (error) {
      throw both.aborted ? both.reason : error;
    } finally {
      release();
    }
  }

  #control(id, action, query, signal) {
    return this.#call('POST', `v1/runs/${encodeURIComponent(id)}/${action}`, { query, signal });
  }

  async #call(method, path, { query, body, correlationId, signal } = {}) {
    const headers = { authorization: `Bearer ${this.#token}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (correlationId !== undefined) headers['x-correlation-id'] = correlationId;
    const response = await this.#fetch(this.#url(path, query), {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal,
    });
    if (!response.ok) throw await JobstreamError.of(response);
    const text = await response.text();
    return text ? JSON.parse(text) : null;
  }

  #url(path, query = {}) {
    const url = new URL(path, this.#base);
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined && value !== null) url.searchParams.set(name, String(value));
    }
    return url;
  }

  /**
   * An SSE stream kept open across drops: each connection sends the id of the last event handed on as
   * `Last-Event-ID`; a reconnect waits the `retry:` delay, doubled for each failure in a row. Ends on a 204 (a
   * run's stream with every event seen), throws on a 4xx other than 408 and 429.
   */
  async* #stream(path, query, { lastEventId = 0, signal, idleMs, maxRetries }) {
    let retryMs = 1000;
    let failures = 0;
    for (;;) {
      signal?.throwIfAborted();
      const connection = new AbortController();
      const { signal: both, release } = anySignal([signal, connection.signal]);
      let idle = null;
      const touch = () => {
        clearTimeout(idle);
        idle = setTimeout(() => connection.abort(new Error(`No data for ${idleMs} ms`)), idleMs);
      };
      try {
        const headers = { authorization: `Bearer ${this.#token}`, accept: 'text/event-stream' };
        if (lastEventId) headers['last-event-id'] = String(lastEventId);
        touch();
        const response = await this.#fetch(this.#url(path, query), { headers, signal: both });
        if (response.status === 204) return;
        if (!response.ok) throw await JobstreamError.of(response);
        const onRetry = (ms) => {
          retryMs = ms;
        };
        for await (const raw of readEvents(response.body, { onRetry, onChunk: touch })) {
          failures = 0;
          const event = { id: eventId(raw.id), event: raw.event, data: parseData(raw.data) };
          if (event.id !== null) lastEventId = event.id;
          clearTimeout(idle); // the time the caller takes with an event is not silence
          yield event;
          touch();
        }
        failures = 0; // the service ended the stream: connect again
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (error instanceof JobstreamError && !error.retryable) throw error;
        if (++failures > maxRetries) throw error;
        if (error instanceof JobstreamError && error.retryAfterSeconds) {
          retryMs = Math.max(retryMs, error.retryAfterSeconds * 1000);
        }
      } finally {
        clearTimeout(idle);
        connection.abort();
        release();
      }
      const delay = Math.min(MAX_RECONNECT_DELAY_MS, retryMs * 2 ** Math.max(0, failures - 1));
      await sleep(delay, signal);
    }
  }
}

function triggerBody(options = {}) {
  const body = {};
  for (const [name, value] of Object.entries(options)) {
    const field = TRIGGER_FIELDS[name];
    if (field === undefined) throw new TypeError(`Unknown trigger option '${name}'`);
    if (value === undefined) continue;
    if (name === 'runAt') body.run_at = value instanceof Date ? value.toISOString() : value;
    else if (name === 'delay' || name === 'timeout') body[field] = typeof value === 'number' ? `${value}ms` : value;
    else body[field] = value;
  }
  return body;
}

function eventId(id) {
  if (id === '') return null;
  return /^\d+$/.test(id) ? Number(id) : id;
}

function parseData(data) {
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}

/** A signal aborted when any of `signals` (nulls skipped) is; release() drops its listeners. */
function anySignal(signals) {
  const controller = new AbortController();
  const listeners = [];
  for (const signal of signals) {
    if (!signal) continue;
    if (signal.aborted) {
      controller.abort(signal.reason);
      break;
    }
    const listener = () => controller.abort(signal.reason);
    signal.addEventListener('abort', listener, { once: true });
    listeners.push([signal, listener]);
  }
  return {
    signal: controller.signal,
    release: () => listeners.forEach(([signal, listener]) => signal.removeEventListener('abort', listener)),
  };
}

function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    const done = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', done);
      resolve();
    }, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

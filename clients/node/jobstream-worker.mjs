// A worker for jobstream in Node.js (20 or later), with nothing but the platform: fetch and EventTarget.
//
//   import { JobstreamWorker } from './jobstream-worker.mjs';
//   const worker = new JobstreamWorker('https://jobstream.example', {
//     token: process.env.JOBSTREAM_TOKEN,
//     jobs: {
//       'reports.build': async (run) => {
//         for (let i = 1; i <= 10; i++) {
//           await run.checkpoint();          // a pause waits here; a cancel or a timeout throws here
//           run.progress(i, 10);
//         }
//         return { pages: 10 };              // the run's metrics
//       },
//     },
//   });
//   worker.addEventListener('end', (e) => console.log(e.detail.runId, e.detail.outcome));
//   worker.onerror = (e) => console.error(e.detail);
//   ...
//   await worker.close();
//
// Like an EventSource it starts at once and reports through events ('claim', 'end', 'error'); close() stops it.
// A handler returns the run's metrics, or throws: a JobFailedError says its error code and whether another attempt
// may follow, a SnoozeError asks for the run to come back later, anything else fails the attempt (retried as the
// job's policy says). Each run is reported on every `reportEveryMs` (its events, and the lease renewed); the answer
// says whether it is asked to pause or cancel, or ran past its timeout, and `checkpoint()` acts on it.

const MAX_EVENTS = 100;
const MAX_ENDS = 100;

export class JobFailedError extends Error {
  constructor(message, { code = 'job_failed', retryable = true } = {}) {
    super(message);
    this.code = code;
    this.retryable = retryable;
  }
}

export class SnoozeError extends Error {
  constructor(delayMs) {
    super(`Snoozed for ${delayMs} ms`);
    this.delayMs = delayMs;
  }
}

/** Thrown by checkpoint() when the run must stop: reason 'cancelled', 'timeout' or 'lease_lost'. */
export class RunStoppedError extends Error {
  constructor(reason, message) {
    super(message);
    this.reason = reason;
  }
}

class LeaseLostError extends Error {}

class Api {
  constructor(url, token) {
    this.base = url.endsWith('/') ? url : `${url}/`;
    this.token = token;
  }

  /** One call; 409 with a reason is a lost lease, another 4xx a refusal, no answer or a 5xx is retryable. */
  async send(path, body, signal) {
    const response = await fetch(new URL(path, this.base), {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      signal,
    });
    const text = await response.text();
    const answer = text ? JSON.parse(text) : null;
    if (response.ok) return answer;
    const detail = answer?.detail ?? text;
    if (response.status === 409 && answer?.reason) throw new LeaseLostError(detail);
    const error = new Error(`HTTP ${response.status}: ${detail}`);
    error.retryable = response.status >= 500 || response.status === 408 || response.status === 429;
    throw error;
  }

  /** Sends the call again, the same, after faults without an answer, for `patienceMs` at most. */
  async post(path, body, patienceMs) {
    const giveUp = Date.now() + patienceMs;
    for (let pause = 100; ; pause = Math.min(pause * 2, 5000)) {
      try {
        return await this.send(path, body, AbortSignal.timeout(10000));
      } catch (error) {
        if (error instanceof LeaseLostError || error.retryable === false || Date.now() + pause > giveUp) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

/** A claimed run, as its handler sees it. */
class Run {
  constructor(worker, claimed) {
    this.worker = worker;
    this.runId = claimed.run_id;
    this.job = claimed.job;
    this.workspaceId = claimed.workspace_id;
    this.params = claimed.params;
    this.dryRun = claimed.dry_run;
    this.attempt = claimed.attempt;
    this.maxAttempts = claimed.max_attempts;
    this.timeoutMs = claimed.timeout_ms;
    this.traceparent = claimed.traceparent ?? null;
    this.leaseExpiresAt = claimed.lease.expires_at;
    this.lease = claimed.lease.token;
    this.path = `v1/workers/runs/${this.runId}/`;
    this.events = [];
    this.seq = 0;
    this.control = null;
    this.state = 'running';
    this.lost = null;
    this.reporting = Promise.resolve();
  }

  log(level, message) { this.events.push({ type: 'log', level, message: String(message) }); }
  info(message) { this.log('info', message); }
  warn(message) { this.log('warn', message); }
  progress(processed, total = null) { this.events.push({ type: 'progress', processed, total }); }
  error(item, message) { this.events.push({ type: 'error', item: String(item), message: String(message) }); }

  get stopRequested() {
    return this.lost !== null || this.control === 'cancel' || this.control === 'timeout';
  }

  /** Where the run may stop or pause: throws a RunStoppedError when it must stop, waits while paused. */
  async checkpoint() {
    this.stopIfAsked();
    if (this.control !== 'pause') return;
    await this.report('paused');
    while (this.state === 'paused') {
      this.stopIfAsked();
      if (this.control === 'resume') {
        await this.report('running');
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
      await this.report(null);
    }
  }

  stopIfAsked() {
    if (this.lost !== null) throw new RunStoppedError('lease_lost', this.lost);
    if (this.control === 'cancel') throw new RunStoppedError('cancelled', `Run ${this.runId} was cancelled`);
    if (this.control === 'timeout') {
      throw new RunStoppedError('timeout', `Run ${this.runId} ran past its timeout of ${this.timeoutMs} ms`);
    }
  }

  /** Sends what waits, a hundred events a report, one report at a time (numbered in order). */
  report(state) {
    this.reporting = this.reporting.then(() => this.sendReports(state));
    return this.reporting;
  }

  async sendReports(state) {
    do {
      if (this.lost !== null) return;
      const events = this.events.splice(0, MAX_EVENTS);
      try {
        const answer = await this.worker.api.post(`${this.path}report`,
          { lease: this.lease, seq: ++this.seq, events, state }, this.worker.patienceMs);
        this.control = answer.control ?? null;
        this.state = answer.state;
        this.leaseExpiresAt = answer.lease.expires_at;
      } catch (error) {
        if (error instanceof LeaseLostError) {
          this.lost = error.message;
        } else {
          this.worker.fail(error);
        }
        return;
      }
      state = null;
    } while (this.events.length > 0);
  }

  async end(how, fields) {
    if (this.events.length > 0) await this.report(null);
    await this.reporting;
    if (this.lost !== null) return 'lease_lost';
    try {
      const result = await this.worker.endRun({ ...fields, run_id: this.runId, outcome: how, lease: this.lease });
      if (result.code === 200) return how;
      if (result.code === 409) {
        this.lost = result.detail;
        return 'lease_lost';
      }
      this.worker.fail(new Error(`${how} of run ${this.runId}: HTTP ${result.code}: ${result.detail}`));
      return 'unknown';
    } catch (error) {
      this.worker.fail(error);
      return 'unknown';
    }
  }
}

export class JobstreamWorker extends EventTarget {
  constructor(url, {
    token, jobs, workerId = `node-${process.pid}`, concurrency = 4, pollWaitSeconds = 30, reportEveryMs = 1000,
    patienceMs = 30000,
  }) {
    super();
    if (!jobs || Object.keys(jobs).length === 0) throw new TypeError('A worker needs a handler for at least one job');
    this.api = new Api(url, token);
    this.handlers = jobs;
    this.workerId = workerId;
    this.concurrency = concurrency;
    this.pollWaitSeconds = pollWaitSeconds;
    this.reportEveryMs = reportEveryMs;
    this.patienceMs = patienceMs;
    this.active = new Set();
    this.closed = false;
    this.abort = new AbortController();
    this.freed = null;
    this.onerror = null;
    this.ending = [];
    this.endingOut = false;
    this.claiming = this.claimUntilClosed();
  }

  /**
   * Ends go in batches: those that come while a call is out go together in the next one (POST
   * /v1/workers/runs/ends, at most MAX_ENDS), so that many short runs cost one call, not one each. Resolves with
   * this end's result: {code, status} or {code, reason, detail}.
   */
  endRun(end) {
    return new Promise((resolve, reject) => {
      this.ending.push({ end, resolve, reject });
      if (!this.endingOut) this.sendEnds();
    });
  }

  async sendEnds() {
    this.endingOut = true;
    try {
      while (this.ending.length > 0) {
        const batch = this.ending.splice(0, MAX_ENDS);
        try {
          const answer = await this.api.post('v1/workers/runs/ends', { ends: batch.map((e) => e.end) },
            this.patienceMs);
          batch.forEach((e, i) => e.resolve(answer.results[i]));
        } catch (error) {
          batch.forEach((e) => e.reject(error));
        }
      }
    } finally {
      this.endingOut = false;
    }
  }

  fail(error) {
    const event = new CustomEvent('error', { detail: error });
    if (typeof this.onerror === 'function') this.onerror(event);
    this.dispatchEvent(event);
  }

  async claimUntilClosed() {
    for (let pause = 100; !this.closed;) {
      // claims go in batches: a quarter of the places at least (one claim per run costs the service a statement
      // pair per run, and short runs would wait on it)
      if (this.concurrency - this.active.size < Math.ceil(this.concurrency / 4)) {
        await new Promise((resolve) => { this.freed = resolve; });
        continue;
      }
      let runs = [];
      try {
        const answer = await this.api.send('v1/workers/claim', {
          worker: this.workerId, jobs: Object.keys(this.handlers), max: this.concurrency - this.active.size,
          wait: this.pollWaitSeconds,
        }, this.abort.signal);
        runs = answer.runs;
        pause = 100;
      } catch (error) {
        if (this.closed) return;
        this.fail(error);
        await new Promise((resolve) => setTimeout(resolve, pause));
        pause = Math.min(pause * 2, 5000);
      }
      for (const claimed of runs) {
        const execution = this.execute(new Run(this, claimed)).finally(() => {
          this.active.delete(execution);
          this.freed?.();
          this.freed = null;
        });
        this.active.add(execution);
      }
    }
  }

  async execute(run) {
    this.dispatchEvent(new CustomEvent('claim', { detail: { runId: run.runId, job: run.job, attempt: run.attempt } }));
    const timer = setInterval(() => run.report(null), this.reportEveryMs);
    let outcome;
    try {
      const metrics = await this.handlers[run.job](run);
      outcome = await run.end('complete', { metrics: metrics ?? {} });
    } catch (error) {
      if (error instanceof RunStoppedError) {
        outcome = error.reason === 'cancelled' ? await run.end('cancelled', {})
          : error.reason === 'timeout' ? await run.end('fail', { error: error.message, error_code: 'timeout' })
            : 'lease_lost';
      } else if (error instanceof SnoozeError) {
        outcome = await run.end('snooze', { delay_ms: error.delayMs });
      } else if (error instanceof JobFailedError) {
        outcome = await run.end('fail', { error: error.message, error_code: error.code, retryable: error.retryable });
      } else {
        outcome = await run.end('fail', { error: String(error?.stack ?? error).slice(0, 2000) });
      }
    } finally {
      clearInterval(timer);
    }
    this.dispatchEvent(new CustomEvent('end', { detail: { runId: run.runId, job: run.job, outcome } }));
  }

  /** Stops claiming (a long poll in progress is abandoned) and waits for the runs in hand. */
  async close() {
    this.closed = true;
    this.abort.abort();
    this.freed?.();
    await this.claiming.catch(() => {});
    await Promise.allSettled([...this.active]);
  }
}

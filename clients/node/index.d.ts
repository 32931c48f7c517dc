// Types of @jobstream/client (index.mjs). Runs, events and problems are as the HTTP API answers them (snake_case).

export { JobFailedError, JobstreamWorker, RunStoppedError, SnoozeError } from './jobstream-worker.js';

export type RunStatus = 'queued' | 'running' | 'paused' | 'completed' | 'failed' | 'cancelled' | 'skipped';
export type DisplayStatus = RunStatus | 'stale' | 'retrying' | 'scheduled';

export interface Attempt {
  attempt: number;
  owner: string | null;
  started_at: string | null;
  finished_at: string | null;
  outcome: string | null;
  error: string | null;
  error_code: string | null;
  reason?: string | null;
}

/** A run, as `GET /v1/runs/{id}` answers it. */
export interface Run {
  id: string;
  job: string;
  workspace_id: string;
  status: RunStatus;
  display_status: DisplayStatus;
  dry_run: boolean;
  params: Record<string, unknown>;
  metrics: Record<string, unknown> | null;
  error: string | null;
  error_code: string | null;
  error_log: unknown[] | null;
  processed: number;
  total: number | null;
  attempt: number;
  max_attempts: number;
  triggered_by: string | null;
  correlation_id: string | null;
  /** The W3C trace context of the run's trigger, or null. */
  traceparent: string | null;
  owner: string | null;
  created_at: string;
  run_after: string | null;
  started_at: string | null;
  finished_at: string | null;
  updated_at: string;
  heartbeat_at: string | null;
  duration_ms: number | null;
  control_requested: string | null;
  controlled_by: string | null;
  priority: number;
  timeout_ms: number | null;
  schedule_id: string | null;
  attempts: Attempt[];
  [field: string]: unknown;
}

/** An RFC 9457 problem document; some carry more members (`reason`, `active_run_id`, …). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string | null;
  instance?: string;
  timestamp?: string;
  [member: string]: unknown;
}

/** An answer of the service other than 2xx. */
export class JobstreamError extends Error {
  constructor(status: number, problem: Problem, options?: { retryAfterSeconds?: number | null });
  readonly name: 'JobstreamError';
  readonly status: number;
  readonly problem: Problem;
  /** The `Retry-After` of a 429 or 503, in seconds. */
  readonly retryAfterSeconds: number | null;
  /** True for 408, 429 and 5xx: the same request may succeed later. */
  readonly retryable: boolean;
  static of(response: Response): Promise<JobstreamError>;
}

export interface ClientOptions {
  /** The service's base URL; JOBSTREAM_URL by default. */
  url?: string | URL;
  /** A bearer token; JOBSTREAM_TOKEN by default. */
  token?: string;
  /** A fetch to use instead of the global one. */
  fetch?: typeof fetch;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

/** A duration: milliseconds, or a string such as '500ms', '90s', '15m', '2h', '1d', 'PT30M'. */
export type Duration = number | string;

export interface RunOptions {
  workspaceId?: string;
  dryRun?: boolean;
  params?: Record<string, unknown>;
  idempotencyKey?: string;
  /** When the run is due (not with `delay`). */
  runAt?: Date | string;
  /** How long from now the run is due (not with `runAt`). */
  delay?: Duration;
  /** −100 to 100, higher first. */
  priority?: number;
  timeout?: Duration;
  maxAttempts?: number;
  /** A registered webhook the run calls when it ends, over its job's. */
  webhook?: string;
}

export interface TriggerOptions extends RunOptions, RequestOptions {
  /** Seconds (0–300) to wait for the run's end before answering. */
  wait?: number;
  /** Stored on the run as its correlation_id. */
  correlationId?: string;
}

export type BatchResult =
  | { status: 202 | 200; run: Run }
  | { status: 409; reason: 'already_running'; active_run_id: string; detail: string; [member: string]: unknown };

export interface RunFilters {
  job?: string;
  status?: RunStatus | 'stale';
  workspaceId?: string;
  dryRun?: boolean;
  /** 1–500 (50). */
  limit?: number;
  cursor?: string | null;
}

export interface RunPage {
  runs: Run[];
  nextCursor: string | null;
}

export interface StreamOptions extends RequestOptions {
  /** Reconnect when nothing, not even a keepalive, came for this long (45,000 ms). */
  idleMs?: number;
  /** Failed reconnects in a row before the last error is thrown (10). */
  maxRetries?: number;
}

export interface RunEvent<D = any> {
  /** The event's sequence number in its run, from 1. */
  id: number;
  event: 'start_json' | 'log' | 'progress_json' | 'state_json' | 'end_json' | string;
  /** The event's data, parsed (its text when it is not JSON). */
  data: D;
}

export interface RunChange {
  event: 'created' | 'state' | 'progress' | string;
  /** The run's summary: id, job, workspace_id, status, processed, total, percent, error, … */
  data: { id: string; job: string; workspace_id: string; status: RunStatus; [field: string]: unknown };
}

export class JobstreamClient {
  constructor(options?: ClientOptions);
  trigger(job: string, options?: TriggerOptions): Promise<Run>;
  triggerBatch(job: string, runs: RunOptions[], options?: RequestOptions & { correlationId?: string }):
    Promise<BatchResult[]>;
  getRun(id: string, options?: RequestOptions): Promise<Run>;
  listRuns(filters?: RunFilters & RequestOptions): Promise<RunPage>;
  runPages(filters?: RunFilters & RequestOptions): AsyncGenerator<RunPage, void, undefined>;
  allRuns(filters?: RunFilters & RequestOptions): AsyncGenerator<Run, void, undefined>;
  pause(id: string, options?: RequestOptions): Promise<Run>;
  resume(id: string, options?: RequestOptions): Promise<Run>;
  cancel(id: string, options?: RequestOptions & { force?: boolean }): Promise<Run>;
  retry(id: string, options?: RequestOptions): Promise<Run>;
  /** The run's events after `after` until its end_json, resumed with Last-Event-ID across dropped connections. */
  follow(id: string, options?: StreamOptions & { after?: number }): AsyncGenerator<RunEvent, void, undefined>;
  /** The live feed of run changes; it ends only when the loop breaks or `signal` aborts. */
  feed(filters?: StreamOptions & { job?: string; workspaceId?: string }): AsyncGenerator<RunChange, never, undefined>;
  /** The run once it has ended; rejects with a TimeoutError (a DOMException) after `timeoutMs`. */
  waitForEnd(id: string, options?: RequestOptions & { timeoutMs?: number }): Promise<Run>;
}

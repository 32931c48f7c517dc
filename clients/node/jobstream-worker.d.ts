// Types of @jobstream/client/worker (jobstream-worker.mjs).

export class JobFailedError extends Error {
  constructor(message: string, options?: { code?: string; retryable?: boolean });
  code: string;
  retryable: boolean;
}

export class SnoozeError extends Error {
  constructor(delayMs: number);
  delayMs: number;
}

/** Thrown by checkpoint() when the run must stop. */
export class RunStoppedError extends Error {
  constructor(reason: 'cancelled' | 'timeout' | 'lease_lost', message: string);
  reason: 'cancelled' | 'timeout' | 'lease_lost';
}

/** A claimed run, as its handler sees it. */
export interface WorkerRun {
  readonly runId: string;
  readonly job: string;
  readonly workspaceId: string;
  readonly params: Record<string, any>;
  readonly dryRun: boolean;
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly timeoutMs: number | null;
  /**
   * The W3C trace context of the run's trigger (`00-<trace id>-<span id>-<flags>`), or null if it had none. With an
   * OpenTelemetry SDK of its own, a worker continues the trigger's trace from it:
   * `propagation.extract(context.active(), { traceparent: run.traceparent })`, then starts its spans in that context.
   */
  readonly traceparent: string | null;
  readonly stopRequested: boolean;
  log(level: 'info' | 'warn' | 'error' | string, message: unknown): void;
  info(message: unknown): void;
  warn(message: unknown): void;
  progress(processed: number, total?: number | null): void;
  error(item: unknown, message: unknown): void;
  /** A pause waits here; a cancel, a timeout or a lost lease throws a RunStoppedError. */
  checkpoint(): Promise<void>;
}

export interface WorkerOptions {
  token: string;
  /** A handler per job: it returns the run's metrics, or throws. */
  jobs: Record<string, (run: WorkerRun) => Promise<Record<string, unknown> | void> | Record<string, unknown> | void>;
  workerId?: string;
  concurrency?: number;
  pollWaitSeconds?: number;
  reportEveryMs?: number;
  patienceMs?: number;
}

export interface WorkerEnd {
  runId: string;
  job: string;
  outcome: 'complete' | 'fail' | 'snooze' | 'cancelled' | 'lease_lost' | 'unknown';
}

/** Claims and executes runs; reports through 'claim', 'end' and 'error' events. */
export class JobstreamWorker extends EventTarget {
  constructor(url: string, options: WorkerOptions);
  onerror: ((event: CustomEvent<unknown>) => void) | null;
  /** Stops claiming and waits for the runs in hand. */
  close(): Promise<void>;
}

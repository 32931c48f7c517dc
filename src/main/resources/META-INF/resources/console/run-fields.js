// What a run is, as the details panel lists it: its fields (a <dl>), its timeline, and its attempt history
// (`attempts`: one row per attempt, the ones that ended before and the current one).
import { badge, duration, el, shortId, time } from './ui.js';

/** A queued run that is not due yet: asked for later, snoozed, or waiting for its next attempt. */
export const waiting = (run) => ['scheduled', 'retrying'].includes(run.display_status);

function field(label, ...value) {
  return [el('dt', {}, label), el('dd', {}, ...value)];
}

function json(value) {
  if (value === null || value === undefined) return '—';
  return el('pre', { className: 'json' }, JSON.stringify(value, null, 2));
}

function errorLog(run) {
  if (!run.error_log || !run.error_log.length) return '—';
  return el('ol', { className: 'error-log' }, run.error_log.map((entry) => el('li', {},
    typeof entry === 'object' ? `${entry.item ?? ''} ${entry.message ?? JSON.stringify(entry)}`.trim() : entry)));
}

function schedule(run, onOpenSchedule) {
  return field('Schedule', 'from schedule ', el('button', {
    type: 'button', className: 'link', 'aria-label': `Open schedule ${run.schedule_id}`,
    on: { click: () => onOpenSchedule(run.schedule_id) },
  }, shortId(run.schedule_id)));
}

/** The runs of a run's flow it links to: its parent, the runs it waits or waited for, its children. */
export function flowIds(run) {
  return [run.parent_id, ...(run.depends_on || []), ...(run.children || [])].filter(Boolean);
}

/** A link to another run of the flow, with its status when known. */
function runLink(id, statuses, onOpenRun) {
  const status = statuses.get(id);
  return el('span', { className: 'flow-run' }, el('button', {
    type: 'button', className: 'link', dataset: { run: id }, 'aria-label': `Open run ${id}`,
    on: { click: () => onOpenRun(id) },
  }, shortId(id)), status ? [' ', badge(status)] : null);
}

function runList(ids, statuses, onOpenRun, label) {
  return el('ul', { className: 'flow-runs', 'aria-label': label },
    ids.map((id) => el('li', {}, runLink(id, statuses, onOpenRun))));
}

/**
 * The flow of a run, as an indented list: its parent, the runs it waits (or waited) for, and its children, each a
 * link to that run with its status.
 */
function flow(run, statuses, onOpenRun) {
  const pairs = [];
  if (run.parent_id) pairs.push(field('Parent', runLink(run.parent_id, statuses, onOpenRun)));
  if (run.depends_on && run.depends_on.length) {
    pairs.push(field('Waits for', runList(run.depends_on, statuses, onOpenRun, 'Waits for'),
      run.on_dependency_failure ? el('span', { className: 'tag' }, `on failure: ${run.on_dependency_failure}`) : null));
  }
  if (run.children && run.children.length) {
    pairs.push(field('Children', runList(run.children, statuses, onOpenRun, 'Children')));
  }
  return pairs;
}

/** The <dt>/<dd> pairs of a run; its schedule (when a tick made it) links to the Schedules tab. */
export function runFields(run, { onOpenSchedule, onOpenRun = () => {}, statuses = new Map() }) {
  const due = run.display_status === 'retrying' ? 'Next attempt' : 'Runs after';
  return [
    field('Run', el('code', {}, run.id)),
    field('Job', run.job),
    field('Workspace', el('code', {}, run.workspace_id)),
    field('Attempt', `${run.attempt} of ${run.max_attempts}`),
    waiting(run) ? field(due, time(run.run_after)) : [],
    run.display_status === 'throttled' ? field('Throttled until', time(run.throttled_until)) : [],
    run.limit_key !== null && run.limit_key !== undefined ? field('Limit key', el('code', {}, run.limit_key)) : [],
    run.webhook ? field('Webhook', run.webhook) : [],
    field('Priority', String(run.priority)),
    field('Timeout', run.timeout_ms === null || run.timeout_ms === undefined ? 'none' : duration(run.timeout_ms)),
    run.schedule_id ? schedule(run, onOpenSchedule) : [],
    ...flow(run, statuses, onOpenRun),
    field('Triggered by', run.triggered_by || '—'),
    field('Controlled by', run.controlled_by || '—'),
    field('Correlation id', run.correlation_id ? el('code', {}, run.correlation_id) : '—'),
    field('Owner', run.owner || '—'),
    field('Created', time(run.created_at)),
    field('Started', time(run.started_at)),
    field('Finished', time(run.finished_at)),
    field('Duration', duration(run.duration_ms)),
    field('Heartbeat', time(run.heartbeat_at)),
    field('Params', json(run.params)),
    field('Metrics', json(run.metrics)),
    field('Error', run.error || run.error_code ? el('span', { className: 'error-text' }, run.error || '',
      run.error_code ? ` (${run.error_code})` : '') : '—'),
    field('Error log', errorLog(run)),
  ];
}

/** The rows of a run's webhook deliveries (GET /v1/runs/{id}/deliveries): one per attempt of each delivery. */
export function deliveryRows(deliveries) {
  return deliveries.flatMap((delivery) => {
    const tried = delivery.attempts.length ? delivery.attempts : [{ attempt: 0 }];
    return tried.map((attempt) => el('tr', {},
      el('td', {}, `${delivery.run_attempt}`),
      el('td', {}, badge(delivery.status)),
      el('td', {}, attempt.attempt ? String(attempt.attempt) : '—'),
      el('td', {}, attempt.at ? time(attempt.at) : delivery.status === 'pending' ? `next ${time(delivery.next_attempt_at)}`
        : '—'),
      el('td', {}, attempt.http_status ? String(attempt.http_status) : '—'),
      el('td', {}, attempt.error || (attempt.attempt ? 'delivered' : '—')),
      el('td', {}, attempt.duration_ms !== undefined && attempt.duration_ms !== null ? duration(attempt.duration_ms)
        : '—')));
  });
}

function problem(attempt) {
  const text = [attempt.error, attempt.error_code ? `(${attempt.error_code})` : null].filter(Boolean).join(' ');
  const reason = attempt.reason ? el('span', { className: 'tag' }, attempt.reason) : null;
  if (!text && !reason) return '—';
  return [text ? el('span', { className: 'error-text' }, text) : null, reason];
}

/** The rows of the attempts table, first attempt first. */
export function attemptRows(attempts) {
  return attempts.map((attempt) => el('tr', { dataset: { attempt: attempt.attempt } },
    el('th', { scope: 'row' }, String(attempt.attempt)),
    el('td', {}, badge(attempt.outcome)),
    el('td', {}, time(attempt.started_at, 'short')),
    el('td', {}, time(attempt.finished_at, 'short')),
    el('td', { className: 'owner' }, attempt.owner || '—'),
    el('td', { className: 'message' }, problem(attempt))));
}

function step(label, at, since, kind) {
  const waited = since && at ? Date.parse(at) - Date.parse(since) : null;
  return el('li', { className: `step ${kind || ''}`.trim() },
    el('span', { className: 'step-label' }, label), ' ',
    at ? el('time', { dateTime: at }, time(at, 'short')) : '—',
    waited !== null && waited >= 0 ? el('span', { className: 'step-gap' }, ` +${duration(waited)}`) : null);
}

/**
 * The run's life, first to last: queued, each attempt's start and end (with the time since the step before), what
 * it waits for now (its next attempt, or the time it was asked for), its end.
 */
export function timeline(run) {
  const steps = [step('Queued', run.created_at, null, 'queued')];
  let last = run.created_at;
  for (const attempt of run.attempts || []) {
    if (attempt.started_at) {
      steps.push(step(`Attempt ${attempt.attempt} started`, attempt.started_at, last, 'started'));
      last = attempt.started_at;
    }
    if (attempt.finished_at) {
      steps.push(step(`Attempt ${attempt.attempt} ${attempt.outcome || 'ended'}`, attempt.finished_at, last,
        attempt.outcome));
      last = attempt.finished_at;
    } else if (attempt.started_at) {
      steps.push(step(`Attempt ${attempt.attempt} ${run.status}`, null, null, run.status));
    }
  }
  if (waiting(run)) {
    steps.push(step(run.display_status === 'retrying' ? 'Next attempt due' : 'Due', run.run_after, last, 'due'));
  }
  if (run.finished_at && !(run.attempts || []).some((attempt) => attempt.finished_at === run.finished_at)) {
    steps.push(step(`Ended: ${run.status}`, run.finished_at, last, run.status));
  }
  return steps;
}

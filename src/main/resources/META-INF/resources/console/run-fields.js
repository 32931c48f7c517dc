// What a run is, as the details panel lists it: its fields (a <dl>) and its attempt history (`attempts`: one row per
// attempt, the ones that ended before and the current one).
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

/** The <dt>/<dd> pairs of a run; its schedule (when a tick made it) links to the Schedules tab. */
export function runFields(run, { onOpenSchedule }) {
  const due = run.display_status === 'retrying' ? 'Next attempt' : 'Runs after';
  return [
    field('Run', el('code', {}, run.id)),
    field('Job', run.job),
    field('Workspace', el('code', {}, run.workspace_id)),
    field('Attempt', `${run.attempt} of ${run.max_attempts}`),
    waiting(run) ? field(due, time(run.run_after)) : [],
    field('Priority', String(run.priority)),
    field('Timeout', run.timeout_ms === null || run.timeout_ms === undefined ? 'none' : duration(run.timeout_ms)),
    run.schedule_id ? schedule(run, onOpenSchedule) : [],
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

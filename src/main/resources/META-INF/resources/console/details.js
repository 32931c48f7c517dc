// One run in detail: its fields, progress and actions, and its live log from GET /v1/runs/{id}/events (resumed
// with Last-Event-ID after a drop). The log follows new lines until the user scrolls up.
import { api, stream } from './api.js';
import {
  $, TERMINAL, badge, busy, confirmAction, duration, el, fill, percent, shortId, showConnection, time,
} from './ui.js';

const MAX_LOG_LINES = 5000;

const ACTIONS = [
  { name: 'pause', label: 'Pause', role: 'operator', when: (run) => run.status === 'running' },
  { name: 'resume', label: 'Resume', role: 'operator', when: (run) => run.status === 'paused' },
  {
    name: 'cancel', label: 'Cancel', role: 'operator', when: (run) => !TERMINAL.includes(run.status),
    confirm: 'Cancel this run? It stops at its next checkpoint.',
  },
  {
    name: 'force-cancel', label: 'Force cancel', role: 'operator', when: (run) => !TERMINAL.includes(run.status),
    confirm: 'Force-cancel this run? It ends at once, wherever it is, and its engine is interrupted.',
    danger: true,
  },
  {
    name: 'delete', label: 'Delete', role: 'admin', when: (run) => TERMINAL.includes(run.status),
    confirm: 'Delete this run and all of its events? This cannot be undone.', danger: true,
  },
];

function request(action, id) {
  switch (action) {
    case 'delete':
      return api('DELETE', `/v1/runs/${id}`);
    case 'force-cancel':
      return api('POST', `/v1/runs/${id}/cancel?force=true`);
    default:
      return api('POST', `/v1/runs/${id}/${action}`);
  }
}

function field(label, ...value) {
  return [el('dt', {}, label), el('dd', {}, ...value)];
}

function json(value) {
  if (value === null || value === undefined) return '—';
  return el('pre', { className: 'json' }, JSON.stringify(value, null, 2));
}

export function createDetailsView({ can, runs, announce }) {
  const panel = $('#details');
  const title = $('#details-title');
  const log = $('#log');
  const latest = $('#log-latest');
  const errorLine = $('#details-error');
  const indicator = $('#log-connection');
  let run = null;
  let events = null;
  let follow = true;
  let inFlight = false;
  let opened = 0;

  function renderStatus() {
    fill($('#details-status'), badge(run.display_status || run.status),
      run.dry_run ? el('span', { className: 'tag' }, 'dry run') : null,
      run.control_requested ? el('span', { className: 'tag' }, `${run.control_requested} requested`) : null);
    const progress = $('#details-progress');
    progress.value = percent(run);
    progress.textContent = `${progress.value}%`;
    progress.setAttribute('aria-valuetext', `${progress.value}% (${run.processed}${run.total ? ` of ${run.total}` : ''})`);
    renderActions();
  }

  function renderActions() {
    const box = $('#details-actions');
    const allowed = ACTIONS.filter((action) => can(action.role));
    fill(box, allowed.map((action) => el('button', {
      type: 'button',
      className: action.danger ? 'danger' : '',
      dataset: { action: action.name },
      disabled: inFlight || !action.when(run),
      on: { click: () => perform(action) },
    }, action.label)));
    box.hidden = allowed.length === 0;
  }

  function renderFields() {
    const errorLog = run.error_log && run.error_log.length
      ? el('ol', { className: 'error-log' }, run.error_log.map((entry) => el('li', {},
        typeof entry === 'object' ? `${entry.item ?? ''} ${entry.message ?? JSON.stringify(entry)}`.trim() : entry)))
      : '—';
    fill($('#details-fields'),
      field('Run', el('code', {}, run.id)),
      field('Job', run.job),
      field('Workspace', el('code', {}, run.workspace_id)),
      field('Attempt', `${run.attempt} of ${run.max_attempts}`),
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
      field('Error log', errorLog));
  }

  function show(next) {
    run = next;
    panel.dataset.runId = run.id;
    title.textContent = `${run.job} · ${shortId(run.id)}`;
    renderStatus();
    renderFields();
    runs.upsert(run);
  }

  async function reload() {
    const ticket = opened;
    const fresh = await api('GET', `/v1/runs/${run.id}`);
    if (ticket === opened) show(fresh);
  }

  async function perform(action) {
    errorLine.textContent = '';
    if (action.confirm && !(await confirmAction(action.confirm, action.label))) return;
    const id = run.id;
    inFlight = true;
    try {
      await busy([...$('#details-actions').querySelectorAll('button')], async () => {
        const answer = await request(action.name, id);
        if (action.name === 'delete') {
          runs.remove(id);
          close();
          announce(`Run ${shortId(id)} deleted`);
          return;
        }
        if (id === (run && run.id)) show(answer);
        announce(`${action.label}: run ${shortId(id)} is ${answer.status}${answer.control_requested
          ? ` (${answer.control_requested} requested)` : ''}`);
      });
    } catch (error) {
      errorLine.textContent = error.message;
    } finally {
      inFlight = false;
      if (run && run.id === id) renderActions();
    }
  }

  function line(kind, text, ts) {
    const atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 8;
    log.append(el('li', { className: `line line-${kind}` },
      ts ? el('time', { dateTime: ts }, ts.slice(11, 23)) : null, ' ', text));
    while (log.childElementCount > MAX_LOG_LINES) log.firstElementChild.remove();
    if (follow && atBottom) log.scrollTop = log.scrollHeight;
    else latest.hidden = false;
  }

  function onEvent(event) {
    const data = JSON.parse(event.data);
    switch (event.type) {
      case 'start_json':
        line('state', `started: attempt ${data.attempt ?? 1}${data.dry_run ? ' (dry run)' : ''}`, data.ts);
        reload().catch(() => {});
        break;
      case 'log':
        line(data.level === 'error' || data.level === 'warn' ? data.level : 'info', data.message, data.ts);
        break;
      case 'progress_json':
        Object.assign(run, { processed: data.processed, total: data.total });
        if (!TERMINAL.includes(run.status)) run.percent = Math.min(99, data.percent);
        renderStatus();
        break;
      case 'state_json':
        line('state', `state: ${data.state}${data.reason ? ` (${data.reason})` : ''}`, data.ts);
        reload().catch(() => {});
        break;
      case 'end_json':
        line(data.ok ? 'state' : 'error',
          `ended: ${data.state}${data.error ? ` — ${data.error}` : ''}`, data.ts);
        events.close();
        events = null;
        showConnection(indicator, 'closed', { text: 'Ended' });
        reload().catch(() => {});
        break;
      default:
        break;
    }
  }

  function close() {
    if (events) events.close();
    events = null;
    const id = run && run.id;
    run = null;
    opened++;
    panel.hidden = true;
    document.body.classList.remove('details-open');
    runs.select(null);
    if (id) runs.focusRow(id);
  }

  log.addEventListener('scroll', () => {
    const atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 8;
    follow = atBottom;
    if (atBottom) latest.hidden = true;
  });
  latest.addEventListener('click', () => {
    follow = true;
    log.scrollTop = log.scrollHeight;
    latest.hidden = true;
  });
  $('#details-close').addEventListener('click', close);
  panel.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !document.querySelector('dialog[open]')) close();
  });

  return {
    async open(id) {
      if (events) events.close();
      events = null;
      const ticket = ++opened;
      errorLine.textContent = '';
      log.replaceChildren();
      follow = true;
      latest.hidden = true;
      const fresh = await api('GET', `/v1/runs/${id}`);
      if (ticket !== opened) return;
      panel.hidden = false;
      document.body.classList.add('details-open');
      runs.select(id);
      show(fresh);
      title.focus();
      events = stream(`/v1/runs/${id}/events`, {
        onEvent: (event) => {
          if (ticket === opened) onEvent(event);
        },
        onStatus: (state, info) => {
          if (ticket === opened) showConnection(indicator, state, info);
        },
      });
    },
    /** A change from the live feed: keeps status and progress current between log events. */
    change(next) {
      if (!run || next.id !== run.id) return;
      const statusChanged = next.status !== run.status;
      Object.assign(run, next);
      renderStatus();
      if (statusChanged) reload().catch(() => {});
    },
    close,
    get current() {
      return run && run.id;
    },
  };
}

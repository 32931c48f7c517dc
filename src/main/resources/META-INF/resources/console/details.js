// One run in detail: its fields, attempts, progress and actions, and its live log from GET /v1/runs/{id}/events
// (resumed with Last-Event-ID after a drop, and after a retry of an ended run). The log follows new lines until the
// user scrolls up.
import { api, stream } from './api.js';
import { attemptRows, deliveryRows, flowIds, runFields, timeline, waiting } from './run-fields.js';
import { $, TERMINAL, badge, busy, confirmAction, el, fill, percent, shortId, showConnection, time } from './ui.js';

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
    name: 'retry', label: 'Retry', role: 'operator', when: (run) => ['failed', 'cancelled'].includes(run.status),
  },
  {
    name: 'delete', label: 'Delete', role: 'admin', when: (run) => TERMINAL.includes(run.status) || waiting(run),
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

/** What an action's answer adds to its announcement: the attempt a retry starts, the control a run was asked for. */
function outcome(action, answer) {
  if (action === 'retry') return ` as attempt ${answer.attempt}`;
  return answer.control_requested ? ` (${answer.control_requested} requested)` : '';
}

export function createDetailsView({ can, runs, announce, onOpenSchedule, onOpenRun = () => {}, onClose = () => {} }) {
  const panel = $('#details');
  const title = $('#details-title');
  const log = $('#log');
  const latest = $('#log-latest');
  const errorLine = $('#details-error');
  const indicator = $('#log-connection');
  let run = null;
  let events = null;
  let following = true;
  let inFlight = false;
  let opened = 0;
  let lastEventId = '';

  function renderStatus() {
    fill($('#details-status'), badge(run.display_status || run.status),
      run.dry_run ? el('span', { className: 'tag' }, 'dry run') : null,
      waiting(run) ? el('span', { className: 'tag' }, 'due ', time(run.run_after, 'short')) : null,
      run.control_requested ? el('span', { className: 'tag' }, `${run.control_requested} requested`) : null);
    const progress = $('#details-progress');
    progress.value = percent(run);
    progress.textContent = `${progress.value}%`;
    progress.setAttribute('aria-valuetext', `${progress.value}% (${run.processed}${run.total ? ` of ${run.total}` : ''})`);
    renderActions();
  }

  /**
   * The action buttons of the open run. Buttons already there are updated in place, not replaced: an update of the
   * run arriving between a press and a release of the mouse would otherwise swallow the click.
   */
  function renderActions() {
    const box = $('#details-actions');
    const allowed = ACTIONS.filter((action) => can(action.role));
    const present = [...box.querySelectorAll('button')];
    if (present.length === allowed.length && present.every((button, i) => button.dataset.action === allowed[i].name)) {
      present.forEach((button, i) => { button.disabled = inFlight || !allowed[i].when(run); });
      box.hidden = allowed.length === 0;
      return;
    }
    fill(box, allowed.map((action) => el('button', {
      type: 'button',
      className: action.danger ? 'danger' : '',
      dataset: { action: action.name },
      disabled: inFlight || !action.when(run),
      on: { click: () => perform(action) },
    }, action.label)));
    box.hidden = allowed.length === 0;
  }

  /** The statuses of the runs of the open run's flow, once read: id → display status. */
  let flowStatuses = new Map();

  function renderFields() {
    fill($('#details-fields'), ...runFields(run, { onOpenSchedule, onOpenRun, statuses: flowStatuses }));
    const attempts = run.attempts || [];
    $('#details-attempts').hidden = attempts.length === 0;
    fill($('#attempts tbody'), attemptRows(attempts));
    fill($('#timeline'), timeline(run));
    renderDeliveries();
  }

  /** A run that calls a webhook shows its deliveries once it ended (there are none before). */
  async function renderDeliveries() {
    const section = $('#details-deliveries');
    if (!run.webhook || !TERMINAL.includes(run.status)) {
      section.hidden = true;
      return;
    }
    const ticket = opened;
    const id = run.id;
    try {
      const answer = await api('GET', `/v1/runs/${id}/deliveries`);
      if (ticket !== opened || run.id !== id) return;
      fill($('#deliveries tbody'), deliveryRows(answer.deliveries || []));
      section.hidden = (answer.deliveries || []).length === 0;
    } catch (e) {
      if (ticket === opened) section.hidden = true;
    }
  }

  function show(next) {
    run = next;
    panel.dataset.runId = run.id;
    title.textContent = `${run.job} · ${shortId(run.id)}`;
    renderStatus();
    renderFields();
    runs.upsert(run);
    loadFlow();
  }

  /** Reads the status of each run of the open run's flow (the first 50), then shows them beside their links. */
  async function loadFlow() {
    const ticket = opened;
    const ids = flowIds(run).slice(0, 50);
    if (!ids.length) return;
    const read = await Promise.all(ids.map((id) => api('GET', `/v1/runs/${id}`).catch(() => null)));
    if (ticket !== opened) return;
    flowStatuses = new Map(read.filter(Boolean).map((linked) => [linked.id, linked.display_status || linked.status]));
    fill($('#details-fields'), ...runFields(run, { onOpenSchedule, onOpenRun, statuses: flowStatuses }));
  }

  async function reload() {
    const ticket = opened;
    const fresh = await api('GET', `/v1/runs/${run.id}`);
    if (ticket === opened) {
      show(fresh);
      keepFollowing();
    }
  }

  /** Follows the log of the open run from the last event shown. */
  function follow() {
    const ticket = opened;
    events = stream(`/v1/runs/${run.id}/events`, {
      lastEventId,
      onEvent: (event) => {
        if (ticket !== opened) return;
        lastEventId = event.id;
        onEvent(event);
      },
      onStatus: (state, info) => {
        if (ticket === opened) showConnection(indicator, state, info);
      },
    });
  }

  /** Follows the log again once a run whose log ended goes on (retried). */
  function keepFollowing() {
    if (run && !events && !TERMINAL.includes(run.status)) follow();
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
        if (id === (run && run.id)) {
          show(answer);
          keepFollowing();
        }
        announce(`${action.label}: run ${shortId(id)} is ${answer.status}${outcome(action.name, answer)}`);
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
    if (following && atBottom) log.scrollTop = log.scrollHeight;
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
    onClose();
  }

  log.addEventListener('scroll', () => {
    const atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 8;
    following = atBottom;
    if (atBottom) latest.hidden = true;
  });
  latest.addEventListener('click', () => {
    following = true;
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
      following = true;
      latest.hidden = true;
      lastEventId = '';
      const fresh = await api('GET', `/v1/runs/${id}`);
      if (ticket !== opened) return;
      panel.hidden = false;
      document.body.classList.add('details-open');
      runs.select(id);
      show(fresh);
      title.focus();
      follow();
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

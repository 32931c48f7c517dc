// The operator console: sign in with a bearer token, then the overview, runs (live), run details, errors,
// schedules and replicas, with the actions the token's roles allow (GET /v1/me): operator triggers, controls,
// retries (one run or in bulk), resolves and manages schedules; admin also deletes runs and self-tests. What a view
// shows is in the URL's fragment (tab, the runs' filters, the open run, the overview's window:
// #tab=runs&job=…&status=failed&run=…), so a link to it can be shared and survives a reload; the token never is.
import { ApiError, api, session } from './api.js';
import { createBulkActions } from './bulk.js';
import { createDetailsView } from './details.js';
import { createErrorsView } from './errors.js';
import { createOverviewView } from './overview.js';
import { createReplicasView } from './replicas.js';
import { createRunsView } from './runs.js';
import { createScheduleForm } from './schedule-form.js';
import { createSchedulesView } from './schedules.js';
import { createSelfTest } from './selftest.js';
import { createTriggerForm } from './trigger.js';
import { $, announce, el, fill } from './ui.js';

const NOTICE_KEY = 'jobstream.notice';

function showLogin(message) {
  $('#login').hidden = false;
  $('#console').hidden = true;
  $('#session').hidden = true;
  $('#login-error').textContent = message || '';
  $('#token').focus();
}

function signOut(message) {
  session.signOut();
  if (message) sessionStorage.setItem(NOTICE_KEY, message);
  location.reload();
}

/** The view's state in the URL's fragment: tab, job, workspace_id, status, run, window. */
const place = {
  read() {
    return Object.fromEntries(new URLSearchParams(location.hash.replace(/^#/, '')));
  },
  write(changes) {
    const state = { ...place.read(), ...changes };
    const kept = Object.entries(state).filter(([, value]) => value !== undefined && value !== null && value !== '');
    const hash = new URLSearchParams(kept).toString();
    history.replaceState(null, '', hash ? `#${hash}` : location.pathname + location.search);
  },
};

function setUpTabs(onShow) {
  const tabs = [$('#tab-overview'), $('#tab-runs'), $('#tab-errors'), $('#tab-schedules'), $('#tab-replicas')];
  function select(tab) {
    tabs.forEach((other) => {
      const chosen = other === tab;
      other.setAttribute('aria-selected', String(chosen));
      other.tabIndex = chosen ? 0 : -1;
      $(`#${other.getAttribute('aria-controls')}`).hidden = !chosen;
    });
    onShow(tab.id);
  }
  tabs.forEach((tab, index) => {
    tab.addEventListener('click', () => select(tab));
    tab.addEventListener('keydown', (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (!step) return;
      const next = tabs[(index + step + tabs.length) % tabs.length];
      next.focus();
      select(next);
    });
  });
  return select;
}

async function start() {
  const me = await api('GET', '/v1/me');
  const roles = new Set(me.roles);
  const can = (role) => roles.has('admin') || roles.has(role);

  $('#login').hidden = true;
  $('#console').hidden = false;
  $('#session').hidden = false;
  const scope = me.workspaces ? `; workspaces ${me.workspaces.join(', ')}` : '';
  fill($('#whoami'), el('span', { className: 'who' }, me.name), ` (${me.roles.join(', ') || 'no roles'}${scope})`);
  document.querySelectorAll('.operator-only').forEach((node) => {
    node.hidden = !can('operator');
  });
  document.querySelectorAll('.admin-only').forEach((node) => {
    node.hidden = !can('admin');
  });

  const jobs = await api('GET', '/v1/jobs');
  for (const select of [$('#filter-job'), $('#error-job')]) {
    select.append(...jobs.map((job) => el('option', { value: job.name }, job.name)));
  }

  const initial = place.read();
  let details = null;
  const runs = createRunsView({
    onOpen: (id) => openRun(id),
    onChange: (change) => details && details.change(change),
    onFilter: (filters) => place.write({ job: filters.job, workspace_id: filters.workspace_id, status: filters.status }),
  });
  details = createDetailsView({
    can, runs, announce, onOpenSchedule: (id) => openSchedule(id), onOpenRun: (id) => openRun(id),
    onClose: () => place.write({ run: '' }),
  });
  const errors = createErrorsView({ can, onOpenRun: (id) => openRun(id), announce });
  const schedules = createSchedulesView({ can, onOpenRun: (id) => openRun(id), announce });
  const overview = createOverviewView({
    initialWindow: initial.window,
    onError: (error) => announce(error.message, 'error'),
    onOpenRuns: (filters) => {
      selectTab($('#tab-runs'));
      runs.applyFilters(filters);
    },
  });
  const replicas = createReplicasView({ onError: (error) => announce(error.message, 'error') });
  const selectTab = setUpTabs((id) => {
    place.write({ tab: id.replace(/^tab-/, '') });
    if (id === 'tab-overview') overview.show((chosen) => place.write({ window: chosen }));
    else overview.hide();
    if (id === 'tab-errors') errors.load();
    if (id === 'tab-schedules') schedules.load();
    if (id === 'tab-replicas') replicas.show();
    else replicas.hide();
  });

  function openSchedule(id) {
    schedules.reveal(id);
    selectTab($('#tab-schedules'));
  }

  async function openRun(id) {
    selectTab($('#tab-runs'));
    try {
      await details.open(id);
      place.write({ run: id });
    } catch (error) {
      announce(error instanceof ApiError ? error.message : String(error), 'error');
    }
  }

  if (can('operator')) {
    createTriggerForm({
      jobs,
      workspaces: me.workspaces,
      announce,
      onOpen: (id) => openRun(id),
      onTriggered: (run) => {
        runs.upsert(run);
        openRun(run.id);
      },
    });
    createScheduleForm({ jobs, workspaces: me.workspaces, announce, onAdded: (schedule) => openSchedule(schedule.id) });
    createBulkActions({ runs, announce, onOpenRun: (id) => openRun(id) });
  }
  if (can('admin')) createSelfTest({ onClose: () => runs.refresh() });
  await runs.start((error) => announce(error.message, 'error'), initial);
  /** Shows what the fragment names: a run, or a tab. */
  async function show(wanted) {
    const tab = ['overview', 'runs', 'errors', 'schedules', 'replicas'].includes(wanted.tab) ? wanted.tab : 'overview';
    if (/^[0-9a-f-]{36}$/i.test(wanted.run || '')) await openRun(wanted.run);
    else selectTab($(`#tab-${tab}`));
  }
  await show(initial);
  // a fragment changed in the open tab (typed, pasted, a link followed, back and forward) is shown at once; the
  // console's own changes replace the fragment without this event
  window.addEventListener('hashchange', () => {
    const wanted = place.read();
    const filters = runs.filters();
    if (['job', 'workspace_id', 'status'].some((key) => (wanted[key] || '') !== (filters[key] || ''))) {
      runs.applyFilters(wanted);
    }
    if (!wanted.run && details.current) details.close();
    show(wanted).catch((error) => announce(error.message, 'error'));
  });
  document.body.dataset.ready = 'true';
}

session.whenUnauthorized(() => signOut('The token was rejected (401); sign in again.'));
$('#sign-out').addEventListener('click', () => signOut());
$('#login-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const token = $('#token').value.trim();
  if (!token) {
    showLogin('Enter a token.');
    return;
  }
  session.signIn(token);
  $('#token').value = '';
  start().catch((error) => signOut(error.message));
});

const notice = sessionStorage.getItem(NOTICE_KEY);
sessionStorage.removeItem(NOTICE_KEY);
if (session.token()) {
  start().catch((error) => signOut(error.message));
} else {
  showLogin(notice);
}

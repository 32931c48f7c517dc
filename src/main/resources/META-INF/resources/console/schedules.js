// The schedules tab: GET /v1/schedules, each with its cron and zone, state, next fire times and last run. Operators
// enable, disable and delete schedules (one a job declares in code can be disabled, not deleted) and add them with
// schedule-form.js.
import { api } from './api.js';
import { $, badge, confirmAction, el, fill, shortId, time, workspaceLabel, zonedTime } from './ui.js';

/** How many of a schedule's next fire times the table shows. */
const SHOWN_FIRE_TIMES = 3;

export function createSchedulesView({ can, onOpenRun, announce }) {
  const table = $('#schedules');
  const body = $('#schedules tbody');
  const empty = $('#schedules-empty');
  const errorLine = $('#schedules-error');
  const writable = can('operator');
  let current = null;
  let reveal = false;
  let loading = 0;

  table.classList.toggle('read-only', !writable);

  function job(schedule) {
    const params = Object.keys(schedule.params || {}).length ? JSON.stringify(schedule.params) : null;
    const priority = schedule.priority
      ? el('span', { className: 'tag', title: 'Priority of its runs' }, `priority ${schedule.priority}`)
      : null;
    return [schedule.job, priority, params ? el('code', { className: 'params' }, params) : null];
  }

  function state(schedule) {
    return [el('span', { className: `state state-${schedule.enabled ? 'on' : 'off'}` },
      schedule.enabled ? 'enabled' : 'disabled'),
    schedule.source === 'code'
      ? el('span', { className: 'tag', title: 'Declared by its job in code: it can be disabled, not deleted' }, 'code')
      : null];
  }

  function nextFires(schedule) {
    const times = (schedule.next_fire_times || []).slice(0, SHOWN_FIRE_TIMES);
    if (!times.length) return '—';
    return el('ol', { className: 'fire-times' }, times.map((iso) => el('li', {}, zonedTime(iso, schedule.time_zone))));
  }

  function lastRun(schedule) {
    if (!schedule.last_run_id) return 'none yet';
    return [el('button', {
      type: 'button', className: 'link', 'aria-label': `Open last run ${schedule.last_run_id}`,
      on: { click: () => onOpenRun(schedule.last_run_id) },
    }, shortId(schedule.last_run_id)), ' ', schedule.last_run_status ? badge(schedule.last_run_status) : '', ' ',
    time(schedule.last_fired_at, 'short')];
  }

  function actions(schedule) {
    if (!writable) return null;
    const verb = schedule.enabled ? 'Disable' : 'Enable';
    return [
      el('button', {
        type: 'button', dataset: { action: 'toggle' }, 'aria-label': `${verb} schedule ${schedule.id}`,
        on: { click: () => toggle(schedule) },
      }, verb),
      schedule.source === 'code' ? null : el('button', {
        type: 'button', className: 'danger', dataset: { action: 'delete' },
        'aria-label': `Delete schedule ${schedule.id}`, on: { click: () => remove(schedule) },
      }, 'Delete'),
    ];
  }

  function row(schedule) {
    const workspace = el('span', { title: schedule.workspace_id }, workspaceLabel(schedule.workspace_id));
    const selected = schedule.id === current ? 'true' : null;
    return el('tr', { dataset: { id: schedule.id, source: schedule.source }, 'aria-current': selected },
      el('th', { scope: 'row', tabIndex: -1 }, job(schedule)),
      el('td', { className: 'wide' }, workspace),
      el('td', {}, el('code', {}, schedule.cron), el('span', { className: 'zone' }, schedule.time_zone)),
      el('td', {}, state(schedule)),
      el('td', {}, nextFires(schedule)),
      el('td', { className: 'wide' }, lastRun(schedule)),
      el('td', { className: 'actions-col' }, actions(schedule)));
  }

  const rowOf = (id) => body.querySelector(`tr[data-id="${CSS.escape(id)}"]`);

  /** Runs `change` with the row's buttons disabled; shows its error, or puts back the buttons. */
  async function changing(schedule, change) {
    errorLine.textContent = '';
    const tr = rowOf(schedule.id);
    const buttons = tr ? [...tr.querySelectorAll('button[data-action]')] : [];
    buttons.forEach((button) => {
      button.disabled = true;
    });
    try {
      await change(tr);
    } catch (error) {
      errorLine.textContent = error.message;
      buttons.forEach((button) => {
        button.disabled = false;
      });
    }
  }

  function toggle(schedule) {
    return changing(schedule, async (tr) => {
      const updated = await api('PATCH', `/v1/schedules/${schedule.id}`, { enabled: !schedule.enabled });
      const fresh = row(updated);
      if (tr && tr.isConnected) tr.replaceWith(fresh);
      fresh.querySelector('button[data-action="toggle"]').focus();
      announce(`Schedule of ${updated.job} (${updated.cron}) ${updated.enabled ? 'enabled' : 'disabled'}`);
    });
  }

  async function remove(schedule) {
    const question = `Delete the schedule of ${schedule.job} (${schedule.cron}, ${schedule.time_zone})? The runs it `
      + 'made stay.';
    if (!(await confirmAction(question, 'Delete'))) return;
    await changing(schedule, async (tr) => {
      await api('DELETE', `/v1/schedules/${schedule.id}`);
      if (tr) tr.remove();
      empty.hidden = body.childElementCount > 0;
      announce(`Schedule of ${schedule.job} (${schedule.cron}) deleted`);
    });
  }

  function showCurrent() {
    reveal = false;
    const tr = current && rowOf(current);
    if (!tr) {
      if (current) errorLine.textContent = `Schedule ${current} is not listed: it was deleted, or is not yours to see.`;
      return;
    }
    tr.scrollIntoView({ block: 'nearest' });
    tr.querySelector('th').focus();
  }

  async function load() {
    const ticket = ++loading;
    errorLine.textContent = '';
    try {
      const page = await api('GET', '/v1/schedules?limit=500');
      if (ticket !== loading) return;
      fill(body, page.schedules.map(row));
      empty.hidden = page.schedules.length > 0;
      if (reveal) showCurrent();
    } catch (error) {
      if (ticket === loading) errorLine.textContent = error.message;
    }
  }

  return {
    load,
    /** Marks schedule `id` as the one to show: the next load scrolls to its row and focuses it. */
    reveal(id) {
      current = id;
      reveal = true;
    },
  };
}

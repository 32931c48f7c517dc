// The errors tab: error events (GET /v1/errors) with filters and cursor paging; operators resolve them.
import { api, query } from './api.js';
import { $, badge, el, fill, shortId, time } from './ui.js';

const PAGE = 50;

export function createErrorsView({ can, onOpenRun, announce }) {
  const form = $('#error-filters');
  const table = $('#errors tbody');
  const empty = $('#errors-empty');
  const more = $('#errors-more');
  const errorLine = $('#errors-error');
  let filters = { unresolved: true };
  let nextCursor = null;
  let loading = 0;

  function resolvedCell(event) {
    if (event.resolved_at) return [`by ${event.resolved_by} `, time(event.resolved_at)];
    if (!can('operator')) return 'open';
    const button = el('button', { type: 'button', on: { click: () => resolve(event, button) } }, 'Resolve');
    button.setAttribute('aria-label', `Resolve error event ${event.id}`);
    return button;
  }

  function row(event) {
    return el('tr', { dataset: { id: event.id } },
      el('td', {}, time(event.occurred_at)),
      el('td', {}, badge(event.severity)),
      el('td', {}, el('code', {}, event.kind)),
      el('td', { className: 'wide' }, event.job || '—'),
      el('td', { className: 'wide' }, event.run_id
        ? el('button', {
          type: 'button', className: 'link', 'aria-label': `Open run ${event.run_id}`,
          on: { click: () => onOpenRun(event.run_id) },
        }, shortId(event.run_id))
        : '—'),
      el('td', { className: 'message' }, event.message),
      el('td', { className: 'resolved' }, resolvedCell(event)));
  }

  async function resolve(event, button) {
    errorLine.textContent = '';
    button.disabled = true;
    try {
      const resolved = await api('POST', `/v1/errors/${event.id}/resolve`);
      const tr = table.querySelector(`tr[data-id="${event.id}"]`);
      if (tr) fill(tr.querySelector('.resolved'), resolvedCell(resolved));
      announce(`Error event ${event.id} resolved`);
    } catch (error) {
      errorLine.textContent = error.message;
      button.disabled = false;
    }
  }

  async function load(append) {
    const ticket = ++loading;
    errorLine.textContent = '';
    more.disabled = true;
    try {
      const page = await api('GET', `/v1/errors${query({ ...filters, limit: PAGE, cursor: append ? nextCursor : '' })}`);
      if (ticket !== loading) return;
      if (!append) table.replaceChildren();
      page.errors.forEach((event) => table.append(row(event)));
      nextCursor = page.next_cursor;
    } catch (error) {
      errorLine.textContent = error.message;
    } finally {
      more.disabled = false;
      empty.hidden = table.childElementCount > 0;
      more.hidden = !nextCursor;
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    filters = {
      severity: data.get('severity'),
      kind: data.get('kind').trim().toUpperCase(),
      job: data.get('job'),
      workspace_id: data.get('workspace_id').trim(),
      unresolved: data.get('unresolved') === 'on',
    };
    load(false);
  });
  more.addEventListener('click', () => load(true));

  return { load: () => load(false) };
}

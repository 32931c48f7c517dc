// The runs table: filters, cursor paging, and live updates from GET /v1/stream applied row by row in place, so
// that scrolling, the open run, focus and form input are untouched by updates.
import { api, query, stream } from './api.js';
import { $, badge, duration, el, fill, percent, shortId, showConnection, time, workspaceLabel } from './ui.js';

const PAGE = 50;
const REFRESH_MS = 15000;

export function createRunsView({ onOpen, onChange, onFilter = () => {} }) {
  const table = $('#runs tbody');
  const empty = $('#runs-empty');
  const more = $('#runs-more');
  const form = $('#run-filters');
  const rows = new Map();
  let filters = {};
  let nextCursor = null;
  let selected = null;
  let loading = 0;

  function matches(run) {
    if (filters.job && run.job !== filters.job) return false;
    if (filters.workspace_id && run.workspace_id !== filters.workspace_id) return false;
    if (filters.status === 'stale') return run.display_status === 'stale';
    if (filters.status && run.status !== filters.status) return false;
    return true;
  }

  /** Fills a cell anew only when what it shows changed: updates leave untouched what did not change. */
  function show(cell, key, content) {
    const text = String(key);
    if (cell.dataset.shown === text) return;
    cell.dataset.shown = text;
    fill(cell, content());
  }

  function render(tr, run) {
    const cells = tr.children;
    const status = run.display_status || run.status;
    const value = percent(run);
    show(cells[1], `${run.job} ${run.dry_run}`, () => [run.job,
      run.dry_run ? el('span', { className: 'tag' }, 'dry run') : null]);
    show(cells[2], run.workspace_id, () => el('span', { title: run.workspace_id }, workspaceLabel(run.workspace_id)));
    show(cells[3], status, () => badge(status));
    show(cells[4], value, () => [el('progress', { max: 100, value, 'aria-label': `Progress of run ${shortId(run.id)}` }),
      el('span', { className: 'percent' }, ` ${value}%`)]);
    show(cells[5], run.created_at, () => time(run.created_at, 'short'));
    show(cells[6], run.duration_ms ?? '', () => duration(run.duration_ms ?? null));
    tr.dataset.status = status;
  }

  function row(run) {
    const open = el(
      'button',
      { type: 'button', className: 'link', 'aria-label': `Open run ${run.id}`, title: run.id,
        on: { click: () => onOpen(run.id) } },
      shortId(run.id),
    );
    const tr = el(
      'tr',
      { dataset: { id: run.id } },
      el('th', { scope: 'row' }, open),
      el('td'),
      el('td', { className: 'wide' }),
      el('td'),
      el('td', { className: 'progress' }),
      el('td', { className: 'wide' }),
      el('td', { className: 'wide' }),
    );
    if (run.id === selected) tr.setAttribute('aria-current', 'true');
    render(tr, run);
    return tr;
  }

  function showEmpty() {
    empty.hidden = rows.size > 0;
    more.hidden = !nextCursor;
  }

  /** Updates a run shown in the table, or inserts it in created_at order when it matches and is within range. */
  function upsert(run, { insert = true } = {}) {
    const known = rows.get(run.id);
    if (known) {
      Object.assign(known.run, run);
      render(known.tr, known.run);
      return;
    }
    if (!insert || !matches(run)) return;
    const entry = { run: { ...run }, tr: row(run) };
    const created = Date.parse(run.created_at);
    const after = [...rows.values()].find((other) => Date.parse(other.run.created_at) < created);
    if (!after && nextCursor) return; // older than the loaded pages: it will come with "Load more"
    table.insertBefore(entry.tr, after ? after.tr : null);
    rows.set(run.id, entry);
    showEmpty();
  }

  function remove(id) {
    const known = rows.get(id);
    if (known) {
      known.tr.remove();
      rows.delete(id);
      showEmpty();
    }
  }

  async function load(append) {
    const ticket = ++loading;
    more.disabled = true;
    try {
      const page = await api('GET', `/v1/runs${query({ ...filters, limit: PAGE, cursor: append ? nextCursor : '' })}`);
      if (ticket !== loading) return;
      if (!append) {
        rows.clear();
        table.replaceChildren();
      }
      for (const run of page.runs) {
        if (!rows.has(run.id)) {
          const entry = { run, tr: row(run) };
          table.append(entry.tr);
          rows.set(run.id, entry);
        }
      }
      nextCursor = page.next_cursor;
    } finally {
      more.disabled = false;
      showEmpty();
    }
  }

  /**
   * Brings the first page up to date without rebuilding the table (after a reconnect, and now and then): updates
   * and adds its runs, and drops the rows in its range that it no longer lists (deleted, or out of the filter).
   */
  async function refresh() {
    const page = await api('GET', `/v1/runs${query({ ...filters, limit: PAGE })}`);
    const listed = new Set(page.runs.map((run) => run.id));
    const oldest = page.next_cursor && page.runs.length
      ? Date.parse(page.runs[page.runs.length - 1].created_at)
      : -Infinity;
    [...rows.values()]
      .filter((entry) => !listed.has(entry.run.id) && Date.parse(entry.run.created_at) >= oldest)
      .forEach((entry) => remove(entry.run.id));
    page.runs.forEach((run) => upsert(run));
  }

  /**
   * The display status a change from the feed implies. The feed does not say when a queued run is due: one the table
   * read as not due yet (scheduled, retrying) keeps that until its time; any other queued run shows as queued.
   */
  function displayStatus(run, known) {
    const before = known && known.run;
    if (run.status === 'queued' && before && before.status === 'queued'
      && ['scheduled', 'retrying'].includes(before.display_status) && Date.parse(before.run_after) > Date.now()) {
      return before.display_status;
    }
    return run.status;
  }

  const rereading = new Set();

  /** Reads a run anew (a run back in the queue after an attempt: retrying, or due now), unless a newer one came. */
  function reread(id) {
    if (rereading.has(id)) return;
    rereading.add(id);
    api('GET', `/v1/runs/${id}`)
      .then((run) => {
        const known = rows.get(id);
        if (known && Date.parse(known.run.updated_at) <= Date.parse(run.updated_at)) upsert(run, { insert: false });
      })
      .catch(() => {})
      .finally(() => rereading.delete(id));
  }

  function change(type, data) {
    const { type: ignored, ...run } = data;
    const known = rows.get(run.id);
    const requeued = type === 'state' && run.status === 'queued' && known && known.run.status !== 'queued';
    if (type === 'state' || type === 'created') run.display_status = displayStatus(run, known);
    upsert(run, { insert: type === 'created' });
    onChange(run);
    if (requeued) reread(run.id);
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    filters = { job: data.get('job'), workspace_id: data.get('workspace_id').trim(), status: data.get('status') };
    onFilter(filters);
    load(false).catch((error) => onError(error));
  });

  /** Shows the runs of these filters (job, workspace_id, status; absent: any), as if chosen in the form. */
  function applyFilters(wanted) {
    form.elements.job.value = wanted.job || '';
    form.elements.workspace_id.value = wanted.workspace_id || '';
    form.elements.status.value = wanted.status || '';
    filters = { job: form.elements.job.value, workspace_id: form.elements.workspace_id.value.trim(),
      status: form.elements.status.value };
    onFilter(filters);
    return load(false);
  }
  more.addEventListener('click', () => load(true).catch((error) => onError(error)));

  let onError = () => {};
  let feed = null;
  let timer = null;

  return {
    start(errorHandler, initialFilters = {}) {
      onError = errorHandler;
      form.elements.job.value = initialFilters.job || '';
      form.elements.workspace_id.value = initialFilters.workspace_id || '';
      form.elements.status.value = initialFilters.status || '';
      filters = { job: form.elements.job.value, workspace_id: form.elements.workspace_id.value.trim(),
        status: form.elements.status.value };
      let dropped = false;
      feed = stream('/v1/stream', {
        onEvent: (event) => change(event.type, JSON.parse(event.data)),
        onStatus: (state, info) => {
          showConnection($('#feed-connection'), state, info);
          if (state === 'reconnecting') dropped = true;
          if (state === 'open' && dropped) {
            dropped = false;
            refresh().catch(() => {});
          }
        },
      });
      timer = setInterval(() => {
        if (!document.hidden) refresh().catch(() => {});
      }, REFRESH_MS);
      return load(false);
    },
    refresh: () => refresh().catch((error) => onError(error)),
    applyFilters: (wanted) => applyFilters(wanted).catch((error) => onError(error)),
    /** The filters the table shows: job, workspace_id, status ('' for any). */
    filters: () => ({ ...filters }),
    stop() {
      if (feed) feed.close();
      clearInterval(timer);
    },
    select(id) {
      selected = id;
      rows.forEach((entry, key) => {
        if (key === id) entry.tr.setAttribute('aria-current', 'true');
        else entry.tr.removeAttribute('aria-current');
      });
    },
    focusRow(id) {
      const known = rows.get(id);
      if (known) known.tr.querySelector('button').focus();
    },
    upsert,
    remove,
  };
}

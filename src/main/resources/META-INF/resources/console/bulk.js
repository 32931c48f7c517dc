// Bulk actions on the runs tab (operator): retry every failed (or cancelled) run, or cancel every queued one, of the
// job and workspace the table is filtered by. The server counts them first (POST /v1/runs/bulk with dry_run) and the
// confirmation says how many; then a runs.bulk run acts on them in batches, and its progress is shown here until it
// ends, with a link to it (its log lists the runs it could not change).
import { api } from './api.js';
import { $, confirmAction } from './ui.js';

const POLL_MS = 1000;
const TERMINAL = ['completed', 'failed', 'cancelled', 'skipped'];

export function createBulkActions({ runs, onOpenRun, announce }) {
  const state = $('#bulk-state');
  const progress = $('#bulk-progress');
  const text = $('#bulk-text');
  const open = $('#bulk-open');
  const buttons = [$('#bulk-retry'), $('#bulk-cancel')];
  let following = null;

  const count = (n) => n.toLocaleString();
  const describe = (filters) => [
    filters.job ? ` of job ${filters.job}` : '',
    filters.workspace_id ? ` in workspace ${filters.workspace_id}` : '',
  ].join('');

  async function start(action) {
    const filters = runs.filters();
    const status = action === 'retry' ? (filters.status === 'cancelled' ? 'cancelled' : 'failed') : 'queued';
    const request = { action, status, job: filters.job || undefined, workspace_id: filters.workspace_id || undefined };
    let preview;
    try {
      preview = await api('POST', '/v1/runs/bulk', { ...request, dry_run: true });
    } catch (error) {
      announce(error.message, 'error');
      return;
    }
    if (preview.matched === 0) {
      announce(`No ${status} runs${describe(filters)} to ${action}.`);
      return;
    }
    const n = count(preview.matched);
    const question = action === 'retry'
      ? `Retry ${n} ${status} runs${describe(filters)}? Each goes back in the queue as its next attempt.`
      : `Cancel ${n} queued runs${describe(filters)}? Scheduled and retrying ones too.`;
    if (!(await confirmAction(question, action === 'retry' ? `Retry ${n}` : `Cancel ${n}`))) return;
    try {
      const accepted = await api('POST', '/v1/runs/bulk', request);
      follow(accepted.run, action);
    } catch (error) {
      announce(error.message, 'error');
    }
  }

  function show(run, action) {
    const total = run.total ?? 0;
    progress.max = Math.max(1, total);
    progress.value = Math.min(run.processed, progress.max);
    const verb = action === 'retry' ? 'Retrying' : 'Cancelling';
    if (run.status === 'completed') {
      const done = run.metrics[action === 'retry' ? 'retried' : 'cancelled'];
      text.textContent = `${action === 'retry' ? 'Retried' : 'Cancelled'} ${count(done)} runs`
        + (run.metrics.refused ? `; ${count(run.metrics.refused)} could not be (see the bulk run's log).` : '.');
    } else if (TERMINAL.includes(run.status)) {
      text.textContent = `The bulk ${action} ended ${run.status} after ${count(run.processed)} of ${count(total)} runs`
        + (run.error ? `: ${run.error}` : '.');
    } else {
      text.textContent = `${verb}: ${count(run.processed)} of ${count(total)} runs…`;
    }
    open.textContent = 'Open the bulk run';
    open.onclick = () => onOpenRun(run.id);
    state.hidden = false;
    state.dataset.status = run.status;
  }

  function follow(run, action) {
    clearTimeout(following);
    buttons.forEach((button) => { button.disabled = true; });
    show(run, action);
    const poll = async () => {
      try {
        const now = await api('GET', `/v1/runs/${run.id}`);
        show(now, action);
        if (TERMINAL.includes(now.status)) {
          buttons.forEach((button) => { button.disabled = false; });
          announce(text.textContent);
          runs.refresh();
          return;
        }
      } catch (error) {
        text.textContent = `Following the bulk run failed (it goes on): ${error.message}`;
      }
      following = setTimeout(poll, POLL_MS);
    };
    following = setTimeout(poll, POLL_MS);
  }

  $('#bulk-retry').addEventListener('click', () => start('retry'));
  $('#bulk-cancel').addEventListener('click', () => start('cancel'));
}

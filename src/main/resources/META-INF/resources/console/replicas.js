// The replicas tab: every replica sharing the database (GET /v1/replicas), running ones first — up, lost (its
// heartbeat is older than stale-after: killed or cut off) or stopped — with its version, start, last heartbeat,
// engines busy of its maximum, the runs it executes and the attempts it ended; read again every 5 s while the tab
// is shown. Below them, the workers outside the service that claim runs over HTTP: up while in touch (a claim, a
// report, a long poll waiting) within stale-after, lost after, with the jobs they claim and the runs they execute.
// A token limited to workspaces sees the runs of its workspaces only, and no load figure of the others.
import { api } from './api.js';
import { $, badge, duration, el, time } from './ui.js';

const REFRESH_MS = 5000;

export function createReplicasView({ onError }) {
  const table = $('#replicas tbody');
  const empty = $('#replicas-empty');
  const summary = $('#replicas-summary');
  const workerTable = $('#workers tbody');
  const workersEmpty = $('#workers-empty');
  const workersSummary = $('#workers-summary');
  let timer = null;
  let loading = 0;

  function engines(replica) {
    if (replica.engines_busy == null) return `max ${replica.engines_max}`;
    const meter = el('meter', { min: 0, max: Math.max(1, replica.engines_max), value: replica.engines_busy });
    meter.setAttribute('aria-label', `${replica.engines_busy} of ${replica.engines_max} engines busy`);
    return [meter, ` ${replica.engines_busy} / ${replica.engines_max}`];
  }

  function executing(replica) {
    const total = replica.running + replica.paused;
    if (total === 0) return '0';
    return replica.paused ? `${replica.running} running, ${replica.paused} paused` : `${replica.running} running`;
  }

  function row(replica, readAt) {
    const silence = Date.parse(readAt) - Date.parse(replica.heartbeat_at);
    return el('tr', { dataset: { id: replica.id, state: replica.state } },
      el('th', { scope: 'row' }, el('code', {}, replica.id),
        replica.self ? el('span', { className: 'help' }, ' (this one)') : ''),
      el('td', {}, badge(replica.state)),
      el('td', {}, replica.version),
      el('td', {}, time(replica.started_at, 'short')),
      el('td', { title: replica.heartbeat_at }, replica.stopped_at ? time(replica.stopped_at, 'short')
        : `${duration(Math.max(0, silence))} ago`),
      el('td', { className: 'engines' }, engines(replica)),
      el('td', { className: 'executing' }, executing(replica)),
      el('td', { className: 'ended' }, replica.runs_ended == null ? '—' : replica.runs_ended.toLocaleString()));
  }

  function workerRow(worker, readAt) {
    const silence = Date.parse(readAt) - Date.parse(worker.contact_at);
    return el('tr', { dataset: { id: worker.id, state: worker.state } },
      el('th', { scope: 'row' }, el('code', {}, worker.worker)),
      el('td', {}, badge(worker.state)),
      el('td', {}, worker.token),
      el('td', { className: 'jobs' }, worker.jobs.join(', ')),
      el('td', { title: worker.contact_at }, `${duration(Math.max(0, silence))} ago`),
      el('td', {}, el('code', {}, worker.replica)),
      el('td', { className: 'executing' }, executing(worker)));
  }

  async function load() {
    const ticket = ++loading;
    const body = await api('GET', '/v1/replicas');
    if (ticket !== loading) return;
    table.replaceChildren(...body.replicas.map((replica) => row(replica, body.at)));
    workerTable.replaceChildren(...body.workers.map((worker) => workerRow(worker, body.at)));
    workersEmpty.hidden = body.workers.length > 0;
    const up = body.workers.filter((w) => w.state === 'up').length;
    workersSummary.textContent = `${up} up, ${body.workers.length - up} lost. A worker is lost when it has not `
      + `been in touch for ${duration(body.stale_after_ms)}, and leaves the list once silent for `
      + `${duration(body.workers_retention_ms)}.`;
    empty.hidden = body.replicas.length > 0;
    const count = (state) => body.replicas.filter((r) => r.state === state).length;
    summary.textContent = `${count('up')} up, ${count('lost')} lost, ${count('stopped')} stopped. A replica is lost `
      + `when its last heartbeat is older than ${duration(body.stale_after_ms)}; stopped and lost ones stay `
      + `${duration(body.retention_ms)}.`;
  }

  const reload = () => load().catch((error) => onError(error));
  return {
    show() {
      clearInterval(timer);
      timer = setInterval(() => {
        if (!document.hidden) reload();
      }, REFRESH_MS);
      return reload();
    },
    hide() {
      clearInterval(timer);
      timer = null;
    },
  };
}

// The overview: the runs that need attention now, the runs that ended per bucket over a window and the queue's depth
// (uPlot charts, loaded as console/vendor/uPlot.iife.min.js), and a table per job; from GET /v1/stats, read again every 10 s while
// the tab is shown. Every tile and job links to the runs it counts.
import { api, query } from './api.js';
import { $, duration, el, fill } from './ui.js';

const REFRESH_MS = 10000;
const WINDOWS = { '1h': 'the last hour', '24h': 'the last 24 hours', '7d': 'the last 7 days' };
const BUCKETS = { '1m': 'minute', '5m': '5 minutes', '15m': '15 minutes', '1h': 'hour', '6h': '6 hours', '1d': 'day' };
const SERIES = [
  { key: 'completed', label: 'Completed', stroke: '#1a7f37' },
  { key: 'failed', label: 'Failed', stroke: '#cf222e' },
  { key: 'cancelled', label: 'Cancelled', stroke: '#6e7781' },
];

/** Tiles: what needs attention first, then the rest; each with the runs filter it links to. */
const TILES = [
  { key: 'failed_last_hour', label: 'Failed in the last hour', attention: true, filter: { status: 'failed' } },
  { key: 'stale', label: 'Stale', attention: true, filter: { status: 'stale' } },
  { key: 'retrying', label: 'Retrying', attention: true, filter: { status: 'queued' } },
  { key: 'paused', label: 'Paused', attention: true, filter: { status: 'paused' } },
  { key: 'oldest_queued_ms', label: 'Oldest queued waits', attention: true, filter: { status: 'queued' }, time: true },
  { key: 'queued', label: 'Queued, due', filter: { status: 'queued' } },
  { key: 'running', label: 'Running', filter: { status: 'running' } },
  { key: 'scheduled', label: 'Scheduled for later', filter: { status: 'queued' } },
];

export function createOverviewView({ onOpenRuns, onError, initialWindow }) {
  const select = $('#overview-window');
  const tiles = $('#overview-tiles');
  const chartBox = $('#overview-chart');
  const summary = $('#overview-chart-summary');
  const caption = $('#overview-chart-title');
  const jobs = $('#overview-jobs tbody');
  const updated = $('#overview-updated');
  let chart = null;
  let timer = null;
  let loading = 0;
  if (initialWindow && WINDOWS[initialWindow]) select.value = initialWindow;

  /** Draws `data` in `box` with uPlot: into `existing` (same series) when there is one, else a new chart. */
  function plot(existing, box, height, data, options) {
    const width = Math.max(280, box.clientWidth || 600);
    if (existing && existing.series.length === options.series.length) {
      existing.setData(data);
      if (Math.abs(existing.width - width) > 2) existing.setSize({ width, height });
      return existing;
    }
    if (existing) existing.destroy();
    return new window.uPlot({ width, height, scales: { x: { time: true } }, ...options }, data, box);
  }

  function tile(spec, value) {
    const shown = spec.time ? (value == null ? '—' : duration(value)) : String(value);
    const needs = spec.attention && value != null && value > 0;
    const button = el('button', { type: 'button', className: 'tile-link', dataset: { key: spec.key } },
      el('span', { className: 'tile-value' }, shown), el('span', { className: 'tile-label' }, spec.label));
    button.addEventListener('click', () => onOpenRuns(spec.filter));
    return el('li', { className: needs ? 'tile attention' : 'tile' }, button);
  }

  function renderTiles(now) {
    fill(tiles, ...TILES.map((spec) => tile(spec, now[spec.key])));
  }

  function renderChart(stats) {
    const xs = stats.series.map((bucket) => Date.parse(bucket.at) / 1000);
    const data = [xs, ...SERIES.map((s) => stats.series.map((bucket) => bucket[s.key]))];
    chart = plot(chart, chartBox, 220, data, {
      legend: { live: false },
      axes: [{}, { label: 'runs', size: 50 }],
      series: [{}, ...SERIES.map((s) => ({ label: s.label, stroke: s.stroke, width: 2, points: { show: false } }))],
    });
    chartBox.dataset.points = String(xs.length);
    const totals = SERIES.map((s) => `${stats.series.reduce((sum, bucket) => sum + bucket[s.key], 0)} ${s.key}`);
    caption.textContent = `Runs ended per ${BUCKETS[stats.bucket]}, ${WINDOWS[stats.window]}`;
    summary.textContent = `In ${WINDOWS[stats.window]}: ${totals.join(', ')}.`;
  }

  let queueChart = null;
  const queueBox = $('#overview-queue');

  /** The deepest the queue was sampled per bucket (every workspace together: a scoped token has no samples). */
  function renderQueue(stats) {
    const depths = stats.series.map((bucket) => bucket.queued);
    const sampled = depths.filter((depth) => depth !== null && depth !== undefined);
    $('#overview-queue-figure').hidden = sampled.length === 0;
    if (sampled.length === 0) return;
    const data = [stats.series.map((bucket) => Date.parse(bucket.at) / 1000), depths];
    queueChart = plot(queueChart, queueBox, 140, data, {
      legend: { show: false },
      axes: [{}, { label: 'runs due', size: 50 }],
      series: [{}, { label: 'Queued', stroke: '#0969da', width: 2, points: { show: true, size: 4 } }],
    });
    queueBox.dataset.points = String(data[0].length);
    $('#overview-queue-title').textContent = `Queue depth: the most runs due per ${BUCKETS[stats.bucket]}`;
    $('#overview-queue-summary').textContent =
      `In ${WINDOWS[stats.window]}, at most ${Math.max(...sampled)} runs were due at once; now ${stats.now.queued}.`;
  }

  function renderJobs(stats) {
    const percent = (rate) => (rate == null ? '—' : `${(rate * 100).toFixed(rate < 0.1 ? 1 : 0)} %`);
    const ms = (value) => (value == null ? '—' : duration(value));
    fill(jobs, ...stats.jobs.map((job) => {
      const open = el('button', { type: 'button', className: 'link' }, job.job);
      open.addEventListener('click', () => onOpenRuns({ job: job.job }));
      const failed = el('button', { type: 'button', className: 'link', disabled: job.failed === 0,
        'aria-label': `${job.failed} failed runs of ${job.job}` }, String(job.failed));
      failed.addEventListener('click', () => onOpenRuns({ job: job.job, status: 'failed' }));
      return el('tr', { dataset: { job: job.job } },
        el('th', { scope: 'row' }, open), el('td', {}, String(job.runs)), el('td', {}, String(job.completed)),
        el('td', {}, failed), el('td', {}, percent(job.failure_rate)), el('td', {}, ms(job.p50_ms)),
        el('td', {}, ms(job.p95_ms)));
    }));
    $('#overview-jobs-empty').hidden = stats.jobs.length > 0;
  }

  async function load() {
    const ticket = ++loading;
    const stats = await api('GET', `/v1/stats${query({ window: select.value })}`);
    if (ticket !== loading) return;
    renderTiles(stats.now);
    renderChart(stats);
    renderQueue(stats);
    renderJobs(stats);
    // the live tiles are as of now; the runs that ended are counted up to the last sweep (every 10 s or so)
    const counted = new Date(stats.counted_to).toLocaleTimeString();
    updated.textContent = `Updated ${new Date().toLocaleTimeString()}; runs that ended are counted up to ${counted}`;
    $('#overview-jobs-empty').textContent = `No run ended in this window up to ${counted} (ends are counted every`
      + ' sweep, a few seconds after they happen).';
    $('#panel-overview').dataset.loaded = String(Number($('#panel-overview').dataset.loaded || 0) + 1);
  }

  const reload = () => load().catch((error) => onError(error));
  select.addEventListener('change', () => {
    reload();
    onWindow(select.value);
  });
  let onWindow = () => {};

  return {
    /** Shows the overview and reads it again every 10 s until {@link hide}. */
    show(windowChanged) {
      onWindow = windowChanged || onWindow;
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
    window: () => select.value,
  };
}

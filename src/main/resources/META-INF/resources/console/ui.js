// Small DOM helpers shared by the console's views. No innerHTML with data: text always goes in as text.

/** Creates an element: el('td', {className: 'x', dataset: {id}}, 'text', child, …). */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key === 'on') for (const [type, handler] of Object.entries(value)) node.addEventListener(type, handler);
    else if (key in node && !key.startsWith('aria')) node[key] = value;
    else node.setAttribute(key, value === true ? '' : value);
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces the children of `node`. */
export function fill(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

export const $ = (selector, root = document) => root.querySelector(selector);

const STATUSES = [
  'queued', 'scheduled', 'retrying', 'throttled', 'running', 'paused', 'completed', 'failed', 'cancelled', 'skipped', 'stale',
  'snoozed', 'waiting', 'interrupted', 'up', 'lost', 'stopped', 'pending', 'delivered',
];
export const TERMINAL = ['completed', 'failed', 'cancelled', 'skipped'];

/**
 * The status badge of a run (its display status: stale, and scheduled or retrying for a queued run not due yet) or
 * of an attempt's outcome, colour-coded, and with a text label.
 */
export function badge(status) {
  const known = STATUSES.includes(status) ? status : 'unknown';
  return el('span', { className: `badge badge-${known}`, dataset: { status } }, status);
}

const FORMATS = {
  medium: new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' }),
  short: new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' }),
};

/** A <time> for an ISO timestamp, shown in the browser's time zone ("—" for none). */
export function time(iso, style = 'medium') {
  if (!iso) return '—';
  return el('time', { dateTime: iso, title: iso }, FORMATS[style].format(new Date(iso)));
}

const ZONED = new Map();

/** A <time> for an ISO timestamp shown in time zone `zone` (the browser's when the browser does not know it). */
export function zonedTime(iso, zone) {
  if (!ZONED.has(zone)) {
    const options = {
      weekday: 'short', year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit',
      timeZoneName: 'short',
    };
    try {
      ZONED.set(zone, new Intl.DateTimeFormat(undefined, { ...options, timeZone: zone }));
    } catch {
      ZONED.set(zone, new Intl.DateTimeFormat(undefined, options));
    }
  }
  return el('time', { dateTime: iso, title: iso }, ZONED.get(zone).format(new Date(iso)));
}

/** 1234 → "1.2 s", 30000 → "30 s", 75000 → "1 min 15 s", 5400000 → "1 h 30 min". */
export function duration(ms) {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(1).replace(/\.0$/, '')} s`;
  if (ms < 3600000) {
    const seconds = Math.round((ms % 60000) / 1000);
    return `${Math.floor(ms / 60000)} min${seconds ? ` ${seconds} s` : ''}`;
  }
  const minutes = Math.round((ms % 3600000) / 60000);
  return `${Math.floor(ms / 3600000)} h${minutes ? ` ${minutes} min` : ''}`;
}

/**
 * The part of an id that tells it apart: its last 8 characters. A run id (UUIDv7) begins with the time it was made, so
 * runs made in the same minute share their first characters; the end is random.
 */
export const shortId = (id) => (id ? id.slice(-8) : '');
export const GLOBAL_WORKSPACE = '00000000-0000-0000-0000-000000000000';
export const SYSTEM_WORKSPACE = 'ffffffff-ffff-ffff-ffff-ffffffffffff';
const WORKSPACE_NAMES = { [GLOBAL_WORKSPACE]: 'global', [SYSTEM_WORKSPACE]: 'system' };
export const workspaceLabel = (id) => WORKSPACE_NAMES[id] || shortId(id);

/** Percent done of a run (or feed change): its own `percent`, or from processed/total; 100 once completed. */
export function percent(run) {
  if (run.status === 'completed') return 100;
  if (typeof run.percent === 'number') return run.percent;
  if (run.total) return Math.min(100, Math.floor((run.processed * 100) / run.total));
  return 0;
}

/** Tells screen readers (and the status line) what just happened. */
export function announce(message, kind = 'info') {
  const status = $('#status');
  status.dataset.kind = kind;
  status.textContent = message;
}

/** Asks for confirmation in a modal dialog; resolves true when confirmed. */
export function confirmAction(question, confirmLabel) {
  const dialog = $('#confirm');
  $('#confirm-text', dialog).textContent = question;
  $('#confirm-ok', dialog).textContent = confirmLabel;
  dialog.returnValue = '';
  dialog.showModal();
  $('#confirm-cancel', dialog).focus();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
  });
}

/**
 * Shows a stream's connection state in an indicator: green when live, yellow while (re)connecting, red when
 * down for three attempts in a row or stopped; grey once a finished stream closed.
 */
export function showConnection(indicator, state, info = {}) {
  let level;
  let text;
  if (state === 'open') {
    level = 'ok';
    text = 'Live';
  } else if (state === 'connecting') {
    level = 'warn';
    text = 'Connecting…';
  } else if (state === 'reconnecting') {
    level = info.attempt >= 3 ? 'down' : 'warn';
    text = `Reconnecting in ${Math.ceil(info.delay / 1000)} s (attempt ${info.attempt})`;
  } else if (state === 'failed') {
    level = 'down';
    text = `Disconnected: ${info.error ? info.error.message : 'error'}`;
  } else {
    level = 'off';
    text = info.text || 'Closed';
  }
  indicator.dataset.level = level;
  fill(indicator, el('span', { className: 'dot', 'aria-hidden': 'true' }), text);
}

/** Runs `action` with `buttons` disabled and their group marked busy; the caller renders them anew afterwards. */
export async function busy(buttons, action) {
  buttons.forEach((button) => {
    button.disabled = true;
  });
  const region = buttons[0] && buttons[0].parentElement;
  if (region) region.setAttribute('aria-busy', 'true');
  try {
    return await action();
  } finally {
    if (region) region.removeAttribute('aria-busy');
  }
}

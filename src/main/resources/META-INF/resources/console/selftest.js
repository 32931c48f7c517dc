// The self-test (admin): streams GET /v1/selftest into a modal, one line per check, then the pass/fail count.
import { stream } from './api.js';
import { $, el } from './ui.js';

export function createSelfTest({ onClose }) {
  const dialog = $('#selftest');
  const checks = $('#selftest-checks');
  const summary = $('#selftest-summary');
  const opener = $('#selftest-open');
  let running = null;

  dialog.addEventListener('close', () => {
    if (running) running.close();
    running = null;
    opener.disabled = false;
    opener.focus();
    onClose();
  });

  opener.addEventListener('click', () => {
    checks.replaceChildren();
    summary.dataset.result = 'running';
    summary.textContent = 'Running…';
    opener.disabled = true;
    dialog.showModal();
    let ended = false;
    running = stream('/v1/selftest', {
      reconnect: false,
      idleMs: 300000, // the self-test sends no keepalive; a check may take a while
      onEvent: (event) => {
        const data = JSON.parse(event.data);
        if (event.type === 'log') {
          checks.append(el('li', { className: data.passed ? 'pass' : 'fail' },
            el('span', { className: 'mark', 'aria-hidden': 'true' }, data.passed ? '✓' : '✗'),
            el('span', { className: 'visually-hidden' }, data.passed ? 'passed: ' : 'failed: '),
            data.message));
        } else if (event.type === 'end_json') {
          ended = true;
          const result = data.data || {};
          summary.dataset.result = data.ok ? 'pass' : 'fail';
          summary.textContent = `${data.ok ? 'Passed' : 'Failed'}: ${result.passed} passed, ${result.failed} failed`;
        }
      },
      onStatus: (state, info) => {
        if (ended) return;
        if (state === 'failed' || state === 'closed') {
          summary.dataset.result = 'fail';
          summary.textContent = state === 'failed'
            ? `The self-test could not run: ${info.error.message}`
            : 'The self-test stopped before it ended';
        }
      },
    });
  });
}

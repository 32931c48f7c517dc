// The form that adds a schedule (POST /v1/schedules): job, workspace, cron, time zone, priority and params. While
// the cron or the zone is typed, GET /v1/schedules/preview checks them and shows the next fire times, or why not.
import { api, query } from './api.js';
import { $, el, fill, zonedTime } from './ui.js';
import { checkParams, checkPriority, defaultParams, isWorkspace, paramsHelp, problemText } from './params.js';
import { createParamsForm } from './params-form.js';

/** Quiet time after the last keystroke before the cron and zone are previewed. */
const PREVIEW_DELAY_MS = 300;

/** The inputs of the fields a problem's detail names ("'cron' must have 5 fields…"). */
const FIELDS = {
  job: '#schedule-job',
  workspace_id: '#schedule-workspace',
  cron: '#schedule-cron',
  time_zone: '#schedule-zone',
  priority: '#schedule-priority',
  params: '#schedule-params',
};

function namedInput(detail) {
  const named = [...detail.matchAll(/'([a-z_]+)'/g)].map((match) => match[1]).find((name) => FIELDS[name]);
  return named ? $(FIELDS[named]) : null;
}

export function createScheduleForm({ jobs, workspaces, onAdded, announce }) {
  const form = $('#schedule-form');
  const job = $('#schedule-job');
  const workspace = $('#schedule-workspace');
  const workspaceHelp = $('#schedule-workspace-help');
  const cron = $('#schedule-cron');
  const zone = $('#schedule-zone');
  const priority = $('#schedule-priority');
  const params = $('#schedule-params');
  const preview = $('#schedule-preview');
  const error = $('#schedule-error');
  const submit = form.querySelector('button[type=submit]');
  // a token limited to workspaces may not schedule the system jobs, which act on every workspace
  const offered = workspaces && workspaces.length ? jobs.filter((definition) => !definition.system) : jobs;
  const byName = new Map(offered.map((definition) => [definition.name, definition]));
  const paramsForm = createParamsForm({ container: $('#schedule-params-form'), editor: params, prefix: 'schedule' });
  let timer = null;
  let previews = 0;

  fill(job, offered.map((definition) => el('option', { value: definition.name }, definition.name)));
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const names = ['UTC', ...zones.filter((name) => name !== 'UTC')];
  fill($('#time-zones'), names.map((name) => el('option', { value: name })));
  if (workspaces && workspaces.length) workspace.value = workspaces[0];

  function describe() {
    const definition = byName.get(job.value);
    if (!definition) return;
    $('#schedule-params-help').textContent = `${paramsHelp(definition)} Empty: the job's defaults when it fires.`;
    params.placeholder = defaultParams(definition);
    paramsForm.show(definition.params_schema);
    workspace.disabled = definition.system;
    workspace.placeholder = definition.system ? 'system' : 'global';
    workspaceHelp.textContent = definition.system
      ? 'A system job acts on every workspace; its runs are recorded in the system workspace.'
      : `A workspace UUID; ${workspaces && workspaces.length ? `this token may use ${workspaces.join(', ')}`
        : 'empty for the global workspace'}.`;
  }

  function invalid(input, message) {
    error.textContent = message;
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  }

  async function showPreview(ticket) {
    try {
      const answer = await api('GET', `/v1/schedules/preview${query({
        cron: cron.value.trim(), time_zone: zone.value.trim(),
      })}`);
      if (ticket !== previews) return;
      preview.dataset.state = 'ok';
      fill(preview, `Next fire times (${answer.time_zone}):`, el('ol', { className: 'fire-times' },
        answer.next_fire_times.map((iso) => el('li', {}, zonedTime(iso, answer.time_zone)))));
    } catch (failure) {
      if (ticket !== previews) return;
      preview.dataset.state = 'error';
      fill(preview, el('span', { className: 'error-text' }, failure.message));
      const input = namedInput(failure.message);
      if (input === cron || input === zone) input.setAttribute('aria-invalid', 'true');
    }
  }

  /** Previews the cron and zone once typing pauses; an answer to an older request is dropped. */
  function previewSoon() {
    clearTimeout(timer);
    const ticket = ++previews;
    cron.removeAttribute('aria-invalid');
    zone.removeAttribute('aria-invalid');
    if (!cron.value.trim()) {
      delete preview.dataset.state;
      preview.replaceChildren();
      return;
    }
    preview.dataset.state = 'pending';
    timer = setTimeout(() => showPreview(ticket), PREVIEW_DELAY_MS);
  }

  job.addEventListener('change', describe);
  cron.addEventListener('input', previewSoon);
  zone.addEventListener('input', previewSoon);
  for (const input of [workspace, priority, params]) {
    input.addEventListener('input', () => input.removeAttribute('aria-invalid'));
  }
  describe();

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    const definition = byName.get(job.value);
    if (!definition) return;
    if (!definition.system && !isWorkspace(workspace.value)) {
      invalid(workspace, 'Workspace must be a UUID (or empty for the global workspace)');
      return;
    }
    if (!cron.value.trim()) {
      invalid(cron, 'Enter a cron expression, e.g. */5 * * * *');
      return;
    }
    const rank = checkPriority(priority.value, priority.validity.badInput);
    if (rank.error) {
      invalid(priority, rank.error);
      return;
    }
    const checked = checkParams(params.value, definition.params_schema);
    if (checked.error) {
      params.setAttribute('aria-invalid', 'true');
      invalid(paramsForm.mark(checked.pointer) || params, checked.error);
      return;
    }
    const body = {
      job: definition.name, cron: cron.value.trim(), time_zone: zone.value.trim() || 'UTC', params: checked.params,
      enabled: $('#schedule-enabled').checked,
    };
    if (!definition.system && workspace.value.trim()) body.workspace_id = workspace.value.trim().toLowerCase();
    if (rank.value !== undefined) body.priority = rank.value;
    submit.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      const schedule = await api('POST', '/v1/schedules', body);
      announce(`Added a schedule of ${schedule.job}: ${schedule.cron} (${schedule.time_zone})`);
      cron.value = '';
      previewSoon();
      onAdded(schedule);
    } catch (failure) {
      error.textContent = problemText(failure);
      const violations = (failure.problem && failure.problem.errors) || [];
      for (const violation of violations) paramsForm.mark(violation.pointer);
      const input = violations.length ? params : namedInput(failure.message);
      if (input) input.setAttribute('aria-invalid', 'true');
    } finally {
      submit.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });
}

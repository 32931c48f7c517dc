// The trigger form: job, workspace, priority, delay, dry run and params, checked before POST /v1/jobs/{job}/runs.
import { api } from './api.js';
import { $, el, fill, shortId } from './ui.js';
import { checkDelay, checkParams, checkPriority, defaultParams, isWorkspace, paramsHelp, problemText } from './params.js';
import { createParamsForm } from './params-form.js';

export function createTriggerForm({ jobs, workspaces, onTriggered, onOpen, announce }) {
  const form = $('#trigger-form');
  const job = $('#trigger-job');
  const workspace = $('#trigger-workspace');
  const params = $('#trigger-params');
  const priority = $('#trigger-priority');
  const delay = $('#trigger-delay');
  const help = $('#trigger-params-help');
  const error = $('#trigger-error');
  const submit = form.querySelector('button[type=submit]');
  const byName = new Map(jobs.map((definition) => [definition.name, definition]));
  const paramsForm = createParamsForm({ container: $('#trigger-params-form'), editor: params, prefix: 'trigger' });
  let edited = false;

  fill(job, jobs.map((definition) => el('option', { value: definition.name }, definition.name)));
  if (workspaces && workspaces.length) {
    // a token limited to workspaces may not trigger in the global one
    workspace.value = workspaces[0];
    $('#trigger-workspace-help').textContent = `A workspace UUID; this token may use ${workspaces.join(', ')}.`;
  }

  function describe() {
    const definition = byName.get(job.value);
    if (!definition) return;
    help.textContent = paramsHelp(definition);
    if (!edited) params.value = defaultParams(definition);
    paramsForm.show(definition.params_schema);
  }

  function invalid(input, message) {
    error.textContent = message;
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  }

  job.addEventListener('change', describe);
  params.addEventListener('input', () => {
    edited = params.value.trim() !== '';
    params.removeAttribute('aria-invalid');
  });
  for (const input of [workspace, priority, delay]) {
    input.addEventListener('input', () => input.removeAttribute('aria-invalid'));
  }
  describe();

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    const definition = byName.get(job.value);
    if (!isWorkspace(workspace.value)) {
      invalid(workspace, 'Workspace must be a UUID (or empty for the global workspace)');
      return;
    }
    const rank = checkPriority(priority.value, priority.validity.badInput);
    if (rank.error) {
      invalid(priority, rank.error);
      return;
    }
    const later = checkDelay(delay.value);
    if (later.error) {
      invalid(delay, later.error);
      return;
    }
    const checked = checkParams(params.value, definition && definition.params_schema);
    if (checked.error) {
      params.setAttribute('aria-invalid', 'true');
      invalid(paramsForm.mark(checked.pointer) || params, checked.error);
      return;
    }
    const body = { params: checked.params, dry_run: $('#trigger-dry-run').checked };
    if (workspace.value.trim()) body.workspace_id = workspace.value.trim().toLowerCase();
    if (rank.value !== undefined) body.priority = rank.value;
    if (later.value !== undefined) body.delay = later.value;
    submit.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      const run = await api('POST', `/v1/jobs/${encodeURIComponent(job.value)}/runs`, body);
      announce(`Triggered ${run.job}: run ${shortId(run.id)} is ${run.display_status || run.status}`);
      onTriggered(run);
    } catch (failure) {
      const active = failure.problem && failure.problem.active_run_id;
      const violations = (failure.problem && failure.problem.errors) || [];
      for (const violation of violations) paramsForm.mark(violation.pointer);
      if (violations.length) params.setAttribute('aria-invalid', 'true');
      fill(error, problemText(failure), active ? ' ' : null, active
        ? el('button', { type: 'button', className: 'link', on: { click: () => onOpen(active) } },
          `Open the active run ${shortId(active)}`)
        : null);
    } finally {
      submit.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });
}

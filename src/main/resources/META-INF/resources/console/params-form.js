// The params of a trigger or a schedule as a form, for a job whose schema has simple fields only (strings, numbers,
// true/false, choices): one input per param, kept in step with the JSON editor below it, which stays the text that is
// sent. For any other schema the JSON editor alone is shown. A violation found here or by the service marks its field.
import { el, fill } from './ui.js';
import { fieldValue, simpleFields } from './params.js';

export function createParamsForm({ container, editor, prefix }) {
  let fields = [];
  const inputs = new Map();

  function current() {
    try {
      const value = JSON.parse(editor.value || '{}');
      return value && typeof value === 'object' && !Array.isArray(value) ? value : null;
    } catch {
      return null;
    }
  }

  function fromEditor() {
    const params = current();
    if (!params) return;
    for (const field of fields) {
      const value = params[field.name];
      inputs.get(field.name).value = value === undefined || value === null ? '' : String(value);
    }
  }

  function toEditor() {
    const params = current() || {};
    for (const field of fields) {
      const value = fieldValue(field, inputs.get(field.name).value);
      if (value === undefined) delete params[field.name];
      else params[field.name] = value;
    }
    editor.value = Object.keys(params).length ? JSON.stringify(params) : '';
    editor.dispatchEvent(new Event('input'));
  }

  function input(field) {
    const id = `${prefix}-param-${field.name}`;
    const common = { id, name: field.name, dataset: { param: field.name }, on: { input: toEditor, change: toEditor },
      'aria-describedby': field.description ? `${id}-help` : undefined };
    let control;
    if (field.kind === 'choice' || field.kind === 'boolean') {
      const options = field.kind === 'boolean' ? ['true', 'false'] : field.options.map(String);
      control = el('select', common, el('option', { value: '' }, field.required ? 'choose…' : 'default'),
        options.map((option) => el('option', { value: option }, option)));
    } else {
      control = el('input', { ...common, type: 'text', inputMode: field.kind === 'text' ? undefined : 'decimal',
        placeholder: field.format === 'date' ? 'YYYY-MM-DD' : field.format === 'duration' ? '30s, 10m, 90d' : '',
        spellcheck: false });
    }
    control.addEventListener('input', () => control.removeAttribute('aria-invalid'));
    inputs.set(field.name, control);
    return el('label', { className: 'param' }, `${field.name}${field.required ? ' (required)' : ''}`, control,
      field.description ? el('small', { id: `${id}-help`, className: 'help' }, field.description) : null);
  }

  editor.addEventListener('input', (event) => {
    if (event.isTrusted) fromEditor();
  });

  return {
    /** Shows the form of `schema`, or hides it when the schema is not one of simple fields. */
    show(schema) {
      fields = simpleFields(schema) || [];
      inputs.clear();
      fill(container, fields.length ? fields.map(input) : null);
      container.hidden = fields.length === 0;
      fromEditor();
    },
    /** Marks the field at a JSON pointer into the params as invalid, and answers it (or null). */
    mark(pointer) {
      const name = (pointer || '').split('/')[1];
      const control = name === undefined ? null : inputs.get(name.replace(/~1/g, '/').replace(/~0/g, '~'));
      if (control) control.setAttribute('aria-invalid', 'true');
      return control || null;
    },
  };
}

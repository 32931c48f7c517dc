// Checks what a trigger or a schedule sends — params against the job's params_schema (GET /v1/jobs), priority,
// delay — before it is sent, so that a typo is shown next to the field rather than as a 400; and describes the form
// of a schema of simple fields. DOM-free: the tests import it in Node.

const DURATION = /^(\d+(ms|s|m|h|d)|P[0-9A-Z.]+)$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Parses `text` as the params of a job and checks them against the job's JSON Schema. Answers {params} or {error,
 * pointer}; an empty text is no params ({}). The console checks the common keywords (type, enum, const, bounds,
 * lengths, pattern, the formats date and duration, required, properties, additionalProperties, items, $ref into the
 * schema); the service checks all of JSON Schema 2020-12 and answers anything else in its problem's `errors`.
 */
export function checkParams(text, schema) {
  if (text.trim() === '') return { params: {} };
  let params;
  try {
    params = JSON.parse(text);
  } catch (error) {
    return { error: `Params are not valid JSON: ${error.message}` };
  }
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    return { error: 'Params must be a JSON object, e.g. {"items": 5}' };
  }
  const problem = check(params, schema || {}, '', schema || {});
  return problem ? { error: problem.message, pointer: problem.pointer } : { params };
}

/** The name of the value at `pointer`, as the messages show it: "items", "filter.since", "columns[0]". */
function label(pointer) {
  return pointer.split('/').slice(1).map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((name, token) => (/^\d+$/.test(token) && name ? `${name}[${token}]` : name ? `${name}.${token}` : token), '');
}

function typeOf(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

const TYPE_WORDS = { integer: 'a whole number', number: 'a number', string: 'a string', boolean: 'true or false',
  object: 'an object', array: 'a list', null: 'null' };

/** The first violation of `value` at `pointer` of `schema` (inside `root`, for $ref), or null. */
function check(value, schema, pointer, root) {
  if (schema === true || schema === undefined) return null;
  if (schema === false) return { pointer, message: `"${label(pointer)}" is not allowed here` };
  if (typeof schema.$ref === 'string' && schema.$ref.startsWith('#')) {
    const target = schema.$ref.slice(1).split('/').slice(1)
      .reduce((node, token) => (node ? node[token.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined), root);
    const problem = check(value, target, pointer, root);
    if (problem) return problem;
  }
  const name = `"${label(pointer)}"`;
  const fail = (message) => ({ pointer, message: `${name} ${message}` });
  const actual = typeOf(value);
  if (schema.type !== undefined) {
    const types = [].concat(schema.type);
    if (!types.includes(actual) && !(actual === 'integer' && types.includes('number'))) {
      return fail(`must be ${types.map((type) => TYPE_WORDS[type] || type).join(' or ')}`);
    }
  }
  if (schema.enum && !schema.enum.some((option) => JSON.stringify(option) === JSON.stringify(value))) {
    return fail(`must be one of ${schema.enum.map((option) => JSON.stringify(option)).join(', ')}`);
  }
  if ('const' in schema && JSON.stringify(schema.const) !== JSON.stringify(value)) {
    return fail(`must be ${JSON.stringify(schema.const)}`);
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) return fail(`must be at least ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) return fail(`must be at most ${schema.maximum}`);
  }
  if (typeof value === 'string') {
    const length = [...value].length;
    if (typeof schema.minLength === 'number' && length < schema.minLength) {
      return fail(schema.minLength === 1 ? 'must not be empty' : `must have at least ${schema.minLength} characters`);
    }
    if (typeof schema.maxLength === 'number' && length > schema.maxLength) {
      return fail(`must have at most ${schema.maxLength} characters`);
    }
    if (schema.format === 'date' && !DATE.test(value)) return fail('must be a date like 2024-05-31');
    if (schema.format === 'duration' && !DURATION.test(value)) return fail('must be a duration like 30s, 10m or 90d');
    if (typeof schema.pattern === 'string') {
      let matches = true;
      try {
        matches = new RegExp(schema.pattern, 'u').test(value);
      } catch {
        // a pattern JavaScript cannot read: the service checks it
      }
      if (!matches) return fail(`must match ${schema.pattern}`);
    }
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) {
      return fail(`must hold at least ${schema.minItems} item${schema.minItems === 1 ? '' : 's'}`);
    }
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) {
      return fail(`must hold at most ${schema.maxItems} items`);
    }
    if (schema.items !== undefined) {
      for (let i = 0; i < value.length; i++) {
        const problem = check(value[i], schema.items, `${pointer}/${i}`, root);
        if (problem) return problem;
      }
    }
  }
  if (actual === 'object') {
    const properties = schema.properties || {};
    for (const required of schema.required || []) {
      if (!(required in value)) {
        const at = `${pointer}/${required}`;
        return { pointer: at, message: `"${label(at)}" is required` };
      }
    }
    for (const [key, item] of Object.entries(value)) {
      const at = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (key in properties) {
        // a null leaves a typed param at its default; the service decides for other schemas
        const problem = item === null && pointer === '' ? null : check(item, properties[key], at, root);
        if (problem) return problem;
      } else if (schema.additionalProperties === false) {
        const known = Object.keys(properties);
        const where = pointer === '' ? 'this job takes' : `${label(pointer)} takes`;
        return { pointer: at, message: `Unknown param "${label(at)}"${known.length ? `; ${where} ${known.join(', ')}` : '; this job takes none'}` };
      } else if (typeof schema.additionalProperties === 'object') {
        const problem = check(item, schema.additionalProperties, at, root);
        if (problem) return problem;
      }
    }
  }
  return null;
}

/**
 * The fields of a form for `schema`, or null when a form cannot say it: each top-level property is a string, a
 * whole number, a number, true/false or one of an enum, with nothing nested. [{name, kind, options, required,
 * description, format}], kind being text, integer, number, boolean or choice.
 */
export function simpleFields(schema) {
  if (!schema || schema.type !== 'object' || !schema.properties) return null;
  const required = new Set(schema.required || []);
  const fields = [];
  for (const [name, property] of Object.entries(schema.properties)) {
    if (!property || typeof property !== 'object') return null;
    const type = property.type;
    let kind;
    if (Array.isArray(property.enum) && property.enum.every((option) => ['string', 'number'].includes(typeof option))) {
      kind = 'choice';
    } else if (type === 'string') kind = 'text';
    else if (type === 'integer') kind = 'integer';
    else if (type === 'number') kind = 'number';
    else if (type === 'boolean') kind = 'boolean';
    else return null;
    fields.push({ name, kind, options: property.enum || null, required: required.has(name),
      description: property.description || '', format: property.format || null });
  }
  return fields;
}

/** The value a form field's text stands for: undefined when empty, else the string, number or boolean. */
export function fieldValue(field, text) {
  if (text === '') return undefined;
  if (field.kind === 'integer' || field.kind === 'number') return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text.trim()) ? Number(text) : text;
  if (field.kind === 'boolean') return text === 'true';
  if (field.kind === 'choice') {
    const option = field.options.find((candidate) => String(candidate) === text);
    return option === undefined ? text : option;
  }
  return text;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for an empty text (the global workspace) or a UUID. */
export function isWorkspace(text) {
  return text.trim() === '' || UUID.test(text.trim());
}

/** What a property of a schema takes, in a word or two: "integer", "string, date", "one of csv, xlsx", "array". */
function kindOf(property) {
  if (!property || typeof property !== 'object') return 'any';
  if (Array.isArray(property.enum)) return `one of ${property.enum.map(String).join(', ')}`;
  const type = [].concat(property.type || (property.$ref ? 'object' : 'any')).join(' or ');
  return `${type}${property.format ? `, ${property.format}` : ''}`;
}

/** The help line of a job: its description and its params with their types. */
export function paramsHelp(definition) {
  const schema = definition.params_schema || {};
  const required = new Set(schema.required || []);
  const names = Object.entries(schema.properties || {})
    .map(([name, property]) => `${name} (${kindOf(property)}${required.has(name) ? ', required' : ''})`);
  return `${definition.description} Params: ${names.length ? names.join(', ') : 'none'}.`;
}

/** A failed request's message, with each violation its problem lists ("/filter/since: must be …"). */
export function problemText(failure) {
  const errors = (failure.problem && failure.problem.errors) || [];
  if (errors.length < 2) return failure.message;
  return `${failure.message}: ${errors.map((error) => `${error.pointer || '(params)'} ${error.message}`).join('; ')}`;
}

/** The job's default params as one line of JSON, to start from. */
export function defaultParams(definition) {
  return JSON.stringify(definition.params_defaults || {}, null, 1).replace(/\n\s*/g, ' ');
}

/**
 * An optional priority: {} when empty, {value} for a whole number from -100 to 100, else {error}. `badInput`: the
 * number field holds text that is no number (its value then reads as empty).
 */
export function checkPriority(text, badInput = false) {
  const trimmed = text.trim();
  if (trimmed === '' && !badInput) return {};
  const value = Number(trimmed);
  if (badInput || !/^[+-]?\d+$/.test(trimmed) || value < -100 || value > 100) {
    return { error: 'Priority must be a whole number from -100 to 100' };
  }
  return { value };
}

/** An optional delay: {} when empty, {value} for a duration such as 90s, 15m, 2h, 1d or PT30M, else {error}. */
export function checkDelay(text) {
  const trimmed = text.trim();
  if (trimmed === '') return {};
  if (!DURATION.test(trimmed)) return { error: 'Delay must be a duration such as 90s, 15m, 2h, 1d or PT30M' };
  return { value: trimmed };
}

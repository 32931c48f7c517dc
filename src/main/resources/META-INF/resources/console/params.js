// Checks what a trigger or a schedule sends — params against the job's params_schema (GET /v1/jobs), priority,
// delay — before it is sent, so that a typo is shown next to the field rather than as a 400. DOM-free: the tests
// import it in Node.

const DURATION = /^(\d+(ms|s|m|h|d)|P[0-9A-Z.]+)$/i;

/**
 * Parses `text` as the params of a job. Answers {params} or {error}; an empty text is no params ({}).
 * Checks what the schemas of jobstream's jobs use: an object, known names only, integer and string types,
 * minimums, and the formats date (YYYY-MM-DD) and duration (500ms, 5s, 10m, 2h, 30d or ISO-8601).
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
  const properties = (schema && schema.properties) || {};
  for (const [name, value] of Object.entries(params)) {
    const property = properties[name];
    if (!property) {
      const known = Object.keys(properties);
      return { error: `Unknown param "${name}"${known.length ? `; this job takes ${known.join(', ')}` : '; this job takes none'}` };
    }
    if (value === null) continue;
    if (property.type === 'integer') {
      if (!Number.isInteger(value)) return { error: `"${name}" must be a whole number` };
      if (typeof property.minimum === 'number' && value < property.minimum) {
        return { error: `"${name}" must be at least ${property.minimum}` };
      }
    } else if (property.type === 'string') {
      if (typeof value !== 'string') return { error: `"${name}" must be a string` };
      if (property.format === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(value)) {
        return { error: `"${name}" must be a date like 2024-05-31` };
      }
      if (property.format === 'duration' && !DURATION.test(value)) {
        return { error: `"${name}" must be a duration like 30s, 10m or 90d` };
      }
    }
  }
  return { params };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for an empty text (the global workspace) or a UUID. */
export function isWorkspace(text) {
  return text.trim() === '' || UUID.test(text.trim());
}

/** The help line of a job: its description and its params with their types. */
export function paramsHelp(definition) {
  const names = Object.entries(definition.params_schema.properties || {})
    .map(([name, property]) => `${name} (${property.type}${property.format ? `, ${property.format}` : ''})`);
  return `${definition.description} Params: ${names.length ? names.join(', ') : 'none'}.`;
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

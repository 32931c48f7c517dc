// The console's HTTP client: every /v1 request carries the bearer token kept in sessionStorage (never in a URL).
import { openStream } from './sse.js';

const TOKEN_KEY = 'jobstream.token';
let onUnauthorized = () => {};

export const session = {
  token: () => sessionStorage.getItem(TOKEN_KEY),
  signIn: (token) => sessionStorage.setItem(TOKEN_KEY, token),
  signOut: () => sessionStorage.removeItem(TOKEN_KEY),
  whenUnauthorized: (handler) => {
    onUnauthorized = handler;
  },
};

/** A failed request; `message` is the problem's `detail` when the server sent one. */
export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `Request failed (HTTP ${status})`);
    this.status = status;
    this.problem = problem || {};
  }
}

/** Query string of the non-empty values of `params`. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '' && value !== false) search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** Sends a request and answers its JSON body (null for 204); throws ApiError for non-2xx answers. */
export async function api(method, path, body) {
  const headers = { Accept: 'application/json', Authorization: `Bearer ${session.token()}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
  } catch (error) {
    throw new ApiError(0, { detail: `Network error: ${error.message}` });
  }
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) {
    if (response.status === 401) onUnauthorized();
    throw new ApiError(response.status, json);
  }
  return json;
}

/** An SSE stream of a /v1 path, authenticated like every request (see sse.js for the options). */
export function stream(path, options) {
  return openStream(path, {
    token: session.token,
    ...options,
    onStatus: (state, info) => {
      if (state === 'failed' && info.error && info.error.status === 401) onUnauthorized();
      if (options.onStatus) options.onStatus(state, info);
    },
  });
}

// Server-sent events over fetch(): unlike the browser's EventSource, fetch can send the Authorization header.
// This module touches no DOM, so it also runs in Node (the tests import it there).

/**
 * Parses an SSE byte stream, already decoded to text, in chunks of any size (WHATWG "event stream
 * interpretation"): lines end with CRLF, LF or CR; a blank line dispatches the event; `:` starts a comment.
 */
export class SseParser {
  constructor(onEvent, onRetry = () => {}) {
    this.onEvent = onEvent;
    this.onRetry = onRetry;
    this.buffer = '';
    this.skipLf = false;
    this.first = true;
    this.lastEventId = '';
    this.resetEvent();
  }

  resetEvent() {
    this.type = '';
    this.data = '';
    this.hasData = false;
  }

  push(chunk) {
    let text = chunk;
    if (this.first && text.length > 0) {
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.skipLf && text.startsWith('\n')) text = text.slice(1);
    this.skipLf = false;
    this.buffer += text;
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer[i];
      if (c !== '\n' && c !== '\r') continue;
      this.line(this.buffer.slice(start, i));
      if (c === '\r') {
        if (i + 1 === this.buffer.length) this.skipLf = true;
        else if (this.buffer[i + 1] === '\n') i++;
      }
      start = i + 1;
    }
    this.buffer = this.buffer.slice(start);
  }

  line(line) {
    if (line === '') {
      this.dispatch();
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.type = value;
        break;
      case 'data':
        this.data += (this.hasData ? '\n' : '') + value;
        this.hasData = true;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastEventId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.onRetry(Number(value));
        break;
      default:
        break;
    }
  }

  dispatch() {
    if (this.hasData) {
      this.onEvent({ type: this.type || 'message', data: this.data, id: this.lastEventId });
    }
    this.resetEvent();
  }
}

/** Delay before reconnect attempt `attempt` (1, 2, …): doubles from `base`, at most `max`, with ±20 % jitter. */
export function backoff(attempt, base = 1000, max = 30000, random = Math.random) {
  const delay = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return Math.round(delay * (0.8 + 0.4 * random()));
}

/** A failure that reconnecting cannot cure (4xx other than 408/429): the stream stops. */
export class StreamError extends Error {
  constructor(status, detail) {
    super(detail || `HTTP ${status}`);
    this.status = status;
  }
}

/**
 * Opens an SSE stream with fetch and keeps it open: after a network drop, a server restart or silence longer than
 * `idleMs` (the server sends a keepalive comment every 15 s), it reconnects with backoff and sends
 * `Last-Event-ID`, so a run's stream resumes after the last event received.
 *
 * Options: token() → bearer token; onEvent({type, data, id}); onStatus(state, info) with state
 * 'connecting' | 'open' | 'reconnecting' | 'closed' | 'failed'; reconnect (default true: also reconnect when the
 * server ends the stream; false: one request only); lastEventId; fetch (for tests); idleMs.
 * Returns { close(), get lastEventId() }.
 */
export function openStream(url, options) {
  const {
    token,
    onEvent,
    onStatus = () => {},
    reconnect = true,
    fetch: fetchImpl = globalThis.fetch.bind(globalThis),
    idleMs = 45000,
    maxDelayMs = 30000,
  } = options;
  let lastEventId = options.lastEventId || '';
  let retryMs = 1000;
  let closed = false;
  let attemptController = null;
  let wake = null;

  const parser = new SseParser(
    (event) => {
      lastEventId = event.id;
      if (!closed) onEvent(event);
    },
    (ms) => {
      retryMs = ms;
    },
  );
  parser.lastEventId = lastEventId;

  const sleep = (ms) =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  async function connectOnce() {
    attemptController = new AbortController();
    const controller = attemptController;
    let idle = null;
    const touch = () => {
      clearTimeout(idle);
      idle = setTimeout(() => controller.abort(new Error('no data for ' + idleMs + ' ms')), idleMs);
    };
    try {
      const headers = { Accept: 'text/event-stream', Authorization: `Bearer ${token()}` };
      if (lastEventId) headers['Last-Event-ID'] = lastEventId;
      touch();
      const response = await fetchImpl(url, { headers, signal: controller.signal, cache: 'no-store' });
      if (!response.ok) {
        let detail = '';
        try {
          detail = (await response.json()).detail || '';
        } catch {
          // not a problem body
        }
        if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
          throw new StreamError(response.status, detail);
        }
        throw new Error(detail || `HTTP ${response.status}`);
      }
      onStatus('open', {});
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        touch();
        parser.push(value);
        if (closed) {
          reader.cancel().catch(() => {});
          break;
        }
      }
      return true;
    } finally {
      clearTimeout(idle);
    }
  }

  (async () => {
    let attempt = 0;
    onStatus('connecting', { attempt });
    while (!closed) {
      let ended = false;
      try {
        ended = await connectOnce();
        attempt = 0;
      } catch (error) {
        if (closed) break;
        if (error instanceof StreamError || !reconnect) {
          closed = true;
          onStatus('failed', { error });
          break;
        }
      }
      if (closed) break;
      if (ended && !reconnect) {
        closed = true;
        onStatus('closed', {});
        break;
      }
      attempt++;
      const delay = backoff(attempt, retryMs, maxDelayMs);
      onStatus('reconnecting', { attempt, delay });
      await sleep(delay);
    }
  })();

  return {
    close() {
      if (closed) return;
      closed = true;
      if (attemptController) attemptController.abort();
      if (wake) wake();
      onStatus('closed', {});
    },
    get lastEventId() {
      return lastEventId;
    },
  };
}

// Server-sent events read from a fetch() body: the parsing half of an EventSource, without its reconnects (the
// client decides those, with the id of the last event it handed on). Lines end with CRLF, LF or CR; a blank line
// dispatches the event; `:` starts a comment; `retry:` sets the reconnection delay.

export class SseParser {
  constructor(onRetry = () => {}) {
    this.onRetry = onRetry;
    this.buffer = '';
    this.skipLf = false;
    this.lastEventId = '';
    this.type = '';
    this.data = '';
    this.hasData = false;
  }

  /** Takes decoded text in chunks of any size; answers the events it completed, in order. */
  push(text) {
    const events = [];
    if (this.skipLf && text.startsWith('\n')) text = text.slice(1);
    this.skipLf = false;
    this.buffer += text;
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer[i];
      if (c !== '\n' && c !== '\r') continue;
      this.line(this.buffer.slice(start, i), events);
      if (c === '\r') {
        if (i + 1 === this.buffer.length) this.skipLf = true;
        else if (this.buffer[i + 1] === '\n') i++;
      }
      start = i + 1;
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  line(line, events) {
    if (line === '') {
      if (this.hasData) events.push({ id: this.lastEventId, event: this.type || 'message', data: this.data });
      this.type = '';
      this.data = '';
      this.hasData = false;
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.type = value;
    else if (field === 'data') {
      this.data += (this.hasData ? '\n' : '') + value;
      this.hasData = true;
    } else if (field === 'id' && !value.includes('\0')) this.lastEventId = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.onRetry(Number(value));
  }
}

/**
 * The events of one SSE response body, as `{id, event, data}` with the text of `data`; `onChunk` is called as each
 * chunk arrives (comments included: the client's idle timer), `onRetry` with each `retry:` value. Ends with the
 * body; a dropped connection rejects.
 */
export async function* readEvents(body, { onRetry, onChunk = () => {} } = {}) {
  const parser = new SseParser(onRetry);
  const decoder = new TextDecoder();
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      onChunk();
      yield* parser.push(decoder.decode(value, { stream: true }));
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

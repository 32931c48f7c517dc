// Follows one run's event stream with the npm `eventsource` package (the EventSource of browsers, for Node) and
// prints what it received as one JSON line: [{"id","type","data"}, ...]. Exits after end_json, or fails after 30 s.
// Usage: node sse-client.cjs <events-url> <token>
const { EventSource } = require('eventsource');

const [url, token] = process.argv.slice(2);
const received = [];
// eventsource 4 (Node 20) sends no headers of its own: a fetch of the caller's adds the token, as docs/design.md ("Streams") shows
const source = new EventSource(url, {
  fetch: (input, init) => fetch(input, { ...init, headers: { ...init.headers, Authorization: `Bearer ${token}` } }),
});
const timer = setTimeout(() => {
  console.error('timed out; received ' + received.length + ' events');
  process.exit(2);
}, 30000);

for (const type of ['start_json', 'log', 'progress_json', 'state_json', 'end_json']) {
  source.addEventListener(type, (event) => {
    received.push({ id: event.lastEventId, type: event.type, data: JSON.parse(event.data) });
    if (type === 'end_json') {
      source.close();
      clearTimeout(timer);
      console.log(JSON.stringify(received));
    }
  });
}
source.onerror = (error) => {
  if (error && error.code) {
    console.error('HTTP ' + error.code);
    process.exit(3);
  }
};

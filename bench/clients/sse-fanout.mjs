// Opens SUBSCRIBERS event streams of one run (spread over WORKERS processes) and measures, for every event that
// every SAMPLE-th subscriber receives after the warm-up, the delay from the event's "ts" (set by the engine) to its
// arrival here; those subscribers also check order and gaps, the others count their events.
// Prints one JSON line: subscribers connected, events received, gaps, delay percentiles (ms).
// Usage: URL=http://127.0.0.1:8097/v1/runs/<id>/events TOKEN=… SUBSCRIBERS=10000 WORKERS=2 SECONDS=20 node sse-fanout.mjs
import cluster from 'node:cluster';
import http from 'node:http';

const url = new URL(process.env.URL);
const token = process.env.TOKEN;
const subscribers = Number(process.env.SUBSCRIBERS || 10000);
const workers = Number(process.env.WORKERS || 2);
const seconds = Number(process.env.SECONDS || 20);
const warmupMs = Number(process.env.WARMUP_MS || 5000);
const sample = Number(process.env.SAMPLE || 10);
const FRAME_START = Buffer.from('\nevent: ');

// delays are kept as a histogram of milliseconds: {ms: count}
function percentile(histogram, total, p) {
  if (total === 0) return null;
  const rank = Math.ceil((p / 100) * total);
  let seen = 0;
  for (const ms of Object.keys(histogram).map(Number).sort((a, b) => a - b)) {
    seen += histogram[ms];
    if (seen >= rank) return ms;
  }
  return null;
}

if (cluster.isPrimary) {
  const results = [];
  for (let i = 0; i < workers; i++) {
    const worker = cluster.fork({ SHARE: String(Math.ceil(subscribers / workers)) });
    worker.on('message', (m) => {
      results.push(m);
      if (results.length === workers) {
        const delays = {};
        let measured = 0;
        for (const r of results) {
          for (const [ms, count] of Object.entries(r.delays)) {
            delays[ms] = (delays[ms] || 0) + count;
            measured += count;
          }
        }
        console.log(JSON.stringify({
          subscribers: results.reduce((s, r) => s + r.connected, 0),
          events: results.reduce((s, r) => s + r.events, 0),
          measured,
          gaps: results.reduce((s, r) => s + r.gaps, 0),
          errors: results.reduce((s, r) => s + r.errors, 0),
          closed_by_server: results.reduce((s, r) => s + r.closed, 0),
          connect_s: Math.max(...results.map((r) => r.connectMs ?? Infinity)) / 1000,
          p50_ms: percentile(delays, measured, 50), p99_ms: percentile(delays, measured, 99),
          max_ms: percentile(delays, measured, 100),
        }));
        process.exit(0);
      }
    });
  }
} else {
  const share = Number(process.env.SHARE);
  // join live: start after the events stored so far (the client of a dashboard that opens a running run)
  const stored = await (await fetch(url.href + '?limit=10000', {
    headers: { Accept: 'application/json', Authorization: `Bearer ${token}` } })).json();
  const after = stored.length === 0 ? 0 : stored[stored.length - 1].id;
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  let connected = 0, events = 0, gaps = 0, errors = 0, closed = 0;
  const delays = {};
  let measureFrom = Infinity;
  let connectMs = null;
  const started = Date.now();
  const open = (i) => {
    const request = http.get({ hostname: url.hostname, port: url.port, path: url.pathname + '?after=' + after, agent,
      headers: { Accept: 'text/event-stream', Authorization: `Bearer ${token}` } }, (response) => {
      if (response.statusCode !== 200) { errors++; response.resume(); return; }
      connected++;
      if (connected === share) {
        connectMs = Date.now() - started;
        measureFrom = Date.now() + warmupMs;
        setTimeout(report, warmupMs + seconds * 1000);
      }
      // the delay is timed, and order and gaps checked, on every SAMPLE-th subscriber (all its events); the others
      // only count their events (a byte search, no decoding), so that the client's own parsing, which shares the
      // machine with the server, does not become what is measured
      const timed = i % sample === 0;
      if (!timed) {
        response.on('data', (chunk) => {
          for (let at = chunk.indexOf(FRAME_START); at >= 0; at = chunk.indexOf(FRAME_START, at + 1)) events++;
        });
        response.on('error', () => errors++);
        response.on('end', () => closed++);
        return;
      }
      response.setEncoding('utf8');
      let buffer = '';
      let lastId = after;
      response.on('data', (chunk) => {
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!frame.startsWith('id: ')) continue;
          const seq = Number(frame.slice(4, frame.indexOf('\n')));
          if (seq !== lastId + 1) gaps++;
          lastId = seq;
          events++;
          const now = Date.now();
          if (now >= measureFrom) {
            const at = frame.indexOf('"ts": "');
            if (at >= 0) {
              const ms = now - Date.parse(frame.slice(at + 7, frame.indexOf('"', at + 7)));
              delays[ms] = (delays[ms] || 0) + 1;
            }
          }
        }
      });
      response.on('error', () => errors++);
      response.on('end', () => closed++);
    });
    request.on('error', () => errors++);
  };
  // open the connections in slices so that the accept queue keeps up
  let next = 0;
  const opener = setInterval(() => {
    for (let k = 0; k < 250 && next < share; k++) open(next++);
    if (next >= share) clearInterval(opener);
  }, 20);
  function report() {
    process.send({ connected, events, gaps, errors, closed, delays, connectMs }, () => process.exit(0));
  }
  setTimeout(report, 120000); // give up waiting for every connection after two minutes
}

// Unit tests of the console's DOM-free modules (SSE parsing and reconnect, params checks), with node:test.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  checkDelay, checkParams, checkPriority, fieldValue, isWorkspace, paramsHelp, problemText, simpleFields,
} from '../../main/resources/META-INF/resources/console/params.js';
import { SseParser, backoff, openStream } from '../../main/resources/META-INF/resources/console/sse.js';

function parse(...chunks) {
  const events = [];
  const retries = [];
  const parser = new SseParser((event) => events.push(event), (ms) => retries.push(ms));
  chunks.forEach((chunk) => parser.push(chunk));
  return { events, retries };
}

test('events split across chunks at any point, with CRLF, CR or LF line ends, parse the same', () => {
  const wire = 'retry: 3000\n: run 1\n\nid: 1\nevent: start_json\ndata: {"a":1}\n\nid: 2\nevent: log\ndata: x\n\n';
  const expected = [
    { type: 'start_json', data: '{"a":1}', id: '1' },
    { type: 'log', data: 'x', id: '2' },
  ];
  for (const ending of ['\n', '\r\n', '\r']) {
    const text = wire.replaceAll('\n', ending);
    for (let cut = 0; cut <= text.length; cut++) {
      const { events, retries } = parse(text.slice(0, cut), text.slice(cut));
      assert.deepEqual(events, expected, `ending ${JSON.stringify(ending)} cut at ${cut}`);
      assert.deepEqual(retries, [3000]);
    }
  }
});

test('multi-line data is joined with newlines; comments and unknown fields are ignored; id persists', () => {
  const { events } = parse('\uFEFFid: 7\ndata: one\ndata:two\nfoo: bar\n: keepalive\n\ndata: three\n\n');
  assert.deepEqual(events, [
    { type: 'message', data: 'one\ntwo', id: '7' },
    { type: 'message', data: 'three', id: '7' },
  ]);
});

test('an event without data is not dispatched, and an unterminated one waits for its blank line', () => {
  assert.deepEqual(parse('event: log\n\n').events, []);
  assert.deepEqual(parse('event: log\ndata: x\n').events, []);
});

test('backoff doubles from the base up to the maximum, within 20 % jitter', () => {
  assert.equal(backoff(1, 1000, 30000, () => 0.5), 1000);
  assert.equal(backoff(3, 1000, 30000, () => 0.5), 4000);
  assert.equal(backoff(10, 1000, 30000, () => 0.5), 30000);
  assert.equal(backoff(1, 1000, 30000, () => 0), 800);
  assert.equal(backoff(1, 1000, 30000, () => 1), 1200);
});

function sseResponse(text, { fail = false } = {}) {
  let sent = false;
  const body = new ReadableStream({
    pull(controller) {
      if (!sent) {
        sent = true;
        controller.enqueue(new TextEncoder().encode(text));
      } else if (fail) {
        controller.error(new TypeError('network error'));
      } else {
        controller.close();
      }
    },
  });
  return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
}

test('after a drop the stream reconnects with the token and Last-Event-ID, and gets each event once', async () => {
  const requests = [];
  const answers = [
    () => sseResponse('retry: 10\n\nid: 1\nevent: log\ndata: a\n\nid: 2\nevent: log\ndata: b\n\nid: 3\nevent: log\nda', { fail: true }),
    () => Promise.reject(new TypeError('connection refused')),
    () => sseResponse('id: 3\nevent: end_json\ndata: {}\n\n'),
  ];
  const received = [];
  const states = [];
  await new Promise((resolve, reject) => {
    const stream = openStream('/v1/runs/r/events', {
      token: () => 'secret',
      fetch: async (url, init) => {
        requests.push({ url, headers: init.headers });
        const answer = answers.shift();
        if (!answer) reject(new Error('one request too many'));
        return answer();
      },
      onEvent: (event) => {
        received.push(`${event.id}:${event.type}:${event.data}`);
        if (event.type === 'end_json') {
          stream.close();
          resolve();
        }
      },
      onStatus: (state, info) => states.push(info.attempt ? `${state}#${info.attempt}` : state),
    });
  });
  assert.deepEqual(received, ['1:log:a', '2:log:b', '3:end_json:{}']);
  assert.equal(requests.length, 3);
  assert.ok(requests.every((r) => r.headers.Authorization === 'Bearer secret' && r.url === '/v1/runs/r/events'));
  assert.equal(requests[0].headers['Last-Event-ID'], undefined);
  assert.equal(requests[1].headers['Last-Event-ID'], '2');
  assert.equal(requests[2].headers['Last-Event-ID'], '2');
  assert.deepEqual(states, ['connecting', 'open', 'reconnecting#1', 'reconnecting#2', 'open', 'closed']);
});

test('a 4xx answer stops the stream with its problem detail; it does not retry', async () => {
  let calls = 0;
  const failure = await new Promise((resolve) => {
    openStream('/v1/runs/x/events', {
      token: () => 't',
      fetch: async () => {
        calls++;
        return new Response(JSON.stringify({ status: 404, detail: 'Run x not found' }), { status: 404 });
      },
      onEvent: () => {},
      onStatus: (state, info) => {
        if (state === 'failed') resolve(info.error);
      },
    });
  });
  assert.equal(failure.status, 404);
  assert.equal(failure.message, 'Run x not found');
  assert.equal(calls, 1);
});

test('params are checked against the job schema before they are sent', () => {
  const schema = {
    properties: {
      items: { type: 'integer', minimum: 0 },
      date: { type: 'string', format: 'date' },
      older_than: { type: 'string', format: 'duration' },
    },
    additionalProperties: false,
  };
  assert.deepEqual(checkParams('', schema), { params: {} });
  assert.deepEqual(checkParams('{"items": 3, "date": "2024-05-31", "older_than": "90d"}', schema).params,
    { items: 3, date: '2024-05-31', older_than: '90d' });
  assert.match(checkParams('{"items": 3', schema).error, /not valid JSON/);
  assert.match(checkParams('[1]', schema).error, /must be a JSON object/);
  assert.match(checkParams('{"itmes": 3}', schema).error, /Unknown param "itmes"; this job takes items, date, older_than/);
  assert.match(checkParams('{"items": 1.5}', schema).error, /whole number/);
  assert.match(checkParams('{"items": -1}', schema).error, /at least 0/);
  assert.match(checkParams('{"date": "31.05.2024"}', schema).error, /date like/);
  assert.match(checkParams('{"older_than": "soon"}', schema).error, /duration like/);
  assert.equal(isWorkspace(''), true);
  assert.equal(isWorkspace('6f1c1a52-2b1e-4c1e-9f1e-1a2b3c4d5e6f'), true);
  assert.equal(isWorkspace('workspace-1'), false);
});

test('nested params are checked against the schema, each violation named by where it is', () => {
  const schema = {
    type: 'object',
    properties: {
      format: { enum: ['csv', 'xlsx'], default: 'csv' },
      columns: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
      filter: { $ref: '#/$defs/filter' },
      code: { type: 'string', pattern: '^[A-Z]{3}$' },
    },
    required: ['columns'],
    additionalProperties: false,
    $defs: { filter: { type: 'object', properties: { since: { type: 'string', format: 'date' } },
      additionalProperties: false } },
  };
  const good = '{"columns": ["id"], "filter": {"since": "2024-05-31"}, "code": "EUR"}';
  assert.deepEqual(checkParams(good, schema).params, JSON.parse(good));
  const cases = [
    ['{}', '/columns', /"columns" is required/],
    ['{"columns": []}', '/columns', /"columns" must hold at least 1 item$/],
    ['{"columns": [""]}', '/columns/0', /"columns\[0\]" must not be empty/],
    ['{"columns": [7]}', '/columns/0', /"columns\[0\]" must be a string/],
    ['{"columns": ["a"], "format": "pdf"}', '/format', /"format" must be one of "csv", "xlsx"/],
    ['{"columns": ["a"], "filter": {"since": "soon"}}', '/filter/since', /"filter.since" must be a date like/],
    ['{"columns": ["a"], "filter": {"until": 1}}', '/filter/until', /Unknown param "filter.until"; filter takes since/],
    ['{"columns": ["a"], "code": "eur"}', '/code', /"code" must match/],
  ];
  for (const [text, pointer, message] of cases) {
    const checked = checkParams(text, schema);
    assert.equal(checked.pointer, pointer, text);
    assert.match(checked.error, message, text);
  }
  assert.equal(simpleFields(schema), null, 'a schema with a list and an object is for the JSON editor');
  assert.match(paramsHelp({ description: 'Exports.', params_schema: schema }),
    /Params: format \(one of csv, xlsx\), columns \(array, required\), filter \(object\), code \(string\)\./);
});

test('a schema of simple fields makes a form, whose text reads back as values', () => {
  const fields = simpleFields({ type: 'object', required: ['items'], properties: {
    items: { type: 'integer', description: 'how many' }, ratio: { type: 'number' }, name: { type: 'string' },
    fast: { type: 'boolean' }, mode: { enum: ['a', 'b'] } } });
  assert.deepEqual(fields.map((field) => [field.name, field.kind, field.required]), [['items', 'integer', true],
    ['ratio', 'number', false], ['name', 'text', false], ['fast', 'boolean', false], ['mode', 'choice', false]]);
  assert.equal(fieldValue(fields[0], ''), undefined);
  assert.equal(fieldValue(fields[0], '12'), 12);
  assert.equal(fieldValue(fields[0], '12x'), '12x', 'not a number: kept as text for the check to name');
  assert.equal(fieldValue(fields[1], '0.5'), 0.5);
  assert.equal(fieldValue(fields[2], '12'), '12');
  assert.equal(fieldValue(fields[3], 'false'), false);
  assert.equal(fieldValue(fields[4], 'b'), 'b');
  assert.equal(simpleFields({ type: 'object', properties: { tags: { type: 'array' } } }), null);
  assert.equal(problemText({ message: 'Params of job x: /a is required (and 1 more, in \'errors\')', problem: {
    errors: [{ pointer: '/a', message: 'is required' }, { pointer: '/b', message: 'must be a string' }] } }),
  "Params of job x: /a is required (and 1 more, in 'errors'): /a is required; /b must be a string");
});

test('priority and delay are optional, and checked before they are sent', () => {
  assert.deepEqual(checkPriority(''), {});
  assert.deepEqual(checkPriority(' 7 '), { value: 7 });
  assert.deepEqual(checkPriority('-100'), { value: -100 });
  assert.deepEqual(checkPriority('100'), { value: 100 });
  for (const bad of ['101', '-101', '1.5', '1e2', 'high']) {
    assert.match(checkPriority(bad).error, /whole number from -100 to 100/, bad);
  }
  assert.match(checkPriority('', true).error, /whole number/, 'text a number field could not read');
  assert.deepEqual(checkDelay(''), {});
  for (const good of ['90s', '15m', '2h', '1d', '500ms', 'PT30M']) assert.deepEqual(checkDelay(good), { value: good });
  for (const bad of ['soon', '15', '-5m', '1 h']) assert.match(checkDelay(bad).error, /duration such as 90s/, bad);
});

// HTTP-aware faults (http_abort, http_delay, http_fault) on keep-alive connections through the proxy.
import assert from 'node:assert/strict';
import { type AddressInfo } from 'node:net';
import { Agent, createServer, request } from 'node:http';
import { test } from 'node:test';
import { addToxic, api, createProxy, withServer } from './helpers.ts';

interface Got {
  status: number;
  body: string;
  ms: number;
}

async function upstream() {
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      const body = Buffer.concat(parts);
      res.setHeader('x-echo-length', String(body.length));
      res.end(`${req.method} ${req.url} ${body.toString()}`);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { port: (server.address() as AddressInfo).port, close: () => (server.closeAllConnections(), server.close()) };
}

function send(port: number, agent: Agent, opts: { method?: string; path?: string; headers?: Record<string, string>; body?: string | string[] } = {}): Promise<Got> {
  const t = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, agent, method: opts.method ?? 'GET', path: opts.path ?? '/', headers: opts.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body, ms: performance.now() - t }));
    });
    req.on('error', reject);
    // an array body goes out chunked
    if (Array.isArray(opts.body)) for (const p of opts.body) req.write(p);
    else if (opts.body !== undefined) req.setHeader('content-length', Buffer.byteLength(opts.body)).write(opts.body);
    req.end();
  });
}

test('http_abort answers matching requests with the status and keeps the connection usable', () =>
  withServer(async (s) => {
    const up = await upstream();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const port = await createProxy(s, 'h', up.port);
      await addToxic(s, 'h', {
        type: 'http_abort',
        stream: 'upstream',
        attributes: { abort: { httpStatus: 503 }, match: [{ uri: { prefix: '/api' }, method: { exact: 'POST' } }] },
      });
      const ok = await send(port, agent, { path: '/ok' });
      assert.deepEqual([ok.status, ok.body], [200, 'GET /ok ']);
      const aborted = await send(port, agent, { method: 'POST', path: '/api/x', body: 'payload' });
      assert.equal(aborted.status, 503);
      assert.equal(aborted.body, 'fault filter abort');
      // a chunked body of an aborted request is swallowed whole: the next request on the same socket is intact
      assert.equal((await send(port, agent, { method: 'POST', path: '/api/y', body: ['ab', 'cd'] })).status, 503);
      const after = await send(port, agent, { method: 'PUT', path: '/api/z', body: ['12', '345'] });
      assert.deepEqual([after.status, after.body], [200, 'PUT /api/z 12345']);
      assert.equal((await send(port, agent, { method: 'GET', path: '/api/z' })).status, 200, 'method must match too');
    } finally {
      agent.destroy();
      up.close();
    }
  }));

test('http_abort percentage applies to about that share of requests', () =>
  withServer(
    async (s) => {
      const up = await upstream();
      const agent = new Agent({ keepAlive: true, maxSockets: 4 });
      try {
        const port = await createProxy(s, 'pct', up.port);
        await addToxic(s, 'pct', { type: 'http_abort', stream: 'upstream', attributes: { abort: { httpStatus: 500, percentage: { value: 30 } } } });
        let aborted = 0;
        const n = 400;
        for (let i = 0; i < n; i += 8) {
          const got = await Promise.all(Array.from({ length: 8 }, () => send(port, agent, { path: `/r${i}` })));
          aborted += got.filter((g) => g.status === 500).length;
        }
        assert.ok(aborted > n * 0.22 && aborted < n * 0.38, `${aborted} of ${n} aborted, expected ~30%`);
      } finally {
        agent.destroy();
        up.close();
      }
    },
    { seed: 42 },
  ));

test('http_delay holds matching requests (header regex) and passes bodies intact', () =>
  withServer(async (s) => {
    const up = await upstream();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const port = await createProxy(s, 'dl', up.port);
      await addToxic(s, 'dl', {
        type: 'http_delay',
        stream: 'upstream',
        attributes: { delay: { fixedDelay: '120ms' }, match: { headers: { 'x-user': { regex: 'test-\\d+' } } } },
      });
      const slow = await send(port, agent, { method: 'POST', path: '/a', headers: { 'x-user': 'test-42' }, body: ['x'.repeat(5000), 'y'] });
      assert.equal(slow.status, 200);
      assert.equal(slow.body, `POST /a ${'x'.repeat(5000)}y`);
      assert.ok(slow.ms >= 115, `delayed ${slow.ms} ms`);
      const fast = await send(port, agent, { path: '/b', headers: { 'x-user': 'test-x' } });
      assert.ok(fast.ms < 60, `not delayed: ${fast.ms} ms`);
    } finally {
      agent.destroy();
      up.close();
    }
  }));

test('http fault attributes are validated, and only upstream is allowed', () =>
  withServer(async (s) => {
    await createProxy(s, 'v', 1);
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ type: 'http_abort', stream: 'downstream', attributes: { abort: { httpStatus: 503 } } }, /stream must be upstream/],
      [{ type: 'http_abort', stream: 'upstream', attributes: { abort: { httpStatus: 99 } } }, /httpStatus/],
      [{ type: 'http_abort', stream: 'upstream' }, /abort is required/],
      [{ type: 'http_delay', stream: 'upstream', attributes: { delay: { fixedDelay: 'soon' } } }, /fixedDelay/],
      [{ type: 'http_fault', stream: 'upstream', attributes: { abort: { httpStatus: 503 }, match: [{ uri: { regex: '(' } }] } }, /regex/],
    ];
    for (const [body, re] of bad) {
      const r = await api(s, 'POST', '/proxies/v/toxics', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.match(r.json().error, re);
    }
    const ok = await addToxic(s, 'v', { type: 'http_fault', stream: 'upstream', attributes: { abort: { httpStatus: 503, percentage: { value: 10 } } } });
    const up = await api(s, 'PATCH', '/proxies/v/toxics/http_fault_upstream', { attributes: { delay: { fixedDelay: '1s' } } });
    assert.deepEqual(up.json().attributes, { ...ok.attributes, delay: { fixedDelay: '1s' } }, 'update merges attributes');
  }));

// The http probe driver against a real server on a random 127.0.0.1 port: status (redirects followed), latency of a
// delaying endpoint and its timeout, body text and patterns, JSON paths, and `responds` on a closed port.
import assert from 'node:assert/strict';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ActivityFailed } from '../../src/errors.ts';
import type { Activity } from '../../src/experiment/types.ts';
import '../../src/providers/index.ts';
import { getProvider } from '../../src/providers/registry.ts';

const provider = getProvider('python')!;
const call = (func: string, args: Record<string, unknown>) => {
  const activity = { type: 'probe', name: func, provider: { type: 'python', module: 'turbulence.http', func, arguments: args } } as Activity;
  return provider.run(activity, { configuration: {}, secrets: {} });
};

function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url!, 'http://x');
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    switch (url.pathname) {
      case '/ok':
        return void res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' }).end('hello wörld\nstatus: green\n');
      case '/unavailable':
        return void res.writeHead(503).end('down');
      case '/moved':
        return void res.writeHead(302, { Location: '/ok' }).end();
      case '/slow': {
        const timer = setTimeout(() => res.writeHead(200).end('late'), Number(url.searchParams.get('ms')));
        // a client that gave up closes the connection: the test process need not wait for the timer
        return void res.once('close', () => clearTimeout(timer));
      }
      case '/json':
        return void res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ service: { status: 'ok', replicas: [{ id: 1 }, { id: 2 }, { id: 3 }] } }));
      case '/json-charset':
        return void res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' }).end('{"rate": 1.08}');
      case '/echo':
        return void res
          .writeHead(201, { 'Content-Type': 'application/json' })
          .end(JSON.stringify({ method: req.method, type: req.headers['content-type'] ?? null, body: Buffer.concat(chunks).toString() }));
      default:
        return void res.writeHead(404).end('not found');
    }
  });
}

const server = createServer(handle);
let base = '';
let closedPort = 0;
before(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // a port nothing listens on: bound once, then closed
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
});
after(() => {
  server.closeAllConnections();
  server.close();
});

describe('turbulence.http', () => {
  it('status: the code, 4xx/5xx included, redirects followed; a POST with a JSON body', async () => {
    assert.equal(await call('status', { url: `${base}/ok` }), 200);
    assert.equal(await call('status', { url: `${base}/unavailable` }), 503);
    assert.equal(await call('status', { url: `${base}/nope` }), 404);
    assert.equal(await call('status', { url: `${base}/moved` }), 200);
    assert.equal(await call('status', { url: `${base}/echo`, method: 'POST', body: { a: 1 } }), 201);
    const echoed = await call('json_path', { url: `${base}/echo`, method: 'PUT', body: { a: 1 }, path: '$.type' });
    assert.equal(echoed, 'application/json');
    assert.equal(await call('json_path', { url: `${base}/echo`, method: 'PUT', body: { a: 1 }, path: '$.body' }), '{"a": 1}');
    assert.equal(await call('json_path', { url: `${base}/echo`, method: 'POST', body: 'raw text', path: '$.body' }), 'raw text');
    await assert.rejects(call('status', { url: `${base}/ok`, body: 'x' }), /a GET request takes no body/);
  });

  it('status fails clearly on a closed port', async () => {
    await assert.rejects(call('status', { url: `http://127.0.0.1:${closedPort}/` }), (e: Error) =>
      e instanceof ActivityFailed && e.message.startsWith(`failed to connect to http://127.0.0.1:${closedPort}/`) && /Connection refused/.test(e.message),
    );
  });

  it('latency: seconds to the last byte of a delaying endpoint; several samples give min/avg/p50/max', async () => {
    const one = (await call('latency', { url: `${base}/slow?ms=250` })) as number;
    assert.equal(typeof one, 'number');
    assert.ok(one >= 0.24 && one < 2, `latency ${one}`);
    const many = (await call('latency', { url: `${base}/slow?ms=50`, samples: 3 })) as Record<string, number>;
    assert.deepEqual(Object.keys(many), ['min', 'avg', 'p50', 'max']);
    assert.ok(many.min! >= 0.045 && many.min! <= many.p50! && many.p50! <= many.max! && many.max! < 2, JSON.stringify(many));
    assert.ok(many.avg! >= many.min! && many.avg! <= many.max!);
  });

  it('latency beyond the timeout fails with a clear message, at the deadline', async () => {
    const start = Date.now();
    await assert.rejects(call('latency', { url: `${base}/slow?ms=3000`, timeout: 0.3 }), (e: Error) =>
      e instanceof ActivityFailed && e.message === `GET ${base}/slow?ms=3000: no complete response within 0.3 s`,
    );
    const took = Date.now() - start;
    assert.ok(took >= 280 && took < 1500, `took ${took} ms`);
  });

  it('body_contains: text (UTF-8 by the charset) or a multiline pattern, exactly one of them', async () => {
    assert.equal(await call('body_contains', { url: `${base}/ok`, text: 'wörld' }), true);
    assert.equal(await call('body_contains', { url: `${base}/ok`, text: 'red' }), false);
    assert.equal(await call('body_contains', { url: `${base}/ok`, pattern: '^status: (green|amber)$' }), true);
    assert.equal(await call('body_contains', { url: `${base}/unavailable`, pattern: '^up' }), false);
    await assert.rejects(call('body_contains', { url: `${base}/ok` }), /exactly one of text or pattern/);
    await assert.rejects(call('body_contains', { url: `${base}/ok`, pattern: '(' }), /invalid pattern "\("/);
  });

  it('json_path: the first match, null for none, every match with all; a body that is not JSON fails', async () => {
    const url = `${base}/json`;
    assert.equal(await call('json_path', { url, path: '$.service.status' }), 'ok');
    assert.deepEqual(await call('json_path', { url, path: '$.service.replicas[*].id', all: true }), [1, 2, 3]);
    // the jsonpath2 dialect of the tolerances: a filter tests the current node
    assert.deepEqual(await call('json_path', { url, path: '$.service.replicas[*][?(@.id > 1)].id', all: true }), [2, 3]);
    assert.equal(await call('json_path', { url, path: '$.service.missing' }), null);
    assert.deepEqual(await call('json_path', { url, path: '$.service.missing', all: true }), []);
    assert.equal(await call('json_path', { url: `${base}/json-charset`, path: '$.rate' }), 1.08);
    await assert.rejects(call('json_path', { url: `${base}/ok`, path: '$.a' }), /the response of GET .*\/ok \(status 200\) is not JSON/);
    await assert.rejects(call('json_path', { url, path: '$.[' }), /argument 'path' of activity 'json_path': JSON path \$\.\[ is invalid/);
  });

  it('responds: true for 2xx/3xx, false for other codes, a closed port or a timeout; expect_status narrows it', async () => {
    assert.equal(await call('responds', { url: `${base}/ok` }), true);
    assert.equal(await call('responds', { url: `${base}/unavailable` }), false);
    assert.equal(await call('responds', { url: `${base}/unavailable`, expect_status: 503 }), true);
    assert.equal(await call('responds', { url: `${base}/ok`, expect_status: [201, 204] }), false);
    assert.equal(await call('responds', { url: `http://127.0.0.1:${closedPort}/` }), false);
    const start = Date.now();
    assert.equal(await call('responds', { url: `${base}/slow?ms=3000`, timeout: 0.2 }), false);
    assert.ok(Date.now() - start < 1500);
  });

  it('argument values are checked (URL scheme, method, samples bound)', async () => {
    await assert.rejects(call('status', { url: 'ftp://x' }), /argument 'url' of activity 'status': expected an http:\/\/ or https:\/\/ URL/);
    await assert.rejects(call('status', { url: `${base}/ok`, method: 'BREW' }), /argument 'method' of activity 'status': expected one of/);
    await assert.rejects(call('latency', { url: `${base}/ok`, samples: 5000 }), /expected a number of at most 1000/);
  });
});

// The generator against a real node:http server on 127.0.0.1: what the server saw matches what the summary counts,
// both loops keep their promise (concurrency ≤ N, rate ≈ R), bounds hold, latency tracks a server-imposed delay,
// and failures are counted by kind.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ChaosError } from '../../src/errors.ts';
import { generateLoad } from '../../src/load/generator.ts';
import type { LoadOptions } from '../../src/load/options.ts';
import { type TestServer, startServer } from './server.ts';

let server: TestServer;
before(async () => (server = await startServer()));
after(() => server.close());

const load = (url: string, o: Partial<LoadOptions> = {}) =>
  generateLoad({
    url,
    connections: 2,
    rate: null,
    duration: 2,
    requests: null,
    method: 'GET',
    headers: {},
    body: null,
    timeout: 5,
    allowRemote: false,
    insecure: false,
    ...o,
  });

function reset(): void {
  Object.assign(server.seen, { requests: 0, methods: new Map(), headers: [], bodies: [], inFlight: 0, maxInFlight: 0 });
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => s.once('listening', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

describe('load generator', () => {
  it('sends exactly --requests requests, with the method, headers and body the server sees', async () => {
    reset();
    const s = await load(`${server.url}/echo?q=1`, { requests: 200, connections: 5, method: 'post', headers: { 'X-Test': 'yes' }, body: Buffer.from('payload ✓') });
    assert.equal(s.stopped_by, 'requests');
    assert.deepEqual(s.requests, { sent: 200, completed: 200, failed: 0, per_second: s.requests.per_second });
    assert.deepEqual(s.status, { '200': 200 });
    assert.equal(s.errors.total, 0);
    assert.equal(s.method, 'POST');
    assert.equal(server.seen.requests, 200);
    assert.deepEqual([...server.seen.methods], [['POST', 200]]);
    assert.ok(server.seen.headers.every((h) => h['x-test'] === 'yes' && h.host === new URL(server.url).host && h['content-length'] === '11'));
    assert.ok(server.seen.bodies.every((b) => b === 'payload ✓'));
    // the same serialized request each time, the body included
    assert.ok(Number.isInteger(s.bytes.written / 200) && s.bytes.written / 200 > 11 + 'POST /echo?q=1 HTTP/1.1\r\n'.length, String(s.bytes.written));
    assert.ok(s.bytes.read > 200 * 'hello'.length);
  });

  it('closed loop: never more than --connections requests in flight, and uses them all', async () => {
    reset();
    const s = await load(`${server.url}/delay?ms=10`, { connections: 4, duration: 0.6 });
    assert.equal(server.seen.maxInFlight, 4);
    assert.equal(s.mode, 'closed');
    assert.equal(s.rate, null);
    // 4 at a time, ~10 ms each: about 400/s
    assert.ok(s.requests.completed > 60 && s.requests.completed <= 4 * 62, String(s.requests.completed));
  });

  it('open loop: achieves the rate, counting latency from the scheduled send time', async () => {
    reset();
    const s = await load(`${server.url}/`, { rate: 200, connections: 4, duration: 1.5 });
    assert.equal(s.mode, 'open');
    assert.ok(Math.abs(s.requests.completed - 300) <= 15, `completed ${s.requests.completed}`);
    assert.ok(Math.abs(server.seen.requests - 300) <= 15, `server saw ${server.seen.requests}`);
    assert.equal(s.rate!.target, 200);
    assert.ok(Math.abs(s.rate!.achieved - 200) <= 10, `achieved ${s.rate!.achieved}`);
    // every due request found a connection (whether each went out within 10 ms depends on the machine's load)
    assert.equal(s.rate!.backlog + s.rate!.missed, 0, JSON.stringify(s.rate));
  });

  it('open loop: says when too few connections cannot keep up, and latency includes the wait', async () => {
    // 2 connections x 50 ms = 40 req/s at most, for 200 asked
    const s = await load(`${server.url}/delay?ms=50`, { rate: 200, connections: 2, duration: 1 });
    assert.equal(s.rate!.kept_up, false);
    assert.ok(s.rate!.backlog > 100, `backlog ${s.rate!.backlog}`);
    assert.ok(s.requests.completed <= 45, `completed ${s.requests.completed}`);
    // queued requests waited for a connection: far above the 50 ms service time
    assert.ok(s.latency_ms.max > 400, `max ${s.latency_ms.max}`);
  });

  it('stops at the duration', async () => {
    const t = performance.now();
    const s = await load(`${server.url}/`, { duration: 0.5 });
    const wall = performance.now() - t;
    assert.equal(s.stopped_by, 'duration');
    assert.ok(s.duration >= 0.5 && s.duration < 0.7, String(s.duration));
    assert.ok(wall < 1000, String(wall));
    assert.ok(s.requests.completed > 0);
  });

  it('latency percentiles follow a server-imposed delay of 20 ms', async () => {
    const s = await load(`${server.url}/delay?ms=20`, { connections: 5, duration: 1 });
    const l = s.latency_ms;
    assert.ok(l.min >= 19 && l.p50 >= 19.5 && l.p50 < 30, JSON.stringify(l));
    assert.ok(l.min <= l.p50 && l.p50 <= l.p90 && l.p90 <= l.p99 && l.p99 <= l.p99_9 && l.p99_9 <= l.max, JSON.stringify(l));
    assert.ok(l.mean >= 19.5 && l.mean < 35, JSON.stringify(l));
  });

  it('reads chunked bodies, bodies ended by the close, HEAD responses and non-2xx statuses', async () => {
    const chunked = await load(`${server.url}/chunked`, { requests: 50 });
    assert.equal(chunked.requests.completed, 50);
    assert.equal(chunked.errors.total, 0);
    const untilClose = await load(`${server.url}/until-close`, { requests: 20 });
    assert.equal(untilClose.requests.completed, 20);
    assert.equal(untilClose.errors.total, 0);
    const head = await load(`${server.url}/`, { requests: 30, method: 'HEAD' });
    assert.equal(head.requests.completed, 30);
    assert.equal(head.errors.total, 0);
    const missing = await load(`${server.url}/missing`, { requests: 10 });
    assert.deepEqual(missing.status, { '404': 10 });
    assert.equal(missing.non_2xx, 10);
  });

  it('counts a dropped connection, a refused port and a timeout as errors of their kind', async () => {
    const dropped = await load(`${server.url}/destroy`, { requests: 20 });
    assert.equal(dropped.requests.completed, 0);
    assert.equal(dropped.errors.total, 20);
    assert.equal((dropped.errors.closed ?? 0) + (dropped.errors.reset ?? 0), 20, JSON.stringify(dropped.errors));

    const port = await closedPort();
    const refused = await load(`http://127.0.0.1:${port}/`, { requests: 6, connections: 2 });
    assert.deepEqual(refused.errors, { total: 6, connect_refused: 6 });
    assert.equal(refused.requests.completed, 0);
    assert.equal(refused.bytes.written, 0, 'a request queued on a refused connection never went out');

    const hung = await load(`${server.url}/hang`, { requests: 3, connections: 1, timeout: 0.1 });
    assert.deepEqual(hung.errors, { total: 3, timeout: 3 });
    assert.ok(hung.duration < 1, String(hung.duration));
  });

  it('refuses a non-loopback target unless allowed', async () => {
    await assert.rejects(load('http://192.0.2.1/'), (err: Error) => err instanceof ChaosError && /not a loopback address.*--allow-remote/.test(err.message));
    await assert.rejects(load('ftp://127.0.0.1/'), /unsupported URL scheme/);
    await assert.rejects(load(`${server.url}/`, { connections: 10_001 }), /connections must be an integer from 1 to 10000/);
    // localhost resolves to loopback: allowed
    const s = await load(`${server.url.replace('127.0.0.1', 'localhost')}/`, { requests: 5 });
    assert.equal(s.requests.completed, 5);
  });

  it('stops early when its signal aborts', async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 200);
    const t = performance.now();
    const s = await generateLoad(
      { url: `${server.url}/delay?ms=5`, connections: 2, rate: null, duration: 30, requests: null, method: 'GET', headers: {}, body: null, timeout: 5, allowRemote: false, insecure: false },
      { signal: abort.signal },
    );
    assert.equal(s.stopped_by, 'interrupted');
    assert.ok(performance.now() - t < 1000);
    assert.ok(s.requests.completed > 0);
  });
});

// The effect of each toxic on real TCP connections (127.0.0.1), through the real toxiproxy-server 2.12.0 and
// through Turbulence's proxy: the same toxic, the same peer, the same measurement, one server after the other.
// Turbulence's figure must be within a tolerance of Toxiproxy's AND of the nominal value (the attribute), so a
// shared error (say, both slow because the machine is loaded) is not enough to pass, nor is matching an oracle
// that drifted. Timings are medians of a few samples; each case takes well under a second.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ApiServer, probe, request, startToxiproxy, startTurbulence } from './servers.ts';
import { echoServer, pattern, type Peer, percentile, PingClient, pingPong, receive, type Received, sinkServer, sourceServer } from './tcp.ts';

let toxiproxy: ApiServer;
let turbulence: ApiServer;
let echo: Peer;
let sink: Peer & { received(): Promise<number> };
let source1k: Peer;
let source10k: Peer;
let source300k: Peer;

interface Toxic {
  type: string;
  stream?: string;
  toxicity?: number;
  attributes?: Record<string, number>;
}

async function api(server: ApiServer, method: string, path: string, body?: unknown): Promise<unknown> {
  const r = await request(server.url, method, path, body === undefined ? undefined : JSON.stringify(body));
  assert.ok(r.status < 300, `${server.name}: ${method} ${path} -> ${r.status} ${r.body}`);
  return r.body ? JSON.parse(r.body) : undefined;
}

/** Creates proxy `fx` to the peer with these toxics, runs `measure` on its port, deletes it. */
async function through<T>(server: ApiServer, peer: Peer, toxics: Toxic[], measure: (port: number) => Promise<T>): Promise<T> {
  const proxy = await api(server, 'POST', '/proxies', { name: 'fx', listen: '127.0.0.1:0', upstream: `127.0.0.1:${peer.port}` }) as { listen: string };
  try {
    for (const t of toxics) await api(server, 'POST', '/proxies/fx/toxics', t);
    return await measure(Number(/:(\d+)$/.exec(proxy.listen)![1]));
  } finally {
    await api(server, 'DELETE', '/proxies/fx');
  }
}

/** The same measurement through Toxiproxy, then through Turbulence. */
async function both<T>(peer: Peer, toxics: Toxic[], measure: (port: number) => Promise<T>): Promise<{ toxiproxy: T; turbulence: T }> {
  return { toxiproxy: await through(toxiproxy, peer, toxics, measure), turbulence: await through(turbulence, peer, toxics, measure) };
}

function near(label: string, actual: number, expected: number, tolerance: number): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${label}: ${actual.toFixed(1)}, expected ${expected.toFixed(1)} ± ${tolerance}`);
}

function within(label: string, actual: number, min: number, max: number): void {
  assert.ok(actual >= min && actual <= max, `${label}: ${actual.toFixed(1)}, expected within [${min}, ${max}]`);
}

const median = (xs: number[]) => percentile(xs, 50);

describe('toxic effects: Turbulence against toxiproxy-server 2.12.0 and the nominal values', () => {
  before(async () => {
    [toxiproxy, turbulence, echo, sink, source1k, source10k, source300k] = await Promise.all([
      startToxiproxy(), startTurbulence(), echoServer(), sinkServer(), sourceServer(1000), sourceServer(10_000), sourceServer(300_000),
    ]);
  });
  after(async () => {
    await Promise.all([toxiproxy, turbulence, echo, sink, source1k, source10k, source300k].map((x) => x?.close()));
  });

  test('no toxic: bytes pass unchanged, in both directions', async () => {
    const payload = pattern(200_000);
    const r = await both(echo, [], (port) => receive(port, { send: payload, until: payload.length, limitMs: 3000 }));
    for (const [name, got] of Object.entries(r)) {
      assert.equal(got.ending, 'complete', name);
      assert.ok(got.data.equals(payload), `${name}: echoed bytes differ (${got.data.length} bytes)`);
    }
  });

  test('latency 80 ms downstream adds 80 ms to each round trip', async () => {
    const base = median(await pingPong(echo.port, 5));
    const r = await both(echo, [{ type: 'latency', attributes: { latency: 80 } }], async (port) => median(await pingPong(port, 5)));
    near('toxiproxy round trip', r.toxiproxy - base, 80, 15);
    near('turbulence round trip', r.turbulence - base, 80, 15);
    near('turbulence vs toxiproxy', r.turbulence, r.toxiproxy, 10);
  });

  test('latency 40 ms each way (upstream and downstream toxics) adds 80 ms', async () => {
    const toxics = [
      { type: 'latency', stream: 'upstream', attributes: { latency: 40 } },
      { type: 'latency', stream: 'downstream', attributes: { latency: 40 } },
    ];
    const r = await both(echo, toxics, async (port) => median(await pingPong(port, 5)));
    near('toxiproxy round trip', r.toxiproxy, 80, 15);
    near('turbulence round trip', r.turbulence, 80, 15);
    near('turbulence vs toxiproxy', r.turbulence, r.toxiproxy, 10);
  });

  test('latency with toxicity 0 adds nothing', async () => {
    const r = await both(echo, [{ type: 'latency', toxicity: 0, attributes: { latency: 200 } }], async (port) => median(await pingPong(port, 3)));
    assert.ok(r.toxiproxy < 30, `toxiproxy ${r.toxiproxy}`);
    assert.ok(r.turbulence < 30, `turbulence ${r.turbulence}`);
  });

  test('bandwidth 1000 KB/s: 300 kB take 300 ms', async () => {
    const r = await both(source300k, [{ type: 'bandwidth', attributes: { rate: 1000 } }], (port) => receive(port, { limitMs: 3000 }));
    for (const [name, got] of Object.entries(r)) {
      assert.equal(got.data.length, 300_000, name);
      assert.equal(got.ending, 'end', name);
    }
    // KB is 1000 bytes in Toxiproxy (sleep = len * 1 ms / rate), so rate kB/s = bytes per ms.
    const rate = (x: Received) => x.data.length / x.endedAt;
    near('toxiproxy rate (kB/s)', rate(r.toxiproxy), 1000, 150);
    near('turbulence rate (kB/s)', rate(r.turbulence), 1000, 150);
    near('turbulence vs toxiproxy rate', rate(r.turbulence), rate(r.toxiproxy), 150);
  });

  test('limit_data 1234 bytes: exactly 1234 bytes, then the connection closes', async () => {
    const r = await both(source10k, [{ type: 'limit_data', attributes: { bytes: 1234 } }], (port) => receive(port, { limitMs: 2000 }));
    for (const [name, got] of Object.entries(r)) {
      assert.equal(got.data.length, 1234, name);
      assert.ok(got.data.equals(pattern(1234)), name);
      assert.notEqual(got.ending, 'timeout', name);
    }
    assert.equal(r.turbulence.ending, r.toxiproxy.ending);
  });

  test('limit_data upstream: the server receives only the first N bytes', async () => {
    const r = await both(sink, [{ type: 'limit_data', stream: 'upstream', attributes: { bytes: 100 } }], async (port) => {
      const received = sink.received();
      const client = await receive(port, { send: pattern(5000), limitMs: 2000 });
      return { client: client.ending, server: await received };
    });
    assert.equal(r.toxiproxy.server, 100);
    assert.equal(r.turbulence.server, 100);
    assert.notEqual(r.turbulence.client, 'timeout', 'the client connection is closed too');
  });

  test('reset_peer 100 ms: the client gets an RST about 100 ms after the first data', async () => {
    const r = await both(echo, [{ type: 'reset_peer', attributes: { timeout: 100 } }], (port) => receive(port, { send: Buffer.from('hello'), limitMs: 2000 }));
    assert.equal(r.toxiproxy.ending, 'reset');
    assert.equal(r.turbulence.ending, 'reset');
    assert.equal(r.turbulence.data.length, r.toxiproxy.data.length, 'bytes delivered before the reset');
    near('toxiproxy reset time', r.toxiproxy.endedAt, 100, 30);
    near('turbulence reset time', r.turbulence.endedAt, 100, 30);
  });

  test('reset_peer 0: immediate RST', async () => {
    const r = await both(echo, [{ type: 'reset_peer', attributes: { timeout: 0 } }], (port) => receive(port, { send: Buffer.from('hello'), limitMs: 2000 }));
    assert.equal(r.toxiproxy.ending, 'reset');
    assert.equal(r.turbulence.ending, 'reset');
    assert.ok(r.turbulence.endedAt < 50, `turbulence ${r.turbulence.endedAt}`);
  });

  test('timeout 150 ms: data is dropped and the connection closes after 150 ms', async () => {
    const r = await both(echo, [{ type: 'timeout', attributes: { timeout: 150 } }], (port) => receive(port, { send: Buffer.from('hello'), limitMs: 2000 }));
    for (const [name, got] of Object.entries(r)) {
      assert.equal(got.data.length, 0, name);
      assert.notEqual(got.ending, 'timeout', name);
    }
    assert.equal(r.turbulence.ending, r.toxiproxy.ending);
    near('toxiproxy close time', r.toxiproxy.endedAt, 150, 30);
    near('turbulence close time', r.turbulence.endedAt, 150, 30);
  });

  test('timeout 0: data is held and the connection stays open', async () => {
    const r = await both(echo, [{ type: 'timeout', attributes: { timeout: 0 } }], (port) => receive(port, { send: Buffer.from('hello'), limitMs: 300 }));
    for (const [name, got] of Object.entries(r)) {
      assert.equal(got.ending, 'timeout', `${name}: still open after 300 ms`);
      assert.equal(got.data.length, 0, name);
    }
  });

  test('slicer 100 ± 0 bytes, 10 ms apart: 1000 bytes arrive as 16 slices over ~150 ms', async () => {
    const r = await both(source1k, [{ type: 'slicer', attributes: { average_size: 100, size_variation: 0, delay: 10_000 } }], (port) => receive(port, { limitMs: 2000 }));
    for (const [name, got] of Object.entries(r)) {
      assert.ok(got.data.equals(pattern(1000)), `${name}: bytes`);
      assert.ok(got.chunks.length >= 12, `${name}: ${got.chunks.length} reads`);
      assert.ok(Math.max(...got.chunks.map((c) => c.size)) <= 125, `${name}: a slice larger than 125 bytes`);
    }
    // Halving 1000 until a piece is within 100 + 0 bytes gives 16 pieces of 62 or 63 bytes, 15 delays of 10 ms.
    // Timers overshoot under load, 15 times over, so the upper bound is looser than the lower one.
    const span = (x: Received) => x.chunks.at(-1)!.at - x.chunks[0].at;
    within('toxiproxy span', span(r.toxiproxy), 130, 260);
    within('turbulence span', span(r.turbulence), 130, 260);
    near('turbulence vs toxiproxy span', span(r.turbulence), span(r.toxiproxy), 60);
  });

  test('slow_close 200 ms: data arrives at once, the close 200 ms later', async () => {
    const r = await both(source1k, [{ type: 'slow_close', attributes: { delay: 200 } }], (port) => receive(port, { limitMs: 2000 }));
    for (const [name, got] of Object.entries(r)) {
      assert.equal(got.data.length, 1000, name);
      assert.ok(got.chunks[0].at < 50, `${name}: first byte at ${got.chunks[0].at}`);
      assert.equal(got.ending, 'end', name);
    }
    near('toxiproxy close time', r.toxiproxy.endedAt, 200, 40);
    near('turbulence close time', r.turbulence.endedAt, 200, 40);
  });

  test('down (enabled: false): new connections are refused and open ones are closed', async () => {
    const measure = (server: ApiServer) => through(server, echo, [], async (port) => {
      const open = receive(port, { limitMs: 2000 });
      await pingPong(port, 1);
      await new Promise((r) => setTimeout(r, 50));
      await api(server, 'PATCH', '/proxies/fx', { enabled: false });
      const existing = await open;
      const fresh = await probe(port);
      await api(server, 'PATCH', '/proxies/fx', { enabled: true });
      return { existing: existing.ending, fresh, after: await probe(port) };
    });
    const expected = { existing: 'end', fresh: 'refused', after: 'open' };
    assert.deepEqual(await measure(toxiproxy), expected);
    assert.deepEqual(await measure(turbulence), expected);
  });

  test('removing a toxic restores the stream on open connections', async () => {
    const measure = (server: ApiServer) => through(server, echo, [{ type: 'latency', attributes: { latency: 100 } }], async (port) => {
      const client = await PingClient.connect(port);
      try {
        const slow = await client.rtt();
        await api(server, 'DELETE', '/proxies/fx/toxics/latency_downstream');
        return { slow, fast: Math.max(await client.rtt(), await client.rtt()) };
      } finally {
        client.close();
      }
    });
    for (const r of [await measure(toxiproxy), await measure(turbulence)]) {
      assert.ok(r.slow >= 99, `with the toxic: ${r.slow}`);
      assert.ok(r.fast < 30, `after removal: ${r.fast}`);
    }
  });
});

// toxiproxy-node-client 4.1.0, used unchanged, for every call it makes (network.md §4). The same assertions run
// against the real toxiproxy-server (so they are known to hold for the reference) and against Turbulence's proxy.
// Unlike the client's own suite, the error cases assert that the promise really rejects, with the status code.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Toxiproxy, ToxiproxyError } from 'toxiproxy-node-client';
import { startProxyServer } from '../../src/proxy/server.ts';
import { type ApiServer, probe, request, startToxiproxy, startTurbulence } from './servers.ts';
import { echoServer, type Peer, pingPong } from './tcp.ts';

async function rejects(p: Promise<unknown>, status: number): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof ToxiproxyError, `expected a ToxiproxyError, got ${String(e)}`);
    assert.equal(e.message, `Request failed with status code ${status}`);
    return true;
  });
}

const portOf = (listen: string): number => Number(/:(\d+)$/.exec(listen)![1]);

for (const start of [startToxiproxy, startTurbulence]) {
  describe(`toxiproxy-node-client against ${start === startToxiproxy ? 'toxiproxy-server (oracle)' : 'Turbulence'}`, () => {
    let server: ApiServer;
    let client: Toxiproxy;
    let echo: Peer;
    before(async () => {
      [server, echo] = await Promise.all([start(), echoServer()]);
      client = new Toxiproxy(server.url);
    });
    after(async () => {
      await Promise.all([server?.close(), echo?.close()]);
    });

    test('getVersion returns the version document as text', async () => {
      const text = await client.getVersion();
      assert.equal(typeof JSON.parse(text).version, 'string');
    });

    test('proxies: create, get, getAll, update via POST, remove', async () => {
      const upstream = `127.0.0.1:${echo.port}`;
      const proxy = await client.createProxy({ name: 'echo', listen: '127.0.0.1:0', upstream });
      assert.equal(proxy.name, 'echo');
      assert.equal(proxy.upstream, upstream);
      assert.equal(proxy.enabled, true);
      const port = portOf(proxy.listen);
      assert.ok(port > 0, `listen ${proxy.listen} should carry the real port`);
      assert.ok((await pingPong(port, 3)).length === 3, 'traffic flows through the new proxy');

      await rejects(client.createProxy({ name: 'echo', listen: '127.0.0.1:0', upstream }), 409);
      await rejects(client.createProxy({ name: 'clash', listen: proxy.listen, upstream }), 500);
      await rejects(client.createProxy({ name: '', listen: '127.0.0.1:0', upstream }), 400);

      const got = await client.get('echo');
      assert.deepEqual(got.toJson(), proxy.toJson());
      await rejects(client.get('nope'), 404);

      const all = await client.getAll();
      assert.deepEqual(Object.keys(all), ['echo']);
      assert.equal(all.echo.listen, proxy.listen);

      const disabled = await proxy.update({ enabled: false, listen: proxy.listen, upstream });
      assert.equal(disabled.enabled, false);
      assert.equal(disabled.listen, proxy.listen);
      assert.equal(await probe(port), 'refused');
      const enabled = await disabled.update({ ...disabled.toJson(), enabled: true });
      assert.equal(enabled.enabled, true);
      assert.equal(await probe(port), 'open');

      await proxy.remove();
      await rejects(client.get('echo'), 404);
      await rejects(proxy.remove(), 404);
      assert.equal(await probe(port), 'refused');
      await rejects(proxy.update({ enabled: true, listen: proxy.listen, upstream }), 404);
    });

    test('populate creates several proxies and rejects invalid lists', async () => {
      const upstream = `127.0.0.1:${echo.port}`;
      const proxies = await client.populate([
        { name: 'p1', listen: '127.0.0.1:0', upstream },
        { name: 'p2', listen: '127.0.0.1:0', upstream, enabled: false },
      ]);
      assert.deepEqual(Object.keys(proxies).sort(), ['p1', 'p2']);
      assert.equal(proxies.p1.enabled, true);
      assert.equal(proxies.p2.enabled, false);
      assert.equal(await probe(portOf(proxies.p1.listen)), 'open');
      await rejects(client.populate([{ name: 'p3', listen: '127.0.0.1:0', upstream }, { name: 'p4', listen: '127.0.0.1:0', upstream: '' }]), 400);
      assert.deepEqual(Object.keys(await client.getAll()).sort(), ['p1', 'p2'], 'a rejected populate creates nothing');
      for (const p of Object.values(proxies)) await p.remove();
    });

    test('toxics: add, get, update via POST, remove, and their effect', async () => {
      const proxy = await client.createProxy({ name: 'tox', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}` });
      const port = portOf(proxy.listen);
      const toxic = await proxy.addToxic({ name: 'slow', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 60, jitter: 0 } });
      assert.deepEqual(toxic.toJson(), { name: 'slow', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 60, jitter: 0 } });
      const rtt = Math.min(...await pingPong(port, 3));
      assert.ok(rtt >= 59 && rtt < 200, `latency 60 ms: measured round trip ${rtt.toFixed(1)} ms`);

      await rejects(proxy.addToxic({ name: 'slow', type: 'latency', stream: 'upstream', toxicity: 1, attributes: { latency: 1, jitter: 0 } }), 409);
      // The client's Type union offers "down", which is not a toxic.
      await rejects(proxy.addToxic({ name: 'down', type: 'down', stream: 'downstream', toxicity: 1, attributes: {} }), 400);
      await rejects(proxy.getToxic('nope'), 404);

      const got = await proxy.getToxic('slow');
      assert.deepEqual(got.toJson(), toxic.toJson());
      const updated = await got.update({ ...got.toJson(), toxicity: 0.5, attributes: { latency: 120, jitter: 5 } });
      assert.deepEqual(updated.toJson(), { name: 'slow', type: 'latency', stream: 'downstream', toxicity: 0.5, attributes: { latency: 120, jitter: 5 } });
      assert.deepEqual((await proxy.getToxic('slow')).toJson(), updated.toJson());

      await updated.remove();
      await rejects(proxy.getToxic('slow'), 404);
      await rejects(updated.remove(), 404);
      await rejects(updated.update(updated.toJson()), 404);
      const fast = Math.min(...await pingPong(port, 3));
      assert.ok(fast < 40, `after removal the round trip is fast again: ${fast.toFixed(1)} ms`);
      await proxy.remove();
    });

    test('reset re-enables proxies and removes every toxic', async () => {
      const proxy = await client.createProxy({ name: 'r', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}` });
      await proxy.addToxic({ name: 'cut', type: 'limit_data', stream: 'upstream', toxicity: 1, attributes: { bytes: 1 } });
      const off = await proxy.update({ ...proxy.toJson(), enabled: false });
      assert.equal(off.enabled, false);
      await client.reset();
      const after = await client.get('r');
      assert.equal(after.enabled, true);
      const raw = JSON.parse((await request(server.url, 'GET', '/proxies/r/toxics')).body);
      assert.deepEqual(raw, []);
      await rejects(proxy.getToxic('cut'), 404);
      assert.equal((await pingPong(portOf(after.listen), 2, 64)).length, 2, 'the limit_data toxic no longer cuts');
      await after.remove();
    });
  });
}

describe('Turbulence on localhost serves both 127.0.0.1 and ::1 (the client default is http://localhost:8474)', () => {
  test('same port on both families', async () => {
    const server = await startProxyServer({ host: 'localhost', port: 0 });
    try {
      assert.ok(server.port > 0);
      for (const base of [`http://127.0.0.1:${server.port}`, `http://[::1]:${server.port}`]) {
        const client = new Toxiproxy(base);
        assert.equal(typeof JSON.parse(await client.getVersion()).version, 'string', base);
      }
      const client = new Toxiproxy(`http://localhost:${server.port}`);
      await client.createProxy({ name: 'l', listen: '127.0.0.1:0', upstream: 'localhost:20001' });
      assert.deepEqual(Object.keys(await new Toxiproxy(`http://[::1]:${server.port}`).getAll()), ['l'], 'one state behind both addresses');
    } finally {
      await server.close();
    }
  });
});

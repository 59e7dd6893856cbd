// Each toxic's effect measured on real TCP connections through the proxy on 127.0.0.1.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { addToxic, api, createProxy, dial, echoServer, readBytes, sha, sinkServer, sleep, untilClosed, withServer } from './helpers.ts';

async function rtt(c: import('node:net').Socket, msg = 'ping'): Promise<number> {
  const t = performance.now();
  c.write(msg);
  await readBytes(c, msg.length);
  return performance.now() - t;
}

test('no toxic: bytes pass intact both ways (fast path)', () =>
  withServer(async (s) => {
    const echo = await echoServer();
    try {
      const c = await dial(await createProxy(s, 'e', echo.port));
      const data = randomBytes(4 * 1024 * 1024);
      c.write(data);
      assert.equal(sha(await readBytes(c, data.length)), sha(data));
      c.destroy();
    } finally {
      echo.close();
    }
  }));

test('latency adds its delay per direction within 2 ms, without accumulating', () =>
  withServer(async (s) => {
    const echo = await echoServer();
    try {
      const port = await createProxy(s, 'l', echo.port);
      const c = await dial(port);
      const base = Math.min(await rtt(c), await rtt(c), await rtt(c));
      await addToxic(s, 'l', { type: 'latency', attributes: { latency: 40 } });
      await addToxic(s, 'l', { type: 'latency', stream: 'upstream', attributes: { latency: 20 } });
      const samples: number[] = [];
      for (let i = 0; i < 8; i++) samples.push((await rtt(c)) - base);
      // never early; the median close to 60 (the machine is shared, so single samples may wobble)
      for (const x of samples) assert.ok(x >= 59.5, `rtt added ${x.toFixed(2)} ms, expected 60`);
      const median = samples.sort((a, b) => a - b)[4]!;
      assert.ok(median < 65, `median added ${median.toFixed(2)} ms, expected 60`);
      // a burst of chunks: each is delayed from its own arrival, so the burst takes ~latency, not n × latency
      const t = performance.now();
      for (let i = 0; i < 20; i++) c.write('x');
      await readBytes(c, 20);
      assert.ok(performance.now() - t < 90, 'latency does not accumulate across chunks');
      c.destroy();
    } finally {
      echo.close();
    }
  }));

test('latency jitter stays within latency ± jitter', () =>
  withServer(async (s) => {
    const echo = await echoServer();
    try {
      const port = await createProxy(s, 'j', echo.port);
      await addToxic(s, 'j', { type: 'latency', attributes: { latency: 30, jitter: 10 } });
      const c = await dial(port);
      const seen: number[] = [];
      for (let i = 0; i < 10; i++) seen.push(await rtt(c));
      for (const x of seen) assert.ok(x >= 19.5, `rtt ${x}`);
      // the upper bound 40 (+ the echo round trip) holds for most samples even on a busy machine
      assert.ok(seen.filter((x) => x < 43).length >= 8, `rtts ${seen.map((x) => x.toFixed(1))}`);
      assert.ok(Math.max(...seen) - Math.min(...seen) > 2, 'jitter varies the delay');
      c.destroy();
    } finally {
      echo.close();
    }
  }));

test('bandwidth limits the rate (KB/s)', () =>
  withServer(async (s) => {
    const sink = await sinkServer();
    try {
      const port = await createProxy(s, 'b', sink.port);
      await addToxic(s, 'b', { type: 'bandwidth', stream: 'upstream', attributes: { rate: 1000 } });
      const c = await dial(port);
      const server = await sink.next();
      const data = randomBytes(300_000);
      const t = performance.now();
      c.write(data);
      const got = await readBytes(server, data.length);
      const ms = performance.now() - t;
      assert.equal(sha(got), sha(data));
      assert.ok(ms > 270 && ms < 360, `300 KB at 1000 KB/s took ${ms.toFixed(0)} ms, expected ~300`);
      c.destroy();
    } finally {
      sink.close();
    }
  }));

test('limit_data closes after N bytes, counting per connection across updates', () =>
  withServer(async (s) => {
    const sink = await sinkServer();
    try {
      const port = await createProxy(s, 'ld', sink.port);
      await addToxic(s, 'ld', { type: 'limit_data', stream: 'upstream', attributes: { bytes: 100 } });
      const c = await dial(port);
      c.on('error', () => {});
      const server = await sink.next();
      c.write(Buffer.alloc(60, 1));
      assert.equal((await readBytes(server, 60)).length, 60);
      await api(s, 'PATCH', '/proxies/ld/toxics/limit_data_upstream', { attributes: { bytes: 150 } });
      const serverClosed = untilClosed(server);
      const clientClosed = untilClosed(c);
      c.write(Buffer.alloc(200, 2));
      assert.equal((await serverClosed).data.length, 90, 'the count of 60 survived the update: 150 - 60 more bytes');
      await clientClosed;
    } finally {
      sink.close();
    }
  }));

test('reset_peer sends an RST after its timeout', () =>
  withServer(async (s) => {
    const echo = await echoServer();
    try {
      const port = await createProxy(s, 'rp', echo.port);
      await addToxic(s, 'rp', { type: 'reset_peer', attributes: { timeout: 50 } });
      const c = await dial(port);
      const closed = untilClosed(c);
      c.write('hello');
      const r = await closed;
      assert.equal(r.code, 'ECONNRESET');
      assert.ok(r.ms >= 45, `reset after ${r.ms} ms`);
    } finally {
      echo.close();
    }
  }));

test('timeout drops data and closes after its timeout; removing a timeout 0 toxic closes too', () =>
  withServer(async (s) => {
    const echo = await echoServer();
    try {
      const port = await createProxy(s, 't', echo.port);
      await addToxic(s, 't', { type: 'timeout', attributes: { timeout: 80 } });
      const c = await dial(port);
      const closed = untilClosed(c);
      c.write('dropped');
      const r = await closed;
      assert.equal(r.data.length, 0, 'no data gets through');
      assert.ok(r.ms >= 70 && r.ms < 400, `closed after ${r.ms} ms`);

      await api(s, 'PATCH', '/proxies/t/toxics/timeout_downstream', { attributes: { timeout: 0 } });
      const c2 = await dial(port);
      const closed2 = untilClosed(c2);
      c2.write('x');
      await sleep(150);
      assert.equal(c2.destroyed, false, 'timeout 0 never closes by itself');
      await api(s, 'DELETE', '/proxies/t/toxics/timeout_downstream');
      assert.equal((await closed2).data.length, 0, 'removing the toxic closed the connection');
    } finally {
      echo.close();
    }
  }));

test('slicer splits data into delayed pieces', () =>
  withServer(async (s) => {
    const sink = await sinkServer();
    try {
      const port = await createProxy(s, 'sl', sink.port);
      await addToxic(s, 'sl', { type: 'slicer', stream: 'upstream', attributes: { average_size: 100, size_variation: 20, delay: 2000 } });
      const c = await dial(port);
      const server = await sink.next();
      const sizes: number[] = [];
      server.on('data', (d: Buffer) => sizes.push(d.length));
      const data = randomBytes(1000);
      const t = performance.now();
      c.write(data);
      while (sizes.reduce((a, b) => a + b, 0) < 1000) await sleep(5);
      assert.ok(sizes.length >= 8, `1000 bytes arrived in ${sizes.length} pieces`);
      assert.ok(Math.max(...sizes) <= 120 * 2, `pieces ${sizes}`);
      assert.ok(performance.now() - t >= 14, 'pieces are 2 ms apart');
      c.destroy();
    } finally {
      sink.close();
    }
  }));

test('slow_close delays the close after EOF', () =>
  withServer(async (s) => {
    const sink = await sinkServer();
    try {
      const port = await createProxy(s, 'sc', sink.port);
      await addToxic(s, 'sc', { type: 'slow_close', attributes: { delay: 150 } });
      const c = await dial(port);
      const server = await sink.next();
      const closed = untilClosed(c);
      server.end('bye');
      const r = await closed;
      assert.equal(r.data.toString(), 'bye');
      assert.ok(r.ms >= 140, `closed after ${r.ms} ms`);
    } finally {
      sink.close();
    }
  }));

test('down (enabled: false) closes connections and refuses new ones', () =>
  withServer(async (s) => {
    const echo = await echoServer();
    try {
      const port = await createProxy(s, 'd', echo.port);
      const c = await dial(port);
      const closed = untilClosed(c);
      await api(s, 'PATCH', '/proxies/d', { enabled: false });
      await closed;
      await assert.rejects(dial(port), /ECONNREFUSED/);
      await api(s, 'PATCH', '/proxies/d', { enabled: true });
      const c2 = await dial(port);
      assert.ok((await rtt(c2)) < 50);
      c2.destroy();
    } finally {
      echo.close();
    }
  }));

test('toxicity 0 leaves connections untouched; it is rolled per connection', () =>
  withServer(
    async (s) => {
      const echo = await echoServer();
      try {
        const port = await createProxy(s, 'tx', echo.port);
        await addToxic(s, 'tx', { type: 'latency', toxicity: 0, attributes: { latency: 100 } });
        const c = await dial(port);
        assert.ok((await rtt(c)) < 50);
        c.destroy();
        await api(s, 'PATCH', '/proxies/tx/toxics/latency_downstream', { toxicity: 0.5 });
        let slow = 0;
        for (let i = 0; i < 16; i++) {
          const ci = await dial(port);
          if ((await rtt(ci)) >= 95) slow++;
          ci.destroy();
        }
        assert.ok(slow > 1 && slow < 15, `${slow} of 16 connections got the toxic`);
      } finally {
        echo.close();
      }
    },
    { seed: 7 },
  ));

test('adding and removing toxics under a running stream keeps every byte in order', () =>
  withServer(async (s) => {
    const sink = await sinkServer();
    try {
      const port = await createProxy(s, 'hot', sink.port);
      const c = await dial(port);
      const server = await sink.next();
      const data = randomBytes(24 * 1024 * 1024);
      const received = readBytes(server, data.length, 20_000);
      let sent = 0;
      const pump = () => {
        while (sent < data.length) {
          const piece = data.subarray(sent, sent + 64 * 1024);
          sent += piece.length;
          if (!c.write(piece)) return void c.once('drain', pump);
        }
      };
      pump();
      const kinds = [
        { type: 'latency', attributes: { latency: 3, jitter: 2 } },
        { type: 'slicer', attributes: { average_size: 4096, size_variation: 1000, delay: 50 } },
        { type: 'bandwidth', attributes: { rate: 200_000 } },
        { type: 'noop' },
        { type: 'slow_close', attributes: { delay: 1 } },
      ];
      let done = false;
      void received.finally(() => (done = true));
      for (let round = 0; !done && round < 200; round++) {
        const k = kinds[round % kinds.length]!;
        await addToxic(s, 'hot', { ...k, name: `t${round}`, stream: 'upstream' });
        if (round % 3 === 2) await api(s, 'PATCH', `/proxies/hot/toxics/t${round}`, { toxicity: 1 });
        if (round >= 2) await api(s, 'DELETE', `/proxies/hot/toxics/t${round - 2}`);
        await sleep(3);
      }
      assert.equal(sha(await received), sha(data));
      c.destroy();
    } finally {
      sink.close();
    }
  }));

test('a time-limited toxic removes itself; without a duration the JSON keeps Toxiproxy\'s shape', () =>
  withServer(async (s) => {
    await createProxy(s, 'tl', 1);
    const t = await addToxic(s, 'tl', { type: 'latency', duration: '150ms', attributes: { latency: 5 } });
    assert.equal(t.duration, '150ms');
    const plain = await api(s, 'POST', '/proxies/tl/toxics', { type: 'latency', stream: 'upstream' });
    assert.deepEqual(Object.keys(plain.json()), ['attributes', 'name', 'type', 'stream', 'toxicity']);
    assert.equal((await api(s, 'GET', '/proxies/tl/toxics')).json().length, 2);
    await sleep(250);
    assert.deepEqual((await api(s, 'GET', '/proxies/tl/toxics')).json().map((x: { name: string }) => x.name), ['latency_upstream']);
    const bad = await api(s, 'POST', '/proxies/tl/toxics', { type: 'latency', duration: 'soon' });
    assert.equal(bad.status, 400);
  }));

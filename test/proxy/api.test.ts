// The Toxiproxy API: endpoints, status codes, JSON shapes and error texts (ported from api_test.go and checked
// against toxiproxy-server 2.12.0).
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { addToxic, api, createProxy, dial, echoServer, listen, withServer } from './helpers.ts';

const ERR_TYPE = 'text/plain; charset=utf-8';

test('GET /version answers as Toxiproxy 2.12.0, with a request id', () =>
  withServer(async (s) => {
    const r = await api(s, 'GET', '/version');
    assert.equal(r.status, 200);
    assert.equal(r.text, '{"version": "2.12.0"}\n');
    assert.equal(r.headers.get('content-type'), 'application/json;charset=utf-8');
    assert.match(r.headers.get('x-toxiproxy-request-id')!, /^[0-9a-v]{20}$/);
    assert.ok(r.headers.get('x-turbulence-version'));
  }));

test('proxy create, show, index, update, delete', () =>
  withServer(async (s) => {
    const empty = await api(s, 'GET', '/proxies');
    assert.equal(empty.text, '{}');
    const c = await api(s, 'POST', '/proxies', { name: 'b', upstream: 'localhost:6379', listen: '127.0.0.1:0' });
    assert.equal(c.status, 201);
    assert.equal(c.headers.get('content-type'), 'application/json');
    assert.match(c.text, /^\{"name":"b","listen":"127\.0\.0\.1:\d+","upstream":"localhost:6379","enabled":true,"Logger":\{\},"toxics":\[\]\}$/);
    assert.notEqual(c.json().listen, '127.0.0.1:0', 'port 0 is replaced by the real port');
    await api(s, 'POST', '/proxies', { name: 'a', upstream: 'localhost:1', listen: 'localhost:0', enabled: false });
    const idx = await api(s, 'GET', '/proxies');
    assert.deepEqual(Object.keys(idx.json()), ['a', 'b'], 'keys sorted like Go maps');
    assert.equal(idx.json().a.listen, 'localhost:0', 'a disabled proxy keeps its listen address');
    assert.equal(idx.json().a.enabled, false);

    const dup = await api(s, 'POST', '/proxies', { name: 'b', upstream: 'x:1' });
    assert.equal(dup.status, 409);
    assert.equal(dup.text, '{"error":"proxy already exists","status":409}\n');
    assert.equal(dup.headers.get('content-type'), ERR_TYPE);

    const show = await api(s, 'GET', '/proxies/b');
    assert.equal(show.text, c.text);
    const missing = await api(s, 'GET', '/proxies/zz');
    assert.equal(missing.status, 404);
    assert.equal(missing.text, '{"error":"proxy not found","status":404}\n');

    // POST (deprecated) and PATCH merge into the current values
    const up = await api(s, 'POST', '/proxies/b', { upstream: 'localhost:6380' });
    assert.equal(up.status, 200);
    assert.equal(up.json().upstream, 'localhost:6380');
    assert.equal(up.json().listen, c.json().listen);
    const moved = await api(s, 'PATCH', '/proxies/b', { listen: '127.0.0.1:0' });
    assert.notEqual(moved.json().listen, c.json().listen, 'a changed listen restarts on a new port');
    const bad = await api(s, 'PATCH', '/proxies/b', { listen: 'nohost' });
    assert.equal(bad.status, 500);
    assert.equal(bad.text, '{"error":"address nohost: missing port in address","status":500}\n');

    const del = await api(s, 'DELETE', '/proxies/b');
    assert.equal(del.status, 204);
    assert.equal(del.text, '');
    assert.equal((await api(s, 'DELETE', '/proxies/b')).status, 404);
  }));

test('proxy create errors carry Go texts', () =>
  withServer(async (s) => {
    const cases: [unknown, number, string][] = [
      [{ upstream: 'x:1' }, 400, 'missing required field: name'],
      [{ name: 'n' }, 400, 'missing required field: upstream'],
      ['', 400, 'bad request body: EOF'],
      ['{bad', 400, "bad request body: invalid character 'b' looking for beginning of object key string"],
      ['{"name":"n"', 400, 'bad request body: unexpected EOF'],
      ['[1]', 400, 'bad request body: json: cannot unmarshal array into Go value of type toxiproxy.Proxy'],
      [{ name: 5, upstream: 'x' }, 400, 'bad request body: json: cannot unmarshal number into Go struct field Proxy.name of type string'],
      [{ name: 'n', upstream: 'x', enabled: 'yes' }, 400, 'bad request body: json: cannot unmarshal string into Go struct field Proxy.enabled of type bool'],
    ];
    for (const [body, status, error] of cases) {
      const r = await api(s, 'POST', '/proxies', body);
      assert.equal(r.status, status, JSON.stringify(body));
      assert.deepEqual(r.json(), { error, status });
    }
    // trailing bytes after the first JSON value are ignored, like json.Decoder
    assert.equal((await api(s, 'POST', '/proxies', '{"name":"t","upstream":"x:1","listen":"127.0.0.1:0"} trailing')).status, 201);
  }));

test('a listen address in use is a 500 with the bind error', async () => {
  const busy = createServer();
  const port = await listen(busy);
  try {
    await withServer(async (s) => {
      const r = await api(s, 'POST', '/proxies', { name: 'x', upstream: 'a:1', listen: `127.0.0.1:${port}` });
      assert.equal(r.status, 500);
      assert.equal(r.json().error, `listen tcp 127.0.0.1:${port}: bind: address already in use`);
      assert.equal((await api(s, 'GET', '/proxies')).text, '{}', 'nothing is created');
    });
  } finally {
    busy.close();
  }
});

test('populate validates every entry first, then reports partial failures', async () => {
  const busy = createServer();
  const port = await listen(busy);
  try {
    await withServer(async (s) => {
      const ok = await api(s, 'POST', '/populate', [
        { name: 'one', upstream: 'a:1', listen: '127.0.0.1:0' },
        { name: 'two', upstream: 'a:2', listen: '127.0.0.1:0', enabled: false },
      ]);
      assert.equal(ok.status, 201);
      assert.equal(ok.json().proxies.length, 2);
      assert.equal(ok.json().proxies[1].enabled, false);
      // the same listen and upstream keeps the existing proxy
      const again = await api(s, 'POST', '/populate', [{ name: 'one', upstream: 'a:1', listen: ok.json().proxies[0].listen }]);
      assert.equal(again.json().proxies[0].listen, ok.json().proxies[0].listen);

      const invalid = await api(s, 'POST', '/populate', [{ name: 'three', upstream: 'a:3', listen: '127.0.0.1:0' }, { upstream: 'x' }]);
      assert.equal(invalid.status, 400);
      assert.equal(invalid.text, '{"error":"missing required field: name at proxy 2","status":400,"proxies":null}');
      assert.equal(invalid.headers.get('content-type'), 'application/json');
      assert.equal((await api(s, 'GET', '/proxies/three')).status, 404);

      const partial = await api(s, 'POST', '/populate', [
        { name: 'four', upstream: 'a:4', listen: '127.0.0.1:0' },
        { name: 'five', upstream: 'a:5', listen: `127.0.0.1:${port}` },
      ]);
      assert.equal(partial.status, 500);
      assert.equal(partial.json().error, `listen tcp 127.0.0.1:${port}: bind: address already in use`);
      assert.deepEqual(partial.json().proxies.map((p: { name: string }) => p.name), ['four']);
      assert.equal((await api(s, 'POST', '/populate', '[]')).text, '{"proxies":null}');
      assert.match((await api(s, 'POST', '/populate', '{}')).json().error, /^bad request body: json: cannot unmarshal object into Go value of type \[\]struct/);
    });
  } finally {
    busy.close();
  }
});

test('toxic CRUD: defaults, merge on update, unique names across directions', () =>
  withServer(async (s) => {
    await createProxy(s, 'p', 1);
    const t = await api(s, 'POST', '/proxies/p/toxics', { type: 'latency', attributes: { latency: 100 } });
    assert.equal(t.status, 200);
    assert.equal(t.text, '{"attributes":{"latency":100,"jitter":0},"name":"latency_downstream","type":"latency","stream":"downstream","toxicity":1}');
    const same = await api(s, 'POST', '/proxies/p/toxics', { type: 'slicer', name: 'latency_downstream', stream: 'upstream' });
    assert.equal(same.status, 409);
    assert.equal(same.text, '{"error":"toxic already exists","status":409}\n');
    const up = await addToxic(s, 'p', { type: 'limit_data', stream: 'UpStream', toxicity: 0.3, attributes: { bytes: 10 } });
    assert.equal(up.name, 'limit_data_UpStream');
    assert.equal(up.stream, 'UpStream');

    const checks: [unknown, number, string][] = [
      [{ type: 'nope' }, 400, 'invalid toxic type'],
      [{ type: 'down' }, 400, 'invalid toxic type'],
      [{ type: 'latency', stream: 'sideways' }, 400, 'stream was invalid, can be either upstream or downstream'],
      [{ type: 'latency', name: 'x', attributes: { latency: 'abc' } }, 400, 'bad request body: json: cannot unmarshal string into Go struct field LatencyToxic.attributes.latency of type int64'],
      [{ type: 'latency', name: 'y', attributes: { latency: 1.5 } }, 400, 'bad request body: json: cannot unmarshal number 1.5 into Go struct field LatencyToxic.attributes.latency of type int64'],
      [{ type: 'latency', attributes: 5 }, 400, 'bad request body: json: cannot unmarshal number into Go struct field ToxicWrapper.attributes of type toxics.NoopToxic'],
      [{ type: 'latency', name: 'z', toxicity: '1' }, 400, 'bad request body: json: cannot unmarshal string into Go struct field ToxicWrapper.toxicity of type float32'],
    ];
    for (const [body, status, error] of checks) {
      const r = await api(s, 'POST', '/proxies/p/toxics', body);
      assert.deepEqual([r.status, r.json()], [status, { error, status }], JSON.stringify(body));
    }
    assert.equal((await api(s, 'POST', '/proxies/nope/toxics', { type: 'latency' })).status, 404);

    const list = await api(s, 'GET', '/proxies/p/toxics');
    assert.deepEqual(list.json().map((x: { name: string }) => x.name), ['limit_data_UpStream', 'latency_downstream'], 'upstream chain first');

    const merged = await api(s, 'PATCH', '/proxies/p/toxics/latency_downstream', { attributes: { jitter: 5 } });
    assert.deepEqual(merged.json().attributes, { latency: 100, jitter: 5 });
    const tox = await api(s, 'POST', '/proxies/p/toxics/limit_data_UpStream', { toxicity: 0.1 });
    assert.equal(tox.text, '{"attributes":{"bytes":10},"name":"limit_data_UpStream","type":"limit_data","stream":"UpStream","toxicity":0.1}');
    const kept = await api(s, 'PATCH', '/proxies/p/toxics/limit_data_UpStream', { attributes: { bytes: 20 } });
    assert.equal(kept.json().toxicity, 0.1, 'absent toxicity is kept');
    assert.equal((await api(s, 'PATCH', '/proxies/p/toxics/none', {})).text, '{"error":"toxic not found","status":404}\n');
    assert.equal((await api(s, 'GET', '/proxies/p/toxics/none')).status, 404);
    assert.equal((await api(s, 'GET', '/proxies/p/toxics/latency_downstream')).json().attributes.jitter, 5);
    const shown = await api(s, 'GET', '/proxies/p');
    assert.equal(shown.json().toxics.length, 2);
    assert.equal((await api(s, 'DELETE', '/proxies/p/toxics/latency_downstream')).status, 204);
    assert.equal((await api(s, 'DELETE', '/proxies/p/toxics/latency_downstream')).status, 404);
  }));

test('reset re-enables every proxy and removes every toxic', () =>
  withServer(async (s) => {
    const echo = await echoServer();
    try {
      const port = await createProxy(s, 'r', echo.port);
      await addToxic(s, 'r', { type: 'latency', attributes: { latency: 10 } });
      await api(s, 'PATCH', '/proxies/r', { enabled: false });
      await assert.rejects(dial(port), /ECONNREFUSED/);
      const r = await api(s, 'POST', '/reset');
      assert.equal(r.status, 204);
      const p = (await api(s, 'GET', '/proxies/r')).json();
      assert.equal(p.enabled, true);
      assert.deepEqual(p.toxics, []);
      (await dial(port)).destroy();
    } finally {
      echo.close();
    }
  }));

test('mux behaviour: browsers get 403, unknown paths 404, wrong methods 405', () =>
  withServer(async (s) => {
    const moz = await api(s, 'GET', '/proxies', undefined, { 'User-Agent': 'Mozilla/5.0 (X11)' });
    assert.equal(moz.status, 403);
    assert.equal(moz.text, 'User agent not allowed\n');
    assert.ok(moz.headers.get('x-toxiproxy-request-id'));
    const nf = await api(s, 'GET', '/nothing');
    assert.deepEqual([nf.status, nf.text, nf.headers.get('content-type')], [404, '404 page not found\n', ERR_TYPE]);
    const na = await api(s, 'PUT', '/proxies');
    assert.deepEqual([na.status, na.text], [405, '']);
    assert.equal((await api(s, 'GET', '/metrics')).status, 404, '/metrics only with a metrics flag');
  }));

test('bearer token and body bound', () =>
  withServer(
    async (s) => {
      assert.equal((await api(s, 'GET', '/version')).status, 401);
      assert.equal((await api(s, 'GET', '/version', undefined, { Authorization: 'Bearer wrong' })).status, 401);
      const auth = { Authorization: 'Bearer s3cret' };
      assert.equal((await api(s, 'GET', '/version', undefined, auth)).status, 200);
      const big = await api(s, 'POST', '/proxies', JSON.stringify({ name: 'x'.repeat(300), upstream: 'a:1' }), auth);
      assert.equal(big.status, 413);
      assert.equal(big.json().status, 413);
      assert.equal((await api(s, 'POST', '/proxies', { name: 'x', upstream: 'a:1', listen: '127.0.0.1:0' }, auth)).status, 201);
    },
    { token: 's3cret', maxBodyBytes: 200 },
  ));

test('metrics with the proxy-metrics flag count bytes per direction', () =>
  withServer(
    async (s) => {
      const echo = await echoServer();
      try {
        const port = await createProxy(s, 'm', echo.port);
        const c = await dial(port);
        c.write('hello');
        await new Promise((r) => c.once('data', r));
        c.destroy();
        const m = await api(s, 'GET', '/metrics');
        assert.equal(m.status, 200);
        assert.match(m.text, /# TYPE toxiproxy_proxy_received_bytes_total counter/);
        assert.match(m.text, /toxiproxy_proxy_received_bytes_total\{direction="upstream",listener="127\.0\.0\.1:\d+",proxy="m",upstream="127\.0\.0\.1:\d+"\} 5/);
        assert.match(m.text, /toxiproxy_proxy_sent_bytes_total\{direction="downstream",[^}]*\} 5/);
      } finally {
        echo.close();
      }
    },
    { proxyMetrics: true },
  ));

test('config populates proxies at start; localhost listens on IPv4 and IPv6', () =>
  withServer(
    async (s) => {
      assert.match(s.url, /^http:\/\/localhost:\d+$/);
      const v4 = await api({ url: `http://127.0.0.1:${s.port}` }, 'GET', '/proxies');
      assert.deepEqual(Object.keys(v4.json()), ['cfg']);
      const v6 = await api({ url: `http://[::1]:${s.port}` }, 'GET', '/version');
      assert.equal(v6.status, 200);
    },
    { host: 'localhost', config: [{ name: 'cfg', upstream: 'a:1', listen: '127.0.0.1:0' }] },
  ));

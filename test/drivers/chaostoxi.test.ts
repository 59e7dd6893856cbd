// The native chaostoxi.* functions (chaostoolkit-toxiproxy 0.3.1's names and arguments) against the real
// toxiproxy-server and against Turbulence's own server: results and failures as the reference's journal shows them,
// effects checked through the API and on real TCP connections through the proxy.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Activity } from '../../src/experiment/types.ts';
import '../../src/providers/index.ts';
import { getProvider } from '../../src/providers/registry.ts';
import { type ApiServer, SERVERS, exchange, freePort, startEcho } from './toxiproxy-servers.ts';

const provider = getProvider('python')!;

async function run(module: string, func: string, args: Record<string, unknown>, configuration: Record<string, unknown>): Promise<unknown> {
  const activity = { type: 'action', name: func, provider: { type: 'python', module, func, arguments: args } } as Activity;
  return provider.run(activity, { configuration, secrets: {} });
}

/** The failure message the journal would record, or the result. */
async function outcome(module: string, func: string, args: Record<string, unknown>, configuration: Record<string, unknown>): Promise<unknown> {
  try {
    return await run(module, func, args, configuration);
  } catch (err) {
    return `failed: ${(err as Error).message}`;
  }
}

const PROXY = 'chaostoxi.proxy.actions';
const PROBES = 'chaostoxi.proxy.probes';
const TOXIC = 'chaostoxi.toxic.actions';

async function getJson(url: string): Promise<any> {
  const res = await fetch(url);
  return res.ok ? res.json() : { status: res.status };
}

for (const [label, start] of SERVERS) {
  describe(`chaostoxi against ${label}`, () => {
    let server: ApiServer;
    let echo: Awaited<ReturnType<typeof startEcho>>;
    let config: Record<string, unknown>;
    let n = 0;
    /** a fresh proxy in front of the echo server; its listen port */
    const proxy = async (): Promise<[string, number]> => {
      const name = `p${n++}_${process.pid}`;
      assert.equal(await run(PROXY, 'create_proxy', { proxy_name: name, upstream_host: '127.0.0.1', upstream_port: echo.port, listen_host: '127.0.0.1' }, config), true);
      return [name, Number(process.env[`${name}_PORT`])];
    };
    const apiProxy = (name: string) => getJson(`${server.url}/proxies/${name}`);

    before(async () => {
      server = await start();
      echo = await startEcho();
      config = { toxiproxy_url: server.url };
    });
    after(async () => {
      await server?.close();
      await echo?.close();
    });

    it('create_proxy creates it, stores <name>_PORT in the environment, resolves env: arguments; the proxy carries data', async () => {
      process.env.CHAOSTOXI_TEST_UPSTREAM_PORT = String(echo.port);
      const name = `web_${process.pid}`;
      const args = { proxy_name: name, upstream_host: '127.0.0.1', upstream_port: 'env:CHAOSTOXI_TEST_UPSTREAM_PORT', listen_host: '127.0.0.1' };
      const copy = { ...config };
      assert.equal(await run(PROXY, 'create_proxy', args, copy), true);
      const port = process.env[`${name}_PORT`];
      assert.match(port ?? '', /^\d+$/);
      // chaoslib hands the function a copy of the configuration: the run's own does not change
      assert.deepEqual(copy, config);
      const p = await apiProxy(name);
      assert.deepEqual([p.name, p.listen, p.upstream, p.enabled], [name, `127.0.0.1:${port}`, `127.0.0.1:${echo.port}`, true]);
      const x = await exchange(Number(port), 'hello', 5);
      assert.equal(x.data.toString(), 'hello');
    });

    it('create_proxy fails with a bare AssertionError when the API refuses (existing name), KeyError for an unset env: variable', async () => {
      const [name] = await proxy();
      assert.equal(await outcome(PROXY, 'create_proxy', { proxy_name: name, upstream_host: '127.0.0.1', upstream_port: echo.port }, config), 'failed: AssertionError');
      delete process.env.CHAOSTOXI_UNSET;
      assert.equal(await outcome(PROXY, 'create_proxy', { proxy_name: 'x', upstream_host: 'env:CHAOSTOXI_UNSET', upstream_port: 1 }, config), "failed: KeyError: 'CHAOSTOXI_UNSET'");
      // a listen port already taken: the API answers 500, the function AssertionError
      const [, taken] = await proxy();
      const clash = { proxy_name: `clash_${process.pid}`, upstream_host: '127.0.0.1', upstream_port: echo.port, listen_host: '127.0.0.1', listen_port: taken };
      assert.equal(await outcome(PROXY, 'create_proxy', clash, config), 'failed: AssertionError');
      assert.equal(await run(PROBES, 'proxy_exist', { proxy_name: clash.proxy_name }, config), false);
    });

    it('disable_proxy refuses connections, enable_proxy brings them back; modify_proxy changes the upstream', async () => {
      const [name, port] = await proxy();
      assert.equal(await run(PROXY, 'disable_proxy', { proxy_name: name }, config), true);
      assert.equal((await apiProxy(name)).enabled, false);
      await assert.rejects(exchange(port, 'x', 1), { code: 'ECONNREFUSED' });
      assert.equal(await run(PROXY, 'enable_proxy', { proxy_name: name }, config), true);
      assert.equal((await exchange(port, 'back', 4)).data.toString(), 'back');

      const other = await freePort();
      assert.equal(await run(PROXY, 'modify_proxy', { proxy_name: name, upstream_address: `127.0.0.1:${other}` }, config), true);
      const p = await apiProxy(name);
      assert.equal(p.upstream, `127.0.0.1:${other}`);
      assert.equal(p.enabled, true, 'fields not given are kept');
      assert.equal(process.env[`${name}_PORT`], String(port));
      assert.equal(await outcome(PROXY, 'modify_proxy', { proxy_name: 'missing', enabled: false }, config), 'failed: AssertionError');
      assert.equal(await outcome(PROXY, 'disable_proxy', { proxy_name: 'missing' }, config), 'failed: AssertionError');
    });

    it('delete_proxy removes it and returns None, also when it does not exist; reset re-enables and clears toxics', async () => {
      const [name, port] = await proxy();
      assert.equal(await run(PROXY, 'delete_proxy', { proxy_name: name }, config), null);
      assert.equal((await apiProxy(name)).status, 404);
      await assert.rejects(exchange(port, 'x', 1), { code: 'ECONNREFUSED' });
      assert.equal(await run(PROXY, 'delete_proxy', { proxy_name: name }, config), null);

      const [other] = await proxy();
      await run(TOXIC, 'create_latency_toxic', { for_proxy: other, toxic_name: 'slow', latency: 50 }, config);
      await run(PROXY, 'disable_proxy', { proxy_name: other }, config);
      assert.equal(await run(PROXY, 'reset', {}, config), true);
      const p = await apiProxy(other);
      assert.deepEqual([p.enabled, p.toxics], [true, []]);
    });

    it('proxy_exist and get_proxy_attribute read the proxy; a missing attribute is a KeyError', async () => {
      const [name, port] = await proxy();
      assert.equal(await run(PROBES, 'proxy_exist', { proxy_name: name }, config), true);
      assert.equal(await run(PROBES, 'proxy_exist', { proxy_name: 'missing' }, config), false);
      assert.equal(await run(PROBES, 'get_proxy_attribute', { proxy_name: name, attribute: 'listen' }, config), `127.0.0.1:${port}`);
      assert.equal(await run(PROBES, 'get_proxy_attribute', { proxy_name: name, attribute: 'enabled' }, config), true);
      assert.deepEqual(await run(PROBES, 'get_proxy_attribute', { proxy_name: name, attribute: 'toxics' }, config), []);
      assert.equal(await run(PROBES, 'get_proxy_attribute', { proxy_name: 'missing', attribute: 'listen' }, config), null);
      assert.equal(await outcome(PROBES, 'get_proxy_attribute', { proxy_name: name, attribute: 'colour' }, config), "failed: KeyError: 'colour'");
    });

    it('create_latency_toxic delays a real round trip; delete_toxic removes it (True), then False', async () => {
      const [name, port] = await proxy();
      const base = await exchange(port, 'ping', 4);
      assert.ok(base.ms < 150, `baseline ${base.ms} ms`);
      assert.equal(await run(TOXIC, 'create_latency_toxic', { for_proxy: name, toxic_name: 'lag', latency: 300 }, config), true);
      const toxic = await getJson(`${server.url}/proxies/${name}/toxics/lag`);
      assert.deepEqual(toxic, { attributes: { latency: 300, jitter: 0 }, name: 'lag', type: 'latency', stream: 'downstream', toxicity: 1 });
      const slow = await exchange(port, 'ping', 4);
      assert.equal(slow.data.toString(), 'ping');
      assert.ok(slow.ms >= 280, `with the toxic: ${slow.ms} ms`);
      assert.equal(await run(TOXIC, 'delete_toxic', { for_proxy: name, toxic_name: 'lag' }, config), true);
      assert.ok((await exchange(port, 'ping', 4)).ms < 150);
      assert.equal(await run(TOXIC, 'delete_toxic', { for_proxy: name, toxic_name: 'lag' }, config), false);
    });

    it('create_toxic takes any type, stream and toxicity; a refused toxic fails with the TypeError of the reference', async () => {
      const [name] = await proxy();
      const args = { for_proxy: name, toxic_name: 'rp', toxic_type: 'reset_peer', stream: 'upstream', toxicity: 0.5, attributes: { timeout: 10 } };
      assert.equal(await run(TOXIC, 'create_toxic', args, config), true);
      assert.deepEqual(await getJson(`${server.url}/proxies/${name}/toxics/rp`), { attributes: { timeout: 10 }, name: 'rp', type: 'reset_peer', stream: 'upstream', toxicity: 0.5 });
      const typeError = "failed: TypeError: 'NoneType' object is not subscriptable";
      assert.equal(await outcome(TOXIC, 'create_toxic', args, config), typeError, 'existing name: 409');
      assert.equal(await outcome(TOXIC, 'create_toxic', { ...args, toxic_name: 'x', toxic_type: 'nonsense' }, config), typeError);
      assert.equal(await outcome(TOXIC, 'create_latency_toxic', { for_proxy: 'missing', toxic_name: 'x', latency: 1 }, config), typeError);
      // without a name the server names it <type>_<stream>: not the name asked for
      assert.equal(await run(TOXIC, 'create_toxic', { for_proxy: name, toxic_name: '', toxic_type: 'latency' }, config), false);
      assert.equal((await getJson(`${server.url}/proxies/${name}/toxics/latency_downstream`)).name, 'latency_downstream');
    });

    it('the shortcut toxics send their type and attributes, downstream at toxicity 1', async () => {
      const [name] = await proxy();
      const cases: [string, Record<string, unknown>, string, Record<string, unknown>][] = [
        ['create_bandwith_degradation_toxic', { rate: 64 }, 'bandwidth', { rate: 64 }],
        ['create_slow_connection_close_toxic', { delay: 20 }, 'slow_close', { delay: 20 }],
        ['create_timeout_toxic', { timeout: 30 }, 'timeout', { timeout: 30 }],
        ['create_slicer_toxic', { average_size: 4, size_variation: 1, delay: 10 }, 'slicer', { average_size: 4, size_variation: 1, delay: 10 }],
        ['create_limiter_toxic', { bytes_limit: 7 }, 'limit_data', { bytes: 7 }],
      ];
      for (const [func, args, type, attributes] of cases) {
        assert.equal(await run(TOXIC, func, { for_proxy: name, toxic_name: type, ...args }, config), true, func);
        assert.deepEqual(await getJson(`${server.url}/proxies/${name}/toxics/${type}`), { attributes, name: type, type, stream: 'downstream', toxicity: 1 }, func);
      }
    });

    it('limiter, timeout, bandwidth and slow close toxics act on real connections', async () => {
      const [limited, lport] = await proxy();
      await run(TOXIC, 'create_limiter_toxic', { for_proxy: limited, toxic_name: 'cap', bytes_limit: 5 }, config);
      const capped = await exchange(lport, '0123456789', 10, 2000);
      assert.equal(capped.data.toString(), '01234');
      assert.ok(capped.closedEarly);

      const [timed, tport] = await proxy();
      await run(TOXIC, 'create_timeout_toxic', { for_proxy: timed, toxic_name: 'hang', timeout: 200 }, config);
      const hung = await exchange(tport, 'ping', 4, 2000);
      assert.equal(hung.data.length, 0, 'data is dropped');
      assert.ok(hung.closedAt !== null && hung.closedAt >= 180 && hung.closedAt < 1500, `closed after ${hung.closedAt} ms`);

      const [narrow, bport] = await proxy();
      await run(TOXIC, 'create_bandwith_degradation_toxic', { for_proxy: narrow, toxic_name: 'thin', rate: 20 }, config);
      const big = Buffer.alloc(10_000, 'a');
      const throttled = await exchange(bport, big, big.length, 4000);
      assert.equal(throttled.data.length, big.length);
      assert.ok(throttled.ms >= 350, `10 kB at 20 KB/s took ${throttled.ms} ms`);

      const [closing, cport] = await proxy();
      await run(TOXIC, 'create_slow_connection_close_toxic', { for_proxy: closing, toxic_name: 'lingering', delay: 300 }, config);
      const bye = await exchange(cport, 'bye', 3, 3000, true);
      assert.equal(bye.data.toString(), 'bye');
      assert.ok(bye.closedAt !== null && bye.closedAt >= 280, `closed after ${bye.closedAt} ms`);
    });
  });
}

describe('chaostoxi configuration', () => {
  it('builds the URL from toxiproxy_host and toxiproxy_port (8474 unless said); toxiproxy_url wins', async () => {
    const port = await freePort();
    const refused = (p: number, path: string) =>
      `failed: requests.exceptions.ConnectionError: HTTPConnectionPool(host='127.0.0.1', port=${p}): Max retries exceeded with url: ${path} ` +
      `(Caused by NewConnectionError("HTTPConnection(host='127.0.0.1', port=${p}): Failed to establish a new connection: [Errno 111] Connection refused"))`;
    assert.equal(await outcome(PROXY, 'reset', {}, { toxiproxy_host: '127.0.0.1', toxiproxy_port: port }), refused(port, '/reset'));
    assert.equal(await outcome(PROBES, 'proxy_exist', { proxy_name: 'a' }, { toxiproxy_url: `http://127.0.0.1:${port}`, toxiproxy_host: 'ignored' }), refused(port, '/proxies/a'));
    // delete_proxy only logs a request that fails
    assert.equal(await outcome(PROXY, 'delete_proxy', { proxy_name: 'a' }, { toxiproxy_url: `http://127.0.0.1:${port}` }), null);
    assert.equal(
      await outcome(PROXY, 'reset', {}, { toxiproxy_url: 'localhost:8474' }),
      "failed: requests.exceptions.InvalidSchema: No connection adapters were found for 'localhost:8474/reset'",
    );
    assert.equal(await outcome(PROXY, 'delete_proxy', { proxy_name: 'a' }, { toxiproxy_url: 5 }), "failed: TypeError: unsupported operand type(s) for +: 'int' and 'str'");
  });

  it('binds arguments as Python does: missing and unexpected ones fail with the TypeError of the call', async () => {
    assert.equal(
      await outcome(PROXY, 'create_proxy', { proxy_name: 'a', upstream_host: 'h' }, {}),
      "failed: TypeError: create_proxy() missing 1 required positional argument: 'upstream_port'",
    );
    assert.equal(
      await outcome(TOXIC, 'create_latency_toxic', { for_proxy: 'a', toxic_name: 'b', latency: 1, stream: 'upstream' }, {}),
      "failed: TypeError: create_latency_toxic() got an unexpected keyword argument 'stream'",
    );
  });
});

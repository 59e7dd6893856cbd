// The turbulence.proxy driver: each action and the undo it declares, against the real toxiproxy-server and
// Turbulence's own server (effects seen through the API and on real connections); then `turbulence run` of an
// experiment that starts the embedded server, injects faults through it and reverts them, and one that leaves the
// server running, which the end of the run must stop.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Activity } from '../../src/experiment/types.ts';
import '../../src/providers/index.ts';
import { findActivity } from '../../src/drivers/define.ts';
import { getProvider } from '../../src/providers/registry.ts';
import { type ApiServer, SERVERS, exchange, freePort, startEcho } from './toxiproxy-servers.ts';

const provider = getProvider('python')!;
const MODULE = 'turbulence.proxy';
const BIN = fileURLToPath(new URL('../../bin/turbulence.js', import.meta.url));

async function call(func: string, args: Record<string, unknown>, configuration: Record<string, unknown> = {}): Promise<any> {
  const activity = { type: 'action', name: func, provider: { type: 'python', module: MODULE, func, arguments: args } } as Activity;
  return provider.run(activity, { configuration, secrets: {} });
}

/** Runs the action, then the undo it declares (plain data, as a ledger would store it). */
async function undoOf(func: string, args: Record<string, unknown>, result: unknown, configuration: Record<string, unknown> = {}): Promise<any> {
  const def = findActivity(MODULE, func)!;
  const bound = Object.fromEntries(def.arguments.map((a) => [a.name, Object.hasOwn(args, a.name) ? args[a.name] : a.default]));
  const undo = def.undo!(bound, result);
  if (undo === null) return null;
  assert.equal(undo.module, MODULE);
  assert.deepEqual(JSON.parse(JSON.stringify(undo)), undo);
  return { func: undo.func, result: await call(undo.func, undo.arguments, configuration) };
}

const apiJson = async (url: string) => {
  const res = await fetch(url);
  return res.ok ? res.json() : { status: res.status };
};

for (const [label, start] of SERVERS) {
  describe(`turbulence.proxy against ${label}`, () => {
    let server: ApiServer;
    let echo: Awaited<ReturnType<typeof startEcho>>;
    let n = 0;
    const fresh = async (config: Record<string, unknown> = {}) => {
      const name = `d${n++}`;
      const r = await call('create_proxy', { name, listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}`, api_url: server.url }, config);
      return { name, port: Number(String(r.listen).split(':').at(-1)), created: r };
    };

    before(async () => {
      server = await start();
      echo = await startEcho();
    });
    after(async () => {
      await server?.close();
      await echo?.close();
    });

    it('create_proxy creates a working proxy; its undo deletes it', async () => {
      const { name, port, created } = await fresh();
      assert.deepEqual(created, { api_url: server.url, name, listen: `127.0.0.1:${port}`, upstream: `127.0.0.1:${echo.port}`, enabled: true });
      assert.equal((await exchange(port, 'hi', 2)).data.toString(), 'hi');
      const u = await undoOf('create_proxy', {}, created);
      assert.equal(u.func, 'delete_proxy');
      assert.equal((await apiJson(`${server.url}/proxies/${name}`)).status, 404);
      await assert.rejects(exchange(port, 'hi', 2), { code: 'ECONNREFUSED' });
      // and delete_proxy's own undo puts it back on the same address
      const back = await undoOf('delete_proxy', {}, u.result);
      assert.equal(back.func, 'create_proxy');
      assert.equal((await exchange(port, 'again', 5)).data.toString(), 'again');
    });

    it('the API comes from api_url, else the configuration (toxiproxy_url, or toxiproxy_host/port); none is a clear failure', async () => {
      const { name } = await fresh();
      const [, host, port] = /^http:\/\/([^:]+):(\d+)$/.exec(server.url)!;
      const viaUrl = await call('disable_proxy', { name }, { toxiproxy_url: `${server.url}/` });
      assert.equal(viaUrl.api_url, server.url);
      const viaHost = await call('enable_proxy', { name }, { toxiproxy_host: host, toxiproxy_port: Number(port) });
      assert.equal(viaHost.enabled, true);
      await assert.rejects(call('disable_proxy', { name }), /no Toxiproxy API to talk to: pass api_url/);
      const closed = await freePort();
      await assert.rejects(call('disable_proxy', { name, api_url: `http://127.0.0.1:${closed}` }), /cannot reach the Toxiproxy API at http:\/\/127\.0\.0\.1:\d+: .*Connection refused/);
      await assert.rejects(call('disable_proxy', { name: 'missing', api_url: server.url }), /GET http:\/\/127\.0\.0\.1:\d+\/proxies\/missing failed with 404: proxy not found/);
    });

    it('add_toxic delays a real round trip; its undo removes the toxic; remove_toxic\'s undo adds it back', async () => {
      const { name, port } = await fresh();
      const args = { proxy: name, type: 'latency', attributes: { latency: 250 }, api_url: server.url };
      const toxic = await call('add_toxic', args);
      assert.deepEqual(toxic, { api_url: server.url, proxy: name, attributes: { latency: 250, jitter: 0 }, name: 'latency_downstream', type: 'latency', stream: 'downstream', toxicity: 1 });
      assert.ok((await exchange(port, 'ping', 4)).ms >= 230);
      const removed = await undoOf('add_toxic', args, toxic);
      assert.equal(removed.func, 'remove_toxic');
      assert.deepEqual((await apiJson(`${server.url}/proxies/${name}`)).toxics, []);
      assert.ok((await exchange(port, 'ping', 4)).ms < 150);
      const readded = await undoOf('remove_toxic', {}, removed.result);
      assert.equal(readded.func, 'add_toxic');
      assert.deepEqual((await apiJson(`${server.url}/proxies/${name}/toxics/latency_downstream`)).attributes, { latency: 250, jitter: 0 });
      // a named upstream toxic with a toxicity; a duplicate name is the API's 409
      const named = { proxy: name, type: 'limit_data', attributes: { bytes: 3 }, stream: 'upstream', toxicity: 0.5, name: 'cap', api_url: server.url };
      assert.equal((await call('add_toxic', named)).stream, 'upstream');
      await assert.rejects(call('add_toxic', named), /failed with 409: toxic already exists/);
      await assert.rejects(call('add_toxic', { ...named, toxicity: 2 }), /argument 'toxicity' of activity 'add_toxic': expected at most 1/);
    });

    it('disable_proxy refuses connections and its undo enables; nothing to undo when it was already so', async () => {
      const { name, port } = await fresh();
      const down = await call('disable_proxy', { name, api_url: server.url });
      assert.equal(down.enabled, false);
      await assert.rejects(exchange(port, 'x', 1), { code: 'ECONNREFUSED' });
      assert.equal(await undoOf('disable_proxy', {}, await call('disable_proxy', { name, api_url: server.url })), null, 'already disabled');
      const up = await undoOf('disable_proxy', {}, down);
      assert.equal(up.func, 'enable_proxy');
      assert.equal((await exchange(port, 'up', 2)).data.toString(), 'up');
      // enabling changed it, so its undo disables; enabling an enabled proxy leaves nothing to undo
      const again = await undoOf('enable_proxy', {}, up.result);
      assert.deepEqual([again.func, again.result.enabled], ['disable_proxy', false]);
      await call('enable_proxy', { name, api_url: server.url });
      assert.equal(await undoOf('enable_proxy', {}, await call('enable_proxy', { name, api_url: server.url })), null);
    });
  });
}

describe('turbulence.proxy start_proxy_server', () => {
  it('starts the embedded server, makes it the configuration\'s toxiproxy_url, and its undo stops it and restores the previous URL', async () => {
    const configuration: Record<string, unknown> = { toxiproxy_url: 'http://127.0.0.1:1' };
    const started = await call('start_proxy_server', {}, configuration);
    assert.match(started.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(configuration.toxiproxy_url, started.url);
    assert.deepEqual(await apiJson(`${started.url}/proxies`), {});
    // chaostoxi activities of the same run now reach it
    const echo = await startEcho();
    try {
      const chaostoxi = { type: 'action', name: 'p', provider: { type: 'python', module: 'chaostoxi.proxy.actions', func: 'create_proxy', arguments: { proxy_name: 'embedded', upstream_host: '127.0.0.1', upstream_port: echo.port, listen_host: '127.0.0.1' } } } as Activity;
      assert.equal(await provider.run(chaostoxi, { configuration, secrets: {} }), true);
      assert.equal((await exchange(Number(process.env.embedded_PORT), 'via', 3)).data.toString(), 'via');
    } finally {
      await echo.close();
    }
    const stopped = await undoOf('start_proxy_server', {}, started, configuration);
    assert.deepEqual(stopped, { func: 'stop_proxy_server', result: true });
    assert.equal(configuration.toxiproxy_url, 'http://127.0.0.1:1');
    await assert.rejects(fetch(`${started.url}/proxies`));
    assert.equal(await call('stop_proxy_server', { url: started.url }, configuration), false);
  });
});

// ---- in a `turbulence run` ------------------------------------------------------------------------------------

function turbulenceRun(experiment: object, cwd: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string; journal: any; ms: number }> {
  assert.ok(existsSync(join(fileURLToPath(new URL('../../dist/', import.meta.url)), 'turbulence.cjs')), 'run `npm run build` first');
  writeFileSync(join(cwd, 'experiment.json'), JSON.stringify(experiment));
  const t0 = performance.now();
  const child = spawn(process.execPath, [BIN, '--no-log-file', 'run', '--journal-path', 'journal.json', 'experiment.json'], {
    cwd,
    env: { ...process.env, ...env, NODE_OPTIONS: '', NODE_TEST_CONTEXT: '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(killer);
      const p = join(cwd, 'journal.json');
      resolve({ code, stderr, journal: existsSync(p) ? JSON.parse(readFileSync(p, 'utf8')) : null, ms: performance.now() - t0 });
    }),
  );
}

const py = (name: string, func: string, args: Record<string, unknown> = {}, type = 'action') => ({ type, name, provider: { type: 'python', module: MODULE, func, arguments: args } });
const sh = (name: string, script: string) => ({ type: 'action', name, provider: { type: 'process', path: 'sh', arguments: ['-c', script] } });

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.on('connect', () => (s.destroy(), resolve(true)));
    s.on('error', () => resolve(false));
  });

describe('turbulence.proxy in a turbulence run', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'turbulence-proxy-run-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('starts the embedded server, injects latency and an outage through it, and the rollbacks revert them', async () => {
    const pong = createServer((_, res) => res.end('pong'));
    await new Promise<void>((r) => pong.listen(0, '127.0.0.1', r));
    const upstream = (pong.address() as AddressInfo).port;
    const [apiPort, listenPort] = [await freePort(), await freePort()];
    try {
      const timed = (limit: number) => `t0=$(date +%s%N); out=$(curl -s -m 3 http://127.0.0.1:${listenPort}/ || printf refused); t1=$(date +%s%N); ` +
        `[ $(( (t1 - t0) / 1000000 )) -ge ${limit} ] && echo "$out slow" || echo "$out fast"`;
      const experiment = {
        version: '1.0.0',
        title: 'latency and an outage through the embedded proxy',
        description: 'turbulence.proxy end to end',
        method: [
          py('start', 'start_proxy_server', { port: apiPort }),
          py('front', 'create_proxy', { name: 'front', listen: `127.0.0.1:${listenPort}`, upstream: `127.0.0.1:${upstream}` }),
          py('lag', 'add_toxic', { proxy: 'front', type: 'latency', attributes: { latency: 300 }, name: 'lag' }),
          sh('slow-request', timed(280)),
          py('down', 'disable_proxy', { name: 'front' }),
          sh('request-while-down', timed(100000)),
        ],
        rollbacks: [
          py('enable', 'enable_proxy', { name: 'front' }),
          py('unlag', 'remove_toxic', { proxy: 'front', name: 'lag' }),
          sh('fast-request', timed(280)),
          py('delete', 'delete_proxy', { name: 'front' }),
          py('stop', 'stop_proxy_server'),
        ],
      };
      const r = await turbulenceRun(experiment, tmp, {});
      assert.equal(r.code, 0, r.stderr);
      const statuses = [...r.journal.run, ...r.journal.rollbacks].map((x: any) => `${x.activity.name}:${x.status}`);
      assert.deepEqual(statuses, ['start:succeeded', 'front:succeeded', 'lag:succeeded', 'slow-request:succeeded', 'down:succeeded', 'request-while-down:succeeded', 'enable:succeeded', 'unlag:succeeded', 'fast-request:succeeded', 'delete:succeeded', 'stop:succeeded']);
      const out = (name: string) => [...r.journal.run, ...r.journal.rollbacks].find((x: any) => x.activity.name === name).output;
      assert.equal(out('start').url, `http://127.0.0.1:${apiPort}`);
      assert.equal(out('slow-request').stdout, 'pong slow\n');
      assert.equal(out('request-while-down').stdout, 'refused fast\n');
      assert.equal(out('fast-request').stdout, 'pong fast\n');
      assert.equal(out('stop'), true);
      assert.equal(await portOpen(apiPort), false);
    } finally {
      pong.closeAllConnections();
      await new Promise((r) => pong.close(r));
    }
  });

  it('a server the experiment leaves running stops when the run ends, and the run exits', async () => {
    const apiPort = await freePort();
    const experiment = { version: '1.0.0', title: 'left running', description: 'no stop', method: [py('start', 'start_proxy_server', { port: apiPort }), sh('api-up', `curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:${apiPort}/proxies`)] };
    const r = await turbulenceRun(experiment, tmp, {});
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.journal.run[1].output.stdout, '200');
    assert.ok(r.ms < 10_000, `the run took ${r.ms} ms`);
    assert.equal(await portOpen(apiPort), false);
  });
});

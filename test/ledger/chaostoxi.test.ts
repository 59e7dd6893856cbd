// chaostoolkit-toxiproxy's actions under the fault ledger, against a real toxiproxy-server 2.12.0 (behind a recording
// HTTP forwarder that notes, at each change the API receives, what the ledger file holds): the revert is on disk
// before the change, the end-of-run revert puts the server back as it was, rollbacks calling the reference's undo
// (delete_toxic, enable_proxy, delete_proxy, modify_proxy) mark the faults reverted, calls that fail anyway record
// nothing, and results and failures are those the reference gives.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { type IncomingMessage, type Server, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Activity } from '../../src/experiment/types.ts';
import { RunLedger } from '../../src/ledger/run-ledger.ts';
import { listRunFiles, readRecords } from '../../src/ledger/store.ts';
import { readLedger, recoverFaults } from '../../src/ledger/recover.ts';
import '../../src/providers/index.ts';
import { getProvider } from '../../src/providers/registry.ts';
import { type ApiServer, freePort, startEcho, startToxiproxy } from '../drivers/toxiproxy-servers.ts';
import { turbulence } from './run-cli.ts';

const provider = getProvider('python')!;
const PROXY = 'chaostoxi.proxy.actions';
const TOXIC = 'chaostoxi.toxic.actions';
const tmp = mkdtempSync(join(tmpdir(), 'turbulence-ledger-chaostoxi-'));
let n = 0;
const freshState = () => join(tmp, `state-${++n}`);
after(() => rmSync(tmp, { recursive: true, force: true }));

interface Change {
  method: string;
  url: string;
  /** the last record of the run's ledger file when the API received the change */
  last: Record<string, unknown> | null;
}

/** Forwards to the real server; for each change, notes the ledger's last record at that moment. */
async function recordingForwarder(target: string, stateOf: () => string): Promise<{ url: string; changes: Change[]; close(): Promise<void> }> {
  const changes: Change[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    if (req.method !== 'GET') {
      const files = listRunFiles(stateOf());
      changes.push({ method: req.method!, url: req.url!, last: files.length ? (readRecords(files.at(-1)!).at(-1) as unknown as Record<string, unknown>) : null });
    }
    const t = new URL(target);
    const fwd = request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode!, up.headers);
      up.pipe(res);
    });
    req.pipe(fwd);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    changes,
    close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

describe('chaostoxi under the fault ledger (real toxiproxy-server)', () => {
  let toxiproxy: ApiServer;
  let forwarder: Awaited<ReturnType<typeof recordingForwarder>>;
  let echo: Awaited<ReturnType<typeof startEcho>>;
  let state = '';
  let config: Record<string, unknown>;

  before(async () => {
    toxiproxy = await startToxiproxy();
    echo = await startEcho();
    forwarder = await recordingForwarder(toxiproxy.url, () => state);
    config = { toxiproxy_url: forwarder.url };
  });
  after(async () => {
    await forwarder?.close();
    await toxiproxy?.close();
    await echo?.close();
  });

  const serverState = async () => {
    const proxies = (await (await fetch(`${toxiproxy.url}/proxies`)).json()) as Record<string, any>;
    return Object.values(proxies).sort((a, b) => a.name.localeCompare(b.name));
  };
  /** Runs a chaostoxi function as a step of the run (method or rollbacks); the journal's result or failure text. */
  async function step(ledger: RunLedger | null, module: string, func: string, args: Record<string, unknown>, rollback = false): Promise<unknown> {
    const activity = { type: 'action', name: func, provider: { type: 'python', module, func, arguments: args } } as Activity;
    const scope = ledger ? { ledger, activity: func, path: 'method[0]', rollback } : undefined;
    try {
      return await provider.run(activity, { configuration: config, secrets: {}, ledger: scope });
    } catch (err) {
      return `failed: ${(err as Error).message}`;
    }
  }
  const makeProxy = async (name: string) => {
    const r = await fetch(`${toxiproxy.url}/proxies`, { method: 'POST', body: JSON.stringify({ name, listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}` }) });
    assert.equal(r.status, 201);
  };

  it('records each fault before the API sees the change; the end-of-run revert puts the server back as it was', async () => {
    state = freshState();
    await makeProxy('existing');
    const initial = await serverState();
    const ledger = new RunLedger({ stateDir: state, keepFaults: false });
    forwarder.changes.length = 0;
    const results = [
      await step(ledger, PROXY, 'create_proxy', { proxy_name: 'web', upstream_host: '127.0.0.1', upstream_port: echo.port, listen_host: '127.0.0.1' }),
      await step(ledger, TOXIC, 'create_latency_toxic', { for_proxy: 'web', toxic_name: 'lag', latency: 200 }),
      await step(ledger, TOXIC, 'create_toxic', { for_proxy: 'existing', toxic_name: '', toxic_type: 'limit_data', attributes: { bytes: 100 } }),
      await step(ledger, PROXY, 'disable_proxy', { proxy_name: 'existing' }),
      await step(ledger, PROXY, 'modify_proxy', { proxy_name: 'web', upstream_address: '127.0.0.1:9' }),
    ];
    // the reference's results: the unnamed toxic's name differs from '' (False)
    assert.deepEqual(results, [true, true, false, true, true]);
    // every change reached the API with its fault already on disk, revert included
    assert.deepEqual(
      forwarder.changes.map((c) => [c.method, c.last?.type, (c.last?.revert as any)?.func]),
      [
        ['POST', 'applying', 'delete_proxy_if_present'],
        ['POST', 'applying', 'remove_toxic_if_present'],
        ['POST', 'applying', 'remove_toxic_if_present'],
        ['POST', 'applying', 'set_enabled'],
        ['POST', 'applying', 'restore_proxy'],
      ],
    );
    const applying = readRecords(listRunFiles(state)[0]!).filter((r) => r.type === 'applying') as any[];
    assert.deepEqual(applying[2].revert.arguments, { api_url: forwarder.url, proxy: 'existing', name: 'limit_data_downstream' });
    // the call as recorded: defaults filled in, the API URL instead of the whole configuration
    assert.deepEqual(applying[1].call, { module: TOXIC, func: 'create_latency_toxic', arguments: { for_proxy: 'web', toxic_name: 'lag', latency: 200, jitter: 0, api_url: forwarder.url } });
    assert.notDeepEqual(await serverState(), initial);

    const settled = await ledger.settle();
    assert.equal(settled.reverted.length, 5);
    assert.deepEqual(settled.kept, []);
    assert.deepEqual(await serverState(), initial);
  });

  it('marks the faults reverted when rollbacks call delete_toxic, enable_proxy, modify_proxy and delete_proxy', async () => {
    state = freshState();
    const ledger = new RunLedger({ stateDir: state, keepFaults: false });
    await step(ledger, PROXY, 'create_proxy', { proxy_name: 'api', upstream_host: '127.0.0.1', upstream_port: echo.port, listen_host: '127.0.0.1' });
    const listen = (await (await fetch(`${toxiproxy.url}/proxies/api`)).json()).listen;
    await step(ledger, TOXIC, 'create_toxic', { for_proxy: 'api', toxic_name: 'cut', toxic_type: 'timeout', attributes: { timeout: 0 } });
    await step(ledger, PROXY, 'disable_proxy', { proxy_name: 'api' });
    await step(ledger, PROXY, 'modify_proxy', { proxy_name: 'api', upstream_address: '127.0.0.1:9' });
    assert.equal(ledger.outstanding().length, 4);
    // rollbacks as a chaostoxi user writes them (configuration injected, defaults left out)
    assert.equal(await step(ledger, TOXIC, 'delete_toxic', { for_proxy: 'api', toxic_name: 'cut' }, true), true);
    assert.equal(await step(ledger, PROXY, 'enable_proxy', { proxy_name: 'api' }, true), true);
    assert.equal(await step(ledger, PROXY, 'modify_proxy', { proxy_name: 'api', upstream_address: `127.0.0.1:${echo.port}` }, true), true);
    assert.equal(ledger.outstanding().length, 1, 'only the proxy itself is left');
    assert.equal(listen.startsWith('127.0.0.1:'), true);
    assert.equal(await step(ledger, PROXY, 'delete_proxy', { proxy_name: 'api' }, true), null);
    assert.deepEqual(ledger.outstanding(), []);
    const reverted = readRecords(listRunFiles(state)[0]!).filter((r) => r.type === 'reverted') as any[];
    assert.deepEqual(reverted.map((r) => [r.fault, r.by]), [[2, 'rollback'], [3, 'rollback'], [4, 'rollback'], [1, 'rollback']]);
    assert.deepEqual(await ledger.settle(), { reverted: [], kept: [] });
  });

  it('a rollback against another API (another configuration) does not match', async () => {
    state = freshState();
    const ledger = new RunLedger({ stateDir: state, keepFaults: false });
    await step(ledger, PROXY, 'create_proxy', { proxy_name: 'other', upstream_host: '127.0.0.1', upstream_port: echo.port, listen_host: '127.0.0.1' });
    const saved = config;
    config = { toxiproxy_url: `http://127.0.0.1:${await freePort()}` };
    try {
      assert.equal(await step(ledger, PROXY, 'delete_proxy', { proxy_name: 'other' }, true), null);
    } finally {
      config = saved;
    }
    assert.equal(ledger.outstanding().length, 1);
    assert.equal((await ledger.settle()).reverted.length, 1);
    assert.equal((await fetch(`${toxiproxy.url}/proxies/other`)).status, 404);
  });

  it('records nothing for calls that fail anyway, and they fail as the reference says', async () => {
    state = freshState();
    await makeProxy('taken');
    await fetch(`${toxiproxy.url}/proxies/taken/toxics`, { method: 'POST', body: JSON.stringify({ name: 'slow', type: 'latency', attributes: { latency: 1 } }) });
    const ledger = new RunLedger({ stateDir: state, keepFaults: false });
    assert.equal(await step(ledger, PROXY, 'create_proxy', { proxy_name: 'taken', upstream_host: '127.0.0.1', upstream_port: 9 }), 'failed: AssertionError');
    assert.equal(await step(ledger, PROXY, 'create_proxy', { proxy_name: 'x', upstream_host: 'env:CHAOSTOXI_LEDGER_UNSET', upstream_port: 9 }), "failed: KeyError: 'CHAOSTOXI_LEDGER_UNSET'");
    assert.equal(await step(ledger, TOXIC, 'create_latency_toxic', { for_proxy: 'missing', toxic_name: 'lag', latency: 1 }), "failed: TypeError: 'NoneType' object is not subscriptable");
    assert.equal(await step(ledger, TOXIC, 'create_latency_toxic', { for_proxy: 'taken', toxic_name: 'slow', latency: 1 }), "failed: TypeError: 'NoneType' object is not subscriptable");
    assert.equal(await step(ledger, PROXY, 'disable_proxy', { proxy_name: 'missing' }), 'failed: AssertionError');
    assert.equal(await step(ledger, PROXY, 'enable_proxy', { proxy_name: 'taken' }), true, 'already enabled: nothing to revert');
    assert.equal(await step(ledger, TOXIC, 'delete_toxic', { for_proxy: 'taken', toxic_name: 'missing' }), false);
    // an API that does not answer: the reference's ConnectionError, nothing recorded
    const saved = config;
    config = { toxiproxy_url: `http://127.0.0.1:${await freePort()}` };
    try {
      assert.match(String(await step(ledger, TOXIC, 'create_latency_toxic', { for_proxy: 'taken', toxic_name: 'l', latency: 1 })), /^failed: requests\.exceptions\.ConnectionError: /);
    } finally {
      config = saved;
    }
    assert.deepEqual(listRunFiles(state), [], 'no fault: no ledger file');
    assert.deepEqual(ledger.outstanding(), []);
  });

  it('records delete_toxic and delete_proxy of what existed before the run, and puts them back', async () => {
    state = freshState();
    await makeProxy('kept');
    await fetch(`${toxiproxy.url}/proxies/kept/toxics`, { method: 'POST', body: JSON.stringify({ name: 'jitter', type: 'latency', attributes: { latency: 5, jitter: 2 } }) });
    await makeProxy('doomed');
    const initial = await serverState();
    const ledger = new RunLedger({ stateDir: state, keepFaults: false });
    assert.equal(await step(ledger, TOXIC, 'delete_toxic', { for_proxy: 'kept', toxic_name: 'jitter' }), true);
    assert.equal(await step(ledger, PROXY, 'delete_proxy', { proxy_name: 'doomed' }), null);
    assert.equal(ledger.outstanding().length, 2);
    await ledger.settle();
    const now = await serverState();
    assert.deepEqual(now, initial);
    await fetch(`${toxiproxy.url}/proxies/doomed`, { method: 'DELETE' });
    await fetch(`${toxiproxy.url}/proxies/kept`, { method: 'DELETE' });
  });

  it('recover reverts the chaostoxi faults of a run that is gone (its revert needs no configuration)', async () => {
    state = freshState();
    const initial = await serverState();
    const ledger = new RunLedger({ stateDir: state, keepFaults: true });
    await step(ledger, PROXY, 'create_proxy', { proxy_name: 'left', upstream_host: '127.0.0.1', upstream_port: echo.port, listen_host: '127.0.0.1' });
    await step(ledger, TOXIC, 'create_bandwith_degradation_toxic', { for_proxy: 'left', toxic_name: 'thin', rate: 1 });
    await ledger.settle();
    // as after a crash: the run's record names a process that is gone
    const [file] = listRunFiles(state);
    writeFileSync(file!, readFileSync(file!, 'utf8').replace(/"pid":\d+/, '"pid":999999999'));
    const faults = readLedger(state).flatMap((r) => r.faults);
    assert.deepEqual(faults.map((f) => f.revert?.func), ['remove_toxic_if_present', 'delete_proxy_if_present']);
    const results = await recoverFaults(state, faults);
    assert.deepEqual(results.map((r) => r.result), ['reverted', 'reverted']);
    assert.deepEqual(await serverState(), initial);
  });
});

describe('chaostoxi faults through the built CLI', () => {
  let toxiproxy: ApiServer;
  before(async () => {
    toxiproxy = await startToxiproxy();
  });
  after(() => toxiproxy?.close());

  const python = (name: string, module: string, func: string, args: Record<string, unknown>) => ({ type: 'action', name, provider: { type: 'python', module, func, arguments: args } });
  const faults = [
    python('create-web', PROXY, 'create_proxy', { proxy_name: 'web', upstream_host: '127.0.0.1', upstream_port: 9, listen_host: '127.0.0.1' }),
    python('slow-web', TOXIC, 'create_latency_toxic', { for_proxy: 'web', toxic_name: 'lag', latency: 100 }),
  ];
  function setup(experiment: Record<string, unknown>): string {
    const dir = join(tmp, `cli-${++n}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'experiment.json'), JSON.stringify({ title: 'chaostoxi', description: 'd', ...experiment }));
    return dir;
  }

  it('reverts what no rollback undid and lists it in the journal', async () => {
    const dir = setup({ configuration: { toxiproxy_url: toxiproxy.url }, method: faults });
    const r = await turbulence(['run', 'experiment.json'], dir, { TURBULENCE_PYTHON: '/nonexistent/python3' });
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(readFileSync(join(dir, 'journal.json'), 'utf8'));
    assert.deepEqual(j.run.map((x: any) => x.output), [true, true]);
    assert.deepEqual(j.turbulence.reverted.map((x: any) => [x.activity, x.fault, x.revert.func]), [
      ['slow-web', 'chaostoxi.toxic.actions.create_latency_toxic', 'remove_toxic_if_present'],
      ['create-web', 'chaostoxi.proxy.actions.create_proxy', 'delete_proxy_if_present'],
    ]);
    assert.deepEqual(await (await fetch(`${toxiproxy.url}/proxies`)).json(), {});
  });

  it('records nothing for chaostoxi calls against the embedded proxy server of the run (it ends with the run)', async () => {
    const start = python('start-embedded', 'turbulence.proxy', 'start_proxy_server', {});
    const dir = setup({ configuration: { toxiproxy_url: toxiproxy.url }, method: [start, ...faults] });
    const r = await turbulence(['run', 'experiment.json'], dir, { TURBULENCE_PYTHON: '/nonexistent/python3' });
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(readFileSync(join(dir, 'journal.json'), 'utf8'));
    assert.deepEqual(j.run.map((x: any) => x.status), ['succeeded', 'succeeded', 'succeeded']);
    assert.equal(j.turbulence, undefined);
    assert.ok(!existsSync(join(dir, 'state', 'ledger')) || readdirSync(join(dir, 'state', 'ledger')).length === 0, 'nothing written to the ledger');
    // the real server outside the run was never touched
    assert.deepEqual(await (await fetch(`${toxiproxy.url}/proxies`)).json(), {});
  });
});

// The Kubernetes and Istio faults under the fault ledger, against a small stateful stub of the API on 127.0.0.1 (the
// same faults on a real control plane: test/drivers/kubernetes/cli-cluster.test.ts). What it checks is the ledger's plumbing: the revert is decided
// and on disk before the change reaches the API (the replicas read first, the schedulable nodes selected, the
// VirtualService's faults as they were), the run acts on what the intent read, and the revert puts that state back
// (end of run and `recover`), leaving alone what was already so before the run.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Activity } from '../../src/experiment/types.ts';
import { readLedger, recoverFaults } from '../../src/ledger/recover.ts';
import { RunLedger } from '../../src/ledger/run-ledger.ts';
import { listRunFiles, readRecords } from '../../src/ledger/store.ts';
import '../../src/providers/index.ts';
import { getProvider } from '../../src/providers/registry.ts';

const provider = getProvider('python')!;
const tmp = mkdtempSync(join(tmpdir(), 'turbulence-ledger-k8s-'));
let n = 0;
let state = '';

/** The stub's objects: deployments' and statefulsets' replicas, nodes, VirtualServices. */
const world = {
  replicas: new Map<string, number>(),
  nodes: new Map<string, { labels: Record<string, string>; unschedulable: boolean }>(),
  vs: new Map<string, any>(),
};
/** Each change the API received, with the ledger's last record at that moment. */
const changes: { what: string; last: any }[] = [];

function handle(req: IncomingMessage, res: ServerResponse, body: string): void {
  const url = new URL(req.url!, 'http://x');
  const json = (status: number, v: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(v));
  };
  const notFound = () => json(404, { kind: 'Status', code: 404, reason: 'NotFound' });
  if (req.method !== 'GET') {
    const files = state ? listRunFiles(state) : [];
    changes.push({ what: `${req.method} ${url.pathname}`, last: files.length ? readRecords(files.at(-1)!).at(-1) : null });
  }
  let m = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/(deployments|statefulsets)\/([^/]+)$/.exec(url.pathname);
  if (m) {
    const key = `${m[2]}/${m[1]}/${m[3]}`;
    if (!world.replicas.has(key)) return notFound();
    if (req.method === 'PATCH') world.replicas.set(key, JSON.parse(body).spec.replicas);
    return json(200, { metadata: { name: m[3] }, spec: { replicas: world.replicas.get(key) } });
  }
  const node = (name: string) => ({ metadata: { name, labels: world.nodes.get(name)!.labels }, spec: world.nodes.get(name)!.unschedulable ? { unschedulable: true } : {} });
  if (url.pathname === '/api/v1/nodes' && req.method === 'GET') {
    const byName = url.searchParams.get('fieldSelector')?.replace('metadata.name=', '');
    const label = url.searchParams.get('labelSelector')?.split('=');
    const names = [...world.nodes.keys()].filter((k) => (!byName || k === byName) && (!label || world.nodes.get(k)!.labels[label[0]!] === label[1]));
    return json(200, { items: names.map(node) });
  }
  m = /^\/api\/v1\/nodes\/([^/]+)$/.exec(url.pathname);
  if (m) {
    if (!world.nodes.has(m[1]!)) return notFound();
    if (req.method === 'PATCH') world.nodes.get(m[1]!)!.unschedulable = JSON.parse(body).spec.unschedulable;
    return json(200, node(m[1]!));
  }
  if (url.pathname === '/api/v1/pods') return json(200, { items: [] });
  m = /^\/apis\/networking\.istio\.io\/v1alpha3\/namespaces\/([^/]+)\/virtualservices\/([^/]+)$/.exec(url.pathname);
  if (m) {
    const vs = world.vs.get(m[2]!);
    if (!vs) return notFound();
    // a merge patch: spec.http is replaced whole
    if (req.method === 'PATCH') vs.spec.http = JSON.parse(body).spec.http;
    return json(200, vs);
  }
  notFound();
}

let host = '';
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => handle(req, res, body));
});
before(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // no kubeconfig: the KUBERNETES_* secrets say where the API is
  process.env.KUBECONFIG = join(tmp, 'none');
});
after(() => {
  server.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** A step of the run (method unless `rollback`), with the `k8s` secrets scope pointing at the stub. */
async function step(ledger: RunLedger, module: string, func: string, args: Record<string, unknown>, rollback = false): Promise<unknown> {
  const activity = { type: 'action', name: func, provider: { type: 'python', module, func, arguments: args, secrets: ['k8s'] } } as Activity;
  try {
    const ledgerScope = { ledger, activity: func, path: 'method[0]', rollback };
    return await provider.run(activity, { configuration: {}, secrets: { k8s: { KUBERNETES_HOST: host } }, ledger: ledgerScope });
  } catch (err) {
    return `failed: ${(err as Error).message}`;
  }
}
const fresh = () => {
  state = join(tmp, `state-${++n}`);
  changes.length = 0;
  return new RunLedger({ stateDir: state, keepFaults: false });
};
const applyingBefore = (what: RegExp) => changes.filter((c) => what.test(c.what)).map((c) => [c.last?.type, c.last?.revert?.func]);

describe('Kubernetes faults under the fault ledger (stub API)', () => {
  it('scale_deployment / scale_statefulset / scale_microservice: the replicas read first, recorded, scaled back at the end', async () => {
    world.replicas.set('deployments/shop/web', 3).set('statefulsets/shop/db', 2).set('deployments/shop/old', 4);
    const ledger = fresh();
    assert.equal(await step(ledger, 'chaosk8s.deployment.actions', 'scale_deployment', { name: 'web', replicas: 1, ns: 'shop' }), null);
    assert.equal(await step(ledger, 'chaosk8s.statefulset.actions', 'scale_statefulset', { name: 'db', replicas: 0, ns: 'shop' }), null);
    assert.equal(await step(ledger, 'chaosk8s.actions', 'scale_microservice', { name: 'old', replicas: 1, ns: 'shop' }), null);
    // already at the target: nothing to revert, nothing recorded
    assert.equal(await step(ledger, 'chaosk8s.deployment.actions', 'scale_deployment', { name: 'web', replicas: 1, ns: 'shop' }), null);
    assert.deepEqual([...world.replicas.values()], [1, 0, 1]);
    assert.deepEqual(applyingBefore(/PATCH/), [
      ['applying', 'scale_deployment'],
      ['applying', 'scale_statefulset'],
      ['applying', 'scale_microservice'],
      // the no-op scale: the last record is the previous fault's
      ['applied', undefined],
    ]);
    const applying = readRecords(listRunFiles(state)[0]!).filter((r) => r.type === 'applying') as any[];
    assert.deepEqual(applying.map((r) => r.revert.arguments.replicas), [3, 2, 4]);
    const settled = await ledger.settle();
    assert.equal(settled.reverted.length, 3);
    assert.deepEqual([...world.replicas.values()], [3, 2, 4]);
  });

  it('a rollback calling the reference undo (scale back) marks the scale reverted', async () => {
    world.replicas.set('deployments/shop/web', 3);
    const ledger = fresh();
    await step(ledger, 'chaosk8s.deployment.actions', 'scale_deployment', { name: 'web', replicas: 0, ns: 'shop' });
    await step(ledger, 'chaosk8s.deployment.actions', 'scale_deployment', { name: 'web', replicas: 3, ns: 'shop' }, true);
    assert.deepEqual(ledger.outstanding(), []);
    assert.deepEqual(await ledger.settle(), { reverted: [], kept: [] });
  });

  it('cordon_node / drain_nodes: the schedulable nodes selected are recorded; a node cordoned before stays cordoned', async () => {
    world.nodes.clear();
    world.nodes.set('n1', { labels: { pool: 'a' }, unschedulable: false }).set('n2', { labels: { pool: 'a' }, unschedulable: true }).set('n3', { labels: { pool: 'b' }, unschedulable: false });
    const ledger = fresh();
    assert.deepEqual(await step(ledger, 'chaosk8s.node.actions', 'cordon_node', { label_selector: 'pool=a' }), ['n1', 'n2']);
    assert.deepEqual(await step(ledger, 'chaosk8s.node.actions', 'drain_nodes', { name: 'n3' }), ['n3']);
    assert.deepEqual([...world.nodes.values()].map((v) => v.unschedulable), [true, true, true]);
    assert.deepEqual(applyingBefore(/PATCH \/api\/v1\/nodes\/n1/), [['applying', 'schedule_nodes']]);
    assert.deepEqual(applyingBefore(/PATCH \/api\/v1\/nodes\/n3/), [['applying', 'schedule_nodes']]);
    const applying = readRecords(listRunFiles(state)[0]!).filter((r) => r.type === 'applying') as any[];
    assert.deepEqual(applying.map((r) => r.revert.arguments.names), [['n1'], ['n3']]);
    await ledger.settle();
    assert.deepEqual([...world.nodes.values()].map((v) => v.unschedulable), [false, true, false]);
  });

  it('chaosistio faults: the VirtualService faults as they were are recorded and put back (one there before stays)', async () => {
    const before = {
      spec: {
        http: [{ route: [{ destination: { host: 'api' } }] }, { route: [{ destination: { host: 'db' } }], fault: { abort: { httpStatus: 503 } } }],
      },
    };
    world.vs.set('api', structuredClone(before));
    const ledger = fresh();
    const routes = (h: string) => [{ destination: { host: h } }];
    const added = (await step(ledger, 'chaosistio.fault.actions', 'add_delay_fault', { virtual_service_name: 'api', fixed_delay: '2s', routes: routes('api'), ns: 'shop' })) as any;
    assert.equal(added.status, 200);
    await step(ledger, 'chaosistio.fault.actions', 'set_fault', { virtual_service_name: 'api', routes: routes('db'), fault: { delay: { fixedDelay: '1s' } }, ns: 'shop' });
    assert.deepEqual(world.vs.get('api').spec.http.map((h: any) => h.fault), [{ delay: { fixedDelay: '2s' } }, { delay: { fixedDelay: '1s' } }]);
    assert.deepEqual(applyingBefore(/PATCH/), [
      ['applying', 'restore_faults'],
      ['applying', 'restore_faults'],
    ]);
    // recorded before the changes: the faults as they were
    const applying = readRecords(listRunFiles(state)[0]!).filter((r) => r.type === 'applying') as any[];
    assert.deepEqual(applying[0].revert.arguments.faults, [null, { abort: { httpStatus: 503 } }]);
    const settled = await ledger.settle();
    assert.equal(settled.reverted.length, 2);
    assert.deepEqual(world.vs.get('api'), before);
  });

  it('recover, in a process that loaded no driver, replays the recorded reverts', async () => {
    world.replicas.set('deployments/shop/web', 5);
    world.nodes.get('n1')!.unschedulable = false;
    const ledger = fresh();
    (ledger.options as { keepFaults: boolean }).keepFaults = true;
    await step(ledger, 'chaosk8s.deployment.actions', 'scale_deployment', { name: 'web', replicas: 2, ns: 'shop' });
    await step(ledger, 'chaosk8s.node.actions', 'cordon_node', { name: 'n1' });
    await ledger.settle();
    const [file] = listRunFiles(state);
    writeFileSync(file!, readFileSync(file!, 'utf8').replace(/"pid":\d+/, '"pid":999999999'));
    const faults = readLedger(state).flatMap((r) => r.faults);
    assert.deepEqual(faults.map((f) => f.revert?.func), ['schedule_nodes', 'scale_deployment']);
    const results = await recoverFaults(state, faults);
    assert.deepEqual(results.map((r) => r.result), ['reverted', 'reverted']);
    assert.equal(world.replicas.get('deployments/shop/web'), 5);
    assert.equal(world.nodes.get('n1')!.unschedulable, false);
  });
});

// chaosk8s.chaosmesh.* against a real control plane with Chaos Mesh's CRDs (test/k8s/chaos-mesh-crds.yaml): the same
// calls made by the real Python functions in one fresh namespace and natively in another must create the same
// NetworkChaos / StressChaos objects and give the same results and failures once namespaces, uids, versions and times
// are normalized; then the fault ledger: each create's deletion recorded, a rollback matching it, the rest reverted at
// the end, an object that already existed (409) left alone, one already gone counted as nothing to revert.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Activity } from '../../../src/experiment/types.ts';
import { RunLedger } from '../../../src/ledger/run-ledger.ts';
import { getProvider } from '../../../src/providers/registry.ts';
import { type Cluster, api, newNamespace, request, startCluster, waitFor } from '../../k8s/cluster.ts';
import { type Call, type Result, nativeCalls, referenceCalls } from './calls.ts';

const CRDS = fileURLToPath(new URL('../../k8s/chaos-mesh-crds.yaml', import.meta.url));
const NET = 'chaosk8s.chaosmesh.network.actions';
const NETP = 'chaosk8s.chaosmesh.network.probes';
const STR = 'chaosk8s.chaosmesh.stress.actions';
const STRP = 'chaosk8s.chaosmesh.stress.probes';

let cluster: Cluster;
const tmp = mkdtempSync(join(tmpdir(), 'turbulence-k8s-chaosmesh-'));
before(async () => {
  cluster = await startCluster({ nodes: 1 });
  process.env.KUBECONFIG = cluster.kubeconfig;
  const { parseAllDocuments } = await import('yaml');
  const path = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
  for (const doc of parseAllDocuments(readFileSync(CRDS, 'utf8'))) {
    const crd = doc.toJS();
    const res = await request(cluster, 'POST', path, { body: crd });
    if (res.status !== 201 && res.status !== 409) throw new Error(`installing ${crd.metadata.name}: ${res.status} ${res.body?.message}`);
    await waitFor(`${crd.metadata.name} Established`, 30_000, async () => (await api(cluster, 'GET', `${path}/${crd.metadata.name}`)).status?.conditions?.some((c: any) => c.type === 'Established' && c.status === 'True'));
  }
});
after(async () => {
  await cluster?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

function scrub(value: unknown, ns: string): unknown {
  return JSON.parse(
    JSON.stringify(value)
      .replaceAll(ns, 'NS')
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'UUID')
      .replace(/(\\?"resourceVersion\\?":\s*\\?")\d+/g, '$1RV')
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, 'TIME')
      .replace(/[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT/g, 'DATE'),
  );
}

/** The calls by the reference in one fresh namespace and natively in another: equal once normalized. */
async function both(calls: (ns: string) => Call[]): Promise<{ nat: Result[]; ns: string }> {
  const [nsRef, nsNat] = await Promise.all([newNamespace(cluster, 'ref'), newNamespace(cluster, 'nat')]);
  const [ref, nat] = await Promise.all([referenceCalls(calls(nsRef), process.env), nativeCalls(calls(nsNat))]);
  assert.deepEqual(scrub(nat, nsNat), scrub(ref, nsRef), `native (actual) vs reference (expected):\n${JSON.stringify(nat).slice(0, 4000)}`);
  return { nat, ns: nsNat };
}

const ok = (r: Result) => (r as { ok: any }).ok;
const error = (r: Result) => (r as { error?: string }).error;
const names = async (ns: string, plural: string) => (await api(cluster, 'GET', `/apis/chaos-mesh.org/v1alpha1/namespaces/${ns}/${plural}`)).items.map((o: any) => o.metadata.name).sort();

describe('chaosk8s.chaosmesh on a real control plane, compared with the reference functions', () => {
  it('network faults: every kind, selectors as strings and mappings, targets, modes; probes; delete; the failures', async () => {
    const { nat, ns } = await both((ns) => [
      { module: NET, func: 'add_latency', arguments: { name: 'lat', ns, namespaces_selectors: `${ns},other`, label_selectors: 'app=web,tier=a=b', latency: '10ms', correlation: '50', jitter: '1ms', direction: 'both', external_targets: 'a.example,b.example', target_mode: 'fixed', target_mode_value: '2', target_label_selectors: 'app=db', target_annotations_selectors: { team: 'x' } } },
      { module: NET, func: 'set_loss', arguments: { name: 'loss', ns, annotations_selectors: { a: 'b' }, mode: 'fixed-percent', mode_value: '50', loss: '25', target_mode: null } },
      { module: NET, func: 'duplicate_packets', arguments: { name: 'dup', ns, duplicate: '10', target_mode: 'random-max-percent', target_namespaces_selectors: ['x', 'y'] } },
      { module: NET, func: 'corrupt_packets', arguments: { name: 'corrupt', ns, corrupt: '5', correlation: '', mode: 'all', mode_value: '3' } },
      { module: NET, func: 'reorder_packets', arguments: { name: 'reorder', ns, reorder: '20', gap: '5', external_targets: ['c.example'] } },
      { module: NET, func: 'set_bandwidth', arguments: { name: 'bw', rate: '1mbps', limit: 100, buffer: 10000, ns, peakrate: 0, minburst: 5 } },
      // a label pair without '=': Python's ValueError, nothing created
      { module: NET, func: 'add_latency', arguments: { name: 'bad', ns, label_selectors: 'app' } },
      // already there: the API's 409 Status is the result
      { module: NET, func: 'add_latency', arguments: { name: 'lat', ns, latency: '99ms' } },
      { module: NET, func: 'add_latency', arguments: { name: 'nons', ns: null } },
      { module: NETP, func: 'get_network_faults', arguments: { ns } },
      { module: NETP, func: 'get_network_fault', arguments: { name: 'lat', ns } },
      { module: NET, func: 'delete_network_fault', arguments: { name: 'lat', ns } },
      { module: NET, func: 'delete_network_fault', arguments: { name: 'lat', ns } },
      { module: NETP, func: 'get_network_fault', arguments: { name: 'lat', ns } },
    ]);
    const lat = ok(nat[0]);
    assert.equal(lat.kind, 'NetworkChaos');
    assert.deepEqual(lat.spec, {
      action: 'delay',
      delay: { latency: '10ms', correlation: '50', jitter: '1ms' },
      direction: 'both',
      mode: 'one',
      selector: { namespaces: [ns, 'other'], labelSelectors: { app: 'web', tier: 'a=b' } },
      externalTargets: ['a.example', 'b.example'],
      target: { mode: 'fixed', value: '2', selector: { labelSelectors: { app: 'db' }, annotationSelectors: { team: 'x' } } },
    });
    assert.equal(lat.metadata.ns, undefined, 'the API server drops the `ns` the reference puts in metadata');
    assert.deepEqual(ok(nat[1]).spec.target, undefined);
    assert.equal(ok(nat[1]).spec.value, '50');
    assert.deepEqual(ok(nat[2]).spec.target, { mode: 'random-max-percent', value: null, selector: { namespaces: ['x', 'y'] } });
    assert.deepEqual(ok(nat[3]).spec.corrupt, { corrupt: '5' });
    assert.equal(ok(nat[3]).spec.value, undefined);
    assert.equal(ok(nat[5]).spec.action, 'bandwdith');
    assert.deepEqual(ok(nat[5]).spec.bandwidth, { rate: '1mbps', limit: 100, buffer: 10000, minburst: 5 });
    assert.equal(error(nat[6]), 'ValueError: not enough values to unpack (expected 2, got 1)');
    assert.equal(ok(nat[7]).code, 409);
    assert.match(error(nat[8])!, /^kubernetes\.client\.exceptions\.ApiValueError: Missing the required parameter `namespace`/);
    assert.deepEqual(ok(nat[9]).items.map((i: any) => i.metadata.name), ['bw', 'corrupt', 'dup', 'lat', 'loss', 'reorder']);
    assert.equal(ok(nat[11]).status, 'Success');
    assert.match(error(nat[12])!, /^chaoslib\.exceptions\.ActivityFailed: Failed to delete custom resource object: 'Not Found' b'\{"kind":"Status"/);
    assert.match(error(nat[13])!, /^chaoslib\.exceptions\.ActivityFailed: Failed to create custom resource object: 'Not Found'/);
    assert.deepEqual(await names(ns, 'networkchaos'), ['bw', 'corrupt', 'dup', 'loss', 'reorder']);
  });

  it('stressors: CPU and memory with their defaults, containers as a string or a list; probes; delete', async () => {
    const { nat, ns } = await both((ns) => [
      { module: STR, func: 'stress_cpu', arguments: { name: 'cpu', workers: 2, load: 50, ns, label_selectors: 'app=web', container_names: 'a,b', stressng_stressors: '--cpu 1' } },
      { module: STR, func: 'stress_memory', arguments: { name: 'mem', size: '256MB', oom_score: -1000, time_to_get_to_size: '10s', ns, mode: 'fixed-percent', mode_value: '30', container_names: ['app'], namespaces_selectors: ns } },
      { module: STR, func: 'stress_memory', arguments: { name: 'mem2', ns } },
      { module: STR, func: 'stress_cpu', arguments: { name: 'cpu-bad', workers: 1, load: 1, ns, annotations_selectors: 'x=1,' } },
      { module: STRP, func: 'get_stressors', arguments: { ns } },
      { module: STRP, func: 'get_stressor', arguments: { name: 'cpu', ns } },
      { module: STR, func: 'delete_stressor', arguments: { name: 'cpu', ns } },
      { module: STR, func: 'delete_stressor', arguments: { name: 'cpu', ns } },
      { module: STRP, func: 'get_stressors', arguments: { ns } },
    ]);
    assert.deepEqual(ok(nat[0]).spec, { selector: { labelSelectors: { app: 'web' } }, stressors: { cpu: { workers: 2, load: 50 } }, mode: 'one', duration: '30s', direction: 'to', containerNames: ['a', 'b'], stressngStressors: '--cpu 1' });
    assert.deepEqual(ok(nat[1]).spec.stressors, { memory: { workers: null, size: '256MB', time: '10s', oomScoreAdj: -1000 } });
    assert.equal(ok(nat[1]).spec.value, '30');
    assert.equal(ok(nat[2]).spec.containerNames, null);
    assert.equal(error(nat[3]), 'ValueError: not enough values to unpack (expected 2, got 1)');
    assert.deepEqual(ok(nat[4]).items.map((i: any) => i.metadata.name), ['cpu', 'mem', 'mem2']);
    assert.match(error(nat[7])!, /'Not Found'/);
    assert.deepEqual(ok(nat[8]).items.map((i: any) => i.metadata.name), ['mem', 'mem2']);
    assert.deepEqual(await names(ns, 'stresschaos'), ['mem', 'mem2']);
  });
});

describe('chaosk8s.chaosmesh under the fault ledger', () => {
  const provider = getProvider('python')!;
  const step = async (ledger: RunLedger, module: string, func: string, args: Record<string, unknown>, rollback = false) => {
    const activity = { type: 'action', name: func, provider: { type: 'python', module, func, arguments: args } } as Activity;
    return provider.run(activity, { configuration: {}, secrets: {}, ledger: { ledger, activity: func, path: rollback ? 'rollbacks[0]' : 'method[0]', rollback } });
  };

  it('each create records its deletion; a rollback reverts one; the end of the run deletes the rest, leaves what existed', async () => {
    const ns = await newNamespace(cluster, 'ledger');
    await api(cluster, 'POST', `/apis/chaos-mesh.org/v1alpha1/namespaces/${ns}/networkchaos`, { apiVersion: 'chaos-mesh.org/v1alpha1', kind: 'NetworkChaos', metadata: { name: 'theirs' }, spec: {} });
    const ledger = new RunLedger({ stateDir: join(tmp, 'state'), keepFaults: false });
    await step(ledger, NET, 'add_latency', { name: 'lat', ns, latency: '5ms' });
    await step(ledger, NET, 'set_loss', { name: 'theirs', ns, loss: '1' }); // 409: not ours
    await step(ledger, NET, 'set_bandwidth', { name: 'gone', rate: '1mbps', limit: 1, buffer: 1, ns });
    await step(ledger, STR, 'stress_cpu', { name: 'cpu', workers: 1, load: 10, ns });
    await step(ledger, STR, 'stress_memory', { name: 'mem', size: '1MB', ns });
    // the rollback the docs advise, exactly the recorded undo
    await step(ledger, STR, 'delete_stressor', { name: 'mem', ns }, true);
    // deleted behind the run's back: nothing to revert at the end
    await api(cluster, 'DELETE', `/apis/chaos-mesh.org/v1alpha1/namespaces/${ns}/networkchaos/gone`);
    assert.deepEqual(
      ledger.outstanding().map((f) => [f.call.func, f.revert?.func, f.revert?.arguments.name]),
      [['add_latency', 'delete_network_fault', 'lat'], ['set_bandwidth', 'delete_network_fault', 'gone'], ['stress_cpu', 'delete_stressor', 'cpu']],
    );
    const settled = await ledger.settle();
    assert.deepEqual(settled.kept, []);
    assert.deepEqual(settled.reverted.map((f) => f.revert?.func).sort(), ['delete_network_fault', 'delete_stressor']);
    assert.deepEqual(await names(ns, 'networkchaos'), ['theirs']);
    assert.deepEqual(await names(ns, 'stresschaos'), []);
  });
});

// chaosk8s and chaosistio against a real control plane (test/k8s/cluster.ts: kube-apiserver, etcd, controllers,
// scheduler, kwok). Each family of functions runs twice on identical fresh namespaces: once by the reference (the
// real Python functions, reference-calls.py) and once natively; the results and failure messages must be equal once
// the namespace name, uids, resourceVersions and stamped times are normalized, and the cluster must then be in the
// state the calls say (pods gone, replicas scaled, nodes cordoned, policies and faults in place or removed).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { type Cluster, FAKE_NODE_SELECTOR, KWOK_NODE_ANNOTATION, addFakeNodes, api, newNamespace, request, startCluster, waitFor } from '../../k8s/cluster.ts';
import { type Call, type Result, nativeCalls, referenceCalls } from './calls.ts';
import { createDeployment, createVirtualService, deploymentAvailable, deploymentSpec, listPods, runningPods } from './workloads.ts';

let cluster: Cluster;
const tmp = mkdtempSync(join(tmpdir(), 'turbulence-k8s-real-'));
before(async () => {
  cluster = await startCluster();
  process.env.KUBECONFIG = cluster.kubeconfig;
});
after(async () => {
  await cluster?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

/** Normal form of results: what two fresh namespaces of one cluster legitimately differ in. */
function scrub(value: unknown, names: Record<string, string>): unknown {
  let text = JSON.stringify(value);
  for (const [from, to] of Object.entries(names)) text = text.replaceAll(from, to);
  return JSON.parse(
    text
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'UUID')
      .replace(/(\\?"resourceVersion\\?":\s*\\?")\d+/g, '$1RV')
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, 'TIME')
      .replace(/[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT/g, 'DATE')
      .replace(/("(?:restartedAt|kubectl\.kubernetes\.io\/restartedAt)":\s*")[^"]+/g, '$1TIME')
      .replace(/\b(web|app|db|ds)-([a-z0-9]{6,10}-)?[a-z0-9]{5}\b/g, (m, a, b) => `${a}-${b ?? ''}XXXXX`),
    // the API server's field bookkeeping: its entries merge or split with the timing of the updates
    (key, v) => (key === 'managedFields' ? undefined : v),
  );
}

/** A model object the reference returns (not JSON) is compared by kind only. */
function comparable(ref: Result[], nat: Result[]): [Result[], Result[]] {
  const n = nat.map((r, i) => {
    const x = ref[i] as any;
    if (x && 'ok' in x && x.ok && typeof x.ok === 'object' && '__object__' in x.ok && 'ok' in r) return { ok: x.ok };
    return r;
  });
  return [ref, n];
}

interface Pair {
  ref: Result[];
  nat: Result[];
  /** the native run's namespace */
  ns: string;
}

/**
 * The calls (built for a namespace) made by the reference in one fresh namespace and natively in another, after the
 * same setup in both; asserts that they agree and returns the native namespace for checks on the cluster.
 */
async function both(setup: (ns: string) => Promise<void>, calls: (ns: string) => Call[], names: Record<string, string> = {}): Promise<Pair> {
  const [nsRef, nsNat] = await Promise.all([newNamespace(cluster, 'ref'), newNamespace(cluster, 'nat')]);
  await Promise.all([setup(nsRef), setup(nsNat)]);
  const [ref, nat] = await Promise.all([referenceCalls(calls(nsRef), process.env), nativeCalls(calls(nsNat))]);
  const [r, n] = comparable(ref, nat);
  assert.deepEqual(scrub(n, { [nsNat]: 'NS', ...names }), scrub(r, { [nsRef]: 'NS', ...names }), `native (actual) vs reference (expected):\n${JSON.stringify(nat).slice(0, 3000)}`);
  return { ref, nat, ns: nsNat };
}

const ok = (r: Result) => (r as { ok: unknown }).ok;
const error = (r: Result) => (r as { error?: string }).error;
const file = (name: string, content: unknown) => {
  const p = join(tmp, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
};

function barePod(name: string, labels: Record<string, string>): object {
  return { metadata: { name, labels }, spec: { nodeSelector: FAKE_NODE_SELECTOR, terminationGracePeriodSeconds: 0, containers: [{ name: 'app', image: 'registry.invalid/app:1' }] } };
}

const P = 'chaosk8s.pod.actions';
const PP = 'chaosk8s.pod.probes';

describe('chaosk8s on a real control plane, compared with the reference functions', () => {
  it('pods: terminate_pods by label, name pattern, qty, percentage, oldest, all, random; the phase, count and condition probes', async () => {
    // bare pods (no controller brings them back): 'zz-old' first, a second older than the others
    const setup = async (ns: string) => {
      await api(cluster, 'POST', `/api/v1/namespaces/${ns}/pods`, barePod('zz-old', { app: 'web', tier: 'front' }));
      await sleep(1100);
      for (let i = 0; i < 9; i++) await api(cluster, 'POST', `/api/v1/namespaces/${ns}/pods`, barePod(`web-${i}`, { app: 'web', tier: i < 5 ? 'front' : 'back' }));
      await runningPods(cluster, ns, 'app=web', 10);
    };
    const term = (ns: string, args: Record<string, unknown>): Call => ({ module: P, func: 'terminate_pods', arguments: { ns, ...args } });
    const probe = (func: string, args: Record<string, unknown>): Call => ({ module: PP, func, arguments: args });
    const { nat, ns } = await both(setup, (ns) => [
      probe('count_pods', { label_selector: 'app=web', ns }),
      probe('count_pods', { label_selector: 'tier=back', phase: 'Running', ns }),
      probe('count_min_pods', { label_selector: 'app=web', min_count: 10, ns }),
      probe('count_min_pods', { label_selector: 'app=web', min_count: 11, ns }),
      probe('pods_in_phase', { label_selector: 'app=web', ns }),
      probe('pods_in_phase', { label_selector: 'app=web', phase: 'Pending', ns }),
      probe('pods_in_phase', { label_selector: 'app=web', phase: 'Pending', raise_on_invalid_phase: false, ns }),
      probe('pods_in_phase', { label_selector: 'app=none', ns }),
      probe('pods_not_in_phase', { label_selector: 'app=web', phase: 'Pending', ns }),
      probe('pods_not_in_phase', { label_selector: 'app=web', ns }),
      probe('pods_in_conditions', { label_selector: 'app=web', conditions: [{ type: 'Ready', status: 'True' }, { type: 'PodScheduled', status: 'True' }], ns }),
      probe('pods_in_conditions', { label_selector: 'app=web', conditions: [{ type: 'Ready', status: 'False' }], raise_on_invalid_conditions: false, ns }),
      probe('pod_is_not_available', { name: 'web', label_selector: 'app in ({name})', ns }),
      probe('pod_is_not_available', { name: 'nothing', ns }),
      probe('all_pods_healthy', { ns }),
      term(ns, { label_selector: 'app=web', order: 'oldest' }),
      term(ns, { label_selector: 'app=web', name_pattern: '^web-[78]$', qty: 5 }),
      term(ns, { label_selector: 'tier=front', mode: 'percentage', qty: 50 }),
      term(ns, { label_selector: 'app=web', qty: -1 }),
      term(ns, { label_selector: 'app=web', mode: 'ratio' }),
      term(ns, { label_selector: 'tier=back', all: true, grace_period: 0 }),
      probe('count_pods', { label_selector: 'app=web', ns }),
    ]);
    // what was hit: the oldest, the pattern's two, half of the 5 front pods left (ceil 2.5 → 3, by name), all back
    assert.deepEqual(ok(nat[15]), ['zz-old']);
    assert.deepEqual(ok(nat[16]), ['web-7', 'web-8']);
    assert.deepEqual(ok(nat[17]), ['web-0', 'web-1', 'web-2']);
    assert.equal(error(nat[18]), "chaoslib.exceptions.ActivityFailed: Cannot select pods. Quantity '-1' is negative.");
    assert.deepEqual(ok(nat[20]), ['web-5', 'web-6']);
    assert.deepEqual(ok(nat.at(-1)!), 2);
    await waitFor('only web-3 and web-4 left', 15_000, async () => (await listPods(cluster, ns, 'app=web')).map((p) => p.metadata.name).join() === 'web-3,web-4');
  });

  it('pods: a random pick (rand) deletes qty distinct pods; a deployment replaces them', async () => {
    const { nat, ns } = await both(
      (ns) => createDeployment(cluster, ns, 'web', 4),
      (ns) => [{ module: P, func: 'terminate_pods', arguments: { label_selector: 'app=web', rand: true, qty: 2, ns } }],
    );
    const hit = ok(nat[0]) as string[];
    assert.equal(new Set(hit).size, 2);
    const back = await runningPods(cluster, ns, 'app=web', 4);
    assert.ok(back.every((p) => !hit.includes(p.metadata.name)), 'the deleted pods were replaced');
  });

  it('deployments: create from JSON and YAML spec files, scale, rollout, the availability probes with timeouts, delete', async () => {
    const json = file('web.json', deploymentSpec('web', 2));
    const { stringify } = await import('yaml');
    const yaml = file('db.yaml', stringify(deploymentSpec('db', 1)));
    const D = 'chaosk8s.deployment.actions';
    const DP = 'chaosk8s.deployment.probes';
    const { nat, ns } = await both(
      async () => {},
      (ns) => [
        { module: D, func: 'create_deployment', arguments: { spec_path: json, ns } },
        { module: D, func: 'create_deployment', arguments: { spec_path: yaml, ns } },
        { module: D, func: 'create_deployment', arguments: { spec_path: file('x.txt', 'x'), ns } },
        { module: DP, func: 'deployment_fully_available', arguments: { name: 'web', ns, timeout: 20 } },
        { module: DP, func: 'deployment_available_and_healthy', arguments: { name: 'web', ns } },
        { module: DP, func: 'deployment_partially_available', arguments: { name: 'web', ns } },
        { module: D, func: 'scale_deployment', arguments: { name: 'web', replicas: 4, ns } },
        { module: DP, func: 'deployment_available_and_healthy', arguments: { name: 'web', ns, raise_on_unavailable: false } },
        { module: DP, func: 'deployment_fully_available', arguments: { name: 'web', ns, timeout: 20 } },
        { module: DP, func: 'deployment_not_fully_available', arguments: { name: 'web', ns, timeout: 1 } },
        { module: DP, func: 'deployment_not_fully_available', arguments: { name: 'web', ns, timeout: 1, raise_on_fully_available: false } },
        { module: D, func: 'scale_deployment', arguments: { name: 'db', replicas: 0, ns } },
        { module: D, func: 'rollout_deployment', arguments: { name: 'db', ns } },
        { module: D, func: 'delete_deployment', arguments: { name: 'nope', ns } },
      ],
    );
    assert.deepEqual(nat.slice(0, 2), [{ ok: null }, { ok: null }]);
    assert.match(error(nat[2])!, /cannot process .*x\.txt/);
    assert.deepEqual(nat.slice(3, 6).map(ok), [true, true, true]);
    assert.equal(ok(nat[8]), true);
    assert.equal(error(nat[9]), "chaoslib.exceptions.ActivityFailed: deployment 'web' failed to stop running within 1s");
    assert.equal(ok(nat[10]), false);
    await deploymentAvailable(cluster, ns, 'web', 4);
    const db = await api(cluster, 'GET', `/apis/apps/v1/namespaces/${ns}/deployments/db`);
    assert.equal(db.spec.replicas, 0);
    await waitFor('db scaled to 0', 10_000, async () => (await api(cluster, 'GET', `/apis/apps/v1/namespaces/${ns}/deployments/db`)).status?.availableReplicas === undefined);
    // the reference's `available_replicas >= 1` on None: a TypeError, whatever raise_on_not_partially_available says
    const [partial] = await nativeCalls([{ module: 'chaosk8s.deployment.probes', func: 'deployment_partially_available', arguments: { name: 'db', ns, raise_on_not_partially_available: false } }]);
    assert.equal(error(partial), "TypeError: '>=' not supported between instances of 'NoneType' and 'int'");
    assert.match(db.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt'], /^\d{4}-\d\d-\d\dT/);
    await nativeCalls([{ module: D, func: 'delete_deployment', arguments: { label_selector: 'app=web', ns } }]);
    await waitFor('web deleted', 10_000, async () => (await request(cluster, 'GET', `/apis/apps/v1/namespaces/${ns}/deployments/web`)).status === 404);
  });

  it('statefulsets, daemonsets, replicasets: create, scale, availability, delete', async () => {
    const sts = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db' },
      spec: { serviceName: 'db', replicas: 2, selector: { matchLabels: { app: 'db' } }, template: deploymentSpec('db', 1).spec.template },
    };
    const ds = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'ds' }, spec: { selector: { matchLabels: { app: 'ds' } }, template: deploymentSpec('ds', 1).spec.template } };
    const S = 'chaosk8s.statefulset.actions';
    const SP = 'chaosk8s.statefulset.probes';
    const DS = 'chaosk8s.daemonset.actions';
    const DSP = 'chaosk8s.daemonset.probes';
    const stsFile = file('sts.json', sts);
    const dsFile = file('ds.json', { ...ds, metadata: { name: 'ds2' } });
    // the probed daemon set is ready first: a fresh one reads as fully available (0 of 0 ready) until scheduled
    const setup = async (ns: string) => {
      await createDeployment(cluster, ns, 'app', 1);
      await api(cluster, 'POST', `/apis/apps/v1/namespaces/${ns}/daemonsets`, ds);
      await waitFor('the daemon set ready on the 3 nodes', 30_000, async () => (await api(cluster, 'GET', `/apis/apps/v1/namespaces/${ns}/daemonsets/ds`)).status?.numberReady === 3);
    };
    const { ns } = await both(
      setup,
      (ns) => [
        { module: S, func: 'create_statefulset', arguments: { spec_path: stsFile, ns } },
        { module: SP, func: 'statefulset_fully_available', arguments: { name: 'db', ns, timeout: 30 } },
        { module: S, func: 'scale_statefulset', arguments: { name: 'db', replicas: 1, ns } },
        { module: S, func: 'scale_statefulset', arguments: { name: 'nope', replicas: 1, ns } },
        { module: DS, func: 'create_daemon_set', arguments: { spec_path: dsFile, ns } },
        { module: DSP, func: 'daemon_set_fully_available', arguments: { name: 'ds', ns, timeout: 30 } },
        { module: DSP, func: 'daemon_set_available_and_healthy', arguments: { name: 'ds', ns } },
        { module: DSP, func: 'daemon_set_partially_available', arguments: { name: 'ds', ns } },
        { module: DSP, func: 'daemon_set_not_fully_available', arguments: { name: 'ds', ns, timeout: 1 } },
        { module: 'chaosk8s.replicaset.actions', func: 'delete_replica_set', arguments: { name: 'nope', ns } },
        { module: DS, func: 'delete_daemon_set', arguments: { name: 'ds', ns } },
        { module: DS, func: 'delete_daemon_set', arguments: { name: 'ds2', ns } },
        { module: S, func: 'remove_statefulset', arguments: { name: 'db', ns } },
      ],
    );
    for (const kind of ['statefulsets/db', 'daemonsets/ds', 'daemonsets/ds2']) {
      await waitFor(`${kind} deleted`, 10_000, async () => (await request(cluster, 'GET', `/apis/apps/v1/namespaces/${ns}/${kind}`)).status === 404);
    }
    // delete_replica_set by label: the deployment's replica set goes (and the deployment makes a new one)
    const [rs] = (await api(cluster, 'GET', `/apis/apps/v1/namespaces/${ns}/replicasets`)).items;
    await nativeCalls([{ module: 'chaosk8s.replicaset.actions', func: 'delete_replica_set', arguments: { name: rs.metadata.name, ns } }]);
    await waitFor('the replica set replaced', 10_000, async () => {
      const now = (await api(cluster, 'GET', `/apis/apps/v1/namespaces/${ns}/replicasets`)).items;
      return now.length === 1 && now[0].metadata.uid !== rs.metadata.uid;
    });
  });

  it('services, namespaces, secrets, events, network policies, custom objects', async () => {
    const svc = file('svc.json', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } });
    const secret = file('secret.json', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's1' }, stringData: { k: 'v' } });
    const vs = file('vs.json', virtualServiceBody());
    const N = 'chaosk8s.networking.actions';
    const C = 'chaosk8s.crd.actions';
    const { nat, ns } = await both(
      async () => {},
      (ns) => [
        { module: 'chaosk8s.service.actions', func: 'create_service_endpoint', arguments: { spec_path: svc, ns } },
        { module: 'chaosk8s.service.probes', func: 'service_is_initialized', arguments: { name: 'web', ns } },
        { module: 'chaosk8s.service.probes', func: 'service_is_initialized', arguments: { name: 'nope', ns, raise_if_service_not_initialized: false } },
        { module: 'chaosk8s.service.actions', func: 'delete_service', arguments: { name: 'web', ns } },
        { module: 'chaosk8s.secret.actions', func: 'create_secret', arguments: { spec_path: secret, ns } },
        { module: 'chaosk8s.secret.probes', func: 'secret_exists', arguments: { name: 's1', ns } },
        { module: 'chaosk8s.secret.actions', func: 'delete_secret', arguments: { name: 's1', ns } },
        { module: 'chaosk8s.secret.probes', func: 'secret_exists', arguments: { name: 's1', ns } },
        { module: 'chaosk8s.namespace.probes', func: 'namespace_exists', arguments: { name: ns } },
        { module: 'chaosk8s.namespace.probes', func: 'namespace_exists', arguments: { name: `${ns}-none` } },
        { module: N, func: 'deny_all_ingress', arguments: { ns, label_selectors: { app: 'web' } } },
        { module: N, func: 'deny_all_egress', arguments: { ns } },
        { module: N, func: 'allow_dns_access', arguments: { ns } },
        { module: N, func: 'create_network_policy', arguments: { ns, spec: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'mine' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } } } },
        { module: C, func: 'create_custom_object', arguments: { group: 'networking.istio.io', version: 'v1alpha3', plural: 'virtualservices', ns, resource_as_yaml_file: vs } },
        { module: C, func: 'patch_custom_object', arguments: { group: 'networking.istio.io', version: 'v1alpha3', plural: 'virtualservices', name: 'reviews', ns, resource: { spec: { hosts: ['reviews', 'ratings'] } } } },
        { module: 'chaosk8s.crd.probes', func: 'get_custom_object', arguments: { group: 'networking.istio.io', version: 'v1alpha3', plural: 'virtualservices', name: 'reviews', ns } },
        { module: C, func: 'delete_custom_object', arguments: { group: 'networking.istio.io', version: 'v1alpha3', plural: 'virtualservices', name: 'reviews', ns } },
        { module: C, func: 'delete_custom_object', arguments: { group: 'networking.istio.io', version: 'v1alpha3', plural: 'virtualservices', name: 'reviews', ns } },
      ],
    );
    const policies = async () => (await api(cluster, 'GET', `/apis/networking.k8s.io/v1/namespaces/${ns}/networkpolicies`)).items.map((p: any) => p.metadata.name).sort();
    assert.deepEqual(await policies(), ['chaostoolkit-allow-dns', 'chaostoolkit-deny-all-egress', 'chaostoolkit-deny-all-ingress', 'mine']);
    assert.equal((await request(cluster, 'GET', `/api/v1/namespaces/${ns}/services/web`)).status, 404);
    // the reference patches custom objects as a strategic merge, which the API server refuses for them (415): as
    // there, the object stays as it was
    assert.match(error(nat[15])!, /^chaoslib\.exceptions\.ActivityFailed: Failed to patch custom resource object: 'Unsupported Media Type' b'\{"kind":"Status"/);
    assert.deepEqual((ok(nat[16]) as any).spec.hosts, ['reviews']);
    assert.equal((ok(nat[17]) as any).status, 'Success');
    await nativeCalls([
      { module: N, func: 'remove_deny_all_ingress', arguments: { ns } },
      { module: N, func: 'remove_deny_all_egress', arguments: { ns } },
      { module: N, func: 'remove_allow_dns_access', arguments: { ns } },
      { module: N, func: 'remove_network_policy', arguments: { ns, name: 'mine' } },
    ]);
    assert.deepEqual(await policies(), []);
    const events = await nativeCalls([{ module: 'chaosk8s.event.probes', func: 'get_events', arguments: { limit: 5 } }]);
    assert.equal((ok(events[0]) as any)?.kind, 'EventList', JSON.stringify(events));
  });
});

function virtualServiceBody(): object {
  return { apiVersion: 'networking.istio.io/v1alpha3', kind: 'VirtualService', metadata: { name: 'reviews' }, spec: { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews' } }] }] } };
}

describe('nodes and Istio faults on a real control plane, compared with the reference functions', () => {
  it('nodes: probes, cordon/uncordon, drain (a pod without owner fails it; then evictions), create and delete', async () => {
    const N = 'chaosk8s.node.actions';
    const NP = 'chaosk8s.node.probes';
    // each engine works on a node of its own, named after its namespace
    const setup = async (ns: string) => {
      const node = `node-${ns}`;
      await addFakeNodes(cluster, [node]);
      const spec = deploymentSpec('web', 2);
      spec.spec.template.spec.nodeSelector = { 'kubernetes.io/hostname': node };
      await api(cluster, 'POST', `/apis/apps/v1/namespaces/${ns}/deployments`, spec);
      await deploymentAvailable(cluster, ns, 'web', 2);
      await api(cluster, 'POST', `/api/v1/namespaces/${ns}/pods`, { ...barePod('bare', { app: 'bare' }), spec: { ...(barePod('bare', {}) as any).spec, nodeSelector: { 'kubernetes.io/hostname': node } } });
      await runningPods(cluster, ns, 'app=bare', 1);
    };
    const sel = (ns: string) => `kubernetes.io/hostname=node-${ns}`;
    const created = (ns: string) => ({ name: `new-${ns}`, labels: { made: ns, ...FAKE_NODE_SELECTOR }, annotations: { [KWOK_NODE_ANNOTATION]: 'fake' } });
    const { nat, ns } = await both(setup, (ns) => [
      { module: NP, func: 'all_nodes_must_be_ready_to_schedule', arguments: { label_selector: sel(ns) } },
      { module: NP, func: 'verify_nodes_condition', arguments: { condition_type: 'Ready', condition_value: 'True', label_selector: sel(ns) } },
      { module: NP, func: 'verify_nodes_condition', arguments: { label_selector: sel(ns) } },
      { module: NP, func: 'get_all_node_status_conditions', arguments: { label_selector: sel(ns) } },
      { module: NP, func: 'nodes_must_be_healthy', arguments: { label_selector: sel(ns) } },
      { module: N, func: 'cordon_node', arguments: { name: `node-${ns}` } },
      { module: N, func: 'uncordon_node', arguments: { label_selector: sel(ns) } },
      { module: N, func: 'cordon_node', arguments: { name: `none-${ns}` } },
      { module: N, func: 'drain_nodes', arguments: { name: `node-${ns}`, timeout: 20 } },
      { module: P, func: 'terminate_pods', arguments: { name_pattern: '^bare$', ns } },
      { module: N, func: 'drain_nodes', arguments: { name: `node-${ns}`, timeout: 20 } },
      { module: N, func: 'create_node', arguments: { meta: created(ns) } },
      { module: N, func: 'delete_nodes', arguments: { label_selector: `made=${ns}` } },
    ]);
    assert.deepEqual(nat.slice(0, 2).map(ok), [true, true]);
    assert.deepEqual(nat.slice(5, 7).map(ok), [[`node-${ns}`], [`node-${ns}`]]);
    assert.equal(error(nat[7]), 'chaoslib.exceptions.ActivityFailed: failed to find a node that matches selector');
    // a pod without owner: the reference iterates its owner_references (None) before its "unmanaged" message
    assert.equal(error(nat[8]), "TypeError: 'NoneType' object is not iterable");
    assert.deepEqual(ok(nat[10]), [`node-${ns}`]);
    const node = await api(cluster, 'GET', `/api/v1/nodes/node-${ns}`);
    assert.equal(node.spec.unschedulable, true);
    // the deployment's pods were evicted: their replacements cannot go anywhere but the cordoned node
    const pods = (await listPods(cluster, ns, 'app=web')).filter((p) => !p.metadata.deletionTimestamp);
    assert.ok(pods.every((p) => p.status.phase === 'Pending'), JSON.stringify(pods.map((p) => p.status.phase)));
    assert.equal((await request(cluster, 'GET', `/api/v1/nodes/new-${ns}`)).status, 404);
    await Promise.all([api(cluster, 'DELETE', `/api/v1/nodes/node-${ns}`), api(cluster, 'DELETE', `/api/v1/nodes/node-${ns.replace(/^nat/, 'ref')}`).catch(() => {})]);
  });

  it('Istio: add/remove delay and abort faults, set_fault/unset_fault, get_virtual_service on a real VirtualService', async () => {
    const A = 'chaosistio.fault.actions';
    const routes = [{ destination: { host: 'go-demo-8', subset: 'primary' } }];
    const vs = (ns: string, more: Record<string, unknown> = {}) => ({ virtual_service_name: 'go-demo-8', routes, ns, ...more });
    const { nat, ns } = await both(
      (ns) => createVirtualService(cluster, ns, 'go-demo-8'),
      (ns) => [
        { module: A, func: 'add_delay_fault', arguments: vs(ns, { fixed_delay: '5s', percentage: 25 }) },
        { module: A, func: 'add_abort_fault', arguments: vs(ns, { http_status: 503, percentage: 50 }) },
        { module: 'chaosistio.fault.probes', func: 'get_virtual_service', arguments: { virtual_service_name: 'go-demo-8', ns } },
        { module: A, func: 'remove_delay_fault', arguments: vs(ns) },
        { module: A, func: 'remove_abort_fault', arguments: vs(ns) },
        { module: A, func: 'set_fault', arguments: vs(ns, { fault: { abort: { httpStatus: 500, percentage: { value: 10 } } } }) },
        { module: A, func: 'set_fault', arguments: vs(ns, { virtual_service_name: 'nope', fault: {} }) },
        { module: A, func: 'add_abort_fault', arguments: vs(ns, { http_status: 'five hundred', percentage: 50 }) },
        { module: 'chaosistio.fault.probes', func: 'get_virtual_service', arguments: { virtual_service_name: 'go-demo-8', ns } },
        { module: A, func: 'unset_fault', arguments: vs(ns) },
        { module: 'chaosistio.fault.probes', func: 'get_virtual_service', arguments: { virtual_service_name: 'nope', ns } },
      ],
    );
    const fault = (r: Result) => (ok(r) as any).body.spec.http[0].fault;
    assert.deepEqual(fault(nat[0]), { delay: { fixedDelay: '5s', percentage: { value: 25 } } });
    assert.deepEqual(fault(nat[2]), { abort: { httpStatus: 503, percentage: { value: 50 } } });
    assert.equal(fault(nat[4]), undefined);
    assert.deepEqual(fault(nat[8]), { abort: { httpStatus: 500, percentage: { value: 10 } } });
    assert.match(error(nat[6])!, /^chaoslib\.exceptions\.ActivityFailed: Virtual Service 'nope' does not exist: \{'kind': 'Status'/);
    // the CRD's validation refused the bad status: a 422 result, not a failure, as in the reference
    assert.equal((ok(nat[7]) as any).status, 422);
    const now = await api(cluster, 'GET', `/apis/networking.istio.io/v1alpha3/namespaces/${ns}/virtualservices/go-demo-8`);
    assert.equal(now.spec.http[0].fault, undefined);
    assert.deepEqual(now.spec.http[0].route, [{ destination: { host: 'go-demo-8', subset: 'primary' }, weight: 100 }]);
  });
});


#!/usr/bin/env node
// Kubernetes pod-selection benchmark on the test control plane (test/k8s/cluster.ts: etcd, kube-apiserver,
// kube-controller-manager, kube-scheduler, kwok): thousands of pods Running on a few kwok nodes, then
//   create   the time to create them (POST, 64 at a time) and until kwok reports them all Running;
//   list     listing the labelled pods by label selector (median of 5): from etcd (a quorum read, as chaosk8s
//            does it) and from the API server's watch cache (resourceVersion=0), and page by page (limit=500);
//   terminate for each entry of TERMINATORS: select and terminate 10% of the labelled pods (chaosk8s's
//            terminate_pods(label_selector, mode='percentage', qty=10, rand=True)), timed until the call returns
//            and until the pods are gone; checks that exactly ceil(10%) went and that decoys were not touched.
// Decoy pods (a fifth as many, another label) make the selector do work.
//
// Usage (from the repository root, after scripts/setup-test-peers.sh):
//   node --import tsx bench/k8s-pods.mjs [--pods 5000] [--nodes 4] [--json]
// Exits 1 if the control plane cannot start or a check fails.
import { setTimeout as sleep } from 'node:timers/promises';
import { addFakeNodes, api, request, startCluster, waitFor } from '../test/k8s/cluster.ts';

const NS = 'bench';
const LABEL = 'app=bench';
const CONCURRENCY = 64;

/**
 * How to select and terminate `percent`% of the pods matching `labelSelector` in `ns`. Each entry is timed by
 * timeTerminate() on a fresh copy of the labelled pods' names; it returns the names it terminated.
 * @type {Record<string, (cluster: import('../test/k8s/cluster.ts').Cluster, target: {ns: string, labelSelector: string, percent: number}) => Promise<string[]>>}
 */
export const TERMINATORS = {
  // The REST API directly: one list, a random sample, one DELETE per pod (what chaosk8s does, without a driver).
  async rest(cluster, { ns, labelSelector, percent }) {
    const list = await api(cluster, 'GET', `/api/v1/namespaces/${ns}/pods?labelSelector=${encodeURIComponent(labelSelector)}`);
    const names = list.items.map((p) => p.metadata.name);
    const chosen = sample(names, Math.ceil((percent * names.length) / 100));
    await pool(chosen, (name) => api(cluster, 'DELETE', `/api/v1/namespaces/${ns}/pods/${name}`));
    return chosen;
  },
  // Turbulence's native chaosk8s terminate_pods, as an experiment calls it (the python provider, credentials from
  // KUBECONFIG): one list by label, a random sample of ceil(10%), then the DELETEs 16 at a time (the reference: one at a time).
  async chaosk8s(cluster, { ns, labelSelector, percent }) {
    process.env.KUBECONFIG = cluster.kubeconfig;
    await import('../src/providers/index.ts');
    const { getProvider } = await import('../src/providers/registry.ts');
    const args = { label_selector: labelSelector, mode: 'percentage', qty: percent, rand: true, ns };
    const activity = { type: 'action', name: 'terminate', provider: { type: 'python', module: 'chaosk8s.pod.actions', func: 'terminate_pods', arguments: args } };
    return getProvider('python').run(activity, { configuration: {}, secrets: {} });
  },
};

function parseArgs(argv) {
  const opts = { pods: 5000, nodes: 4, json: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--pods') opts.pods = Number(argv[++i]);
    else if (argv[i] === '--nodes') opts.nodes = Number(argv[++i]);
    else if (argv[i] === '--json') opts.json = true;
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (!(opts.pods > 0 && opts.nodes > 0)) throw new Error('--pods and --nodes must be positive');
  return opts;
}

function sample(items, n) {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy.slice(0, n);
}

async function pool(items, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timed(fn) {
  const t = performance.now();
  const value = await fn();
  return { ms: Math.round(performance.now() - t), value };
}

function pod(name, app, node) {
  return {
    metadata: { name, labels: { app } },
    // Placed directly on the kwok nodes: the benchmark measures the API and selection, not the scheduler.
    spec: { nodeName: node, containers: [{ name: 'app', image: 'registry.invalid/app:1' }], terminationGracePeriodSeconds: 0 },
  };
}

// Counts by metadata only (the phase filtered by the server): polling full pod lists would cost more than the work.
async function countPods(cluster, selector, phase) {
  const field = phase ? `&fieldSelector=${encodeURIComponent(`status.phase=${phase}`)}` : '';
  const res = await request(cluster, 'GET', `/api/v1/namespaces/${NS}/pods?resourceVersion=0&labelSelector=${encodeURIComponent(selector)}${field}`, {
    accept: 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io',
  });
  if (res.status !== 200) throw new Error(`counting pods: ${res.status} ${res.body?.message}`);
  return (res.body.items ?? []).length;
}

const progress = (what) => process.stderr.write(`k8s-pods: ${what}\n`);

/** Times one terminator over the labelled pods and checks what it did; the pods it took are recreated afterwards. */
export async function timeTerminate(cluster, fn, total) {
  const expected = Math.ceil(total / 10);
  const call = await timed(() => fn(cluster, { ns: NS, labelSelector: LABEL, percent: 10 }));
  const gone = await timed(() =>
    waitFor(`${expected} pods terminated`, 120_000, async () => (await countPods(cluster, LABEL)) === total - expected, 1000),
  );
  if (call.value.length !== expected) throw new Error(`terminated ${call.value.length} pods, expected ${expected}`);
  const decoys = await countPods(cluster, 'app=decoy');
  return { callMs: call.ms, untilGoneMs: call.ms + gone.ms, terminated: call.value.length, decoys, names: call.value };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const started = await timed(() => startCluster({ nodes: 0 }));
  const cluster = started.value;
  const results = { pods: opts.pods, nodes: opts.nodes, clusterStartMs: started.ms };
  try {
    const nodes = Array.from({ length: opts.nodes }, (_, i) => `bench-node-${i}`);
    await addFakeNodes(cluster, nodes, Math.ceil((opts.pods * 1.2) / opts.nodes) + 10);
    await api(cluster, 'POST', '/api/v1/namespaces', { metadata: { name: NS } });
    await waitFor('the bench namespace service account', 30_000, async () => (await request(cluster, 'GET', `/api/v1/namespaces/${NS}/serviceaccounts/default`)).status === 200);

    const decoyCount = Math.ceil(opts.pods / 5);
    const specs = [
      ...Array.from({ length: opts.pods }, (_, i) => pod(`bench-${i}`, 'bench', nodes[i % nodes.length])),
      ...Array.from({ length: decoyCount }, (_, i) => pod(`decoy-${i}`, 'decoy', nodes[i % nodes.length])),
    ];
    const create = await timed(() => pool(specs, (p) => api(cluster, 'POST', `/api/v1/namespaces/${NS}/pods`, p)));
    const running = await timed(() =>
      waitFor(`${opts.pods} pods Running`, 300_000, async () => (await countPods(cluster, LABEL, 'Running')) === opts.pods, 1000),
    );
    progress(`${specs.length} pods created, Running after ${create.ms + running.ms} ms`);
    results.create = { pods: specs.length, createMs: create.ms, untilRunningMs: create.ms + running.ms };

    const listPath = `/api/v1/namespaces/${NS}/pods?labelSelector=${encodeURIComponent(LABEL)}`;
    const listTimes = async (path) => {
      const times = [];
      for (let i = 0; i < 5; i++) {
        const { ms, value } = await timed(() => api(cluster, 'GET', path));
        if (value.items.length !== opts.pods) throw new Error(`listed ${value.items.length} pods, expected ${opts.pods}`);
        times.push(ms);
      }
      return median(times);
    };
    const paged = async () => {
      let items = 0;
      let cont = '';
      do {
        const page = await api(cluster, 'GET', `${listPath}&limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
        items += page.items.length;
        cont = page.metadata.continue ?? '';
      } while (cont);
      if (items !== opts.pods) throw new Error(`paged through ${items} pods, expected ${opts.pods}`);
    };
    const pagedTimes = [];
    for (let i = 0; i < 5; i++) pagedTimes.push((await timed(paged)).ms);
    results.listMedianMs = { etcd: await listTimes(listPath), watchCache: await listTimes(`${listPath}&resourceVersion=0`), paged500: median(pagedTimes) };

    progress('listed');
    results.terminate = {};
    for (const [name, fn] of Object.entries(TERMINATORS)) {
      const r = await timeTerminate(cluster, fn, opts.pods);
      progress(`terminated through ${name}`);
      if (r.decoys !== decoyCount) throw new Error(`${name} touched decoys: ${decoyCount - r.decoys} gone`);
      results.terminate[name] = { callMs: r.callMs, untilGoneMs: r.untilGoneMs, terminated: r.terminated };
      // Back to the full set for the next terminator, under new names as a replica set would: kwok deletes a
      // terminated pod by name, and could still be deleting an old pod while a namesake is created.
      let k = 0;
      await pool(r.names, (n) => api(cluster, 'POST', `/api/v1/namespaces/${NS}/pods`, pod(`${n}-${name}`, 'bench', nodes[k++ % nodes.length])));
      await waitFor('the terminated pods recreated', 120_000, async () => (await countPods(cluster, LABEL, 'Running')) === opts.pods, 1000);
      await sleep(100);
    }
  } finally {
    await cluster.stop();
  }
  if (opts.json) {
    console.log(JSON.stringify(results, null, 2));
    return;
  }
  console.log(`control plane started in ${results.clusterStartMs} ms`);
  console.log(`${results.create.pods} pods (${opts.pods} labelled ${LABEL}) on ${opts.nodes} kwok nodes: created in ${results.create.createMs} ms, all Running after ${results.create.untilRunningMs} ms`);
  console.log(`list ${opts.pods} pods by label (median of 5): from etcd ${results.listMedianMs.etcd} ms, watch cache ${results.listMedianMs.watchCache} ms, pages of 500 ${results.listMedianMs.paged500} ms`);
  for (const [name, r] of Object.entries(results.terminate)) {
    console.log(`terminate 10% (${r.terminated} pods) via ${name}: call ${r.callMs} ms, all gone after ${r.untilGoneMs} ms`);
  }
}

if (process.argv[1] && import.meta.url === new URL(process.argv[1], 'file://').href) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}

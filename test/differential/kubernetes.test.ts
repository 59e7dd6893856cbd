// The DevOps Toolkit chaos book's Kubernetes and Istio experiments, run by the reference (`chaos run` with the real
// chaostoolkit-kubernetes 0.39.0 / chaostoolkit-istio 0.4.1 and the Python kubernetes client) and by `turbulence run`
// against the same real control plane (test/k8s/cluster.ts), both authenticated by KUBECONFIG (context admin: client
// certificate). Each engine gets its own fresh namespace holding the same objects, set up just before its run.
//
// Normal form: the harness's (test/differential/harness.ts), then what differs between two fresh namespaces of the
// same cluster: the namespace's name (-> NS), object uids and other UUIDs such as the Audit-Id header (-> UUID),
// resourceVersions (etcd revisions, -> RV), managedFields (dropped), the times the API server stamps (creationTimestamp,
// HTTP Date header) and the random suffix of pod names (go-demo-8-<template hash>-XXXXX: the hash is the same).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Cluster, newNamespace, startCluster, waitFor, api } from '../k8s/cluster.ts';
import { createDeployment, createVirtualService, deploymentSpec, listPods } from '../drivers/kubernetes/workloads.ts';
import { type Engine, type Expectation, type Outcome, type Row, differences, normalize, project, runEngine } from './harness.ts';

let cluster: Cluster;
before(async () => {
  cluster = await startCluster();
});
after(async () => {
  await cluster?.stop();
});

function scrub(value: unknown, ns: string): unknown {
  const text = JSON.stringify(value)
    .replaceAll(ns, 'NS')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'UUID')
    .replace(/(\\?"resourceVersion\\?":\s*\\?")\d+/g, '$1RV')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g, 'TIME')
    .replace(/[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT/g, 'DATE')
    .replace(/(go-demo-8-[a-z0-9]{6,10})-[a-z0-9]{5}\b/g, '$1-XXXXX');
  // the API server's field bookkeeping: its entries merge or split with the timing of the updates
  return JSON.parse(text, (key, v) => (key === 'managedFields' ? undefined : v));
}

interface Case {
  name: string;
  experiment: string;
  /** what the namespace holds before the run (the same for both engines) */
  setup: (ns: string) => Promise<void>;
  env?: Record<string, string>;
  files?: Record<string, string>;
  expect: Expectation;
}

async function runIn(engine: Engine, c: Case): Promise<{ outcome: Outcome; ns: string; row: Row }> {
  const ns = await newNamespace(cluster, 'diff');
  await c.setup(ns);
  const row: Row = { name: c.name, experiment: c.experiment, files: c.files, env: { KUBECONFIG: cluster.kubeconfig, K8S_NS: ns, ...c.env }, expect: c.expect };
  return { outcome: await runEngine(engine, row), ns, row };
}

/** Both engines, one after the other (node faults touch the whole cluster) or at once, compared. */
function compare(c: Case, sequential = false): void {
  describe(c.name, () => {
    let ref: Awaited<ReturnType<typeof runIn>>;
    let turb: Awaited<ReturnType<typeof runIn>>;
    before(async () => {
      if (sequential) {
        ref = await runIn('reference', c);
        turb = await runIn('turbulence', c);
      } else {
        [ref, turb] = await Promise.all([runIn('reference', c), runIn('turbulence', c)]);
      }
    });

    it('reference gives the expected outcome', () => {
      const got = project(normalize(ref.outcome, ref.row), c.expect);
      assert.deepEqual(got, c.expect, `reference stderr:\n${ref.outcome.stderr.trim().split('\n').slice(-15).join('\n')}`);
    });

    it('turbulence matches the reference', () => {
      const r = scrub(normalize(ref.outcome, ref.row), ref.ns);
      const t = scrub(normalize(turb.outcome, turb.row), turb.ns);
      const diff = differences(r, t);
      assert.deepEqual(diff, [], `turbulence differs:\n${diff.slice(0, 30).join('\n')}\n--- turbulence stderr ---\n${turb.outcome.stderr.trim().split('\n').slice(-15).join('\n')}`);
    });
  });
}

const withApp = async (ns: string) => createDeployment(cluster, ns, 'go-demo-8', 3);

describe('the book\'s Kubernetes experiments: chaos run and turbulence run on a real control plane', () => {
  compare({
    name: 'terminate a random pod of a Deployment of 3: count, phase, conditions and min-count hypothesis holds → completed, exit 0',
    experiment: 'k8s-terminate-pod.yaml',
    setup: withApp,
    expect: { exit: 0, status: 'completed', deviated: false, before: true, after: true, run: ['succeeded', 'succeeded'] },
  });

  compare({
    name: 'deployment availability: nodes cordoned, all pods terminated, not fully available, uncordoned, fully available again → completed, exit 0',
    experiment: 'k8s-availability.yaml',
    setup: withApp,
    expect: { exit: 0, status: 'completed', deviated: false, before: true, after: true, run: ['succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded'] },
  });

  compare({
    name: 'VirtualService abort and delay faults, removed in the rollbacks; an unknown VirtualService fails → completed, exit 0',
    experiment: 'k8s-istio-faults.yaml',
    setup: (ns) => createVirtualService(cluster, ns, 'go-demo-8'),
    expect: { exit: 0, status: 'completed', deviated: false, before: true, after: true, run: ['succeeded', 'succeeded', 'succeeded', 'failed'], rollbacks: ['remove-abort-failure', 'remove-delay'] },
  });

  compare({
    name: 'an unknown deployment: the ApiException texts (404 in ActivityFailed, bare 409), then the after hypothesis raises → failed, exit 1',
    experiment: 'k8s-unknown-deployment.yaml',
    setup: withApp,
    files: { 'deployment.json': JSON.stringify(deploymentSpec('go-demo-8', 3)) },
    expect: { exit: 1, status: 'failed', deviated: true, before: true, after: false, run: ['failed', 'failed', 'failed', 'failed', 'succeeded'] },
  });

  // last: it moves pods across the whole cluster. Each engine drains the node holding one of its own pods.
  const node = 'kwok-node-1';
  compare(
    {
      name: 'drain a node (pods evicted, back on the other nodes), uncordon it in the rollbacks → completed, exit 0',
      experiment: 'k8s-drain-node.yaml',
      setup: async (ns) => {
        await withApp(ns);
        await waitFor(`a pod of ${ns} on ${node}`, 10_000, async () => (await listPods(cluster, ns, 'app=go-demo-8')).some((p) => p.spec.nodeName === node));
      },
      env: { NODE_LABEL: `kubernetes.io/hostname=${node}` },
      expect: { exit: 0, status: 'completed', deviated: false, before: true, after: true, run: ['succeeded', 'succeeded'], rollbacks: ['uncordon-node'] },
    },
    true,
  );

  it('leaves the drained node schedulable (the rollback ran in both)', async () => {
    const n = await api(cluster, 'GET', `/api/v1/nodes/${node}`);
    assert.notEqual(n.spec.unschedulable, true);
  });
});

// chaosk8s.node.actions and chaosk8s.node.probes (chaostoolkit-kubernetes 0.39.0), natively. Cordoning and draining
// record uncordon_node with the same name and label selector as their undo: the rollback the reference's docs advise.
import { ActivityFailed } from '../../../errors.ts';
import { log } from '../../../log.ts';
import { pythonStr, pythonTruthy, pythonTypeName } from '../../../python/values.ts';
import { PythonException } from '../../../providers/python/exceptions.ts';
import type { DriverActivity, Intent, UndoCall } from '../../define.ts';
import { changed, registerReverts, unchanged } from '../../../ledger/reverts.ts';
import { usable } from './reverts.ts';
import { ApiException, type KubeApi } from '../client.ts';
import { defineK8s, client, undoArgs, configuration, get, items, nameOf, opt, pause, q, secrets, seg } from './common.ts';
import { selectNodes } from './select.ts';

const MODULE = 'chaosk8s.node.actions';

async function setUnschedulable(api: KubeApi, nodes: any[], unschedulable: boolean): Promise<string[]> {
  const done: string[] = [];
  for (const n of nodes) {
    try {
      await api.request('PATCH', `/api/v1/nodes/${seg(nameOf(n), 'name', 'patch_node')}`, { body: { spec: { unschedulable } }, contentType: 'application/strategic-merge-patch+json' });
      done.push(nameOf(n));
    } catch (err) {
      if (!(err instanceof ApiException)) throw err;
      throw new ActivityFailed(`Failed to ${unschedulable ? 'unschedule' : 'schedule'} node '${nameOf(n)}': ${err.body}`);
    }
  }
  return done;
}

export async function cordon(a: Record<string, unknown>, unschedulable: boolean, plan?: unknown): Promise<string[]> {
  const api = await client(a);
  const nodes = plannedNodes(plan) ?? (await selectNodes(api, { name: a.name, label_selector: a.label_selector }));
  return setUnschedulable(api, nodes, unschedulable);
}

/** The nodes the fault ledger's intent selected (the run acts on those: a random pick is made once). */
const plannedNodes = (plan: unknown): any[] | undefined => (plan as { nodes?: any[] } | undefined)?.nodes;

/**
 * The fault ledger's intent of cordon_node and drain_nodes: the nodes selected, the schedulable ones among them
 * recorded as the revert (schedule them again; one cordoned before the run stays so).
 */
function cordonIntent(selection: (a: Record<string, unknown>) => Parameters<typeof selectNodes>[1]) {
  return async (a: Record<string, unknown>): Promise<Intent | null> => {
    let nodes: any[];
    try {
      nodes = await selectNodes(await client(a), selection(a));
    } catch {
      return null; // the action fails the same way, having changed nothing
    }
    const names = [...new Set(nodes.filter((n) => get(n, 'spec', 'unschedulable') !== true).map(nameOf))];
    const revert = names.length ? { module: MODULE, func: 'schedule_nodes', arguments: undoArgs(a, { names }) } : null;
    return revert ? { revert, plan: { nodes } } : null;
  };
}

registerReverts(MODULE, {
  /** Each recorded node that is cordoned is made schedulable again; a node gone is no change. */
  schedule_nodes: async (a) => {
    const api = await client({ secrets: usable(a.secrets) });
    const done: string[] = [];
    for (const name of a.names as string[]) {
      let node;
      try {
        node = await api.json('GET', `/api/v1/nodes/${seg(name, 'name', 'read_node')}`);
      } catch (err) {
        if (err instanceof ApiException && err.status === 404) continue;
        throw err;
      }
      if (get(node, 'spec', 'unschedulable') !== true) continue;
      await setUnschedulable(api, [node], false);
      done.push(name);
    }
    return done.length ? changed(`uncordoned ${done.join(', ')}`) : unchanged('the recorded nodes are schedulable');
  },
});

/** The undo of cordon_node and drain_nodes: uncordon what the same name and label select. */
const uncordonUndo = (a: Record<string, unknown>): UndoCall => ({ module: MODULE, func: 'uncordon_node', arguments: undoArgs(a, { name: a.name ?? null, label_selector: a.label_selector ?? null }) });

const iterable = (v: unknown): unknown[] => {
  if (Array.isArray(v)) return v;
  throw new PythonException('TypeError', `'${pythonTypeName(v)}' object is not iterable`);
};

/** kubectl drain as the reference follows it: cordon, evict what a controller (not a DaemonSet) owns, wait. */
const drainSelection = (a: Record<string, unknown>) => ({ name: a.name, label_selector: a.label_selector, count: a.count, pod_label_selector: a.pod_label_selector, pod_namespace: a.pod_namespace });

async function drain(a: Record<string, unknown>, signal?: AbortSignal, plan?: unknown): Promise<string[]> {
  const api = await client(a);
  const nodes = plannedNodes(plan) ?? (await selectNodes(api, drainSelection(a)));
  for (const node of nodes) await setUnschedulable(api, await selectNodes(api, { name: nameOf(node) }), true);
  for (const node of nodes) {
    const nodeName = nameOf(node);
    const onNode = items(await api.json('GET', '/api/v1/pods', { query: { fieldSelector: `spec.nodeName=${nodeName}` } }));
    log.debug(`Found ${onNode.length} pods on node '${nodeName}'`);
    if (onNode.length === 0) continue;
    const candidates: any[] = [];
    for (const pod of onNode) {
      const name = nameOf(pod);
      const annotations = get(pod, 'metadata', 'annotations');
      if (annotations && Object.hasOwn(annotations, 'kubernetes.io/config.mirror')) continue;
      if (iterable(get(pod, 'spec', 'volumes')).some((v: any) => v?.emptyDir !== undefined && v?.emptyDir !== null)) {
        if (!pythonTruthy(a.delete_pods_with_local_storage)) continue;
        candidates.push(pod);
        continue;
      }
      if (['Succeeded', 'Failed'].includes(get(pod, 'status', 'phase'))) {
        candidates.push(pod);
        continue;
      }
      let decided = false;
      for (const owner of iterable(get(pod, 'metadata', 'ownerReferences')) as any[]) {
        if (owner.controller && owner.kind !== 'DaemonSet') {
          candidates.push(pod);
          decided = true;
          break;
        } else if (owner.kind === 'DaemonSet') {
          decided = true;
          break;
        }
      }
      if (!decided) throw new ActivityFailed(`Pod '${name}' on node '${nodeName}' is unmanaged, cannot drain this node. Delete it manually first?`);
    }
    if (candidates.length === 0) continue;
    log.debug(`Found ${candidates.length} pods to evict`);
    for (const pod of candidates) {
      const ns = get(pod, 'metadata', 'namespace');
      const body = { deleteOptions: {}, metadata: { name: nameOf(pod), namespace: ns } };
      try {
        await api.request('POST', `/api/v1/namespaces/${seg(ns, 'namespace', 'create_namespaced_pod_eviction')}/pods/${seg(nameOf(pod), 'name', 'create_namespaced_pod_eviction')}/eviction`, { body });
      } catch (err) {
        if (!(err instanceof ApiException)) throw err;
        throw new ActivityFailed(`Failed to evict pod ${nameOf(pod)}: ${err.body}`);
      }
    }
    let pods = candidates;
    const started = Date.now();
    for (;;) {
      log.debug(`Waiting for ${pods.length} pods to go`);
      if ((Date.now() - started) / 1000 > Number(a.timeout)) {
        throw new ActivityFailed(`Draining nodes did not completed within ${pythonStr(a.timeout)}s. Remaining pods are:\n${pods.map(nameOf).join('\n')}`);
      }
      const pending: any[] = [];
      for (const pod of pods) {
        try {
          const p = await api.json('GET', `/api/v1/namespaces/${seg(get(pod, 'metadata', 'namespace'), 'namespace', 'read_namespaced_pod')}/pods/${seg(nameOf(pod), 'name', 'read_namespaced_pod')}`);
          // rescheduled elsewhere?
          if (get(p, 'metadata', 'uid') !== get(pod, 'metadata', 'uid')) continue;
          pending.push(pod);
        } catch (err) {
          if (err instanceof ApiException && err.status === 404) continue;
          if (!(err instanceof ApiException)) throw err;
          pending.push(pod);
        }
      }
      pods = pending;
      if (pods.length === 0) break;
      await pause(10_000, signal);
      if (signal?.aborted) break;
    }
  }
  return nodes.map(nameOf);
}

async function deleteNodes(a: Record<string, unknown>): Promise<string[]> {
  const api = await client(a);
  let count = a.count;
  let first = false;
  const countSmall = count === null || (typeof count === 'number' && count < 1);
  if ((a.all === null || a.all === false) && (a.rand === null || a.rand === false) && countSmall) first = true;
  if (pythonTruthy(a.rand)) count = 1;
  // `count, label_selector, pod_label_selector, pod_namespace = None` in the reference
  if (pythonTruthy(a.all)) throw new PythonException('TypeError', 'cannot unpack non-iterable NoneType object');
  const nodes = await selectNodes(api, { label_selector: a.label_selector, pod_label_selector: a.pod_label_selector, pod_namespace: a.pod_namespace, count, first });
  const deleted: string[] = [];
  for (const n of nodes) {
    const res = await api.json('DELETE', `/api/v1/nodes/${seg(nameOf(n), 'name', 'delete_node')}`, { body: {}, query: { gracePeriodSeconds: q(a.grace_period_seconds) } });
    // the API answers with the deleted Node, not a Status: the reference's `res.status` is then no "Success"
    if (get(res, 'status') !== 'Success') log.debug(`Deleting node '${nameOf(n)}' failed: ${pythonStr(get(res, 'message'))} [${pythonStr(get(res, 'status'))}] - ${pythonStr(get(res, 'reason'))}`);
    else deleted.push(nameOf(n));
  }
  return deleted;
}

defineK8s(MODULE, [
  {
    name: 'delete_nodes',
    kind: 'action',
    doc: 'Delete nodes gracefully. Select the appropriate nodes by label. Nodes are not drained beforehand. If `all` is set to `True`, all nodes will be terminated. If `rand` is set to `True`, one random node will be terminated. If `count` is set to a positive number, only a upto `count` nodes (randomly picked) will be terminated. Otherwise, the first retrieved node will be terminated.',
    arguments: [opt('label_selector', null), opt('all', false), opt('rand', false), opt('count', null), opt('grace_period_seconds', null), secrets, opt('pod_label_selector', null), opt('pod_namespace', null)],
    returns: 'list',
    run: (a) => deleteNodes(a),
    undo: () => null,
    targets: async (a) => {
      const nodes = await selectNodes(await client(a), { label_selector: a.label_selector, pod_label_selector: a.pod_label_selector, pod_namespace: a.pod_namespace, count: pythonTruthy(a.rand) ? 1 : a.count, first: !pythonTruthy(a.rand) && (a.count === null || Number(a.count) < 1) });
      return nodes.map((n) => ({ node: nameOf(n) }));
    },
  },
  {
    name: 'create_node',
    kind: 'action',
    doc: 'Create one new node in the cluster.',
    arguments: [opt('meta', null), opt('spec', null), secrets],
    returns: 'object',
    run: async (a) => {
      const api = await client(a);
      const body: Record<string, unknown> = {};
      if (pythonTruthy(a.meta)) body.metadata = a.meta;
      if (pythonTruthy(a.spec)) body.spec = a.spec;
      try {
        return await api.json('POST', '/api/v1/nodes', { body });
      } catch (err) {
        if (!(err instanceof ApiException)) throw err;
        throw new ActivityFailed(`Creating new node failed: ${err.body}`);
      }
    },
    // chaosk8s has no call that deletes one node by name
    undo: () => null,
  },
  {
    name: 'cordon_node',
    kind: 'action',
    doc: 'Cordon nodes matching the given label or name, so that no pods are scheduled on them any longer.',
    arguments: [opt('name', null), opt('label_selector', null), secrets],
    returns: 'list',
    intent: cordonIntent((a) => ({ name: a.name, label_selector: a.label_selector })),
    run: (a, _ctx, plan) => cordon(a, true, plan),
    undo: uncordonUndo,
    targets: async (a) => (await selectNodes(await client(a), { name: a.name, label_selector: a.label_selector })).map((n) => ({ node: nameOf(n) })),
  },
  {
    name: 'uncordon_node',
    kind: 'action',
    doc: 'Uncordon nodes matching the given label name, so that pods can be scheduled on them again.',
    arguments: [opt('name', null), opt('label_selector', null), secrets],
    returns: 'list',
    run: (a) => cordon(a, false),
  },
  {
    name: 'drain_nodes',
    kind: 'action',
    doc: 'Drain nodes matching the given label or name, so that no pods are scheduled on them any longer and running pods are evicted. You probably want to call `uncordon` from in your experiment\'s rollbacks.',
    arguments: [opt('name', null), opt('label_selector', null), opt('delete_pods_with_local_storage', false), opt('timeout', 120), secrets, opt('count', null), opt('pod_label_selector', null), opt('pod_namespace', null)],
    returns: 'list',
    intent: cordonIntent(drainSelection),
    run: (a, ctx, plan) => drain(a, ctx.signal, plan),
    undo: uncordonUndo,
    targets: async (a) => {
      const nodes = await selectNodes(await client(a), { name: a.name, label_selector: a.label_selector, count: a.count, pod_label_selector: a.pod_label_selector, pod_namespace: a.pod_namespace });
      return nodes.map((n) => ({ node: nameOf(n) }));
    },
  },
] satisfies DriverActivity[]);

/** get_all_node_status_conditions */
async function conditions(a: Record<string, unknown>): Promise<Record<string, string>[]> {
  const api = await client(a);
  const nodes = items(await api.json('GET', '/api/v1/nodes', { query: { labelSelector: pythonTruthy(a.label_selector) ? q(a.label_selector) : undefined } }));
  return nodes.map((node) => {
    const n: Record<string, string> = { name: nameOf(node) };
    for (const c of iterable(get(node, 'status', 'conditions')) as any[]) n[c.type] = c.status;
    return n;
  });
}

const HEALTHY: [string, string][] = [
  ['FrequentKubeletRestart', 'False'],
  ['FrequentDockerRestart', 'False'],
  ['FrequentContainerdRestart', 'False'],
  ['ReadonlyFilesystem', 'False'],
  ['KernelDeadlock', 'False'],
  ['CorruptDockerOverlay2', 'False'],
  ['FrequentUnregisterNetDevice', 'False'],
  ['NetworkUnavailable', 'False'],
  ['MemoryPressure', 'False'],
  ['DiskPressure', 'False'],
  ['PIDPressure', 'False'],
  ['Ready', 'True'],
];

defineK8s('chaosk8s.node.probes', [
  {
    name: 'get_nodes',
    kind: 'probe',
    doc: 'List all Kubernetes worker nodes in your cluster. You may filter nodes by specifying a label selector.',
    arguments: [opt('label_selector', null), configuration, secrets],
    returns: 'object',
    run: async (a) => (await client(a)).json('GET', '/api/v1/nodes', { query: { labelSelector: pythonTruthy(a.label_selector) ? q(a.label_selector) : undefined } }),
  },
  {
    name: 'get_all_node_status_conditions',
    kind: 'probe',
    doc: 'Get all nodes conditions. You can select a subset of nodes by specifying a `label_selector`.',
    arguments: [opt('label_selector', null), configuration, secrets],
    returns: 'list',
    run: (a) => conditions(a),
  },
  {
    name: 'all_nodes_must_be_ready_to_schedule',
    kind: 'probe',
    doc: 'Verifies that all nodes in the cluster are in `Ready` condition and can be scheduled. You can select a subset of nodes by specifying a `label_selector`.',
    arguments: [opt('label_selector', null), configuration, secrets],
    returns: 'boolean',
    run: async (a) => (await conditions(a)).every((s) => s.Ready === 'True'),
  },
  {
    name: 'verify_nodes_condition',
    kind: 'probe',
    doc: 'For each select node, verifies that the gievn condition is met.',
    arguments: [opt('condition_type', 'PIDPressure'), opt('condition_value', 'False'), opt('label_selector', null), configuration, secrets],
    returns: 'boolean',
    run: async (a) => (await conditions(a)).every((s) => (s[pythonStr(a.condition_type)] ?? null) === a.condition_value),
  },
  {
    name: 'nodes_must_be_healthy',
    kind: 'probe',
    doc: 'Verifies the state of the node conditions (pressure, network, readiness...). For all matching nodes, if any is not in the expected state, returns False.',
    arguments: [opt('label_selector', null), configuration, secrets],
    returns: 'boolean',
    run: async (a) => (await conditions(a)).every((s) => HEALTHY.every(([t, v]) => !Object.hasOwn(s, t) || s[t] === v)),
  },
] satisfies DriverActivity[]);

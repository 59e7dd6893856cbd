// chaosk8s.statefulset.actions and .probes (chaostoolkit-kubernetes 0.39.0), natively.
import { ActivityFailed } from '../../../errors.ts';
import { log } from '../../../log.ts';
import { pythonStr, pythonTruthy } from '../../../python/values.ts';
import type { DriverActivity } from '../../define.ts';
import { defineK8s, client, get, loadSpec, opt, req, same, secrets } from './common.ts';
import { created, deleteCreated, scaleUndo, scaledFrom } from './deployment.ts';
import { STATEFULSET, apiText, createWorkload, deleteWorkloads, patchWorkload, readinessHasState, replicasBefore, scaleIntent } from './workload.ts';

const MODULE = 'chaosk8s.statefulset.actions';

async function readiness(a: Record<string, unknown>, ready: boolean, raise: unknown, signal?: AbortSignal): Promise<boolean> {
  const reached = await readinessHasState(await client(a), STATEFULSET, a.name, ready, a.ns, a.label_selector, a.timeout, (s) => same(get(s, 'status', 'readyReplicas'), get(s, 'spec', 'replicas')), signal);
  if (reached) return true;
  const m = ready ? `microservice '${pythonStr(a.name)}' failed to recover within ${pythonStr(a.timeout)}s` : `microservice '${pythonStr(a.name)}' failed to stop running within ${pythonStr(a.timeout)}s`;
  if (!pythonTruthy(raise)) return (log.debug(m), false);
  throw new ActivityFailed(m);
}

defineK8s(MODULE, [
  {
    name: 'create_statefulset',
    kind: 'action',
    doc: 'Create a statefulset described by the service config, which must be the path to the JSON or YAML representation of the statefulset.',
    arguments: [req('spec_path'), opt('ns', 'default'), secrets],
    run: async (a) => {
      const spec = await loadSpec(a.spec_path);
      await createWorkload(await client(a), STATEFULSET, a.ns, spec);
      created.set(a, get(spec, 'metadata', 'name'));
    },
    undo: (a) => deleteCreated(MODULE, 'remove_statefulset', a, created.get(a)),
  },
  {
    name: 'scale_statefulset',
    kind: 'action',
    doc: 'Scale a stateful set up or down. The `name` is the name of the stateful set.',
    arguments: [req('name'), req('replicas'), opt('ns', 'default'), secrets],
    intent: scaleIntent(STATEFULSET, MODULE, 'scale_statefulset'),
    run: async (a, _ctx, plan) => {
      const api = await client(a);
      scaledFrom.set(a, await replicasBefore(api, STATEFULSET, a, plan));
      await patchWorkload(api, STATEFULSET, a.name, a.ns, { spec: { replicas: a.replicas } }, (e) => `failed to scale '${pythonStr(a.name)}' to ${pythonStr(a.replicas)} replicas: ${apiText(e)}`);
    },
    undo: (a) => scaleUndo(MODULE, 'scale_statefulset', a),
  },
  {
    name: 'remove_statefulset',
    kind: 'action',
    doc: 'Remove a statefulset by `name` or `label_selector` in the namespace `ns`. If neither is specified, all the statefulsets will be deleted in the namespace.',
    arguments: [opt('name', null), opt('ns', 'default'), opt('label_selector', null), secrets],
    run: async (a) => void (await deleteWorkloads(await client(a), STATEFULSET, a.name, a.ns, a.label_selector)),
    undo: () => null,
  },
] satisfies DriverActivity[]);

defineK8s('chaosk8s.statefulset.probes', [
  {
    name: 'statefulset_fully_available',
    kind: 'probe',
    doc: 'Wait until all the statefulSet expected replicas are available. Once this state is reached, return `True`. Raises ActivityFailed after `timeout` seconds, unless `raise_on_not_fully_available` is false.',
    arguments: [req('name'), opt('ns', 'default'), opt('label_selector', null), opt('timeout', 30), opt('raise_on_not_fully_available', true), secrets],
    returns: 'boolean',
    run: (a, ctx) => readiness(a, true, a.raise_on_not_fully_available, ctx.signal),
  },
  {
    name: 'statefulset_not_fully_available',
    kind: 'probe',
    doc: 'Wait until the statefulSet gets into an intermediate state where not all expected replicas are available. Raises ActivityFailed after `timeout` seconds, unless `raise_on_fully_available` is false.',
    arguments: [req('name'), opt('ns', 'default'), opt('label_selector', null), opt('timeout', 30), opt('raise_on_fully_available', true), secrets],
    returns: 'boolean',
    run: (a, ctx) => readiness(a, false, a.raise_on_fully_available, ctx.signal),
  },
]);

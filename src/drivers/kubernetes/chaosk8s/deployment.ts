// chaosk8s.deployment.actions and chaosk8s.deployment.probes (chaostoolkit-kubernetes 0.39.0), natively. Scaling
// records the replicas it found as its undo; creating records the deletion of what it created.
import { ActivityFailed } from '../../../errors.ts';
import { log } from '../../../log.ts';
import { pythonStr, pythonTruthy } from '../../../python/values.ts';
import type { DriverActivity, UndoCall } from '../../define.ts';
import { defineK8s, client, get, loadSpec, undoArgs, opt, pyGe, req, same, secrets } from './common.ts';
import { DEPLOYMENT, apiText, createWorkload, deleteWorkloads, listByName, patchWorkload, readinessHasState, replicasBefore, scaleIntent } from './workload.ts';

const MODULE = 'chaosk8s.deployment.actions';
/** the replicas a scale found, by the bound arguments of that call (the undo reads them back) */
export const scaledFrom = new WeakMap<object, number | null>();
/** the name a create's spec gave, by the bound arguments of that call */
export const created = new WeakMap<object, unknown>();

export async function createDeployment(a: Record<string, unknown>): Promise<string | null> {
  const api = await client(a);
  const spec = await loadSpec(a.spec_path);
  await createWorkload(api, DEPLOYMENT, a.ns, spec);
  return get(spec, 'metadata', 'name');
}

export async function scaleDeployment(a: Record<string, unknown>, plan?: unknown): Promise<void> {
  const api = await client(a);
  scaledFrom.set(a, await replicasBefore(api, DEPLOYMENT, a, plan));
  await patchWorkload(api, DEPLOYMENT, a.name, a.ns, { spec: { replicas: a.replicas } }, (e) => `failed to scale '${pythonStr(a.name)}' to ${pythonStr(a.replicas)} replicas: ${apiText(e)}`);
}

/** The undo of a create: delete what the spec named (null when the spec had no name). */
export function deleteCreated(module: string, func: string, a: Record<string, unknown>, name: unknown, extra: Record<string, unknown> = {}): UndoCall | null {
  if (typeof name !== 'string') return null;
  return { module, func, arguments: undoArgs(a, { name, ns: a.ns, ...extra }) };
}

export function scaleUndo(module: string, func: string, a: Record<string, unknown>): UndoCall | null {
  const before = scaledFrom.get(a);
  if (typeof before !== 'number' || before === a.replicas) return null;
  return { module, func, arguments: undoArgs(a, { name: a.name, replicas: before, ns: a.ns }) };
}

const actions: DriverActivity[] = [
  {
    name: 'create_deployment',
    kind: 'action',
    doc: 'Create a deployment described by the deployment config, which must be the path to the JSON or YAML representation of the deployment.',
    arguments: [req('spec_path'), opt('ns', 'default'), secrets],
    run: async (a) => void created.set(a, await createDeployment(a)),
    undo: (a) => deleteCreated(MODULE, 'delete_deployment', a, created.get(a)),
  },
  {
    name: 'delete_deployment',
    kind: 'action',
    doc: 'Delete a deployment by `name` or `label_selector` in the namespace `ns`. If neither `name` nor `label_selector` is specified, all the deployments will be deleted in the namespace.',
    arguments: [opt('name', null), opt('ns', 'default'), opt('label_selector', null), secrets],
    run: async (a) => void (await deleteWorkloads(await client(a), DEPLOYMENT, a.name, a.ns, a.label_selector)),
    undo: () => null,
  },
  {
    name: 'scale_deployment',
    kind: 'action',
    doc: 'Scale a deployment up or down. The `name` is the name of the deployment.',
    arguments: [req('name'), req('replicas'), opt('ns', 'default'), secrets],
    intent: scaleIntent(DEPLOYMENT, MODULE, 'scale_deployment'),
    run: async (a, _ctx, plan) => void (await scaleDeployment(a, plan)),
    undo: (a) => scaleUndo(MODULE, 'scale_deployment', a),
  },
  {
    name: 'rollout_deployment',
    kind: 'action',
    doc: 'Rolling the deployment. The `name` is the name of the deployment.',
    arguments: [opt('name', null), opt('ns', 'default'), secrets],
    run: async (a) => {
      const now = `${new Date().toISOString().replace('Z', '')}000+00:00Z`;
      const body = { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': now } } } } };
      await patchWorkload(await client(a), DEPLOYMENT, a.name, a.ns, body, (e) => `failed to rollout the deployment '${pythonStr(a.name)}'! Error: ${apiText(e)}`);
    },
    undo: () => null,
  },
];

/** deployment_available_and_healthy / deployment_partially_available */
async function availability(a: Record<string, unknown>, raise: unknown, partial: boolean): Promise<boolean | null> {
  const found = await listByName(await client(a), DEPLOYMENT, a.name, a.ns, a.label_selector);
  log.debug(`Found ${found.length} deployment(s) named '${pythonStr(a.name)}' in ns '${pythonStr(a.ns)}'`);
  const fail = (m: string) => {
    if (!pythonTruthy(raise)) return (log.debug(m), false);
    throw new ActivityFailed(m);
  };
  if (found.length === 0) return fail(`Deployment '${pythonStr(a.name)}' was not found`);
  for (const d of found) {
    const available = get(d, 'status', 'availableReplicas');
    if (partial) return pyGe(available, 1) ? true : fail(`Deployment '${pythonStr(a.name)}' is not healthy`);
    if (!same(available, get(d, 'spec', 'replicas'))) return fail(`Deployment '${pythonStr(a.name)}' is not healthy`);
  }
  return true;
}

/** deployment_fully_available / deployment_not_fully_available */
export async function deploymentReadiness(a: Record<string, unknown>, ready: boolean, raise: unknown, signal?: AbortSignal): Promise<boolean> {
  const reached = await readinessHasState(await client(a), DEPLOYMENT, a.name, ready, a.ns, a.label_selector, a.timeout, (d) => same(get(d, 'status', 'readyReplicas'), get(d, 'spec', 'replicas')), signal);
  if (reached) return true;
  const m = ready ? `deployment '${pythonStr(a.name)}' failed to recover within ${pythonStr(a.timeout)}s` : `deployment '${pythonStr(a.name)}' failed to stop running within ${pythonStr(a.timeout)}s`;
  if (!pythonTruthy(raise)) return (log.debug(m), false);
  throw new ActivityFailed(m);
}

const probes: DriverActivity[] = [
  {
    name: 'deployment_available_and_healthy',
    kind: 'probe',
    doc: 'Lookup a deployment by `name` in the namespace `ns`. Raises ActivityFailed when the state is not as expected, unless `raise_on_unavailable` is false (then returns False).',
    arguments: [req('name'), opt('ns', 'default'), opt('label_selector', null), opt('raise_on_unavailable', true), secrets],
    returns: 'boolean',
    run: (a) => availability(a, a.raise_on_unavailable, false),
  },
  {
    name: 'deployment_partially_available',
    kind: 'probe',
    doc: 'Check whether if the given deployment state is ready or at-least partially ready. Raises ActivityFailed when not, unless `raise_on_not_partially_available` is false.',
    arguments: [req('name'), opt('ns', 'default'), opt('label_selector', null), opt('raise_on_not_partially_available', true), secrets],
    returns: 'boolean',
    run: (a) => availability(a, a.raise_on_not_partially_available, true),
  },
  {
    name: 'deployment_not_fully_available',
    kind: 'probe',
    doc: 'Wait until the deployment gets into an intermediate state where not all expected replicas are available. Once this state is reached, return `True`. Raises ActivityFailed after `timeout` seconds, unless `raise_on_fully_available` is false.',
    arguments: [req('name'), opt('ns', 'default'), opt('label_selector', null), opt('timeout', 30), opt('raise_on_fully_available', true), secrets],
    returns: 'boolean',
    run: (a, ctx) => deploymentReadiness(a, false, a.raise_on_fully_available, ctx.signal),
  },
  {
    name: 'deployment_fully_available',
    kind: 'probe',
    doc: 'Wait until all the deployment expected replicas are available. Once this state is reached, return `True`. Raises ActivityFailed after `timeout` seconds, unless `raise_on_not_fully_available` is false.',
    arguments: [req('name'), opt('ns', 'default'), opt('label_selector', null), opt('timeout', 30), opt('raise_on_not_fully_available', true), secrets],
    returns: 'boolean',
    run: (a, ctx) => deploymentReadiness(a, true, a.raise_on_not_fully_available, ctx.signal),
  },
];

defineK8s(MODULE, actions);
defineK8s('chaosk8s.deployment.probes', probes);

// turbulence.kubernetes: Turbulence's own Kubernetes activities, with the blast-radius selection every native driver
// shares (src/drivers/targets.ts: mode, quantity, seed, allow, deny), `--dry` listing the pods a run would hit, and
// an undo for what can be put back. The chaosk8s.* names keep chaosk8s's own selection; these do not.
import { ActivityFailed } from '../../errors.ts';
import { int, map, str } from '../../experiment/schema/vocabulary.ts';
import { type DriverActivity, defineDriver } from '../define.ts';
import { selectTargets, selectionArguments, selectionFrom } from '../targets.ts';
import { compilePythonRegex } from '../../python/regex.ts';
import { connect } from './client.ts';
import { deletePod } from './chaosk8s/pod.ts';
import { listPods } from './chaosk8s/select.ts';
import { get, nameOf } from './chaosk8s/common.ts';
import { DEPLOYMENT, currentReplicas, patchWorkload, replicasBefore } from './chaosk8s/workload.ts';

const MODULE = 'turbulence.kubernetes';
const ns = { name: 'ns', schema: str({ minLength: 1, description: 'the namespace' }), default: 'default' };
const auth = { name: 'auth', schema: map(str(), { description: 'KUBERNETES_* keys looked up before the environment (as chaosk8s secrets)' }), default: null };

/** The pods `terminate_pods` would hit, sorted by name so that a seed picks the same ones in a dry and a real run. */
async function targetPods(a: Record<string, unknown>): Promise<any[]> {
  const api = await connect((a.auth as Record<string, unknown> | null) ?? null);
  let pods = await listPods(api, a.ns, a.label_selector);
  if (typeof a.name_pattern === 'string') {
    const re = compilePythonRegex(a.name_pattern);
    pods = pods.filter((p) => re.test(nameOf(p)));
  }
  pods.sort((x, y) => (nameOf(x) < nameOf(y) ? -1 : 1));
  const picked = selectTargets(pods, selectionFrom(a), (p) => ({ id: nameOf(p), names: [nameOf(p), get(p, 'spec', 'nodeName') ?? ''].filter(Boolean), text: JSON.stringify(get(p, 'metadata', 'labels') ?? {}) }));
  if (picked.length === 0) throw new ActivityFailed(`no pod matches in namespace '${String(a.ns)}'${a.label_selector ? ` with labels ${String(a.label_selector)}` : ''}`);
  return picked;
}

const activities: DriverActivity[] = [
  {
    name: 'terminate_pods',
    kind: 'action',
    doc: 'Deletes the pods matching the label selector and name pattern, as many as the mode says (all by default); returns their names.',
    arguments: [
      ns,
      { name: 'label_selector', schema: str({ description: 'a Kubernetes label selector (app=web,tier!=db)' }), default: null },
      { name: 'name_pattern', schema: str({ description: 'a Python regex searched in the pod names' }), default: null },
      { name: 'grace_period', schema: int({ minimum: 0, description: 'seconds; none: the pod\'s own' }), default: null },
      ...selectionArguments,
      auth,
    ],
    returns: 'list',
    run: async (a) => {
      const pods = await targetPods(a);
      const api = await connect((a.auth as Record<string, unknown> | null) ?? null);
      for (const p of pods) await deletePod(api, nameOf(p), a.ns, a.grace_period === null ? {} : { gracePeriodSeconds: a.grace_period });
      return pods.map(nameOf);
    },
    undo: () => null,
    targets: async (a) => (await targetPods(a)).map((p) => ({ pod: nameOf(p), namespace: String(a.ns), node: get(p, 'spec', 'nodeName'), phase: get(p, 'status', 'phase') })),
  },
  {
    name: 'scale_deployment',
    kind: 'action',
    doc: 'Sets the replicas of a deployment; the undo scales it back to the replicas it had.',
    arguments: [{ name: 'name', schema: str({ minLength: 1 }) }, { name: 'replicas', schema: int({ minimum: 0 }) }, ns, auth],
    returns: 'integer',
    // the replicas read before scaling: the fault ledger's revert scales back to them
    intent: async (a) => {
      const before = await currentReplicas(await connect((a.auth as Record<string, unknown> | null) ?? null), DEPLOYMENT, a.name, a.ns);
      if (before === null || before === a.replicas) return null;
      return { revert: { module: MODULE, func: 'scale_deployment', arguments: { name: a.name as string, replicas: before, ns: a.ns as string, auth: null } }, plan: { before } };
    },
    run: async (a, _ctx, plan) => {
      const api = await connect((a.auth as Record<string, unknown> | null) ?? null);
      const before = await replicasBefore(api, DEPLOYMENT, a, plan);
      if (before === null) throw new ActivityFailed(`deployment '${String(a.name)}' not found in namespace '${String(a.ns)}'`);
      await patchWorkload(api, DEPLOYMENT, a.name, a.ns, { spec: { replicas: a.replicas } }, (e) => `failed to scale '${String(a.name)}': ${e.reason}`);
      return before;
    },
    undo: (a, before) => (typeof before === 'number' && before !== a.replicas ? { module: MODULE, func: 'scale_deployment', arguments: { name: a.name as string, replicas: before, ns: a.ns as string, auth: null } } : null),
  },
];

defineDriver(MODULE, activities);

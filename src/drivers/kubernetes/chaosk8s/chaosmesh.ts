// chaosk8s.chaosmesh.network.* and chaosk8s.chaosmesh.stress.* (chaostoolkit-kubernetes 0.39.0), natively: the Chaos
// Mesh NetworkChaos and StressChaos objects built exactly as the reference builds them (its quirks kept: the `ns` key
// in metadata, the "bandwdith" action, `null` stressor fields), then created, read and deleted as custom objects.
// Creating records the deletion (delete_network_fault / delete_stressor) before the object is created: removing a
// chaos object is always the safe direction, so a crash in between still reverts.
import { pythonTruthy } from '../../../python/values.ts';
import { PythonException } from '../../../providers/python/exceptions.ts';
import type { DriverActivity, DriverArgument, Intent, UndoCall } from '../../define.ts';
import { createCustomObject, deleteCustomObject, getCustomObject, listCustomObjects } from './crd.ts';
import { defineK8s, get, opt, req, secrets, undoArgs } from './common.ts';

const GROUP = 'chaos-mesh.org';
const VERSION = 'v1alpha1';
const NETWORK = 'chaosk8s.chaosmesh.network.actions';
const STRESS = 'chaosk8s.chaosmesh.stress.actions';

type Args = Record<string, unknown>;

/** `"a,b".split(",")` for a string, the value itself otherwise. */
const splitList = (v: unknown): unknown => (typeof v === 'string' ? v.split(',') : v);

/** `k=v,k2=v2` as a mapping (`ls.split("=", 1)` unpacked: a pair without `=` is Python's ValueError); others as given. */
function selectors(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const out: Record<string, string> = {};
  for (const ls of v.split(',')) {
    const at = ls.indexOf('=');
    if (at < 0) throw new PythonException('ValueError', 'not enough values to unpack (expected 2, got 1)');
    out[ls.slice(0, at)] = ls.slice(at + 1);
  }
  return out;
}

/** add_common_spec's selector part: namespaces, labels, annotations, each when truthy. */
function addSelector(selector: Record<string, unknown>, namespaces: unknown, labels: unknown, annotations: unknown): void {
  if (pythonTruthy(namespaces)) selector.namespaces = splitList(namespaces);
  if (pythonTruthy(labels)) selector.labelSelectors = selectors(labels);
  if (pythonTruthy(annotations)) selector.annotationSelectors = selectors(annotations);
}

/** add_common_spec, the stress module's (no target) or the network module's (with `target`) */
function addCommonSpec(spec: Record<string, any>, a: Args, withTarget: boolean): void {
  spec.direction = a.direction;
  spec.mode = a.mode;
  if (a.mode === 'fixed-percent') spec.value = a.mode_value;
  addSelector(spec.selector, a.namespaces_selectors, a.label_selectors, a.annotations_selectors);
  if (!withTarget) return;
  if (pythonTruthy(a.external_targets)) spec.externalTargets = splitList(a.external_targets);
  if (pythonTruthy(a.target_mode)) {
    const target: Record<string, any> = { mode: a.target_mode, selector: {} };
    if (['fixed', 'fixed-percent', 'random-max-percent'].includes(a.target_mode as string)) target.value = a.target_mode_value;
    addSelector(target.selector, a.target_namespaces_selectors, a.target_label_selectors, a.target_annotations_selectors);
    spec.target = target;
  }
}

const create = (plural: string, a: Args, resource: unknown) =>
  createCustomObject({ group: GROUP, version: VERSION, plural, ns: a.ns, resource, resource_as_yaml_file: null, secrets: a.secrets });

/** The deletion of the object `a` names: what the ledger records before creating it. */
function deletion(module: string, func: string, a: Args): UndoCall | null {
  if (typeof a.name !== 'string' || typeof a.ns !== 'string') return null;
  return { module, func, arguments: undoArgs(a, { name: a.name, ns: a.ns }) };
}

/** An existing object comes back as the 409 Status (no metadata.name): nothing was created, nothing to undo. */
const createdUndo = (module: string, func: string) => (a: Args, result: unknown) =>
  typeof get(result, 'metadata', 'name') === 'string' ? deletion(module, func, a) : null;

const createIntent = (module: string, func: string) => (a: Args): Intent | null => {
  const revert = deletion(module, func, a);
  return revert ? { revert } : null;
};

const selection: DriverArgument[] = [
  opt('namespaces_selectors', null),
  opt('label_selectors', null),
  opt('annotations_selectors', null),
  opt('mode', 'one'),
  opt('mode_value', null),
  opt('direction', 'to'),
];
const targeting: DriverArgument[] = [
  opt('external_targets', null),
  opt('target_mode', 'one'),
  opt('target_mode_value', null),
  opt('target_namespaces_selectors', null),
  opt('target_label_selectors', null),
  opt('target_annotations_selectors', null),
  secrets,
];
const TARGET_DOC = 'When setting the direction to either `from` or `both`, then a target must be set.';

/**
 * A network fault: `action` with its own block (`block`) holding the given fields, when truthy; `always` fields are
 * set whatever their value (set_bandwidth's rate, limit, buffer).
 */
function networkFault(name: string, doc: string, action: string, block: string, own: DriverArgument[], fields: [string, string][], always: [string, string][] = []): DriverActivity {
  const leading = own.filter((x) => x.default === undefined);
  const trailing = own.filter((x) => x.default !== undefined);
  return {
    name,
    kind: 'action',
    doc,
    arguments: [req('name'), ...leading, opt('ns', 'default'), ...selection, ...trailing, ...targeting],
    returns: 'mapping',
    intent: createIntent(NETWORK, 'delete_network_fault'),
    run: (a) => {
      const d: Record<string, unknown> = {};
      const r = { apiVersion: `${GROUP}/${VERSION}`, kind: 'NetworkChaos', metadata: { name: a.name, ns: a.ns }, spec: { action, selector: {}, [block]: d } };
      for (const [arg, key] of always) d[key] = a[arg];
      for (const [arg, key] of fields) if (pythonTruthy(a[arg])) d[key] = a[arg];
      addCommonSpec(r.spec, a, true);
      return create('networkchaos', a, r);
    },
    undo: createdUndo(NETWORK, 'delete_network_fault'),
  };
}

defineK8s(NETWORK, [
  networkFault('add_latency', `Set network delay on a pod. You may set the argument starting with \`target\` to be specific about the network link you want to impact. ${TARGET_DOC}`, 'delay', 'delay',
    [opt('latency', null), opt('correlation', null), opt('jitter', null)], [['latency', 'latency'], ['correlation', 'correlation'], ['jitter', 'jitter']]),
  networkFault('set_loss', `Set network loss on a pod. You may set the argument starting with \`target\` to be specific about the network link you want to impact. ${TARGET_DOC}`, 'loss', 'loss',
    [opt('loss', null), opt('correlation', null)], [['loss', 'loss'], ['correlation', 'correlation']]),
  networkFault('duplicate_packets', `Duplicate network packets on a pod. ${TARGET_DOC}`, 'duplicate', 'duplicate',
    [opt('duplicate', null), opt('correlation', null)], [['duplicate', 'duplicate'], ['correlation', 'correlation']]),
  networkFault('corrupt_packets', `Corrupt network packets on a pod. ${TARGET_DOC}`, 'corrupt', 'corrupt',
    [opt('corrupt', null), opt('correlation', null)], [['corrupt', 'corrupt'], ['correlation', 'correlation']]),
  networkFault('reorder_packets', `Reorder network packets on a pod. ${TARGET_DOC}`, 'reorder', 'reorder',
    [opt('reorder', null), opt('correlation', null), opt('gap', null)], [['reorder', 'reorder'], ['gap', 'gap'], ['correlation', 'correlation']]),
  // the reference's action name is misspelt: Chaos Mesh refuses it, and so it stays
  networkFault('set_bandwidth', `Simulate bandwdith on a pod. ${TARGET_DOC}`, 'bandwdith', 'bandwidth',
    [req('rate'), req('limit'), req('buffer'), opt('peakrate', null), opt('minburst', null)], [['peakrate', 'peakrate'], ['minburst', 'minburst']], [['rate', 'rate'], ['limit', 'limit'], ['buffer', 'buffer']]),
  {
    name: 'delete_network_fault',
    kind: 'action',
    doc: 'Remove a Chaos Mesh network fault.',
    arguments: [req('name'), opt('ns', 'default'), secrets],
    returns: 'mapping',
    run: (a) => deleteCustomObject({ group: GROUP, version: VERSION, plural: 'networkchaos', name: a.name, ns: a.ns, secrets: a.secrets }),
    undo: () => null,
  },
] satisfies DriverActivity[]);

/** A stressor: the `stressors.<kind>` block, then mode, duration, containers and the common selection. */
function stressor(name: string, doc: string, kind: string, own: DriverArgument[], fields: [string, string][]): DriverActivity {
  return {
    name,
    kind: 'action',
    doc,
    arguments: [req('name'), ...own, opt('ns', 'default'), ...selection, opt('duration', '30s'), opt('container_names', null), opt('stressng_stressors', null), secrets],
    returns: 'mapping',
    intent: createIntent(STRESS, 'delete_stressor'),
    run: (a) => {
      const c: Record<string, unknown> = {};
      for (const [arg, key] of fields) c[key] = a[arg];
      const s: Record<string, any> = { selector: {}, stressors: { [kind]: c } };
      s.mode = a.mode;
      if (a.mode === 'fixed-percent') s.value = a.mode_value;
      s.duration = a.duration;
      s.direction = a.direction;
      s.containerNames = splitList(a.container_names);
      if (pythonTruthy(a.stressng_stressors)) s.stressngStressors = a.stressng_stressors;
      addCommonSpec(s, a, false);
      return create('stresschaos', a, { apiVersion: `${GROUP}/${VERSION}`, kind: 'StressChaos', metadata: { name: a.name, ns: a.ns }, spec: s });
    },
    undo: createdUndo(STRESS, 'delete_stressor'),
  };
}

defineK8s(STRESS, [
  stressor('stress_cpu', 'Stress the CPU to impact a process/container.', 'cpu', [req('workers'), req('load')], [['workers', 'workers'], ['load', 'load']]),
  stressor('stress_memory', 'Stress the memory to impact a process/container.', 'memory',
    [opt('workers', null), opt('size', null), opt('oom_score', null), opt('time_to_get_to_size', null)],
    [['workers', 'workers'], ['size', 'size'], ['time_to_get_to_size', 'time'], ['oom_score', 'oomScoreAdj']]),
  {
    name: 'delete_stressor',
    kind: 'action',
    doc: 'Remove a Chaos Mesh stressor.',
    arguments: [req('name'), opt('ns', 'default'), secrets],
    returns: 'mapping',
    run: (a) => deleteCustomObject({ group: GROUP, version: VERSION, plural: 'stresschaos', name: a.name, ns: a.ns, secrets: a.secrets }),
    undo: () => null,
  },
] satisfies DriverActivity[]);

const probes = (module: string, plural: string, what: string, one: string, many: string): void =>
  defineK8s(module, [
    {
      name: many,
      kind: 'probe',
      doc: `List all Chaos Mesh ${what}.`,
      arguments: [opt('ns', 'default'), secrets],
      returns: 'mapping',
      run: (a) => listCustomObjects({ group: GROUP, version: VERSION, plural, ns: a.ns, secrets: a.secrets }),
    },
    {
      name: one,
      kind: 'probe',
      doc: `Get a specific Chaos Mesh ${what.replace(/s$/, '')}.`,
      arguments: [req('name'), opt('ns', 'default'), secrets],
      returns: 'mapping',
      run: (a) => getCustomObject({ group: GROUP, version: VERSION, plural, name: a.name, ns: a.ns, secrets: a.secrets }),
    },
  ]);

probes('chaosk8s.chaosmesh.network.probes', 'networkchaos', 'network faults', 'get_network_fault', 'get_network_faults');
probes('chaosk8s.chaosmesh.stress.probes', 'stresschaos', 'CPU/memory stressors', 'get_stressor', 'get_stressors');

// chaosk8s's target selection, kept exactly: _select_pods (terminate_pods, exec_in_pods) and _select_nodes (the node
// actions), with their checks, errors and random picks (random.sample, random.choices: not reproducible, as there).
import { ActivityFailed } from '../../../errors.ts';
import { log } from '../../../log.ts';
import { compilePythonRegex } from '../../../python/regex.ts';
import { pythonStr, pythonTruthy, pythonTypeName } from '../../../python/values.ts';
import { PythonException } from '../../../providers/python/exceptions.ts';
import type { KubeApi } from '../client.ts';
import { get, items, nameOf, nsPath, q } from './common.ts';

export interface PodSelection {
  label_selector: unknown;
  name_pattern: unknown;
  all: unknown;
  rand: unknown;
  mode: unknown;
  qty: unknown;
  ns: unknown;
  order: unknown;
}

/** The checks _select_pods makes before it lists anything. */
export function checkPodSelection(s: PodSelection): void {
  if (typeof s.qty !== 'number' && typeof s.qty !== 'boolean') {
    throw new PythonException('TypeError', `'<' not supported between instances of '${pythonTypeName(s.qty)}' and 'int'`);
  }
  if (Number(s.qty) < 0) throw new ActivityFailed(`Cannot select pods. Quantity '${pythonStr(s.qty)}' is negative.`);
  if (s.mode !== 'fixed' && s.mode !== 'percentage') throw new ActivityFailed(`Cannot select pods. Mode '${pythonStr(s.mode)}' is invalid.`);
  if (s.order !== 'alphabetic' && s.order !== 'oldest') throw new ActivityFailed(`Cannot select pods. Order '${pythonStr(s.order)}' is invalid.`);
}

/** The pods of the namespace, by label selector when one is given (the API returns them by name). */
export async function listPods(api: KubeApi, ns: unknown, labelSelector: unknown, operation = 'list_namespaced_pod'): Promise<any[]> {
  const path = `/api/v1${nsPath(ns, operation)}/pods`;
  const list = await api.json('GET', path, pythonTruthy(labelSelector) ? { query: { labelSelector: q(labelSelector) } } : {});
  return items(list);
}

/** _select_pods: list, filter by name pattern (re.search), sort, then pick. */
export async function selectPods(api: KubeApi, s: PodSelection, random: () => number = Math.random): Promise<any[]> {
  checkPodSelection(s);
  const listed = await listPods(api, s.ns, s.label_selector);
  log.debug(pythonTruthy(s.label_selector) ? `Found ${listed.length} pods labelled '${pythonStr(s.label_selector)}' in ns ${pythonStr(s.ns)}` : `Found ${listed.length} pods in ns '${pythonStr(s.ns)}'`);
  return pickPods(listed, s, random);
}

/** The part of _select_pods after the listing (pure, for tests and benchmarks). */
export function pickPods(listed: any[], s: PodSelection, random: () => number = Math.random): any[] {
  checkPodSelection(s);
  let pods = listed;
  if (pythonTruthy(s.name_pattern)) {
    if (typeof s.name_pattern !== 'string') throw new PythonException('TypeError', 'first argument must be string or compiled pattern');
    const pattern = compilePythonRegex(s.name_pattern);
    pods = listed.filter((p) => pattern.test(nameOf(p)));
  }
  if (s.order === 'oldest') {
    pods = [...pods].sort((a, b) => {
      const x = get(a, 'metadata', 'creationTimestamp') ?? '';
      const y = get(b, 'metadata', 'creationTimestamp') ?? '';
      return x < y ? -1 : x > y ? 1 : 0;
    });
  }
  if (pythonTruthy(s.all)) return pods;
  let qty = Number(s.qty);
  if (s.mode === 'percentage') qty = Math.ceil((qty * pods.length) / 100);
  qty = Math.min(qty, pods.length);
  if (!Number.isInteger(qty)) {
    throw new PythonException('TypeError', pythonTruthy(s.rand) ? "can't multiply sequence by non-int of type 'float'" : 'slice indices must be integers or None or have an __index__ method');
  }
  if (pythonTruthy(s.rand)) return sample(pods, qty, random);
  return pods.slice(0, qty);
}

/** random.sample: `k` distinct items in random order. */
export function sample<T>(population: T[], k: number, random: () => number = Math.random): T[] {
  const pool = [...population];
  const out: T[] = [];
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    out.push(pool[i]!);
  }
  return out;
}

export interface NodeSelection {
  name?: unknown;
  label_selector?: unknown;
  count?: unknown;
  pod_label_selector?: unknown;
  pod_namespace?: unknown;
  first?: boolean;
}

/** _select_nodes: by name and/or label, then by the pods they hold; the first, or `count` picks with replacement. */
export async function selectNodes(api: KubeApi, s: NodeSelection, random: () => number = Math.random): Promise<any[]> {
  const query: Record<string, string | undefined> = {};
  if (pythonTruthy(s.name)) query.fieldSelector = `metadata.name=${pythonStr(s.name)}`;
  if (pythonTruthy(s.label_selector)) query.labelSelector = q(s.label_selector);
  const listed = items(await api.json('GET', '/api/v1/nodes', { query }));
  let nodes: any[] = [];
  if (pythonTruthy(s.pod_label_selector) && pythonTruthy(s.pod_namespace)) {
    const pods = await listPods(api, s.pod_namespace, s.pod_label_selector);
    // one entry per pod on the node, as the reference appends in a nested loop
    for (const node of listed) for (const pod of pods) if (get(pod, 'spec', 'nodeName') === nameOf(node)) nodes.push(node);
  } else {
    nodes = listed;
  }
  if (nodes.length === 0) throw new ActivityFailed('failed to find a node that matches selector');
  if (s.first) nodes = [nodes[0]];
  else if (s.count !== null && s.count !== undefined) nodes = choices(nodes, s.count, random);
  log.debug(`Picked nodes '${nodes.map(nameOf).join(', ')}'`);
  return nodes;
}

/** random.choices(population, k=count): with replacement. */
function choices<T>(population: T[], k: unknown, random: () => number): T[] {
  if (typeof k !== 'number' && typeof k !== 'boolean') throw new PythonException('TypeError', `'${pythonTypeName(k)}' object cannot be interpreted as an integer`);
  if (!Number.isInteger(Number(k))) throw new PythonException('TypeError', "'float' object cannot be interpreted as an integer");
  return Array.from({ length: Math.max(0, Number(k)) }, () => population[Math.floor(random() * population.length)]!);
}

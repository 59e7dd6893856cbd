// What the workload modules (deployment, statefulset, daemonset, replicaset) share: the apps/v1 paths, listing by
// name, label or neither, the readiness watch of the *_fully_available probes, and the scale undo.
import { ActivityFailed } from '../../../errors.ts';
import { log } from '../../../log.ts';
import { pythonStr, pythonTruthy } from '../../../python/values.ts';
import { PythonException } from '../../../providers/python/exceptions.ts';
import type { KubeApi } from '../client.ts';
import type { Intent } from '../../define.ts';
import { ApiException } from '../client.ts';
import { client, formatSelector, items, nameOf, nsPath, q, seg, undoArgs } from './common.ts';

export interface Kind {
  /** resource in the apps/v1 path */
  plural: string;
  /** the Python client's method suffix: deployment, stateful_set, daemon_set, replica_set */
  snake: string;
}

export const DEPLOYMENT: Kind = { plural: 'deployments', snake: 'deployment' };
export const STATEFULSET: Kind = { plural: 'statefulsets', snake: 'stateful_set' };
export const DAEMONSET: Kind = { plural: 'daemonsets', snake: 'daemon_set' };
export const REPLICASET: Kind = { plural: 'replicasets', snake: 'replica_set' };

export const collection = (k: Kind, ns: unknown, op: string) => `/apis/apps/v1${nsPath(ns, `${op}_namespaced_${k.snake}`)}/${k.plural}`;
export const one = (k: Kind, name: unknown, ns: unknown, op: string) =>
  `${collection(k, ns, op)}/${seg(name, 'name', `${op}_namespaced_${k.snake}`)}`;

/** list_namespaced_*(ns, field_selector=metadata.name=<name>[, label_selector]) */
export async function listByName(api: KubeApi, k: Kind, name: unknown, ns: unknown, labelSelector: unknown): Promise<any[]> {
  const query: Record<string, string | undefined> = { fieldSelector: `metadata.name=${pythonStr(name)}` };
  if (pythonTruthy(labelSelector)) query.labelSelector = q(labelSelector);
  return items(await api.json('GET', collection(k, ns, 'list'), { query }));
}

/** The delete_* actions: by name, else by label, else every one of the namespace. */
export async function deleteWorkloads(api: KubeApi, k: Kind, name: unknown, ns: unknown, labelSelector: unknown): Promise<void> {
  let query: Record<string, string | undefined> = {};
  if (pythonTruthy(name)) query = { fieldSelector: `metadata.name=${pythonStr(name)}` };
  else if (pythonTruthy(labelSelector)) query = { labelSelector: q(labelSelector) };
  const found = items(await api.json('GET', collection(k, ns, 'list'), { query }));
  log.debug(`Found ${found.length} ${k.plural} named '${pythonStr(name)}'`);
  for (const d of found) await api.request('DELETE', one(k, nameOf(d), ns, 'delete'), { body: {} });
}

/** The create_* actions: POST the spec as it is. */
export async function createWorkload(api: KubeApi, k: Kind, ns: unknown, body: unknown): Promise<any> {
  return api.json('POST', collection(k, ns, 'create'), { body });
}

/** A merge patch of the spec; the reference's ActivityFailed wording on an API error. */
export async function patchWorkload(api: KubeApi, k: Kind, name: unknown, ns: unknown, body: unknown, failure: (e: ApiException) => string): Promise<any> {
  try {
    return await api.json('PATCH', one(k, name, ns, 'patch'), { body, contentType: 'application/strategic-merge-patch+json' });
  } catch (err) {
    if (err instanceof ApiException) throw new ActivityFailed(failure(err));
    throw err;
  }
}

/** str(ApiException) as the reference puts it in its messages. */
export const apiText = (e: ApiException) => e.message;

/** The replicas the spec asks for now (the scale actions' undo); null when the object cannot be read. */
export async function currentReplicas(api: KubeApi, k: Kind, name: unknown, ns: unknown): Promise<number | null> {
  try {
    const obj = await api.json('GET', one(k, name, ns, 'read'));
    return typeof obj?.spec?.replicas === 'number' ? obj.spec.replicas : null;
  } catch {
    return null;
  }
}

/**
 * _*_readiness_has_state: watch the named object until `readiness(object) == ready` (true), the watch goes quiet for
 * `timeout` seconds (false) or the server ends it (None).
 */
export async function readinessHasState(
  api: KubeApi,
  k: Kind,
  name: unknown,
  ready: boolean,
  ns: unknown,
  labelSelector: unknown,
  timeout: unknown,
  readiness: (obj: any) => boolean,
  signal?: AbortSignal,
): Promise<boolean | null> {
  const seconds = pythonInt(timeout);
  const query: Record<string, string | undefined> = { fieldSelector: `metadata.name=${pythonStr(name)}` };
  if (labelSelector !== null) query.labelSelector = formatSelector(labelSelector, name);
  log.debug(`Watching events for ${seconds}s`);
  return api.watch(collection(k, ns, 'list'), query, (event) => event?.object && ready === readiness(event.object), seconds * 1000, signal);
}

/** int(x) for a timeout argument */
function pythonInt(v: unknown): number {
  if (typeof v === 'number' || typeof v === 'boolean') return Math.trunc(Number(v));
  if (typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v)) return Number(v);
  if (typeof v === 'string') throw new PythonException('ValueError', `invalid literal for int() with base 10: '${v}'`);
  throw new PythonException('TypeError', `int() argument must be a string, a bytes-like object or a real number, not '${v === null ? 'NoneType' : typeof v}'`);
}

/**
 * The fault ledger's intent of a scale action: the replicas read before scaling, recorded as a scale back to them (the
 * run then uses that reading: no second request). Null when unreadable or already at the target: nothing to revert.
 */
export function scaleIntent(k: Kind, module: string, func: string) {
  return async (a: Record<string, unknown>): Promise<Intent | null> => {
    const before = await currentReplicas(await client(a), k, a.name, a.ns);
    if (before === null || before === a.replicas) return null;
    return { revert: { module, func, arguments: undoArgs(a, { name: a.name, replicas: before, ns: a.ns }) }, plan: { before } };
  };
}

/** The replicas the intent read, else read now. */
export async function replicasBefore(api: KubeApi, k: Kind, a: Record<string, unknown>, plan: unknown): Promise<number | null> {
  const planned = (plan as { before?: number } | undefined)?.before;
  return typeof planned === 'number' ? planned : currentReplicas(api, k, a.name, a.ns);
}

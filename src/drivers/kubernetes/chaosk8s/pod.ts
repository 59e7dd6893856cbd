// chaosk8s.pod.actions and chaosk8s.pod.probes (chaostoolkit-kubernetes 0.39.0), natively.
import { ActivityFailed } from '../../../errors.ts';
import { log } from '../../../log.ts';
import { pyContains } from '../../../python/compare.ts';
import { compilePythonRegex } from '../../../python/regex.ts';
import { isPlainObject, pythonStr, pythonTruthy } from '../../../python/values.ts';
import { PythonException } from '../../../providers/python/exceptions.ts';
import type { DriverActivity } from '../../define.ts';
import type { KubeApi } from '../client.ts';
import { defineK8s, client, formatSelector, get, nameOf, nsPath, opt, req, secrets, seg } from './common.ts';
import { type PodSelection, listPods, selectPods } from './select.ts';

const selection = [
  opt('label_selector', null),
  opt('name_pattern', null),
  opt('all', false),
  opt('rand', false),
  opt('mode', 'fixed'),
  opt('qty', 1),
];

export async function deletePod(api: KubeApi, name: string, ns: unknown, body: Record<string, unknown>): Promise<void> {
  await api.request('DELETE', `/api/v1${nsPath(ns, 'delete_namespaced_pod')}/pods/${seg(name, 'name', 'delete_namespaced_pod')}`, { body });
}

export async function terminatePods(args: Record<string, unknown>): Promise<string[]> {
  const api = await client(args);
  const pods = await selectPods(api, args as unknown as PodSelection);
  const grace = args.grace_period;
  if (typeof grace !== 'number' && typeof grace !== 'boolean') throw new PythonException('TypeError', `'>=' not supported between instances of '${typeof grace === 'string' ? 'str' : 'NoneType'}' and 'int'`);
  const body = Number(grace) >= 0 ? { gracePeriodSeconds: Number(grace) } : {};
  const names = pods.map(nameOf);
  await inOrder(names, (name) => deletePod(api, name, args.ns, body));
  return names;
}

/** How many DELETEs terminate_pods keeps in flight: 500 pods in a fraction of the one-at-a-time time, no flood. */
export const DELETES_IN_FLIGHT = 16;

/**
 * `each` over the items in their order, DELETES_IN_FLIGHT at a time. After a failure none more starts; once those in
 * flight settle, the failure of the first item in order is raised. That is the reference's error (it deletes one at a
 * time and stops at the first failure); the difference: a few items after the failing one may already be done.
 */
export async function inOrder<T>(items: T[], each: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  // the first failure in order: its index (Infinity while none) and error
  let failedAt = Infinity;
  let failure: unknown;
  const worker = async () => {
    while (failedAt === Infinity && next < items.length) {
      const at = next++;
      try {
        await each(items[at]!);
      } catch (err) {
        if (at < failedAt) [failedAt, failure] = [at, err];
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(DELETES_IN_FLIGHT, items.length) }, worker));
  if (failedAt !== Infinity) throw failure;
}

/** The phase probes' shared start: the pods, or the "no pods" outcome. */
async function podsOrFail(args: Record<string, unknown>, raise: unknown): Promise<any[] | false> {
  const api = await client(args);
  const pods = await listPods(api, args.ns, args.label_selector);
  if (pods.length === 0) {
    const m = `no pods '${pythonStr(args.label_selector)}' were found`;
    if (!pythonTruthy(raise)) return (log.debug(m), false);
    throw new ActivityFailed(m);
  }
  return pods;
}

function outcome(m: string, raise: unknown): false {
  if (!pythonTruthy(raise)) return (log.debug(m), false);
  throw new ActivityFailed(m);
}

/** dateparser.parse(last) for the relative deltas experiments use: "60s", "10 minutes", "2 hours ago". */
export function sinceSeconds(last: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hr|hrs|hour|hours|d|day|days|w|week|weeks)?\s*(ago)?\s*$/i.exec(last);
  if (!m) throw new PythonException('TypeError', "unsupported operand type(s) for -: 'datetime.datetime' and 'NoneType'");
  const unit = (m[2] ?? 's').toLowerCase();
  const scale = unit.startsWith('w') ? 604800 : unit.startsWith('d') ? 86400 : unit.startsWith('h') ? 3600 : unit.startsWith('m') ? 60 : 1;
  return Math.trunc(Number(m[1]) * scale);
}

/** exec_in_pods' exec, through the client package's websocket Exec (the API server runs it in the container). Only
 * the protocol the Python client speaks, v4.channel.k8s.io: offered v5 first, the API server 1.30 translates the stream
 * and wraps a failure once more ('Internal error occurred: Internal error occurred: ...'), unlike the reference. */
async function execIn(api: KubeApi, ns: string, pod: string, container: string, command: string[], timeoutSeconds: number): Promise<{ out: string; status: any }> {
  const { Exec } = await import('../client.ts').then((m) => m.loadClientNode());
  const { importUserModule } = await import('../../../modules.ts');
  // ws: the client package's own WebSocket (its dependency); its handler class is not exported, an Exec holds one
  const WebSocket = (await importUserModule('ws')).default as new (uri: string, protocols: string[], opts: object) => unknown;
  const Handler = (new Exec(api.kubeConfig) as any).handler.constructor;
  const handler = new Handler(api.kubeConfig, (uri: string, _protocols: string[], opts: object) => new WebSocket(uri, ['v4.channel.k8s.io'], opts));
  const { Writable } = await import('node:stream');
  let out = '';
  const stdout = new Writable({ write: (c, _e, cb) => ((out += c.toString()), cb()) });
  const stderr = new Writable({ write: (_c, _e, cb) => cb() });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve({ out, status: null }), timeoutSeconds * 1000);
    new Exec(api.kubeConfig, handler)
      .exec(ns, pod, container, command, stdout, stderr, null, false, (status) => {
        clearTimeout(timer);
        resolve({ out, status });
      })
      .catch((err: unknown) => (clearTimeout(timer), reject(err)));
  });
}

/** shlex.split for the common cases: quotes and backslashes, no comments. */
export function shlexSplit(s: string): string[] {
  const out: string[] = [];
  let cur: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) throw new PythonException('ValueError', 'No closing quotation');
      cur = (cur ?? '') + s.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      let v = '';
      for (; j < s.length && s[j] !== '"'; j++) v += s[j] === '\\' && /["\\$`\n]/.test(s[j + 1] ?? '') ? s[++j] : s[j];
      if (j >= s.length) throw new PythonException('ValueError', 'No closing quotation');
      cur = (cur ?? '') + v;
      i = j;
    } else if (c === '\\') {
      if (i + 1 >= s.length) throw new PythonException('ValueError', 'No escaped character');
      cur = (cur ?? '') + s[++i];
    } else if (/\s/.test(c)) {
      if (cur !== null) out.push(cur);
      cur = null;
    } else {
      cur = (cur ?? '') + c;
    }
  }
  if (cur !== null) out.push(cur);
  return out;
}

const actions: DriverActivity[] = [
  {
    name: 'terminate_pods',
    kind: 'action',
    doc: 'Terminate a pod gracefully. Select the appropriate pods by label and/or name patterns. If neither `label_selector` nor `name_pattern` are provided, all pods in the namespace will be selected for termination. `mode` fixed: `qty` pods; percentage: `qty` percent of them (rounded up). `order` oldest sorts by creation time. `rand` picks at random. `grace_period` >= 0 overrides the pod\'s own.',
    arguments: [...selection, opt('grace_period', -1), opt('ns', 'default'), opt('order', 'alphabetic'), secrets],
    returns: 'list',
    run: (a) => terminatePods(a),
    // deleted pods are gone: their controllers replace them, nothing to put back
    undo: () => null,
    targets: async (a) => {
      const pods = await selectPods(await client(a), a as unknown as PodSelection);
      if (pods.length === 0) throw new ActivityFailed(`no pod matches in namespace '${pythonStr(a.ns)}'`);
      return pods.map((p) => ({ pod: nameOf(p), namespace: pythonStr(a.ns), node: get(p, 'spec', 'nodeName'), phase: get(p, 'status', 'phase') }));
    },
  },
  {
    name: 'exec_in_pods',
    kind: 'action',
    doc: "Execute the command `cmd` in the specified pod's container. Pods are selected as terminate_pods selects them; only pods with a container named `container_name` run it.",
    arguments: [req('cmd'), ...selection, opt('ns', 'default'), opt('order', 'alphabetic'), opt('container_name', null), opt('request_timeout', 60), secrets],
    returns: 'list',
    run: async (a) => {
      if (!pythonTruthy(a.cmd)) throw new ActivityFailed('A command must be set to run a container');
      const api = await client(a);
      const pods = await selectPods(api, a as unknown as PodSelection);
      const command = typeof a.cmd === 'string' ? shlexSplit(a.cmd) : (a.cmd as unknown[]).map(pythonStr);
      const results: Record<string, unknown>[] = [];
      for (const po of pods) {
        const containers: any[] = get(po, 'spec', 'containers') ?? [];
        // the reference skips every pod when container_name is None
        if (!containers.some((c) => c.name === a.container_name)) {
          log.debug(`Pod ${nameOf(po)} do not have container named '${pythonStr(a.container_name)}'`);
          continue;
        }
        const { out, status } = await execIn(api, pythonStr(a.ns), nameOf(po), pythonStr(a.container_name), command, Number(a.request_timeout));
        let exitCode: unknown = 0;
        let message = '';
        if (status && status.status !== 'Success') {
          exitCode = get(status, 'details', 'causes', '0', 'message');
          message = status.message ?? '';
        }
        results.push({ pod_name: nameOf(po), exit_code: exitCode, cmd: a.cmd, stdout: out, stderr: message });
      }
      return results;
    },
    undo: () => null,
  },
];

const probes: DriverActivity[] = [
  {
    name: 'read_pod_logs',
    kind: 'probe',
    doc: 'Fetch logs for all the pods with the label `"name"` set to `name` and return a dictionary with the keys being the pod\'s name and the values the logs of said pod.',
    arguments: [opt('name', null), opt('last', null), opt('ns', 'default'), opt('from_previous', false), opt('label_selector', 'name in ({name})'), opt('container_name', null), secrets],
    returns: 'mapping',
    run: async (a) => {
      const selector = formatSelector(a.label_selector, a.name);
      const api = await client(a);
      const pods = await listPods(api, a.ns, selector);
      const since = pythonTruthy(a.last) ? sinceSeconds(pythonStr(a.last)) : null;
      const logs: Record<string, string> = {};
      for (const p of pods) {
        const name = nameOf(p);
        const query = { follow: 'false', previous: a.from_previous ? 'true' : 'false', timestamps: 'true', container: pythonStr(a.container_name ?? ''), ...(since ? { sinceSeconds: since } : {}) };
        logs[name] = (await api.request('GET', `/api/v1${nsPath(a.ns, 'read_namespaced_pod_log')}/pods/${seg(name, 'name', 'read_namespaced_pod_log')}/log`, { query, bytes: true })).text;
      }
      return logs;
    },
  },
  {
    name: 'pods_in_phase',
    kind: 'probe',
    doc: 'Lookup a pod by `label_selector` in the namespace `ns`. Raises ActivityFailed when the state is not as expected unless `raise_on_invalid_phase` is false; in that case, returns `False`.',
    arguments: [req('label_selector'), opt('phase', 'Running'), opt('ns', 'default'), opt('raise_on_invalid_phase', true), secrets],
    returns: 'boolean',
    run: async (a) => {
      const pods = await podsOrFail(a, a.raise_on_invalid_phase);
      if (pods === false) return false;
      for (const d of pods) {
        const phase = get(d, 'status', 'phase');
        if (phase !== a.phase) return outcome(`pod '${pythonStr(a.label_selector)}' is in phase '${pythonStr(phase)}' but should be '${pythonStr(a.phase)}'`, a.raise_on_invalid_phase);
      }
      return true;
    },
  },
  {
    name: 'pods_in_conditions',
    kind: 'probe',
    doc: 'Lookup a pod by `label_selector` in the namespace `ns`. Raises ActivityFailed if one of the given conditions type/status is not as expected unless `raise_on_invalid_conditions` is false; in that case, returns `False`.',
    arguments: [req('label_selector'), req('conditions'), opt('ns', 'default'), opt('raise_on_invalid_conditions', true), secrets],
    returns: 'boolean',
    run: async (a) => {
      const pods = await podsOrFail(a, a.raise_on_invalid_conditions);
      if (pods === false) return false;
      for (const d of pods) {
        const conditions: any[] | null = get(d, 'status', 'conditions');
        if (conditions === null) throw new PythonException('TypeError', "'NoneType' object is not iterable");
        const have = conditions.map((c) => ({ type: c.type ?? null, status: c.status ?? null }));
        for (const condition of iterate(a.conditions)) {
          if (!pyContains(have, condition)) return outcome(`pod ${nameOf(d)} does not match the following given condition: ${pythonStr(condition)}`, a.raise_on_invalid_conditions);
        }
      }
      return true;
    },
  },
  {
    name: 'pods_not_in_phase',
    kind: 'probe',
    doc: 'Lookup a pod by `label_selector` in the namespace `ns`. Raises ActivityFailed when the pod is in the given phase and should not have, unless `raise_on_in_phase` is false; in that case, returns `False`.',
    arguments: [req('label_selector'), opt('phase', 'Running'), opt('ns', 'default'), opt('raise_on_in_phase', true), secrets],
    returns: 'boolean',
    run: async (a) => {
      const pods = await podsOrFail(a, a.raise_on_in_phase);
      if (pods === false) return false;
      for (const d of pods) {
        const phase = get(d, 'status', 'phase');
        if (phase === a.phase) return outcome(`pod '${pythonStr(a.label_selector)}' should not be in phase '${pythonStr(phase)}'`, a.raise_on_in_phase);
      }
      return true;
    },
  },
  {
    name: 'count_pods',
    kind: 'probe',
    doc: 'Count the number of pods matching the given selector in a given `phase`, if one is given.',
    arguments: [req('label_selector'), opt('phase', null), opt('ns', 'default'), secrets],
    returns: 'integer',
    run: (a) => countPods(a),
  },
  {
    name: 'pod_is_not_available',
    kind: 'probe',
    doc: 'Lookup pods with a `name` label set to the given `name` in the specified `ns`. Raises ActivityFailed when one of the pods with the specified `name` is in the `"Running"` phase.',
    arguments: [req('name'), opt('ns', 'default'), opt('label_selector', 'name in ({name})'), opt('raise_on_is_available', true), secrets],
    returns: 'boolean',
    run: (a) => podIsNotAvailable(a),
  },
  {
    name: 'all_pods_healthy',
    // not in the module's __all__: callable, not discovered
    listed: false,
    kind: 'probe',
    doc: 'Check all pods in the system are running and available. Raises ActivityFailed when the state is not as expected, unless `raise_on_any_unhealthy` is false; in that case, returns `False`.',
    arguments: [opt('ns', 'default'), opt('raise_on_any_unhealthy', true), secrets],
    returns: 'boolean',
    run: (a) => allPodsHealthy(a),
  },
  {
    name: 'count_min_pods',
    kind: 'probe',
    doc: 'Check if minimum number of pods are running.',
    arguments: [req('label_selector'), opt('phase', 'Running'), opt('min_count', 2), opt('ns', 'default'), secrets],
    returns: 'boolean',
    run: async (a) => {
      const count = await countPods(a);
      if (typeof a.min_count !== 'number') throw new PythonException('TypeError', `'>=' not supported between instances of 'int' and '${a.min_count === null ? 'NoneType' : typeof a.min_count === 'string' ? 'str' : 'object'}'`);
      return count >= a.min_count;
    },
  },
  {
    name: 'should_be_found_in_logs',
    kind: 'probe',
    doc: 'Lookup for the first occurence of `pattern` in the logs of each container fetched by the `read_pod_logs` probe. If `all_containers` is set the match must occur on all continers.',
    arguments: [req('pattern'), opt('all_containers', true), opt('value', null), secrets],
    returns: 'boolean',
    run: (a) => {
      if (!pythonTruthy(a.value)) throw new ActivityFailed('no logs to search from');
      if (typeof a.pattern !== 'string') throw new PythonException('TypeError', 'first argument must be string or compiled pattern');
      const pattern = compilePythonRegex(a.pattern);
      const value = a.value as Record<string, unknown>;
      const matched = Object.keys(value).filter((k) => pattern.test(pythonStr(value[k])));
      if (pythonTruthy(a.all_containers) && matched.length !== Object.keys(value).length) return false;
      return matched.length > 0;
    },
  },
];

/** `for x in value` over plain data. */
function iterate(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return Array.from(v);
  if (isPlainObject(v)) return Object.keys(v);
  throw new PythonException('TypeError', `'${v === null ? 'NoneType' : typeof v}' object is not iterable`);
}

export async function countPods(a: Record<string, unknown>): Promise<number> {
  const pods = await listPods(await client(a), a.ns, a.label_selector);
  if (!pythonTruthy(a.phase)) return pods.length;
  return pods.filter((d) => get(d, 'status', 'phase') === a.phase).length;
}

export async function podIsNotAvailable(a: Record<string, unknown>): Promise<boolean> {
  const selector = formatSelector(a.label_selector, a.name);
  const pods = await listPods(await client(a), a.ns, selector);
  log.debug(`Found ${pods.length} pod(s) named '${pythonStr(a.name)}' in ns '${pythonStr(a.ns)}`);
  for (const p of pods) {
    if (get(p, 'status', 'phase') === 'Running') return outcome(`pod '${pythonStr(a.name)}' is actually running`, a.raise_on_is_available);
  }
  return true;
}

export async function allPodsHealthy(a: Record<string, unknown>): Promise<boolean> {
  const pods = await listPods(await client(a), a.ns, null);
  const failed = pods.filter((p) => get(p, 'status', 'phase') === 'Failed');
  const notReady = pods.filter((p) => !['Failed', 'Running', 'Succeeded'].includes(get(p, 'status', 'phase')));
  log.debug(`Found ${failed.length} failed and ${notReady.length} not ready pods`);
  if (failed.length || notReady.length) return outcome('the system is unhealthy', a.raise_on_any_unhealthy);
  return true;
}

/** delete_pods (deprecated, not exported by the reference but still callable): terminate_pods by name pattern. */
const deprecated: DriverActivity = {
  name: 'delete_pods',
  // not in the module's __all__: callable, not discovered
  listed: false,
  kind: 'action',
  doc: 'Delete pods by `name` or `label_selector` in the namespace `ns`. This action has been deprecated in favor of `terminate_pods`.',
  arguments: [opt('name', null), opt('ns', 'default'), opt('label_selector', null), secrets],
  returns: 'list',
  run: (a) => deletePods(a),
  undo: () => null,
};

export function deletePods(a: Record<string, unknown>): Promise<string[]> {
  log.warning(`delete_pods function is DEPRECATED and will be removed in the next         releases, please use terminate_pods instead`);
  return terminatePods({ label_selector: a.label_selector, name_pattern: a.name, all: false, rand: false, mode: 'fixed', qty: 1, grace_period: -1, ns: a.ns, order: 'alphabetic', secrets: a.secrets });
}

defineK8s('chaosk8s.pod.actions', [...actions, deprecated]);
defineK8s('chaosk8s.pod.probes', probes);

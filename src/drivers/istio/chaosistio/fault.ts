// chaosistio.fault.actions and chaosistio.fault.probes (chaostoolkit-istio 0.4.1), natively: the VirtualService read
// and merge-patched through the API as the reference does, results as {status, body, headers}. Each fault records
// its remove_* counterpart as the undo.
import { ActivityFailed } from '../../../errors.ts';
import { isPlainObject, pythonRepr, pythonStr } from '../../../python/values.ts';
import { PythonException } from '../../../providers/python/exceptions.ts';
import type { DriverActivity, Intent } from '../../define.ts';
import { changed, registerReverts, unchanged } from '../../../ledger/reverts.ts';
import { usable } from '../../kubernetes/chaosk8s/reverts.ts';
import { resolveAuth } from '../../kubernetes/auth.ts';
import { type KubeApi, clientFor } from '../../kubernetes/client.ts';
import { configuration, defineK8s, opt, req, secrets, undoArgs } from '../../kubernetes/chaosk8s/common.ts';

const MODULE = 'chaosistio.fault.actions';
const VERSION = 'networking.istio.io/v1alpha3';

/** chaosistio's create_k8s_api_client: chaosk8s's, except that branch 3 takes the CA file as a client certificate. */
async function istioClient(a: Record<string, unknown>): Promise<KubeApi> {
  const s = a.secrets;
  const plan = resolveAuth(isPlainObject(s) ? s : null);
  if (plan.kind === 'env' && plan.caFile !== null && plan.certFile === null) return clientFor({ ...plan, certFile: plan.caFile, caFile: null });
  return clientFor(plan.kind === 'env' ? { ...plan, caFile: null } : plan);
}

export interface CallResult {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/** api.call_api with _preload_content=False: the answer whatever its status (a JSON error body decoded). */
async function callApi(a: Record<string, unknown>, method: string, body?: unknown): Promise<CallResult> {
  const api = await istioClient(a);
  const url = `/apis/${pythonStr(a.version)}/namespaces/${pythonStr(a.ns)}/virtualservices/${pythonStr(a.virtual_service_name)}`;
  const res = await api.request(method, url, { raw: true, ...(body !== undefined ? { body, contentType: 'application/merge-patch+json' } : {}) });
  const headers = Object.fromEntries(res.headers);
  const ok = res.status >= 200 && res.status <= 299;
  let decoded: unknown = res.text;
  if (ok || headers['Content-Type'] === 'application/json') decoded = JSON.parse(res.text);
  else decoded = { __bytes__: res.text };
  return { status: res.status, body: decoded, headers };
}

/** str(body) of a failed read: a decoded JSON dict, or the bytes */
const bodyText = (body: unknown) => (isPlainObject(body) && Object.hasOwn(body, '__bytes__') ? pythonRepr(Buffer.from(String(body.__bytes__), 'utf8')) : pythonStr(body));

/** set_fault / unset_fault: the fault on (or off) every http entry with a route to one of `routes`' destinations. */
async function patchFault(a: Record<string, unknown>, fault: unknown | undefined): Promise<CallResult> {
  const current = await callApi(a, 'GET');
  if (current.status !== 200) throw new ActivityFailed(`Virtual Service '${pythonStr(a.virtual_service_name)}' does not exist: ${bodyText(current.body)}`);
  const key = (d: Record<string, unknown>) => {
    if (!Object.hasOwn(d, 'host')) throw new PythonException('KeyError', "'host'");
    return JSON.stringify([d.host, d.subset ?? null]);
  };
  const expected = new Set<string>();
  for (const route of iterable(a.routes)) if (isPlainObject(route) && Object.hasOwn(route, 'destination')) expected.add(key(route.destination as Record<string, unknown>));
  const http = structuredClone((current.body as any)?.spec?.http);
  if (http === undefined) throw new PythonException('KeyError', "'http'");
  for (const i of iterable(http) as Record<string, unknown>[]) {
    if (!Object.hasOwn(i, 'route')) continue;
    for (const route of iterable(i.route) as Record<string, unknown>[]) {
      if (!Object.hasOwn(route, 'destination')) continue;
      if (expected.has(key(route.destination as Record<string, unknown>))) {
        if (fault === undefined) delete i.fault;
        else {
          i.fault = fault;
          break;
        }
      }
    }
  }
  const payload = { apiVersion: a.version, kind: 'VirtualService', metadata: { name: a.virtual_service_name }, spec: { http } };
  const result = await callApi(a, 'PATCH', payload);
  if (isPlainObject(result.body) && Object.hasOwn(result.body, '__bytes__')) result.body = result.body.__bytes__;
  return result;
}

function iterable(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  throw new PythonException('TypeError', `'${v === null ? 'NoneType' : typeof v}' object is not iterable`);
}

function withPercentage(kind: 'delay' | 'abort', fault: Record<string, unknown>, percentage: unknown): Record<string, unknown> {
  if (percentage !== null) fault.percentage = { value: percentage };
  return { [kind]: fault };
}

const tail = [opt('ns', 'default'), opt('version', VERSION), configuration, secrets];

/**
 * The fault ledger's intent of a fault: the `fault` of each http entry as the VirtualService has it now (null: none),
 * recorded as the revert that puts them back. Null when it cannot be read (the action fails the same way).
 */
async function faultIntent(a: Record<string, unknown>): Promise<Intent | null> {
  let current: CallResult;
  try {
    current = await callApi(a, 'GET');
  } catch {
    return null;
  }
  const http = (current.body as any)?.spec?.http;
  if (current.status !== 200 || !Array.isArray(http)) return null;
  const faults = http.map((h: any) => (isPlainObject(h) && Object.hasOwn(h, 'fault') ? h.fault : null));
  return { revert: { module: MODULE, func: 'restore_faults', arguments: undoArgs(a, { virtual_service_name: a.virtual_service_name, ns: a.ns, version: a.version, faults }) } };
}

registerReverts(MODULE, {
  /** Each http entry's `fault` back to the recorded one (removed where there was none); one merge patch if any differ. */
  restore_faults: async (a) => {
    const args = { ...a, secrets: usable(a.secrets) };
    const current = await callApi(args, 'GET');
    if (current.status === 404) return unchanged(`Virtual Service '${pythonStr(a.virtual_service_name)}' is gone`);
    if (current.status !== 200) throw new Error(`cannot read Virtual Service '${pythonStr(a.virtual_service_name)}': ${bodyText(current.body)}`);
    const http = structuredClone((current.body as any)?.spec?.http);
    if (!Array.isArray(http)) return unchanged(`Virtual Service '${pythonStr(a.virtual_service_name)}' has no http routes`);
    const before = a.faults as unknown[];
    let differ = 0;
    http.forEach((h: Record<string, unknown>, i: number) => {
      if (i >= before.length || !isPlainObject(h)) return;
      const want = before[i] ?? null;
      if (JSON.stringify(h.fault ?? null) === JSON.stringify(want)) return;
      differ++;
      if (want === null) delete h.fault;
      else h.fault = want;
    });
    if (differ === 0) return unchanged(`the faults of Virtual Service '${pythonStr(a.virtual_service_name)}' are as before`);
    const result = await callApi(args, 'PATCH', { apiVersion: a.version, kind: 'VirtualService', metadata: { name: a.virtual_service_name }, spec: { http } });
    if (result.status < 200 || result.status > 299) throw new Error(`cannot patch Virtual Service '${pythonStr(a.virtual_service_name)}': ${bodyText(result.body)}`);
    return changed(`put back the faults of ${differ} http route(s) of Virtual Service '${pythonStr(a.virtual_service_name)}'`);
  },
});
const removal = (func: string) => (a: Record<string, unknown>) => ({ module: MODULE, func, arguments: undoArgs(a, { virtual_service_name: a.virtual_service_name, routes: a.routes, ns: a.ns, version: a.version }) });

defineK8s(MODULE, [
  {
    name: 'set_fault',
    kind: 'action',
    doc: 'Set fault injection on the virtual service identified by `name`. The `fault` argument must be the object passed as the `spec` property of a virtual service resource. If a fault already exists, it is updated with the new specification.',
    arguments: [req('virtual_service_name'), req('routes'), req('fault'), ...tail],
    returns: 'mapping',
    intent: faultIntent,
    run: (a) => patchFault(a, a.fault),
    undo: removal('unset_fault'),
  },
  {
    name: 'unset_fault',
    kind: 'action',
    doc: 'Unset fault injection from the virtual service identified by `name`.',
    arguments: [req('virtual_service_name'), req('routes'), ...tail],
    returns: 'mapping',
    run: (a) => patchFault(a, undefined),
  },
  {
    name: 'add_delay_fault',
    kind: 'action',
    doc: 'Add delay to the virtual service identified by `name`.',
    arguments: [req('virtual_service_name'), req('fixed_delay'), req('routes'), opt('percentage', null), ...tail],
    returns: 'mapping',
    intent: faultIntent,
    run: (a) => patchFault(a, withPercentage('delay', { fixedDelay: a.fixed_delay }, a.percentage)),
    undo: removal('remove_delay_fault'),
  },
  {
    name: 'add_abort_fault',
    kind: 'action',
    doc: 'Abort requests early by the virtual service identified by `name`.',
    arguments: [req('virtual_service_name'), req('http_status'), req('routes'), opt('percentage', null), ...tail],
    returns: 'mapping',
    intent: faultIntent,
    run: (a) => patchFault(a, withPercentage('abort', { httpStatus: a.http_status }, a.percentage)),
    undo: removal('remove_abort_fault'),
  },
  {
    name: 'remove_delay_fault',
    kind: 'action',
    doc: 'Remove delay from the virtual service identified by `name`.',
    arguments: [req('virtual_service_name'), req('routes'), ...tail],
    returns: 'mapping',
    run: (a) => patchFault(a, undefined),
  },
  {
    name: 'remove_abort_fault',
    kind: 'action',
    doc: 'Remove abort request faults from the virtual service identified by `name`.',
    arguments: [req('virtual_service_name'), req('routes'), ...tail],
    returns: 'mapping',
    run: (a) => patchFault(a, undefined),
  },
] satisfies DriverActivity[]);

defineK8s('chaosistio.fault.probes', [
  {
    name: 'get_virtual_service',
    kind: 'probe',
    doc: 'Get a virtual service identified by `name`.',
    arguments: [req('virtual_service_name'), ...tail],
    returns: 'mapping',
    run: async (a) => {
      const r = await callApi(a, 'GET');
      if (isPlainObject(r.body) && Object.hasOwn(r.body, '__bytes__')) r.body = r.body.__bytes__;
      return r;
    },
  },
]);

// chaosk8s.crd.actions and chaosk8s.crd.probes (chaostoolkit-kubernetes 0.39.0), natively: custom objects as raw
// JSON. An existing object is returned as the API's 409 body, as the reference does. Creating records the deletion.
import { ActivityFailed } from '../../../errors.ts';
import { pythonRepr, pythonStr, pythonTruthy, pythonTypeName } from '../../../python/values.ts';
import { PythonException } from '../../../providers/python/exceptions.ts';
import type { DriverActivity } from '../../define.ts';
import { ApiException } from '../client.ts';
import { defineK8s, client, undoArgs, get, loadYaml, opt, req, secrets, seg } from './common.ts';

const MODULE = 'chaosk8s.crd.actions';

const base = (a: Record<string, unknown>, op: string) => `/apis/${seg(a.group, 'group', op)}/${seg(a.version, 'version', op)}`;
const namespaced = (a: Record<string, unknown>, op: string) => `${base(a, op)}/namespaces/${seg(a.ns, 'namespace', op)}/${seg(a.plural, 'plural', op)}`;
const cluster = (a: Record<string, unknown>, op: string) => `${base(a, op)}/${seg(a.plural, 'plural', op)}`;

/** load_body: the resource given, else the YAML file. */
async function loadBody(resource: unknown, yamlFile: unknown): Promise<unknown> {
  if (resource === null && !pythonTruthy(yamlFile)) throw new ActivityFailed('Either `body_as_object` or `body_as_yaml_file` must be set');
  if (resource !== null) return resource;
  const { readFile, stat } = await import('node:fs/promises');
  const file = pythonStr(yamlFile);
  if (!(await stat(file).catch(() => null))?.isFile()) throw new ActivityFailed(`Path '${file}' is not a valid resource file`);
  return loadYaml(await readFile(file, 'utf8'), file);
}

/** get_plural */
export function plural(kind: string): string {
  const s = kind.toLowerCase();
  if (s === 'endpoints') return s;
  if (s.endsWith('s')) return `${s}es`;
  if (s.endsWith('y')) return `${s.slice(0, -1)}ies`;
  return `${s}s`;
}

/** repr() of the body as the bytes the reference holds (`_preload_content=False`) */
const bytesBody = (e: ApiException) => pythonRepr(Buffer.from(e.body, 'utf8'));

async function call(method: string, path: string, body: unknown, failure: string | null, a: Record<string, unknown>, onConflict = false, query?: Record<string, string>): Promise<unknown> {
  const api = await client(a);
  const contentType = method === 'PATCH' ? (Array.isArray(body) ? 'application/json-patch+json' : 'application/strategic-merge-patch+json') : undefined;
  try {
    return await api.json(method, path, { ...(body !== undefined ? { body } : {}), ...(contentType ? { contentType } : {}), bytes: true, ...(query ? { query } : {}) });
  } catch (err) {
    if (!(err instanceof ApiException)) throw err;
    if (onConflict && err.status === 409) return JSON.parse(err.body);
    // create_cluster_custom_object's message is not an f-string in the reference
    // the API error stays as the cause: a ledger revert tells an object already gone (404) by it
    throw new ActivityFailed(failure === null ? "Failed to create custom resource object: '{x.reason}' {x.body}" : `${failure}: '${err.reason}' ${bytesBody(err)}`, { cause: err });
  }
}

export async function createCustomObject(a: Record<string, unknown>): Promise<unknown> {
  const body = await loadBody(a.resource, a.resource_as_yaml_file);
  return call('POST', namespaced(a, 'create_namespaced_custom_object'), body, 'Failed to create custom resource object', a, true);
}

export const deleteCustomObject = (a: Record<string, unknown>): Promise<unknown> =>
  call('DELETE', `${namespaced(a, 'delete_namespaced_custom_object')}/${seg(a.name, 'name', 'delete_namespaced_custom_object')}`, undefined, 'Failed to delete custom resource object', a);

/** get_custom_object / list_custom_objects (the probes), for the Chaos Mesh probes that wrap them */
export const getCustomObject = (a: Record<string, unknown>): Promise<unknown> =>
  call('GET', `${namespaced(a, 'get_namespaced_custom_object')}/${seg(a.name, 'name', 'get_namespaced_custom_object')}`, undefined, 'Failed to create custom resource object', a);
export const listCustomObjects = (a: Record<string, unknown>): Promise<unknown> =>
  call('GET', namespaced(a, 'list_namespaced_custom_object'), undefined, 'Failed to create custom resource object', a);

/** apply_from_json / apply_from_yaml */
async function apply(a: Record<string, unknown>, parse: (s: string) => Promise<unknown>): Promise<unknown> {
  if (typeof a.resource !== 'string') throw new PythonException('TypeError', `the JSON object must be str, bytes or bytearray, not ${pythonTypeName(a.resource)}`);
  const obj = (await parse(a.resource)) as Record<string, unknown>;
  const apiVersion = obj?.apiVersion;
  const kind = obj?.kind;
  const ns = get(obj, 'metadata', 'namespace') ?? 'default';
  if (!pythonTruthy(apiVersion)) throw new ActivityFailed('missing apiVersion in resource');
  if (!pythonTruthy(kind)) throw new ActivityFailed('missing kind in resource');
  const av = pythonStr(apiVersion);
  const slash = av.lastIndexOf('/');
  if (slash < 0) throw new PythonException('ValueError', 'not enough values to unpack (expected 2, got 1)');
  // the reference passes the resource string itself as the body
  return createCustomObject({ group: av.slice(0, slash), version: av.slice(slash + 1), plural: plural(pythonStr(kind)), ns, resource: a.resource, resource_as_yaml_file: null, secrets: a.secrets });
}

const customUndo = (func: string, namespacedCall: boolean) => (a: Record<string, unknown>, result: unknown) => {
  const name = get(result, 'metadata', 'name');
  if (typeof name !== 'string') return null;
  const args: Record<string, string> = { group: pythonStr(a.group), version: pythonStr(a.version), plural: pythonStr(a.plural), name };
  if (namespacedCall) args.ns = pythonStr(a.ns);
  return { module: MODULE, func, arguments: undoArgs(a, args) };
};

const resourceArgs = [opt('resource', null), opt('resource_as_yaml_file', null), secrets];

defineK8s(MODULE, [
  {
    name: 'apply_from_json',
    kind: 'action',
    doc: 'Apply the given custom resource, given as a JSON string, to the cluster.',
    arguments: [opt('resource', null), secrets],
    returns: 'mapping',
    run: (a) => apply(a, async (s) => JSON.parse(s)),
    undo: () => null,
  },
  {
    name: 'apply_from_yaml',
    kind: 'action',
    doc: 'Apply the given custom resource, given as a YAML string, to the cluster.',
    arguments: [opt('resource', null), secrets],
    returns: 'mapping',
    run: (a) => apply(a, (s) => loadYaml(s, '<resource>')),
    undo: () => null,
  },
  {
    name: 'create_custom_object',
    kind: 'action',
    doc: 'Create a custom object in the given namespace. Its custom resource definition must already exists or this will fail with a 404.',
    arguments: [req('group'), req('version'), req('plural'), opt('ns', 'default'), ...resourceArgs],
    returns: 'mapping',
    run: (a) => createCustomObject(a),
    undo: customUndo('delete_custom_object', true),
  },
  {
    name: 'delete_custom_object',
    kind: 'action',
    doc: 'Delete a custom object in the given namespace.',
    arguments: [req('group'), req('version'), req('plural'), req('name'), opt('ns', 'default'), secrets],
    returns: 'mapping',
    run: (a) => deleteCustomObject(a),
    undo: () => null,
  },
  {
    name: 'create_cluster_custom_object',
    kind: 'action',
    doc: 'Create a custom object cluster wide.',
    arguments: [req('group'), req('version'), req('plural'), ...resourceArgs],
    returns: 'mapping',
    run: async (a) => call('POST', cluster(a, 'create_cluster_custom_object'), await loadBody(a.resource, a.resource_as_yaml_file), null, a, true),
    undo: customUndo('delete_cluster_custom_object', false),
  },
  {
    name: 'delete_cluster_custom_object',
    kind: 'action',
    doc: 'Delete a custom object cluster wide.',
    arguments: [req('group'), req('version'), req('plural'), req('name'), secrets],
    returns: 'mapping',
    run: (a) => call('DELETE', `${cluster(a, 'delete_cluster_custom_object')}/${seg(a.name, 'name', 'delete_cluster_custom_object')}`, undefined, 'Failed to delete custom resource object', a),
    undo: () => null,
  },
  {
    name: 'patch_custom_object',
    kind: 'action',
    doc: 'Patch a custom object in the given namespace. The resource, or resource_as_yaml_file, must be a JSON Patch document.',
    arguments: [req('group'), req('version'), req('plural'), req('name'), opt('ns', 'default'), opt('force', false), ...resourceArgs],
    returns: 'mapping',
    run: async (a) => call('PATCH', `${namespaced(a, 'patch_namespaced_custom_object')}/${seg(a.name, 'name', 'patch_namespaced_custom_object')}`, await loadBody(a.resource, a.resource_as_yaml_file), 'Failed to patch custom resource object', a),
    undo: () => null,
  },
  {
    name: 'replace_custom_object',
    kind: 'action',
    doc: 'Replace a custom object in the given namespace. The resource must be the new version to apply.',
    arguments: [req('group'), req('version'), req('plural'), req('name'), opt('ns', 'default'), opt('force', false), ...resourceArgs],
    returns: 'mapping',
    run: async (a) => call('PUT', `${namespaced(a, 'replace_namespaced_custom_object')}/${seg(a.name, 'name', 'replace_namespaced_custom_object')}`, await loadBody(a.resource, a.resource_as_yaml_file), 'Failed to replace custom resource object', a, false, { force: a.force ? 'True' : 'False' }),
    undo: () => null,
  },
  {
    name: 'patch_cluster_custom_object',
    kind: 'action',
    doc: 'Patch a custom object cluster-wide. The resource, or resource_as_yaml_file, must be a JSON Patch document.',
    arguments: [req('group'), req('version'), req('plural'), req('name'), opt('force', false), ...resourceArgs],
    returns: 'mapping',
    run: async (a) => call('PATCH', `${cluster(a, 'patch_cluster_custom_object')}/${seg(a.name, 'name', 'patch_cluster_custom_object')}`, await loadBody(a.resource, a.resource_as_yaml_file), 'Failed to patch custom resource object', a),
    undo: () => null,
  },
  {
    name: 'replace_cluster_custom_object',
    kind: 'action',
    doc: 'Replace a custom object cluster-wide. The resource must be the new version to apply.',
    arguments: [req('group'), req('version'), req('plural'), req('name'), opt('force', false), ...resourceArgs],
    returns: 'mapping',
    run: async (a) => call('PUT', `${cluster(a, 'replace_cluster_custom_object')}/${seg(a.name, 'name', 'replace_cluster_custom_object')}`, await loadBody(a.resource, a.resource_as_yaml_file), 'Failed to replace custom resource object', a, false, { force: a.force ? 'True' : 'False' }),
    undo: () => null,
  },
] satisfies DriverActivity[]);

const probe = (name: string, doc: string, args: ReturnType<typeof req>[], path: (a: Record<string, unknown>) => string): DriverActivity => ({
  name,
  kind: 'probe',
  doc,
  arguments: [...args, secrets],
  returns: 'mapping',
  run: (a) => call('GET', path(a), undefined, 'Failed to create custom resource object', a),
});

defineK8s('chaosk8s.crd.probes', [
  probe('get_custom_object', 'Get a custom object in the given namespace.', [req('group'), req('version'), req('plural'), req('name'), opt('ns', 'default')], (a) => `${namespaced(a, 'get_namespaced_custom_object')}/${seg(a.name, 'name', 'get_namespaced_custom_object')}`),
  probe('list_custom_objects', 'List custom objects in the given namespace.', [req('group'), req('version'), req('plural'), opt('ns', 'default')], (a) => namespaced(a, 'list_namespaced_custom_object')),
  probe('get_cluster_custom_object', 'Get a custom object cluster-wide.', [req('group'), req('version'), req('plural'), req('name')], (a) => `${cluster(a, 'get_cluster_custom_object')}/${seg(a.name, 'name', 'get_cluster_custom_object')}`),
  probe('list_cluster_custom_objects', 'List custom objects cluster-wide.', [req('group'), req('version'), req('plural')], (a) => cluster(a, 'list_cluster_custom_object')),
]);

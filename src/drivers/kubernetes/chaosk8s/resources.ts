// chaosk8s.service, .networking, .namespace, .secret and .event (chaostoolkit-kubernetes 0.39.0), natively: plain
// create/delete/exists calls. Creating records the deletion of what it created; the deny/allow policies record
// their remove_* counterpart.
import { ActivityFailed } from '../../../errors.ts';
import { log } from '../../../log.ts';
import { pythonStr, pythonTruthy } from '../../../python/values.ts';
import type { DriverActivity, UndoCall } from '../../define.ts';
import { ApiException } from '../client.ts';
import { defineK8s, client, undoArgs, configuration, get, items, loadSpec, nsPath, opt, q, req, secrets, seg } from './common.ts';
import { created, deleteCreated } from './deployment.ts';

const SERVICE = 'chaosk8s.service.actions';
const NETWORKING = 'chaosk8s.networking.actions';
const NAMESPACE = 'chaosk8s.namespace.actions';
const SECRET = 'chaosk8s.secret.actions';
const NET = '/apis/networking.k8s.io/v1';

/** list by name and/or label as service_is_initialized and secret_exists do */
async function listNamed(a: Record<string, unknown>, resource: string, op: string): Promise<any[]> {
  const api = await client(a);
  const query: Record<string, string | undefined> = {};
  if (pythonTruthy(a.name)) query.fieldSelector = `metadata.name=${pythonStr(a.name)}`;
  if (pythonTruthy(a.label_selector)) query.labelSelector = q(a.label_selector);
  return items(await api.json('GET', `/api/v1${nsPath(a.ns, op)}/${resource}`, { query }));
}

export async function deleteService(a: Record<string, unknown>): Promise<void> {
  const api = await client(a);
  await api.request('DELETE', `/api/v1${nsPath(a.ns, 'delete_namespaced_service')}/services/${seg(a.name, 'name', 'delete_namespaced_service')}`);
}

export async function serviceIsInitialized(a: Record<string, unknown>): Promise<boolean> {
  const found = await listNamed(a, 'services', 'list_namespaced_service');
  if (found.length === 0) {
    const m = `service '${pythonStr(a.name)}' is not initialized`;
    if (!pythonTruthy(a.raise_if_service_not_initialized)) return (log.debug(m), false);
    throw new ActivityFailed(m);
  }
  return true;
}

async function createNetworkPolicy(a: Record<string, unknown>, spec: unknown): Promise<void> {
  const api = await client(a);
  await api.request('POST', `${NET}${nsPath(a.ns, 'create_namespaced_network_policy')}/networkpolicies`, { body: spec ?? {} });
}

async function removeNetworkPolicy(a: Record<string, unknown>, name: unknown): Promise<void> {
  const api = await client(a);
  await api.request('DELETE', `${NET}${nsPath(a.ns, 'delete_namespaced_network_policy')}/networkpolicies/${seg(name, 'name', 'delete_namespaced_network_policy')}`);
}

const podSelector = (labels: unknown) => (pythonTruthy(labels) ? { matchLabels: labels } : {});
const policy = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name }, spec });
const removeUndo = (func: string) => (a: Record<string, unknown>): UndoCall => ({ module: NETWORKING, func, arguments: undoArgs(a, { ns: a.ns }) });

defineK8s(SERVICE, [
  {
    name: 'create_service_endpoint',
    kind: 'action',
    doc: 'Create a service endpoint described by the service config, which must be the path to the JSON or YAML representation of the service.',
    arguments: [req('spec_path'), opt('ns', 'default'), secrets],
    run: async (a) => {
      const spec = await loadSpec(a.spec_path);
      await (await client(a)).request('POST', `/api/v1${nsPath(a.ns, 'create_namespaced_service')}/services`, { body: spec });
      created.set(a, get(spec, 'metadata', 'name'));
    },
    undo: (a) => deleteCreated(SERVICE, 'delete_service', a, created.get(a)),
  },
  { name: 'delete_service', kind: 'action', doc: 'Remove the given service', arguments: [req('name'), opt('ns', 'default'), secrets], run: (a) => deleteService(a), undo: () => null },
] satisfies DriverActivity[]);

defineK8s('chaosk8s.service.probes', [
  {
    name: 'service_is_initialized',
    kind: 'probe',
    doc: 'Lookup a service endpoint by its name and raises FailedProbe when the service was not found or not initialized.',
    arguments: [opt('name', null), opt('ns', 'default'), opt('label_selector', null), opt('raise_if_service_not_initialized', true), secrets],
    returns: 'boolean',
    run: (a) => serviceIsInitialized(a),
  },
]);

defineK8s(NETWORKING, [
  {
    name: 'create_ingress',
    kind: 'action',
    doc: 'Create an ingress object from the specified spec_path, which must be the path to the JSON or YAML representation of the ingress.',
    arguments: [req('spec_path'), opt('ns', 'default'), secrets],
    run: async (a) => {
      const spec = await loadSpec(a.spec_path, true);
      await (await client(a)).request('POST', `${NET}${nsPath(a.ns, 'create_namespaced_ingress')}/ingresses`, { body: spec });
      created.set(a, get(spec, 'metadata', 'name'));
    },
    undo: (a) => deleteCreated(NETWORKING, 'delete_ingress', a, created.get(a)),
  },
  {
    name: 'delete_ingress',
    kind: 'action',
    doc: 'Remove the given ingress',
    arguments: [req('name'), opt('ns', 'default'), secrets],
    run: async (a) => void (await (await client(a)).request('DELETE', `${NET}${nsPath(a.ns, 'delete_namespaced_ingress')}/ingresses/${seg(a.name, 'name', 'delete_namespaced_ingress')}`)),
    undo: () => null,
  },
  {
    name: 'update_ingress',
    kind: 'action',
    doc: 'Update the specification of the targeted ingress according to spec.',
    arguments: [req('name'), req('spec'), opt('ns', 'default'), secrets],
    run: async (a) => {
      try {
        await (await client(a)).request('PATCH', `${NET}${nsPath(a.ns, 'patch_namespaced_ingress')}/ingresses/${seg(a.name, 'name', 'patch_namespaced_ingress')}`, {
          body: a.spec,
          contentType: Array.isArray(a.spec) ? 'application/json-patch+json' : 'application/strategic-merge-patch+json',
        });
      } catch (err) {
        if (err instanceof ApiException) throw new ActivityFailed(`failed to update daemon set '${pythonStr(a.name)}': ${err.message}`);
        throw err;
      }
    },
    undo: () => null,
  },
  {
    name: 'create_network_policy',
    kind: 'action',
    doc: 'Create a network policy in the given namespace eitehr from the definition as `spec` or from a file containing the definition at `spec_path`.',
    arguments: [opt('spec', null), opt('spec_path', null), opt('ns', 'default'), secrets],
    run: async (a) => {
      let spec = a.spec;
      if (typeof a.spec_path === 'string' && a.spec_path && (await import('node:fs')).statSync(a.spec_path, { throwIfNoEntry: false })?.isFile()) spec = await loadSpec(a.spec_path);
      await createNetworkPolicy(a, spec);
      created.set(a, get(spec, 'metadata', 'name'));
    },
    undo: (a) => deleteCreated(NETWORKING, 'remove_network_policy', a, created.get(a)),
  },
  {
    name: 'remove_network_policy',
    kind: 'action',
    doc: 'Remove the network policy `name` from the given namespace.',
    arguments: [req('name'), opt('ns', 'default'), secrets],
    run: (a) => removeNetworkPolicy(a, a.name),
    undo: () => null,
  },
  {
    name: 'deny_all_ingress',
    kind: 'action',
    doc: 'Convenient helper policy to deny ingress network to all pods in a namespace, unless `label_selectors, in which case, only matching pods will be impacted.',
    arguments: [opt('label_selectors', null), opt('ns', 'default'), secrets],
    run: (a) => createNetworkPolicy(a, policy('chaostoolkit-deny-all-ingress', { podSelector: podSelector(a.label_selectors), policyTypes: ['Ingress'], ingress: [] })),
    undo: removeUndo('remove_deny_all_ingress'),
  },
  { name: 'remove_deny_all_ingress', kind: 'action', doc: 'Remove the rule set by the `deny_all_ingress` action.', arguments: [opt('ns', 'default'), secrets], run: (a) => removeNetworkPolicy(a, 'chaostoolkit-deny-all-ingress') },
  {
    name: 'deny_all_egress',
    kind: 'action',
    doc: 'Convenient helper rule to deny all egress network from all pods in a namespace, unless `label_selectors, in which case, only matching pods will be impacted.',
    arguments: [opt('label_selectors', null), opt('ns', 'default'), secrets],
    run: (a) => createNetworkPolicy(a, policy('chaostoolkit-deny-all-egress', { podSelector: podSelector(a.label_selectors), policyTypes: ['Egress'] })),
    undo: removeUndo('remove_deny_all_egress'),
  },
  { name: 'remove_deny_all_egress', kind: 'action', doc: 'Remove the rule set by the `deny_all_egress` action.', arguments: [opt('ns', 'default'), secrets], run: (a) => removeNetworkPolicy(a, 'chaostoolkit-deny-all-egress') },
  {
    name: 'allow_dns_access',
    kind: 'action',
    doc: 'Convenient helper rule to DNS access from all pods in a namespace, unless `label_selectors, in which case, only matching pods will be impacted.',
    arguments: [opt('label_selectors', null), opt('ns', 'default'), secrets],
    run: (a) =>
      createNetworkPolicy(
        a,
        policy('chaostoolkit-allow-dns', {
          podSelector: podSelector(a.label_selectors),
          policyTypes: ['Egress'],
          egress: [{ to: [{ namespaceSelector: {} }], ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] }],
        }),
      ),
    undo: removeUndo('remove_allow_dns_access'),
  },
  { name: 'remove_allow_dns_access', kind: 'action', doc: 'Remove the rule set by the `allow_dns_access` action.', arguments: [opt('ns', 'default'), secrets], run: (a) => removeNetworkPolicy(a, 'chaostoolkit-allow-dns') },
] satisfies DriverActivity[]);

defineK8s('chaosk8s.networking.probes', [
  {
    name: 'ingress_exists',
    kind: 'probe',
    doc: 'Lookup a ingress by its name and returns False when the ingress was not found.',
    arguments: [req('name'), opt('ns', 'default'), secrets],
    returns: 'boolean',
    run: async (a) => items(await (await client(a)).json('GET', `${NET}${nsPath(a.ns, 'list_namespaced_ingress')}/ingresses`, { query: { fieldSelector: `metadata.name=${pythonStr(a.name)}` } })).length > 0,
  },
]);

defineK8s(NAMESPACE, [
  {
    name: 'create_namespace',
    kind: 'action',
    doc: 'Create a namespace from the specified spec_path, which must be the path to the JSON or YAML representation of the namespace.',
    arguments: [opt('name', null), opt('spec_path', null), secrets],
    run: async (a) => {
      let body: unknown;
      if (pythonTruthy(a.spec_path)) body = await loadSpec(a.spec_path);
      else if (pythonTruthy(a.name)) body = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: a.name } };
      else throw new ActivityFailed('You need to either specify name or spec_path');
      await (await client(a)).request('POST', '/api/v1/namespaces', { body });
      created.set(a, get(body, 'metadata', 'name'));
    },
    undo: (a) => (typeof created.get(a) === 'string' ? { module: NAMESPACE, func: 'delete_namespace', arguments: undoArgs(a, { name: created.get(a) }) } : null),
  },
  {
    name: 'delete_namespace',
    kind: 'action',
    doc: 'Remove the given namespace',
    arguments: [req('name'), secrets],
    run: async (a) => void (await (await client(a)).request('DELETE', `/api/v1/namespaces/${seg(a.name, 'name', 'delete_namespace')}`)),
    undo: () => null,
  },
] satisfies DriverActivity[]);

defineK8s('chaosk8s.namespace.probes', [
  {
    name: 'namespace_exists',
    kind: 'probe',
    doc: 'Lookup a namespace by its name and returns False when the namespace was not found.',
    arguments: [req('name'), secrets],
    returns: 'boolean',
    run: async (a) => items(await (await client(a)).json('GET', '/api/v1/namespaces', { query: { fieldSelector: `metadata.name=${pythonStr(a.name)}` } })).length > 0,
  },
]);

export async function secretExists(a: Record<string, unknown>): Promise<boolean> {
  return (await listNamed(a, 'secrets', 'list_namespaced_secret')).length > 0;
}

defineK8s(SECRET, [
  {
    name: 'create_secret',
    kind: 'action',
    doc: 'Create a secret endpoint described by the secret config, which must be the path to the JSON or YAML representation of the secret.',
    arguments: [req('spec_path'), opt('ns', 'default'), secrets],
    run: async (a) => {
      const spec = await loadSpec(a.spec_path);
      await (await client(a)).request('POST', `/api/v1${nsPath(a.ns, 'create_namespaced_secret')}/secrets`, { body: spec });
      created.set(a, get(spec, 'metadata', 'name'));
    },
    undo: (a) => deleteCreated(SECRET, 'delete_secret', a, created.get(a)),
  },
  {
    name: 'delete_secret',
    kind: 'action',
    doc: 'Remove the given secret',
    arguments: [req('name'), opt('ns', 'default'), secrets],
    run: async (a) => void (await (await client(a)).request('DELETE', `/api/v1${nsPath(a.ns, 'delete_namespaced_secret')}/secrets/${seg(a.name, 'name', 'delete_namespaced_secret')}`)),
    undo: () => null,
  },
] satisfies DriverActivity[]);

defineK8s('chaosk8s.secret.probes', [
  {
    name: 'secret_exists',
    kind: 'probe',
    doc: 'Lookup a secret by its name and returns False when the secret was not found.',
    arguments: [opt('name', null), opt('ns', 'default'), opt('label_selector', null), secrets],
    returns: 'boolean',
    run: (a) => secretExists(a),
  },
]);

defineK8s('chaosk8s.event.probes', [
  {
    name: 'get_events',
    kind: 'probe',
    doc: 'Retrieve Kubernetes events across all namespaces. If a `label_selector` is set, filter to that selector only.',
    arguments: [opt('label_selector', null), opt('field_selector', null), opt('limit', 100), configuration, secrets],
    returns: 'mapping',
    run: async (a) =>
      (await client(a)).json('GET', '/apis/events.k8s.io/v1/events', { query: { labelSelector: q(a.label_selector), fieldSelector: q(a.field_selector), limit: q(a.limit) } }),
  },
]);

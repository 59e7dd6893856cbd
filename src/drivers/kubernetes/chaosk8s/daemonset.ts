// chaosk8s.daemonset.actions and .probes (chaostoolkit-kubernetes 0.39.0), natively. Its probes return False rather
// than raise.
import { log } from '../../../log.ts';
import { pythonStr } from '../../../python/values.ts';
import type { DriverActivity } from '../../define.ts';
import { defineK8s, client, get, loadSpec, opt, pyGe, req, same, secrets } from './common.ts';
import { created, deleteCreated } from './deployment.ts';
import { DAEMONSET, apiText, createWorkload, deleteWorkloads, listByName, patchWorkload, readinessHasState } from './workload.ts';

const MODULE = 'chaosk8s.daemonset.actions';
const ready = (d: unknown) => same(get(d, 'status', 'numberReady'), get(d, 'status', 'desiredNumberScheduled'));

async function found(a: Record<string, unknown>): Promise<any[]> {
  const list = await listByName(await client(a), DAEMONSET, a.name, a.ns, a.label_selector);
  log.debug(`Found ${list.length} daemon_set(s) named '${pythonStr(a.name)}' in ns '${pythonStr(a.ns)}'`);
  if (list.length === 0) log.debug(`daemon set '${pythonStr(a.name)}' was not found`);
  return list;
}

defineK8s(MODULE, [
  {
    name: 'create_daemon_set',
    kind: 'action',
    doc: 'Create a daemon set described by the daemon set spec, which must be the path to the JSON or YAML representation of the daemon_set.',
    arguments: [req('spec_path'), opt('ns', 'default'), secrets],
    run: async (a) => {
      const spec = await loadSpec(a.spec_path);
      await createWorkload(await client(a), DAEMONSET, a.ns, spec);
      created.set(a, get(spec, 'metadata', 'name'));
    },
    undo: (a) => deleteCreated(MODULE, 'delete_daemon_set', a, created.get(a)),
  },
  {
    name: 'delete_daemon_set',
    kind: 'action',
    doc: 'Delete a daemon set by `name` or `label_selector` in the namespace `ns`. If neither is specified, all the daemon sets will be deleted in the namespace.',
    arguments: [opt('name', null), opt('ns', 'default'), opt('label_selector', null), secrets],
    run: async (a) => void (await deleteWorkloads(await client(a), DAEMONSET, a.name, a.ns, a.label_selector)),
    undo: () => null,
  },
  {
    name: 'update_daemon_set',
    kind: 'action',
    doc: 'Update the specification of the targeted daemon set according to spec.',
    arguments: [req('name'), req('spec'), opt('ns', 'default'), secrets],
    run: async (a) => void (await patchWorkload(await client(a), DAEMONSET, a.name, a.ns, a.spec, (e) => `failed to update daemon set '${pythonStr(a.name)}': ${apiText(e)}`)),
    undo: () => null,
  },
] satisfies DriverActivity[]);

defineK8s('chaosk8s.daemonset.probes', [
  {
    name: 'daemon_set_available_and_healthy',
    kind: 'probe',
    doc: 'Lookup a daemon set by `name` in the namespace `ns`. Return `True` if daemon set is available, otherwise `False`.',
    arguments: [req('name'), opt('ns', 'default'), opt('label_selector', null), secrets],
    returns: 'boolean',
    run: async (a) => {
      const list = await found(a);
      return list.length > 0 && list.every(ready);
    },
  },
  {
    name: 'daemon_set_partially_available',
    kind: 'probe',
    doc: 'Check whether if the given daemon set state is ready or at-least partially ready. Return `True` if dameon set is partially available, otherwise `False`',
    arguments: [req('name'), opt('ns', 'default'), opt('label_selector', null), secrets],
    returns: 'boolean',
    run: async (a) => {
      const list = await found(a);
      return list.length > 0 && pyGe(get(list[0], 'status', 'numberReady'), 1);
    },
  },
  {
    name: 'daemon_set_fully_available',
    kind: 'probe',
    doc: 'Wait until all the daemon set expected replicas are available. Once this state is reached, return `True`. If the state is not reached after `timeout` seconds, return `False`',
    arguments: [req('name'), opt('ns', 'default'), opt('label_selector', null), opt('timeout', 30), secrets],
    returns: 'boolean',
    run: async (a, ctx) => (await readinessHasState(await client(a), DAEMONSET, a.name, true, a.ns, a.label_selector, a.timeout, ready, ctx.signal)) === true,
  },
  {
    name: 'daemon_set_not_fully_available',
    kind: 'probe',
    doc: 'Wait until the daemon set gets into an intermediate state where not all expected replicas are available. Once this state is reached, return `True`. If the state is not reached after `timeout` seconds, return `False`.',
    arguments: [req('name'), opt('ns', 'default'), opt('label_selector', null), opt('timeout', 30), secrets],
    returns: 'boolean',
    run: async (a, ctx) => (await readinessHasState(await client(a), DAEMONSET, a.name, false, a.ns, a.label_selector, a.timeout, ready, ctx.signal)) === true,
  },
]);

defineK8s('chaosk8s.replicaset.actions', [
  {
    name: 'delete_replica_set',
    kind: 'action',
    doc: 'Delete a replica set by `name` or `label_selector` in the namespace `ns`. If neither is specified, all the replica sets will be deleted in the namespace.',
    arguments: [opt('name', null), opt('ns', 'default'), opt('label_selector', null), secrets],
    run: async (a) => void (await deleteWorkloads(await client(a), { plural: 'replicasets', snake: 'replica_set' }, a.name, a.ns, a.label_selector)),
    undo: () => null,
  },
]);

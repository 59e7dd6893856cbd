// The fault ledger's reverts for chaosk8s: each undo the actions record (uncordon, scale back, delete what was
// created, remove a policy) replayed by `turbulence recover` or at the end of an interrupted run. They run the same
// native function without secrets (the environment's credentials then apply); an object already gone is no change.
import { changed, registerReverts, unchanged } from '../../../ledger/reverts.ts';
import { findActivity, normalizeCall } from '../../define.ts';
import { ApiException } from '../client.ts';

export const REVERTS: Record<string, string[]> = {
  'chaosk8s.node.actions': ['uncordon_node'],
  'chaosk8s.deployment.actions': ['scale_deployment', 'delete_deployment'],
  'chaosk8s.statefulset.actions': ['scale_statefulset', 'remove_statefulset'],
  'chaosk8s.actions': ['scale_microservice'],
  'chaosk8s.daemonset.actions': ['delete_daemon_set'],
  'chaosk8s.service.actions': ['delete_service'],
  'chaosk8s.networking.actions': ['delete_ingress', 'remove_network_policy', 'remove_deny_all_ingress', 'remove_deny_all_egress', 'remove_allow_dns_access'],
  'chaosk8s.namespace.actions': ['delete_namespace'],
  'chaosk8s.secret.actions': ['delete_secret'],
  'chaosk8s.crd.actions': ['delete_custom_object', 'delete_cluster_custom_object'],
  'chaosk8s.chaosmesh.network.actions': ['delete_network_fault'],
  'chaosk8s.chaosmesh.stress.actions': ['delete_stressor'],
};

/** Secrets read back from a ledger file are redacted: the environment's credentials apply then. */
export function usable(secrets: unknown): unknown {
  return secrets && typeof secrets === 'object' && !JSON.stringify(secrets).includes('***') ? secrets : null;
}

/** A 404 from the API, raised as it is or as the cause of the ActivityFailed a function words it in. */
function notFound(err: unknown): boolean {
  for (let e = err; e instanceof Error; e = e.cause) if (e instanceof ApiException && e.status === 404) return true;
  return false;
}

export function registerK8sReverts(module: string, funcs: string[]): void {
  registerReverts(
    module,
    Object.fromEntries(
      funcs.map((func) => [
        func,
        async (args: Record<string, unknown>) => {
          const def = findActivity(module, func);
          if (!def) throw new Error(`${module}.${func} is not loaded`);
          const call = normalizeCall({ module, func, arguments: args as never });
          try {
            await def.run({ ...call.arguments, secrets: usable(args.secrets) }, { configuration: {}, secrets: {} });
          } catch (err) {
            if (notFound(err)) return unchanged(`${func}: already gone`);
            throw err;
          }
          return changed(`${func}(${Object.entries(args).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')})`);
        },
      ]),
    ),
  );
}

for (const [module, funcs] of Object.entries(REVERTS)) registerK8sReverts(module, funcs);

// chaosk8s.actions and chaosk8s.probes (chaostoolkit-kubernetes 0.39.0): the deprecated names published experiments
// still call, delegating as the reference does (with its deprecation warning and its quirks: a probe that returns
// None, kill_microservice's unformatted selector).
import { log } from '../../../log.ts';
import type { DriverActivity } from '../../define.ts';
import { defineK8s, client, opt, req, secrets } from './common.ts';
import { created, createDeployment, deleteCreated, deploymentReadiness, scaleDeployment, scaleUndo } from './deployment.ts';
import { allPodsHealthy, deletePods, podIsNotAvailable } from './pod.ts';
import { deleteService, secretExists, serviceIsInitialized } from './resources.ts';
import { DEPLOYMENT, REPLICASET, deleteWorkloads, listByName, scaleIntent } from './workload.ts';
import { ActivityFailed } from '../../../errors.ts';
import { pythonStr } from '../../../python/values.ts';

const MODULE = 'chaosk8s.actions';

function deprecated(name: string, alt: string): void {
  log.warning(`${name} function is DEPRECATED and will be removed in the next         releases, please use ${alt} instead`);
}

defineK8s(MODULE, [
  {
    name: 'start_microservice',
    kind: 'action',
    doc: 'Start a microservice described by the deployment config, which must be the path to the JSON or YAML representation of the deployment. !!!DEPRECATED!!!',
    arguments: [req('spec_path'), opt('ns', 'default'), secrets],
    run: async (a) => {
      deprecated('start_microservice', 'create_deployment');
      created.set(a, await createDeployment(a));
    },
    undo: (a) => deleteCreated('chaosk8s.deployment.actions', 'delete_deployment', a, created.get(a)),
  },
  {
    name: 'kill_microservice',
    kind: 'action',
    doc: 'Kill a microservice by `name` in the namespace `ns`. !!!DEPRECATED!!!',
    arguments: [req('name'), opt('ns', 'default'), opt('label_selector', 'name in ({name})'), secrets],
    run: async (a) => {
      deprecated('kill_microservice', 'delete_deployment/delete_replica_set/delete_pods');
      const api = await client(a);
      await deleteWorkloads(api, DEPLOYMENT, a.name, a.ns, a.label_selector);
      await deleteWorkloads(api, REPLICASET, a.name, a.ns, a.label_selector);
      await deletePods({ name: a.name, ns: a.ns, label_selector: a.label_selector, secrets: a.secrets });
    },
    undo: () => null,
  },
  {
    name: 'scale_microservice',
    kind: 'action',
    doc: 'Scale a deployment up or down. The `name` is the name of the deployment. !!!DEPRECATED!!!',
    arguments: [req('name'), req('replicas'), opt('ns', 'default'), secrets],
    intent: scaleIntent(DEPLOYMENT, MODULE, 'scale_microservice'),
    run: async (a, _ctx, plan) => {
      deprecated('scale_microserviceal', 'scale_deployment');
      await scaleDeployment(a, plan);
    },
    undo: (a) => scaleUndo(MODULE, 'scale_microservice', a),
  },
  {
    name: 'remove_service_endpoint',
    kind: 'action',
    doc: 'Remove the service endpoint that sits in front of microservices (pods). !!!DEPRECATED!!!',
    arguments: [req('name'), opt('ns', 'default'), secrets],
    run: async (a) => {
      deprecated('remove_service_endpoint', 'delete_service');
      await deleteService(a);
    },
    undo: () => null,
  },
] satisfies DriverActivity[]);

defineK8s('chaosk8s.probes', [
  {
    name: 'all_microservices_healthy',
    kind: 'probe',
    doc: 'Check all microservices in the system are running and available. Raises ActivityFailed when the state is not as expected. !!!DEPRECATED!!!',
    arguments: [opt('ns', 'default'), secrets],
    returns: 'boolean',
    run: (a) => {
      deprecated('all_microservices_healthy', 'all_pods_healthy');
      return allPodsHealthy({ ...a, raise_on_any_unhealthy: true });
    },
  },
  {
    name: 'microservice_available_and_healthy',
    kind: 'probe',
    doc: 'Lookup a deployment by `name` in the namespace `ns`. Raises ActivityFailed when the state is not as expected. !!!DEPRECATED!!!',
    arguments: [req('name'), opt('ns', 'default'), opt('label_selector', null), secrets],
    run: async (a) => {
      deprecated('microservice_available_and_healthy', 'deployment_available_and_healthy');
      const found = await listByName(await client(a), DEPLOYMENT, a.name, a.ns, a.label_selector);
      if (found.length === 0) throw new ActivityFailed(`Deployment '${pythonStr(a.name)}' was not found`);
      for (const d of found) {
        if ((d?.status?.availableReplicas ?? null) !== (d?.spec?.replicas ?? null)) throw new ActivityFailed(`Deployment '${pythonStr(a.name)}' is not healthy`);
      }
      // the reference forgets to return the result
      return null;
    },
  },
  {
    name: 'microservice_is_not_available',
    kind: 'probe',
    doc: 'Lookup pods with a `name` label set to the given `name` in the specified `ns`. Raises ActivityFailed when one of the pods with the specified `name` is in the `"Running"` phase. !!!DEPRECATED!!!',
    arguments: [req('name'), opt('ns', 'default'), opt('label_selector', 'name in ({name})'), secrets],
    returns: 'boolean',
    run: (a) => {
      deprecated('microservice_is_not_available', 'pod_is_not_available');
      return podIsNotAvailable({ ...a, raise_on_is_available: true });
    },
  },
  {
    name: 'service_endpoint_is_initialized',
    kind: 'probe',
    doc: 'Lookup a service endpoint by its name and raises FailedProbe when the service was not found or not initialized. !!!DEPRECATED!!!',
    arguments: [req('name'), opt('ns', 'default'), opt('label_selector', 'name in ({name})'), secrets],
    returns: 'boolean',
    run: (a) => {
      deprecated('service_endpoint_is_initialized', 'service_is_initialized');
      return serviceIsInitialized({ ...a, raise_if_service_not_initialized: true });
    },
  },
  {
    name: 'deployment_is_not_fully_available',
    kind: 'probe',
    doc: 'Wait until the deployment gets into an intermediate state where not all expected replicas are available. !!!DEPRECATED!!!',
    arguments: [req('name'), opt('ns', 'default'), opt('label_selector', null), opt('timeout', 30), secrets],
    returns: 'boolean',
    run: (a, ctx) => {
      deprecated('deployment_is_not_fully_available', 'deployment_not_fully_available');
      return deploymentReadiness(a, false, true, ctx.signal);
    },
  },
  {
    name: 'deployment_is_fully_available',
    kind: 'probe',
    doc: 'Wait until all the deployment expected replicas are available. !!!DEPRECATED!!!',
    arguments: [req('name'), opt('ns', 'default'), opt('label_selector', null), opt('timeout', 30), secrets],
    returns: 'boolean',
    run: (a, ctx) => {
      deprecated('deployment_is_fully_available', 'deployment_fully_available');
      return deploymentReadiness(a, true, true, ctx.signal);
    },
  },
  {
    name: 'secret_exists',
    kind: 'probe',
    doc: 'Lookup a secret by its name and returns False when the secret was not found.',
    arguments: [opt('name', null), opt('ns', 'default'), opt('label_selector', null), secrets],
    returns: 'boolean',
    run: (a) => secretExists(a),
  },
] satisfies DriverActivity[]);

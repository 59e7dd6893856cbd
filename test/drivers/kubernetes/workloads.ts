// Workloads the Kubernetes driver tests put on the real control plane (test/k8s/cluster.ts): deployments whose pods
// kwok runs on the fake nodes, and waits for the state the controllers reach.
import { type Cluster, FAKE_NODE_SELECTOR, api, waitFor } from '../../k8s/cluster.ts';

/** A Deployment of `replicas` pods labelled app=<name>; grace period 0 so that evicted or deleted pods go at once. */
export function deploymentSpec(name: string, replicas: number): Record<string, any> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { nodeSelector: FAKE_NODE_SELECTOR, terminationGracePeriodSeconds: 0, containers: [{ name: 'app', image: 'registry.invalid/app:1' }] },
      },
    },
  };
}

export const isReady = (p: any) => p.status?.phase === 'Running' && p.status.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True');

export async function listPods(cluster: Cluster, ns: string, selector: string): Promise<any[]> {
  const list = await api(cluster, 'GET', `/api/v1/namespaces/${ns}/pods?labelSelector=${encodeURIComponent(selector)}`);
  return list.items;
}

/** Waits until exactly `count` pods (none terminating) of the selector are Running and Ready, and returns them. */
export async function runningPods(cluster: Cluster, ns: string, selector: string, count: number, timeoutMs = 30_000): Promise<any[]> {
  let got: any[] = [];
  await waitFor(`${count} Running and Ready pods ${selector} in ${ns}`, timeoutMs, async () => {
    got = (await listPods(cluster, ns, selector)).filter((p) => !p.metadata.deletionTimestamp);
    return got.length === count && got.every(isReady);
  });
  return got;
}

/** Creates the deployment and waits until it is available with every replica. */
export async function createDeployment(cluster: Cluster, ns: string, name: string, replicas: number): Promise<void> {
  await api(cluster, 'POST', `/apis/apps/v1/namespaces/${ns}/deployments`, deploymentSpec(name, replicas));
  await deploymentAvailable(cluster, ns, name, replicas);
}

export async function deploymentAvailable(cluster: Cluster, ns: string, name: string, replicas: number): Promise<void> {
  await waitFor(`deployment ${ns}/${name} available with ${replicas} replicas`, 30_000, async () => {
    const d = await api(cluster, 'GET', `/apis/apps/v1/namespaces/${ns}/deployments/${name}`);
    return d.status?.availableReplicas === replicas && d.status?.readyReplicas === replicas && d.status?.replicas === replicas && d.status?.updatedReplicas === replicas;
  });
}

/** A VirtualService routing all of `host` to its primary subset. */
export function virtualService(name: string): Record<string, any> {
  return {
    apiVersion: 'networking.istio.io/v1alpha3',
    kind: 'VirtualService',
    metadata: { name },
    spec: { hosts: [name], http: [{ route: [{ destination: { host: name, subset: 'primary' }, weight: 100 }] }] },
  };
}

export async function createVirtualService(cluster: Cluster, ns: string, name: string): Promise<void> {
  await api(cluster, 'POST', `/apis/networking.istio.io/v1alpha3/namespaces/${ns}/virtualservices`, virtualService(name));
}

// The same Cluster on an existing cluster (kind, minikube: KUBECONFIG with TURBULENCE_K8S_EXISTING=1): the current
// context's credentials are copied into files, a service account of our own gives the bearer token, and a local
// kwok plays the kubelets of fake nodes added for the tests. stop() removes only what the tests made: those nodes,
// the namespaces labelled TEST_LABEL (newNamespace()), the token's binding, and the VirtualService CRD if it added it.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { type Cluster, K8S_BIN, KWOK_NODE_ANNOTATION, TEST_LABEL, addFakeNodes, api, closeAgents, installVirtualServiceCrd, request } from './cluster.ts';
import { type Proc, alive, launch, ownDirectory, terminate } from './processes.ts';

export async function useExistingCluster(kubeconfigPath: string, nodeCount: number): Promise<Cluster> {
  const { parse, stringify } = await import('yaml');
  const file = kubeconfigPath.split(':')[0];
  const config = parse(readFileSync(file, 'utf8'));
  const context = config.contexts?.find((c: any) => c.name === config['current-context'])?.context;
  if (!context) throw new Error(`${file}: no current context`);
  const clusterEntry = config.clusters?.find((c: any) => c.name === context.cluster)?.cluster;
  const user = config.users?.find((u: any) => u.name === context.user)?.user ?? {};
  if (!clusterEntry) throw new Error(`${file}: no cluster '${context.cluster}'`);
  // The harness speaks HTTPS itself: it needs a client certificate or a token (not an exec or auth-provider plugin).
  if (!user.token && !user['client-certificate'] && !user['client-certificate-data']) {
    throw new Error(`${file}: user '${context.user}' has neither a client certificate nor a token`);
  }

  const dir = await mkdtemp(join(tmpdir(), 'turbulence-k8s-existing-'));
  const disown = ownDirectory(dir);
  const material = async (name: string, path?: string, data?: string): Promise<string> => {
    if (data) {
      await writeFile(join(dir, name), Buffer.from(data, 'base64'));
      return join(dir, name);
    }
    return path ? resolve(dirname(file), path) : '';
  };
  const caFile = await material('ca.crt', clusterEntry['certificate-authority'], clusterEntry['certificate-authority-data']);
  if (!caFile) throw new Error(`${file}: cluster '${context.cluster}' has no certificate authority`);
  const cluster: Cluster = {
    server: clusterEntry.server,
    kubeconfig: join(dir, 'kubeconfig'),
    caFile,
    clientCertFile: await material('client.crt', user['client-certificate'], user['client-certificate-data']),
    clientKeyFile: await material('client.key', user['client-key'], user['client-key-data']),
    token: user.token ?? '',
    nodes: [],
    stop: async () => {},
  };

  const id = randomBytes(3).toString('hex');
  const tokenNs = `turbulence-token-${id}`;
  const binding = `turbulence-token-${id}`;
  await api(cluster, 'POST', '/api/v1/namespaces', { metadata: { name: tokenNs, labels: { [TEST_LABEL]: 'true' } } });
  await api(cluster, 'POST', `/api/v1/namespaces/${tokenNs}/serviceaccounts`, { metadata: { name: 'turbulence-token' } });
  await api(cluster, 'POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
    metadata: { name: binding },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
    subjects: [{ kind: 'ServiceAccount', name: 'turbulence-token', namespace: tokenNs }],
  });
  const adminUser = cluster.clientCertFile ? { 'client-certificate': cluster.clientCertFile, 'client-key': cluster.clientKeyFile } : { token: cluster.token };
  const issued = await api(cluster, 'POST', `/api/v1/namespaces/${tokenNs}/serviceaccounts/turbulence-token/token`, {
    spec: { expirationSeconds: 3600 },
  });
  cluster.token = issued.status.token;
  await writeFile(
    cluster.kubeconfig,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'turbulence-test', cluster: { server: cluster.server, 'certificate-authority': caFile } }],
      users: [
        { name: 'admin', user: adminUser },
        { name: 'token', user: { token: cluster.token } },
      ],
      contexts: [
        { name: 'admin', context: { cluster: 'turbulence-test', user: 'admin', namespace: 'default' } },
        { name: 'token', context: { cluster: 'turbulence-test', user: 'token', namespace: 'default' } },
      ],
      'current-context': 'admin',
    }),
  );

  const crdPath = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/virtualservices.networking.istio.io';
  const crdWasThere = (await request(cluster, 'GET', crdPath)).status === 200;
  if (!crdWasThere) await installVirtualServiceCrd(cluster);

  const procs: Proc[] = [];
  if (!existsSync(join(K8S_BIN, 'kwok'))) throw new Error(`kwok missing in ${K8S_BIN}: run scripts/setup-k8s-peers.sh`);
  procs.push(
    launch(dir, 'kwok', join(K8S_BIN, 'kwok'), [
      `--kubeconfig=${cluster.kubeconfig}`,
      '--manage-all-nodes=false',
      `--manage-nodes-with-annotation-selector=${KWOK_NODE_ANNOTATION}=fake`,
      '--cidr=10.244.0.1/16',
      '--node-ip=10.243.0.1',
      '--node-lease-duration-seconds=40',
    ]),
  );
  cluster.nodes = Array.from({ length: nodeCount }, (_, i) => `kwok-node-${id}-${i}`);
  await addFakeNodes(cluster, cluster.nodes);
  alive(procs);

  cluster.stop = async () => {
    const namespaces = await api(cluster, 'GET', `/api/v1/namespaces?labelSelector=${encodeURIComponent(`${TEST_LABEL}=true`)}`);
    await Promise.all([
      ...cluster.nodes.map((n) => request(cluster, 'DELETE', `/api/v1/nodes/${n}`)),
      ...namespaces.items.map((ns: any) => request(cluster, 'DELETE', `/api/v1/namespaces/${ns.metadata.name}`)),
      request(cluster, 'DELETE', `/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/${binding}`),
      crdWasThere ? Promise.resolve() : request(cluster, 'DELETE', crdPath),
    ]);
    for (const p of procs) await terminate(p);
    closeAgents(cluster);
    await rm(dir, { recursive: true, force: true });
    disown();
  };
  return cluster;
}

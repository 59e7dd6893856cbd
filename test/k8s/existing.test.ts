// The harness on an existing cluster (KUBECONFIG + TURBULENCE_K8S_EXISTING=1), here a local control plane standing in
// for kind or minikube: it takes the kubeconfig's credentials, adds its own token and kwok nodes, and stop() removes
// only what it and the tests made.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, it } from 'node:test';
import { type Cluster, api, newNamespace, request, startCluster } from './cluster.ts';

let host: Cluster;
before(async () => {
  host = await startCluster({ nodes: 0 });
});
after(async () => {
  await host?.stop();
});

it('runs on the cluster of KUBECONFIG and leaves it as it found it', async () => {
  const env = { KUBECONFIG: process.env.KUBECONFIG, TURBULENCE_K8S_EXISTING: process.env.TURBULENCE_K8S_EXISTING };
  Object.assign(process.env, { KUBECONFIG: host.kubeconfig, TURBULENCE_K8S_EXISTING: '1' });
  let cluster: Cluster;
  try {
    cluster = await startCluster({ nodes: 2 });
  } finally {
    for (const [k, v] of Object.entries(env)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  assert.equal(cluster.server, host.server);
  assert.notEqual(cluster.kubeconfig, host.kubeconfig);
  const nodes = await api(host, 'GET', '/api/v1/nodes');
  assert.deepEqual(nodes.items.map((n: any) => n.metadata.name).sort(), [...cluster.nodes].sort());
  const byToken = await request(cluster, 'GET', '/api/v1/nodes', { token: cluster.token });
  assert.equal(byToken.status, 200);
  const ns = await newNamespace(cluster);
  const crd = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/virtualservices.networking.istio.io';
  assert.equal((await request(host, 'GET', crd)).status, 200, 'the CRD was there before');

  await cluster.stop();
  assert.deepEqual((await api(host, 'GET', '/api/v1/nodes')).items, []);
  const gone = await api(host, 'GET', `/api/v1/namespaces/${ns}`);
  assert.ok(gone.metadata.deletionTimestamp, 'the test namespace is being deleted');
  // 403 while its service account is being deleted with its namespace, 401 once it is gone.
  assert.ok([401, 403].includes((await request(host, 'GET', '/api/v1/nodes', { token: cluster.token })).status), 'the token lost its binding');
  assert.equal((await request(host, 'GET', crd)).status, 200, 'the CRD it found stays');
  assert.equal(existsSync(cluster.kubeconfig), false, 'its files are removed');
});

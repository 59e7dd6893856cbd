// The test cluster is a real control plane, not a fake: workloads are reconciled by kube-controller-manager, pods
// scheduled by kube-scheduler and run by kwok, eviction honours disruption budgets, the VirtualService CRD validates,
// and every way the drivers authenticate (client certificate files, kubeconfig contexts, bearer token) works.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { type Cluster, FAKE_NODE_SELECTOR, api, kubectl, newNamespace, request, startCluster, waitFor } from './cluster.ts';

let cluster: Cluster;
before(async () => {
  cluster = await startCluster();
});
after(async () => {
  await cluster?.stop();
});

async function pods(ns: string, selector: string): Promise<any[]> {
  const list = await api(cluster, 'GET', `/api/v1/namespaces/${ns}/pods?labelSelector=${encodeURIComponent(selector)}`);
  return list.items;
}

const isReady = (p: any) => p.status?.phase === 'Running' && p.status.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True');

async function runningPods(ns: string, selector: string, count: number): Promise<any[]> {
  let got: any[] = [];
  await waitFor(`${count} Running and Ready pods ${selector} in ${ns}`, 30_000, async () => {
    got = (await pods(ns, selector)).filter((p) => !p.metadata.deletionTimestamp);
    return got.length === count && got.every(isReady);
  });
  return got;
}

async function createDeployment(ns: string, name: string, replicas: number): Promise<void> {
  await api(cluster, 'POST', `/apis/apps/v1/namespaces/${ns}/deployments`, {
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { nodeSelector: FAKE_NODE_SELECTOR, containers: [{ name: 'app', image: 'registry.invalid/app:1' }] },
      },
    },
  });
}

describe('the control plane', () => {
  it('runs a deployment: 3 pods scheduled on the fake nodes, Running and Ready through kwok', async () => {
    const ns = await newNamespace(cluster);
    await createDeployment(ns, 'web', 3);
    const got = await runningPods(ns, 'app=web', 3);
    for (const p of got) {
      assert.ok(cluster.nodes.includes(p.spec.nodeName), `pod ${p.metadata.name} on ${p.spec.nodeName}`);
      assert.match(p.status.podIP, /^10\.244\./);
    }
    await waitFor('the deployment available', 30_000, async () => {
      const d = await api(cluster, 'GET', `/apis/apps/v1/namespaces/${ns}/deployments/web`);
      return d.status?.availableReplicas === 3 && d.status?.readyReplicas === 3;
    });
  });

  it('brings a deleted pod of a replica set back (kube-controller-manager)', async () => {
    const ns = await newNamespace(cluster);
    await createDeployment(ns, 'api', 3);
    const before = await runningPods(ns, 'app=api', 3);
    const victim = before[0].metadata.name;
    await api(cluster, 'DELETE', `/api/v1/namespaces/${ns}/pods/${victim}?gracePeriodSeconds=0`);
    const afterDelete = await runningPods(ns, 'app=api', 3);
    const names = afterDelete.map((p) => p.metadata.name);
    assert.ok(!names.includes(victim), `${victim} is gone`);
    assert.equal(names.filter((n) => !before.some((p) => p.metadata.name === n)).length, 1, 'one new pod');
  });

  it('cordons a node and drains it through the eviction API, which honours a disruption budget', async () => {
    const ns = await newNamespace(cluster);
    const [node, ...others] = cluster.nodes;
    const cordon = (name: string, unschedulable: boolean) =>
      api(cluster, 'PATCH', `/api/v1/nodes/${name}`, { spec: { unschedulable } }, 'application/strategic-merge-patch+json');
    try {
      // The other nodes cordoned, the scheduler can only put the pods on `node`.
      await Promise.all(others.map((n) => cordon(n, true)));
      await createDeployment(ns, 'db', 3);
      assert.ok((await runningPods(ns, 'app=db', 3)).every((p) => p.spec.nodeName === node));
      await Promise.all(others.map((n) => cordon(n, false)));
      await cordon(node, true);
      await waitFor('the node lifecycle controller to taint the cordoned node', 30_000, async () => {
        const cordoned = await api(cluster, 'GET', `/api/v1/nodes/${node}`);
        return cordoned.spec.unschedulable === true && cordoned.spec.taints?.some((t: any) => t.key === 'node.kubernetes.io/unschedulable');
      });

      await api(cluster, 'POST', `/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets`, {
        metadata: { name: 'db' },
        spec: { minAvailable: 3, selector: { matchLabels: { app: 'db' } } },
      });
      await waitFor('the disruption budget computed', 30_000, async () => {
        const pdb = await api(cluster, 'GET', `/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets/db`);
        return pdb.status?.currentHealthy === 3 && pdb.status?.disruptionsAllowed === 0;
      });
      const evict = (name: string) =>
        request(cluster, 'POST', `/api/v1/namespaces/${ns}/pods/${name}/eviction`, {
          body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: ns } },
        });
      const onNode = await pods(ns, 'app=db');
      const refused = await evict(onNode[0].metadata.name);
      assert.equal(refused.status, 429, JSON.stringify(refused.body));
      assert.match(refused.body.message, /disruption budget/);

      // Drain: with the budget gone, every pod on the cordoned node is evicted and replaced on the other nodes.
      await api(cluster, 'DELETE', `/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets/db`);
      for (const p of onNode) {
        const res = await evict(p.metadata.name);
        assert.equal(res.status, 201, JSON.stringify(res.body));
      }
      const moved = await runningPods(ns, 'app=db', 3);
      assert.ok(moved.every((p) => others.includes(p.spec.nodeName)), moved.map((p) => p.spec.nodeName).join(', '));
      assert.ok(moved.every((p) => !onNode.some((o) => o.metadata.name === p.metadata.name)), 'all replaced');
    } finally {
      await Promise.all(cluster.nodes.map((n) => cordon(n, false)));
    }
  });

  it('serves the Istio VirtualService CRD in v1alpha3 and v1beta1, and validates its faults', async () => {
    const ns = await newNamespace(cluster);
    const base = `/apis/networking.istio.io/v1alpha3/namespaces/${ns}/virtualservices`;
    const vs = (httpStatus: unknown) => ({
      apiVersion: 'networking.istio.io/v1alpha3',
      kind: 'VirtualService',
      metadata: { name: 'reviews' },
      spec: {
        hosts: ['reviews'],
        http: [{ route: [{ destination: { host: 'reviews', subset: 'primary' } }], fault: { abort: { httpStatus, percentage: { value: 50 } } } }],
      },
    });
    const created = await api(cluster, 'POST', base, vs(500));
    assert.equal(created.spec.http[0].fault.abort.httpStatus, 500);
    const asBeta = await api(cluster, 'GET', `/apis/networking.istio.io/v1beta1/namespaces/${ns}/virtualservices/reviews`);
    assert.equal(asBeta.apiVersion, 'networking.istio.io/v1beta1');
    assert.deepEqual(asBeta.spec.http[0].route, [{ destination: { host: 'reviews', subset: 'primary' } }]);
    const bad = await request(cluster, 'POST', base, { body: { ...vs('five hundred'), metadata: { name: 'bad' } } });
    assert.equal(bad.status, 422);
    assert.match(bad.body.message, /httpStatus/);
    assert.match(await kubectl(cluster, 'get', 'vs', '-n', ns), /reviews/);
  });
});

describe('authentication', () => {
  it('accepts the client certificate files', async () => {
    const res = await request(cluster, 'GET', '/api/v1/namespaces/default');
    assert.equal(res.status, 200);
    const who = await api(cluster, 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
    // The API server took the user (CN) and groups (O) from the certificate.
    const subject = new X509Certificate(readFileSync(cluster.clientCertFile)).subject.split('\n');
    assert.equal(who.status.userInfo.username, subject.find((l) => l.startsWith('CN='))!.slice(3));
    for (const o of subject.filter((l) => l.startsWith('O='))) assert.ok(who.status.userInfo.groups.includes(o.slice(2)), o);
  });

  it('accepts both kubeconfig contexts: admin is the client certificate, token the bearer token', async () => {
    const review = { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' };
    const path = '/apis/authentication.k8s.io/v1/selfsubjectreviews';
    const certUser = (await api(cluster, 'POST', path, review)).status.userInfo.username;
    const tokenUser = (await request(cluster, 'POST', path, { body: review, token: cluster.token })).body.status.userInfo.username;
    assert.notEqual(certUser, tokenUser);
    const whoami = (context: string) => kubectl(cluster, '--context', context, 'auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}');
    assert.equal(await whoami('admin'), certUser);
    assert.equal(await whoami('token'), tokenUser);
    assert.equal(await kubectl(cluster, 'config', 'current-context'), 'admin\n');
    assert.match(await kubectl(cluster, '--context', 'token', 'get', 'nodes', '-o', 'name'), new RegExp(`node/${cluster.nodes[0]}`));
  });

  it('accepts the bearer token, rejects a bad one (401) and anonymous requests to the API (403)', async () => {
    assert.equal((await request(cluster, 'GET', '/api/v1/nodes', { token: cluster.token })).status, 200);
    const bad = await request(cluster, 'GET', '/api/v1/nodes', { token: `${cluster.token}x` });
    assert.equal(bad.status, 401);
    assert.equal(bad.body.reason, 'Unauthorized');
    assert.equal((await request(cluster, 'GET', '/api/v1/nodes', { anonymous: true })).status, 403);
  });

  it('authorizes with RBAC: a service account token without a binding is forbidden', async () => {
    const ns = await newNamespace(cluster);
    await api(cluster, 'POST', `/api/v1/namespaces/${ns}/serviceaccounts`, { metadata: { name: 'nobody' } });
    const issued = await api(cluster, 'POST', `/api/v1/namespaces/${ns}/serviceaccounts/nobody/token`, { spec: { expirationSeconds: 600 } });
    const res = await request(cluster, 'GET', `/api/v1/namespaces/${ns}/pods`, { token: issued.status.token });
    assert.equal(res.status, 403);
    assert.match(res.body.message, new RegExp(`system:serviceaccount:${ns}:nobody`));
  });
});

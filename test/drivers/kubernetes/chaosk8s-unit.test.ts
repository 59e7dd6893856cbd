// chaosk8s's native names without a cluster: signature checks as chaoslib words them, _select_pods's picks and
// errors, the auth branches and the KUBERNETES_VERIFY_SSL quirk, and the calls on the wire against a local stub of
// the API (paths, selectors, bodies, the Authorization header), with the reference's results and failure messages.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Activity } from '../../../src/experiment/types.ts';
import '../../../src/providers/index.ts';
import { getProvider } from '../../../src/providers/registry.ts';
import { resolveAuth } from '../../../src/drivers/kubernetes/auth.ts';
import { pickPods } from '../../../src/drivers/kubernetes/chaosk8s/select.ts';

const provider = getProvider('python')!;
const activity = (module: string, func: string, args: Record<string, unknown>, kind = 'action') =>
  ({ type: kind, name: func, provider: { type: 'python', module, func, arguments: args } }) as Activity;

async function outcome(module: string, func: string, args: Record<string, unknown>, secrets: Record<string, unknown> = {}): Promise<unknown> {
  try {
    return await provider.run({ ...activity(module, func, args), provider: { type: 'python', module, func, arguments: args, secrets: ['k8s'] } } as Activity, { configuration: {}, secrets: { k8s: secrets } });
  } catch (err) {
    return `failed: ${(err as Error).message}`;
  }
}

const pods = (n: number) => Array.from({ length: n }, (_, i) => ({ metadata: { name: `p${String(i).padStart(2, '0')}`, creationTimestamp: `2024-01-01T00:00:${String(59 - i).padStart(2, '0')}Z` } }));
const sel = (o: Record<string, unknown>) => ({ label_selector: null, name_pattern: null, all: false, rand: false, mode: 'fixed', qty: 1, ns: 'default', order: 'alphabetic', ...o });

describe('chaosk8s signatures (validation)', () => {
  it('rejects undeclared arguments and missing required ones with chaoslib words', async () => {
    const problems = await provider.validate!(activity('chaosk8s.pod.actions', 'terminate_pods', { label_selector: 'app=x', random: true }), ['method', 0]);
    assert.deepEqual(problems.map((p) => p.message), ["argument 'random' is not part of the function signature in activity 'terminate_pods'"]);
    const missing = await provider.validate!(activity('chaosk8s.deployment.actions', 'scale_deployment', { name: 'x' }), ['method', 0]);
    assert.deepEqual(missing.map((p) => p.message), ["required argument 'replicas' is missing from activity 'scale_deployment'"]);
    // chaosistio renamed percent to percentage in 2020: the old name fails
    const percent = await provider.validate!(activity('chaosistio.fault.actions', 'add_abort_fault', { virtual_service_name: 'v', http_status: 500, routes: [], percent: 50 }), ['method', 0]);
    assert.deepEqual(percent.map((p) => p.message), ["argument 'percent' is not part of the function signature in activity 'add_abort_fault'"]);
    // any value binds, as in Python (no type checks at validation)
    assert.deepEqual(await provider.validate!(activity('chaosk8s.pod.probes', 'count_pods', { label_selector: 3, ns: 7 }), ['m']), []);
  });
});

describe('_select_pods', () => {
  it('takes the first qty, a ceil percentage, all, or a random sample', () => {
    assert.deepEqual(pickPods(pods(10), sel({ qty: 3 })).map((p) => p.metadata.name), ['p00', 'p01', 'p02']);
    assert.equal(pickPods(pods(10), sel({ mode: 'percentage', qty: 25 })).length, 3); // ceil(2.5)
    assert.equal(pickPods(pods(10), sel({ qty: 50 })).length, 10);
    assert.equal(pickPods(pods(10), sel({ all: true, qty: 0 })).length, 10);
    assert.deepEqual(pickPods(pods(10), sel({ order: 'oldest', qty: 2 })).map((p) => p.metadata.name), ['p09', 'p08']);
    assert.deepEqual(pickPods(pods(10), sel({ name_pattern: '[13]$', qty: 5 })).map((p) => p.metadata.name), ['p01', 'p03']);
    const r = pickPods(pods(10), sel({ rand: true, qty: 4 }));
    assert.equal(new Set(r.map((p) => p.metadata.name)).size, 4);
  });
  it('fails with the reference messages', () => {
    assert.throws(() => pickPods([], sel({ qty: -1 })), { message: "Cannot select pods. Quantity '-1' is negative." });
    assert.throws(() => pickPods([], sel({ mode: 'random' })), { message: "Cannot select pods. Mode 'random' is invalid." });
    assert.throws(() => pickPods([], sel({ order: 'newest' })), { message: "Cannot select pods. Order 'newest' is invalid." });
  });
});

describe('create_k8s_api_client branches', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8s-auth-'));
  const kubeconfig = join(dir, 'config');
  writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n');
  const none = join(dir, 'none');

  it('a kubeconfig wins, even in a pod; its context from secrets before the environment', () => {
    assert.deepEqual(resolveAuth({ KUBERNETES_CONTEXT: 'b' }, { KUBECONFIG: kubeconfig, KUBERNETES_CONTEXT: 'a', CHAOSTOOLKIT_IN_POD: 'true' }), { kind: 'kubeconfig', file: kubeconfig, context: 'b' });
    assert.deepEqual(resolveAuth(null, { KUBECONFIG: kubeconfig }), { kind: 'kubeconfig', file: kubeconfig, context: null });
  });
  it('in a pod without kubeconfig: the service account', () => {
    assert.equal(resolveAuth(null, { KUBECONFIG: none, CHAOSTOOLKIT_IN_POD: 'true' }).kind, 'in-cluster');
    // only the environment says so
    assert.equal(resolveAuth({ CHAOSTOOLKIT_IN_POD: 'true' }, { KUBECONFIG: none }).kind, 'env');
  });
  it('environment: API key first, then certificate, then user name; host default http://localhost', () => {
    const env = { KUBECONFIG: none, KUBERNETES_API_KEY: 't', KUBERNETES_CERT_FILE: '/c', KUBERNETES_KEY_FILE: '/k' };
    assert.deepEqual(resolveAuth(null, env), { kind: 'env', host: 'http://localhost', verifyTls: false, caFile: null, authorization: 'Bearer t', certFile: null, keyFile: null, username: null });
    assert.equal((resolveAuth({ KUBERNETES_API_KEY_PREFIX: 'Token' }, env) as any).authorization, 'Token t');
    const cert = resolveAuth(null, { KUBECONFIG: none, KUBERNETES_HOST: 'https://h:6443', KUBERNETES_CERT_FILE: '/c', KUBERNETES_KEY_FILE: '/k' }) as any;
    assert.deepEqual([cert.host, cert.certFile, cert.keyFile, cert.authorization], ['https://h:6443', '/c', '/k', null]);
    assert.equal((resolveAuth(null, { KUBECONFIG: none, KUBERNETES_USERNAME: 'u' }) as any).username, 'u');
  });
  it('KUBERNETES_VERIFY_SSL: unset is off, any value is on ("false" too), a JSON false secret is off; the explicit option parses', () => {
    const v = (secrets: Record<string, unknown> | null, env: Record<string, string>) => (resolveAuth(secrets, { KUBECONFIG: none, ...env }) as any).verifyTls;
    assert.equal(v(null, {}), false);
    assert.equal(v(null, { KUBERNETES_VERIFY_SSL: 'false' }), true);
    assert.equal(v(null, { KUBERNETES_VERIFY_SSL: '0' }), true);
    assert.equal(v({ KUBERNETES_VERIFY_SSL: false }, { KUBERNETES_VERIFY_SSL: 'yes' }), false);
    assert.equal(v(null, { KUBERNETES_VERIFY_SSL: 'false', TURBULENCE_KUBERNETES_VERIFY_SSL: 'false' }), false);
    assert.equal(v(null, { TURBULENCE_KUBERNETES_VERIFY_SSL: '1' }), true);
  });
});

/** A stub of the API on 127.0.0.1: answers from `routes`, records every request. */
describe('chaosk8s on the wire (stub API)', () => {
  let server: ReturnType<typeof createServer>;
  let host: string;
  const seen: { method: string; url: string; auth?: string; body: string; type?: string }[] = [];
  const podList = { kind: 'PodList', items: [{ metadata: { name: 'a-1', uid: '1' }, status: { phase: 'Running' } }, { metadata: { name: 'a-2', uid: '2' }, status: { phase: 'Pending' } }] };
  const vs = { spec: { http: [{ route: [{ destination: { host: 'api', subset: 'primary' } }] }, { route: [{ destination: { host: 'db' } }], fault: { abort: { httpStatus: 503 } } }] } };
  const handle = (req: IncomingMessage, res: ServerResponse, body: string) => {
    seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, body, type: req.headers['content-type'] });
    const url = new URL(req.url!, 'http://x');
    const json = (status: number, v: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(v));
    };
    if (req.method === 'GET' && url.pathname === '/api/v1/namespaces/shop/pods') return json(200, podList);
    if (req.method === 'GET' && url.pathname === '/api/v1/namespaces/empty/pods') return json(200, { items: [] });
    if (req.method === 'DELETE' && url.pathname.startsWith('/api/v1/namespaces/shop/pods/')) return json(200, {});
    if (req.method === 'GET' && url.pathname === '/apis/apps/v1/namespaces/shop/deployments/web') return json(200, { spec: { replicas: 3 } });
    if (req.method === 'PATCH' && url.pathname === '/apis/apps/v1/namespaces/shop/deployments/web') return json(200, {});
    if (url.pathname === '/apis/networking.istio.io/v1alpha3/namespaces/shop/virtualservices/api') {
      if (req.method === 'GET') return json(200, vs);
      return json(200, { patched: JSON.parse(body) });
    }
    if (url.pathname === '/apis/apps/v1/namespaces/shop/deployments/gone') return json(404, { kind: 'Status', message: 'deployments.apps "gone" not found', reason: 'NotFound', code: 404 });
    json(404, { kind: 'Status', code: 404 });
  };
  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => handle(req, res, body));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    process.env.KUBECONFIG = join(mkdtempSync(join(tmpdir(), 'k8s-none-')), 'none');
  });
  after(() => server.close());
  const auth = () => ({ KUBERNETES_HOST: host, KUBERNETES_API_KEY: 'sekret' });

  it('terminate_pods lists by label, deletes the first qty with the grace period, returns the names', async () => {
    seen.length = 0;
    assert.deepEqual(await outcome('chaosk8s.pod.actions', 'terminate_pods', { label_selector: 'app=a', ns: 'shop', qty: 2, grace_period: 0 }, auth()), ['a-1', 'a-2']);
    assert.deepEqual(seen.map((s) => `${s.method} ${decodeURIComponent(s.url)}`), ['GET /api/v1/namespaces/shop/pods?labelSelector=app=a', 'DELETE /api/v1/namespaces/shop/pods/a-1', 'DELETE /api/v1/namespaces/shop/pods/a-2']);
    assert.equal(seen[0]!.auth, 'Bearer sekret');
    assert.deepEqual(JSON.parse(seen[1]!.body), { gracePeriodSeconds: 0 });
  });
  it('probes: count_pods, pods_in_phase with both raise settings, an empty namespace', async () => {
    assert.equal(await outcome('chaosk8s.pod.probes', 'count_pods', { label_selector: 'app=a', ns: 'shop' }, auth()), 2);
    assert.equal(await outcome('chaosk8s.pod.probes', 'count_pods', { label_selector: 'app=a', ns: 'shop', phase: 'Running' }, auth()), 1);
    assert.equal(await outcome('chaosk8s.pod.probes', 'pods_in_phase', { label_selector: 'app=a', ns: 'shop' }, auth()), "failed: chaoslib.exceptions.ActivityFailed: pod 'app=a' is in phase 'Pending' but should be 'Running'");
    assert.equal(await outcome('chaosk8s.pod.probes', 'pods_in_phase', { label_selector: 'app=a', ns: 'shop', raise_on_invalid_phase: false }, auth()), false);
    assert.equal(await outcome('chaosk8s.pod.probes', 'pods_in_phase', { label_selector: 'app=a', ns: 'empty' }, auth()), "failed: chaoslib.exceptions.ActivityFailed: no pods 'app=a' were found");
    assert.equal(await outcome('chaosk8s.probes', 'all_microservices_healthy', { ns: 'shop' }, auth()), 'failed: chaoslib.exceptions.ActivityFailed: the system is unhealthy');
  });
  it('scale_deployment patches the replicas; an API error is the reference ActivityFailed with the ApiException text', async () => {
    seen.length = 0;
    assert.equal(await outcome('chaosk8s.deployment.actions', 'scale_deployment', { name: 'web', replicas: 1, ns: 'shop' }, auth()), null);
    const patch = seen.find((s) => s.method === 'PATCH')!;
    assert.deepEqual(JSON.parse(patch.body), { spec: { replicas: 1 } });
    assert.equal(patch.type, 'application/strategic-merge-patch+json');
    const failed = String(await outcome('chaosk8s.deployment.actions', 'scale_deployment', { name: 'gone', replicas: 1, ns: 'shop' }, auth()));
    assert.match(failed, /^failed: chaoslib\.exceptions\.ActivityFailed: failed to scale 'gone' to 1 replicas: \(404\)\nReason: Not Found\nHTTP response headers: HTTPHeaderDict\(\{'Content-Type': 'application\/json', /);
    assert.match(failed, /HTTP response body: \{"kind":"Status","message":"deployments.apps \\"gone\\" not found"/);
  });
  it('an unreachable API server fails as urllib3 does', async () => {
    const r = await outcome('chaosk8s.pod.probes', 'count_pods', { label_selector: 'app=a' }, { KUBERNETES_HOST: 'http://127.0.0.1:1' });
    assert.equal(
      r,
      "failed: urllib3.exceptions.MaxRetryError: HTTPConnectionPool(host='127.0.0.1', port=1): Max retries exceeded with url: /api/v1/namespaces/default/pods?labelSelector=app%3Da (Caused by NewConnectionError(\"HTTPConnection(host='127.0.0.1', port=1): Failed to establish a new connection: [Errno 111] Connection refused\"))",
    );
  });
  it('chaosistio add_abort_fault merge-patches the matching http entries; remove_abort_fault takes the fault off', async () => {
    const routes = [{ destination: { host: 'api', subset: 'primary' } }];
    const added = (await outcome('chaosistio.fault.actions', 'add_abort_fault', { virtual_service_name: 'api', http_status: 500, routes, percentage: 50, ns: 'shop' }, auth())) as any;
    assert.equal(added.status, 200);
    assert.deepEqual(added.body.patched, {
      apiVersion: 'networking.istio.io/v1alpha3',
      kind: 'VirtualService',
      metadata: { name: 'api' },
      spec: { http: [{ route: routes, fault: { abort: { httpStatus: 500, percentage: { value: 50 } } } }, vs.spec.http[1]] },
    });
    const removed = (await outcome('chaosistio.fault.actions', 'remove_abort_fault', { virtual_service_name: 'api', routes: [{ destination: { host: 'db' } }], ns: 'shop' }, auth())) as any;
    assert.deepEqual(removed.body.patched.spec.http[1], { route: [{ destination: { host: 'db' } }] });
    assert.equal(await outcome('chaosistio.fault.actions', 'add_delay_fault', { virtual_service_name: 'nope', fixed_delay: '15s', routes, ns: 'shop' }, auth()), 'failed: chaoslib.exceptions.ActivityFailed: Virtual Service \'nope\' does not exist: {\'kind\': \'Status\', \'code\': 404}');
  });
  it('turbulence.kubernetes terminate_pods: blast-radius selection with a seed, names returned', async () => {
    seen.length = 0;
    const args = { ns: 'shop', label_selector: 'app=a', mode: 'fixed', quantity: 1, seed: 7, auth: { KUBERNETES_HOST: host } };
    const first = (await outcome('turbulence.kubernetes', 'terminate_pods', args)) as string[];
    assert.equal(first.length, 1);
    assert.deepEqual(await outcome('turbulence.kubernetes', 'terminate_pods', args), first);
    assert.equal(seen.filter((s) => s.method === 'DELETE').length, 2);
    assert.equal(await outcome('turbulence.kubernetes', 'terminate_pods', { ...args, ns: 'empty' }), "failed: no pod matches in namespace 'empty' with labels app=a");
  });
});

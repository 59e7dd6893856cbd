// chaosk8s's in-pod branch (CHAOSTOOLKIT_IN_POD=true, no kubeconfig) against the real API server, by `chaos run` and
// `turbulence run`: a ServiceAccount bound to a Role that may only read pods, its token from the TokenRequest API,
// and the files a pod would mount at /var/run/secrets/kubernetes.io/serviceaccount written under a temporary root.
// Turbulence reads that root from TURBULENCE_IN_POD_ROOT (a test hook); the reference, which has the path built in
// (kubernetes.config.incluster_config.SERVICE_TOKEN_FILENAME / SERVICE_CERT_FILENAME), gets it from a sitecustomize
// that points those two constants there. A permitted probe succeeds, a forbidden one fails with the same 403 text.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { type Cluster, FAKE_NODE_SELECTOR, api, newNamespace, startCluster } from '../../k8s/cluster.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TURBULENCE = join(ROOT, 'bin/turbulence.js');
const CHAOS = join(ROOT, '.peers/venv/bin/chaos');
const SA_DIR = 'var/run/secrets/kubernetes.io/serviceaccount';

let cluster: Cluster;
let ns: string;
const tmp = mkdtempSync(join(tmpdir(), 'turbulence-k8s-inpod-'));
const podRoot = join(tmp, 'pod-root');

before(async () => {
  cluster = await startCluster({ nodes: 1 });
  ns = await newNamespace(cluster, 'inpod');
  const rbac = `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}`;
  await Promise.all([
    api(cluster, 'POST', `/api/v1/namespaces/${ns}/serviceaccounts`, { metadata: { name: 'chaos' } }),
    api(cluster, 'POST', `${rbac}/roles`, { metadata: { name: 'pod-reader' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }] }),
    api(cluster, 'POST', `${rbac}/rolebindings`, {
      metadata: { name: 'chaos-reads-pods' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' },
      subjects: [{ kind: 'ServiceAccount', name: 'chaos', namespace: ns }],
    }),
    ...['a', 'b'].map((n) =>
      api(cluster, 'POST', `/api/v1/namespaces/${ns}/pods`, {
        metadata: { name: `web-${n}`, labels: { app: 'web' } },
        spec: { nodeSelector: FAKE_NODE_SELECTOR, containers: [{ name: 'app', image: 'registry.invalid/app:1' }] },
      }),
    ),
  ]);
  const { status } = await api(cluster, 'POST', `/api/v1/namespaces/${ns}/serviceaccounts/chaos/token`, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: { audiences: ['https://kubernetes.default.svc.cluster.local'], expirationSeconds: 3600 },
  });
  const dir = join(podRoot, SA_DIR);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'token'), status.token);
  writeFileSync(join(dir, 'ca.crt'), readFileSync(cluster.caFile));
  writeFileSync(join(dir, 'namespace'), ns);
  // the reference's client reads these two paths, fixed in its module: pointed at the same files
  mkdirSync(join(tmp, 'site'));
  writeFileSync(
    join(tmp, 'site', 'sitecustomize.py'),
    `import kubernetes.config.incluster_config as c\nc.SERVICE_TOKEN_FILENAME = ${JSON.stringify(join(dir, 'token'))}\nc.SERVICE_CERT_FILENAME = ${JSON.stringify(join(dir, 'ca.crt'))}\n`,
  );
});
after(async () => {
  await cluster?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

let runs = 0;
/** One run in a fresh directory and HOME (no ~/.kube/config), no KUBECONFIG: the in-pod environment only. */
function run(engine: 'turbulence' | 'reference', experiment: object, hooked = true): Promise<{ code: number | null; stderr: string; journal: any }> {
  const dir = join(tmp, `run-${++runs}`);
  mkdirSync(dir);
  const file = join(dir, 'experiment.json');
  writeFileSync(file, JSON.stringify(experiment));
  const argv = ['--no-version-check', '--no-log-file', 'run', '--journal-path', join(dir, 'journal.json'), file];
  const [cmd, full] = engine === 'turbulence' ? [process.execPath, [TURBULENCE, ...argv]] : [CHAOS, argv];
  const env = {
    PATH: process.env.PATH,
    HOME: dir,
    NO_COLOR: '1',
    TURBULENCE_STATE_DIR: join(tmp, 'state'),
    CHAOSTOOLKIT_IN_POD: 'true',
    KUBERNETES_SERVICE_HOST: '127.0.0.1',
    KUBERNETES_SERVICE_PORT: new URL(cluster.server).port,
    ...(!hooked ? {} : engine === 'turbulence' ? { TURBULENCE_IN_POD_ROOT: podRoot } : { PYTHONPATH: join(tmp, 'site') }),
  };
  const child = spawn(cmd, full, { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const j = join(dir, 'journal.json');
      resolve({ code, stderr, journal: existsSync(j) ? JSON.parse(readFileSync(j, 'utf8')) : null });
    });
  });
}

const scrub = (s: string | undefined) => s?.replace(/'Audit-Id': '[^']+'/, "'Audit-Id': 'ID'").replace(/'Date': '[^']+'/, "'Date': 'DATE'");

describe('CHAOSTOOLKIT_IN_POD=true: the service account files, against the real API server', () => {
  it('a permitted probe succeeds with that identity, a forbidden one fails with the reference\'s 403 text', async () => {
    const experiment = {
      title: 'in a pod',
      description: 'the service account may read pods, not nodes',
      method: [
        { type: 'probe', name: 'count-web-pods', provider: { type: 'python', module: 'chaosk8s.pod.probes', func: 'count_pods', arguments: { label_selector: 'app=web', ns } } },
        { type: 'probe', name: 'nodes-ready', provider: { type: 'python', module: 'chaosk8s.node.probes', func: 'all_nodes_must_be_ready_to_schedule' } },
      ],
    };
    const [ref, turb] = await Promise.all([run('reference', experiment), run('turbulence', experiment)]);
    const outcomes = (r: { journal: any }) => r.journal?.run?.map((a: any) => ({ status: a.status, output: a.output, exception: scrub(a.exception?.at(-1)) }));
    const [count, nodes] = outcomes(ref) ?? [];
    assert.deepEqual(count, { status: 'succeeded', output: 2, exception: undefined }, ref.stderr);
    assert.equal(nodes?.status, 'failed', ref.stderr);
    assert.match(nodes.exception, /ApiException: \(403\)\nReason: Forbidden\n[\s\S]*nodes is forbidden: User \\"system:serviceaccount:[^:]+:chaos\\" cannot list resource \\"nodes\\"/);
    assert.deepEqual(outcomes(turb), outcomes(ref), turb.stderr);
    assert.equal(turb.code, ref.code);
    assert.doesNotMatch(turb.stderr, /KUBERNETES_VERIFY_SSL/);
  });

  it('without the files (this host is no pod): the same ConfigException as the reference', async () => {
    const experiment = { title: 'no pod', description: 'x', method: [{ type: 'probe', name: 'count', provider: { type: 'python', module: 'chaosk8s.pod.probes', func: 'count_pods', arguments: { label_selector: 'app=web', ns } } }] };
    const [ref, turb] = await Promise.all([run('reference', experiment, false), run('turbulence', experiment, false)]);
    const exception = (r: { journal: any }) => r.journal?.run?.[0]?.exception?.at(-1);
    assert.match(exception(ref), /^chaoslib\.exceptions\.ActivityFailed: kubernetes\.config\.config_exception\.ConfigException: Service token file does not exist\.\n$/, ref.stderr);
    assert.equal(exception(turb), exception(ref), turb.stderr);
  });
});

// The Kubernetes control plane every Kubernetes test runs against: a real etcd, kube-apiserver,
// kube-controller-manager and kube-scheduler (built from Go modules by scripts/setup-k8s-peers.sh into .peers/k8s/bin,
// etcd from Debian), and kwok, which plays the kubelets of fake nodes so that scheduled pods become Running and Ready.
// One cluster per test file: startCluster() in before(), stop() in after(). With KUBECONFIG set and
// TURBULENCE_K8S_EXISTING=1 the same tests run against that cluster instead (kind, minikube), see existing.ts.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Agent, request as httpsRequest } from 'node:https';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type Proc, alive, launch, ownDirectory, tail, terminate } from './processes.ts';

export interface Cluster {
  /** https://127.0.0.1:PORT */
  server: string;
  /** A kubeconfig with the contexts 'admin' (client certificate, current) and 'token' (bearer token). Basic auth
   * (a 'basic' context) is gone: kube-apiserver dropped --basic-auth-file in 1.19. */
  kubeconfig: string;
  caFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  /** A bearer token of the user 'turbulence-token', bound to cluster-admin through RBAC. */
  token: string;
  /** The kwok fake nodes' names. */
  nodes: string[];
  /** With startCluster({ kubeletServer: true }): where kwok's kubelet server reads logs and runs execs. */
  kubelet?: KubeletServer;
  stop(): Promise<void>;
}

export const K8S_BIN = fileURLToPath(new URL('../../.peers/k8s/bin/', import.meta.url));
export const VIRTUAL_SERVICE_CRD = fileURLToPath(new URL('./istio-virtualservice-crd.yaml', import.meta.url));
/** The annotation kwok selects its nodes by. */
export const KWOK_NODE_ANNOTATION = 'kwok.x-k8s.io/node';
/** The label of the namespaces newNamespace() makes (those stop() removes from an existing cluster). */
export const TEST_LABEL = 'turbulence.test/owned';
/** A pod's nodeSelector that keeps it on the kwok nodes: needed on an existing cluster, whose real nodes would
 * take the pods too (and never run their made-up images). */
export const FAKE_NODE_SELECTOR = { type: 'kwok' } as const;

/** kwok's kubelet server (logs, exec) for the API server's pods/log and pods/exec: one logs file per container name
 * (KUBELET_CONTAINERS, any other name reads `other.log`), in CRI format (`<RFC 3339 time> stdout F <line>`, see
 * criLogLine); exec runs the command FOR REAL on this host, in `execDir` (tests run only harmless commands). */
export interface KubeletServer {
  logsFile(container: string): string;
  execDir: string;
}
export const KUBELET_CONTAINERS = ['app', 'sidecar'] as const;

/** One line of a CRI container log, as kwok reads it (and prints with `timestamps=true`). */
export function criLogLine(at: Date, line: string): string {
  return `${at.toISOString().replace(/\.(\d+)Z$/, (_m, ms: string) => `.${ms.padEnd(9, '0')}Z`)} stdout F ${line}\n`;
}

const STARTUP_TIMEOUT_MS = 90_000;
const run = promisify(execFile);

/** `kubeletServer`: kwok also serves pods' logs and exec (opt-in: one more port, the API server told to reach nodes
 * by InternalIP 127.0.0.1). */
export async function startCluster(opts: { nodes?: number; kubeletServer?: boolean } = {}): Promise<Cluster> {
  const nodeCount = opts.nodes ?? 3;
  if (process.env.KUBECONFIG && process.env.TURBULENCE_K8S_EXISTING === '1') {
    if (opts.kubeletServer) throw new Error('kubeletServer needs the local control plane (kwok with its kubelet server), not TURBULENCE_K8S_EXISTING');
    const { useExistingCluster } = await import('./existing.ts');
    return useExistingCluster(process.env.KUBECONFIG, nodeCount);
  }
  checkBinaries();
  // A port taken between freePort() and the process binding it is the one race left: start again, twice at most.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startLocalCluster(nodeCount, !!opts.kubeletServer);
    } catch (e) {
      if (attempt >= 3 || !(e instanceof PortTaken)) throw e;
    }
  }
}

/** The kubectl built with the control plane, on the cluster's kubeconfig; rejects with kubectl's stderr. */
export async function kubectl(cluster: Cluster, ...args: string[]): Promise<string> {
  return kubectlWithInput(cluster, undefined, ...args);
}

/** kubectl with `input` on its standard input (e.g. `apply -f -`). */
export function kubectlWithInput(cluster: Cluster, input: string | undefined, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(join(K8S_BIN, 'kubectl'), ['--kubeconfig', cluster.kubeconfig, ...args], { maxBuffer: 256 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`kubectl ${args.join(' ')}: ${stderr.trim() || err.message}`));
      else resolve(stdout);
    });
    child.stdin?.end(input ?? '');
  });
}

export interface ApiResponse {
  status: number;
  body: any;
}

/** One request to the API server. Authenticates with the client certificate unless `token` is given (or `anonymous`). */
export function request(
  cluster: Cluster,
  method: string,
  path: string,
  opts: { body?: unknown; token?: string; anonymous?: boolean; contentType?: string; accept?: string } = {},
): Promise<ApiResponse> {
  // Without a client certificate (an existing cluster whose admin signs in otherwise), admin is the token.
  const token = opts.token ?? (opts.anonymous || cluster.clientCertFile ? undefined : cluster.token);
  const agent = agentFor(cluster, !!token || !!opts.anonymous);
  const payload = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
  const headers: Record<string, string> = { accept: opts.accept ?? 'application/json' };
  if (payload !== undefined) headers['content-type'] = opts.contentType ?? 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  return new Promise((resolve, reject) => {
    const req = httpsRequest(new URL(path, cluster.server), { method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON (e.g. /readyz): the text as it is
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** request() as admin that fails on any status but 2xx, with the API server's message. */
export async function api(cluster: Cluster, method: string, path: string, body?: unknown, contentType?: string): Promise<any> {
  const res = await request(cluster, method, path, { body, contentType });
  if (res.status < 200 || res.status > 299) {
    throw new Error(`${method} ${path}: ${res.status} ${typeof res.body === 'object' ? res.body?.message : res.body}`);
  }
  return res.body;
}

/** A fresh namespace labelled as the tests', deleted by stop() on an existing cluster. */
export async function newNamespace(cluster: Cluster, prefix = 'test'): Promise<string> {
  const ns = await api(cluster, 'POST', '/api/v1/namespaces', {
    metadata: { generateName: `${prefix}-`, labels: { [TEST_LABEL]: 'true' } },
  });
  await waitFor(`service account default in ${ns.metadata.name}`, 30_000, async () => {
    return (await request(cluster, 'GET', `/api/v1/namespaces/${ns.metadata.name}/serviceaccounts/default`)).status === 200;
  });
  return ns.metadata.name;
}

/** Polls `check` until it is true; fails after `timeoutMs` naming what it waited for. */
export async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (e) {
      last = e;
    }
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
}

/** The fake nodes as kwok expects them: annotated for it, with room for many pods. */
export function fakeNode(name: string, pods = 1000): object {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { [KWOK_NODE_ANNOTATION]: 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', ...FAKE_NODE_SELECTOR },
    },
    status: {
      allocatable: { cpu: '32', memory: '256Gi', pods: String(pods) },
      capacity: { cpu: '32', memory: '256Gi', pods: String(pods) },
    },
  };
}

/** Creates the fake nodes and waits until kwok reports them Ready. */
export async function addFakeNodes(cluster: Cluster, names: string[], pods?: number): Promise<void> {
  await Promise.all(names.map((n) => api(cluster, 'POST', '/api/v1/nodes', fakeNode(n, pods))));
  await waitFor(`nodes ${names.join(', ')} Ready (kwok)`, 60_000, async () => {
    const list = await api(cluster, 'GET', '/api/v1/nodes');
    const ready = new Set(
      list.items
        .filter((n: any) => n.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True'))
        .map((n: any) => n.metadata.name),
    );
    return names.every((n) => ready.has(n));
  });
}

/** Installs the Istio VirtualService CRD and waits until it is Established. */
export async function installVirtualServiceCrd(cluster: Cluster): Promise<void> {
  const { parse } = await import('yaml');
  const crd = parse(readFileSync(VIRTUAL_SERVICE_CRD, 'utf8'));
  const path = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
  const res = await request(cluster, 'POST', path, { body: crd });
  if (res.status !== 201 && res.status !== 409) throw new Error(`installing the VirtualService CRD: ${res.status} ${res.body?.message}`);
  await waitFor('the VirtualService CRD Established', 30_000, async () => {
    const got = await api(cluster, 'GET', `${path}/${crd.metadata.name}`);
    return got.status?.conditions?.some((c: any) => c.type === 'Established' && c.status === 'True');
  });
}

// ---- the local control plane ----

class PortTaken extends Error {}

function checkBinaries(): void {
  const missing = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok', 'kubectl'].filter((b) => !existsSync(join(K8S_BIN, b)));
  if (missing.length > 0) throw new Error(`${missing.join(', ')} missing in ${K8S_BIN}: run scripts/setup-k8s-peers.sh`);
}

async function startLocalCluster(nodeCount: number, kubeletServer: boolean): Promise<Cluster> {
  // etcd's data in memory (/dev/shm) where there is one: Debian's etcd 3.4 has no --unsafe-no-fsync, and fsyncs to
  // tmpfs cost nothing.
  const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const dir = await mkdtemp(join(base, 'turbulence-k8s-'));
  const disown = ownDirectory(dir);
  const procs: Proc[] = [];
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    for (const p of [...procs].reverse()) await terminate(p);
    await rm(dir, { recursive: true, force: true });
    disown();
  };
  try {
    const [etcdPort, peerPort, apiPort, kubeletPort] = await Promise.all([freePort(), freePort(), freePort(), kubeletServer ? freePort() : 0]);
    const token = randomBytes(24).toString('hex');
    const pki = await makeCertificates(dir);
    const server = `https://127.0.0.1:${apiPort}`;
    await writeFile(join(dir, 'tokens.csv'), `${token},turbulence-token,turbulence-token-uid\n`);
    const kubeconfig = join(dir, 'kubeconfig');
    await writeFile(kubeconfig, await kubeconfigYaml(server, pki, token));

    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    procs.push(
      launch(dir, 'etcd', 'etcd', [
        `--data-dir=${join(dir, 'etcd')}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=default=${peerUrl}`,
        '--logger=zap',
        '--log-level=warn',
      ]),
    );
    procs.push(
      launch(dir, 'kube-apiserver', join(K8S_BIN, 'kube-apiserver'), [
        `--etcd-servers=${etcdUrl}`,
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        `--secure-port=${apiPort}`,
        `--tls-cert-file=${pki.serverCert}`,
        `--tls-private-key-file=${pki.serverKey}`,
        `--client-ca-file=${pki.ca}`,
        `--token-auth-file=${join(dir, 'tokens.csv')}`,
        '--authorization-mode=RBAC',
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        `--service-account-key-file=${pki.saKey}`,
        `--service-account-signing-key-file=${pki.saKey}`,
        '--service-cluster-ip-range=10.96.0.0/16',
        '--allow-privileged=true',
        // Less work for two shared cores: no request fairness queues, no profiling endpoints.
        '--enable-priority-and-fairness=false',
        '--profiling=false',
        '--max-requests-inflight=1000',
        '--max-mutating-requests-inflight=500',
        // kwok's nodes say InternalIP 127.0.0.1 and a Hostname the resolver does not know
        ...(kubeletServer ? ['--kubelet-preferred-address-types=InternalIP'] : []),
      ]),
    );
    const kubelet = kubeletServer ? await kubeletConfig(dir) : undefined;
    const cluster: Cluster = {
      server,
      ...(kubelet ? { kubelet: kubelet.server } : {}),
      kubeconfig,
      caFile: pki.ca,
      clientCertFile: pki.clientCert,
      clientKeyFile: pki.clientKey,
      token,
      nodes: Array.from({ length: nodeCount }, (_, i) => `kwok-node-${i}`),
      stop: async () => {
        closeAgents(cluster);
        await stop();
      },
    };
    await waitUntil(procs, 'kube-apiserver /readyz', async () => (await request(cluster, 'GET', '/readyz')).status === 200);

    // The components talk to the API server as admin (system:masters), like a kubeadm control plane's own clients.
    const controlPlaneArgs = [`--kubeconfig=${kubeconfig}`, '--leader-elect=false', '--bind-address=127.0.0.1', '--secure-port=0'];
    procs.push(
      launch(dir, 'kube-controller-manager', join(K8S_BIN, 'kube-controller-manager'), [
        ...controlPlaneArgs,
        `--service-account-private-key-file=${pki.saKey}`,
        `--root-ca-file=${pki.ca}`,
        '--kube-api-qps=200',
        '--kube-api-burst=400',
      ]),
    );
    procs.push(launch(dir, 'kube-scheduler', join(K8S_BIN, 'kube-scheduler'), [...controlPlaneArgs, '--kube-api-qps=500', '--kube-api-burst=1000']));
    procs.push(
      launch(dir, 'kwok', join(K8S_BIN, 'kwok'), [
        `--kubeconfig=${kubeconfig}`,
        '--manage-all-nodes=false',
        `--manage-nodes-with-annotation-selector=${KWOK_NODE_ANNOTATION}=fake`,
        // Pod IPs are only labels here (no traffic goes to them); a /16 leaves room for the benchmark's pods.
        '--cidr=10.244.0.1/16',
        '--node-lease-duration-seconds=40',
        ...(kubelet
          ? ['--node-ip=127.0.0.1', `--node-port=${kubeletPort}`, `--server-address=127.0.0.1:${kubeletPort}`,
              `--tls-cert-file=${pki.serverCert}`, `--tls-private-key-file=${pki.serverKey}`, `--config=${kubelet.config}`]
          : ['--node-ip=10.243.0.1']),
      ]),
    );

    await Promise.all([
      api(cluster, 'POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
        metadata: { name: 'turbulence-token-admin' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'turbulence-token' }],
      }),
      installVirtualServiceCrd(cluster),
      addFakeNodes(cluster, cluster.nodes),
      waitUntil(procs, 'the default namespace and its service account', async () => {
        return (await request(cluster, 'GET', '/api/v1/namespaces/default/serviceaccounts/default')).status === 200;
      }),
    ]);
    alive(procs);
    return cluster;
  } catch (e) {
    const logs = procs.map((p) => `--- ${p.name} (${p.log}):\n${tail(p.log, 15)}`).join('\n');
    const taken = /address already in use/.test(logs);
    for (const p of [...procs].reverse()) await terminate(p);
    // The logs stay on failure (they are in the message too); the directory goes.
    await rm(dir, { recursive: true, force: true }).catch(() => {});
    disown();
    const message = `starting the Kubernetes control plane failed: ${(e as Error).message}\n${logs}`;
    throw taken ? new PortTaken(message) : new Error(message);
  }
}

/** kwok's ClusterLogs (a logs file per container) and ClusterExec (local, in a work directory), for all pods. */
async function kubeletConfig(dir: string): Promise<{ config: string; server: KubeletServer }> {
  const logsDir = join(dir, 'logs');
  const execDir = join(dir, 'exec');
  await Promise.all([mkdir(logsDir), mkdir(execDir)]);
  const logsFile = (container: string) => join(logsDir, `${(KUBELET_CONTAINERS as readonly string[]).includes(container) ? container : 'other'}.log`);
  const logs = [...KUBELET_CONTAINERS.map((c) => ({ containers: [c], logsFile: logsFile(c) })), { logsFile: logsFile('other') }];
  await Promise.all([...KUBELET_CONTAINERS, 'other'].map((c) => writeFile(logsFile(c), '')));
  const config = join(dir, 'kwok.yaml');
  const doc = (kind: string, spec: object) => JSON.stringify({ apiVersion: 'kwok.x-k8s.io/v1alpha1', kind, metadata: { name: 'turbulence-test' }, spec });
  // JSON is YAML: one document each
  await writeFile(config, [doc('ClusterLogs', { logs }), doc('ClusterExec', { execs: [{ local: { workDir: execDir } }] })].join('\n---\n'));
  return { config, server: { logsFile, execDir } };
}

/** waitFor, failing at once when a control-plane process has exited. */
function waitUntil(procs: Proc[], what: string, check: () => Promise<boolean>): Promise<void> {
  return waitFor(what, STARTUP_TIMEOUT_MS, async () => {
    alive(procs);
    return check();
  });
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

interface Pki {
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  saKey: string;
}

/** A CA, the API server's serving certificate, the admin's client certificate (group system:masters) and the service
 * account signing key, all P-256 (much faster to make than RSA). */
async function makeCertificates(dir: string): Promise<Pki> {
  const f = (name: string) => join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const openssl = (...args: string[]) => run('openssl', args).catch((e) => {
    throw new Error(`openssl ${args.join(' ')}: ${e.stderr || e.message}`);
  });
  await openssl('req', '-x509', ...ec, '-keyout', f('ca.key'), '-out', f('ca.crt'), '-days', '7', '-subj', '/CN=turbulence-test-ca');
  await writeFile(
    f('server.ext'),
    'subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local\nextendedKeyUsage=serverAuth\n',
  );
  await writeFile(f('client.ext'), 'extendedKeyUsage=clientAuth\n');
  // each leaf gets its own serial: two signings sharing -CAcreateserial's ca.srl race on that file
  let serial = 1;
  const leaf = async (name: string, subject: string) => {
    await openssl('req', ...ec, '-keyout', f(`${name}.key`), '-out', f(`${name}.csr`), '-subj', subject);
    await openssl('x509', '-req', '-in', f(`${name}.csr`), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-set_serial', String(serial++),
      '-out', f(`${name}.crt`), '-days', '7', '-extfile', f(`${name}.ext`));
  };
  await Promise.all([
    leaf('server', '/CN=kube-apiserver'),
    leaf('client', '/O=system:masters/CN=turbulence-admin'),
    openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', f('sa.key')),
  ]);
  return { ca: f('ca.crt'), serverCert: f('server.crt'), serverKey: f('server.key'), clientCert: f('client.crt'), clientKey: f('client.key'), saKey: f('sa.key') };
}

async function kubeconfigYaml(server: string, pki: Pki, token: string): Promise<string> {
  const { stringify } = await import('yaml');
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'turbulence-test', cluster: { server, 'certificate-authority': pki.ca } }],
    users: [
      { name: 'admin', user: { 'client-certificate': pki.clientCert, 'client-key': pki.clientKey } },
      { name: 'token', user: { token } },
    ],
    contexts: [
      { name: 'admin', context: { cluster: 'turbulence-test', user: 'admin', namespace: 'default' } },
      { name: 'token', context: { cluster: 'turbulence-test', user: 'token', namespace: 'default' } },
    ],
    'current-context': 'admin',
  });
}

const agents = new WeakMap<Cluster, { cert: Agent; bare: Agent }>();

export function closeAgents(cluster: Cluster): void {
  const pair = agents.get(cluster);
  pair?.cert.destroy();
  pair?.bare.destroy();
  agents.delete(cluster);
}

function agentFor(cluster: Cluster, bare: boolean): Agent {
  let pair = agents.get(cluster);
  if (!pair) {
    const ca = readFileSync(cluster.caFile);
    const common = { ca, keepAlive: true, maxSockets: 64 };
    pair = {
      cert: new Agent(cluster.clientCertFile ? { ...common, cert: readFileSync(cluster.clientCertFile), key: readFileSync(cluster.clientKeyFile) } : common),
      bare: new Agent(common),
    };
    agents.set(cluster, pair);
  }
  return bare ? pair.bare : pair.cert;
}

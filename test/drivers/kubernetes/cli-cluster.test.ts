// `turbulence run` against a real control plane (test/k8s/cluster.ts): every way chaosk8s authenticates (client
// certificate files from the environment, with and without server verification; kubeconfig contexts; a bearer
// token with and without its prefix; a bad token failing with the reference's 401 text), and the fault ledger with
// real faults (a scale, a cordon, an Istio abort): put back when the run is interrupted (SIGINT), and by `turbulence
// recover` after a SIGKILL, with the kubeconfig the environment gives at recover time.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { type Cluster, api, newNamespace, startCluster, waitFor } from '../../k8s/cluster.ts';
import { createDeployment, createVirtualService } from './workloads.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TURBULENCE = join(ROOT, 'bin/turbulence.js');
const CHAOS = join(ROOT, '.peers/venv/bin/chaos');

let cluster: Cluster;
const tmp = mkdtempSync(join(tmpdir(), 'turbulence-k8s-cli-'));
before(async () => {
  cluster = await startCluster();
});
after(async () => {
  await cluster?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  journal: any;
}

let runs = 0;
/** One run in a fresh directory (HOME too: no ~/.kube/config), with exactly the environment given (plus PATH). */
function start(engine: 'turbulence' | 'reference', experiment: object, env: Record<string, string>, args: string[] = []): { child: ChildProcess; done: Promise<Run>; dir: string } {
  const dir = join(tmp, `run-${++runs}`);
  mkdirSync(dir);
  const file = join(dir, 'experiment.json');
  writeFileSync(file, JSON.stringify(experiment));
  const argv = ['--no-version-check', '--no-log-file', 'run', '--journal-path', join(dir, 'journal.json'), ...args, file];
  const [cmd, full] = engine === 'turbulence' ? [process.execPath, [TURBULENCE, ...argv]] : [CHAOS, argv];
  const child = spawn(cmd, full, { cwd: dir, env: { PATH: process.env.PATH, HOME: dir, NO_COLOR: '1', TURBULENCE_STATE_DIR: join(tmp, 'state'), ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<Run>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const j = join(dir, 'journal.json');
      resolve({ code, signal, stderr, journal: existsSync(j) ? JSON.parse(readFileSync(j, 'utf8')) : null });
    });
  });
  return { child, done, dir };
}

const run = (engine: 'turbulence' | 'reference', experiment: object, env: Record<string, string>) => start(engine, experiment, env).done;

/** One probe listing the nodes: the run's only API call. */
const probeNodes = {
  title: 'the API answers',
  description: 'auth',
  method: [{ type: 'probe', name: 'nodes-ready', provider: { type: 'python', module: 'chaosk8s.node.probes', func: 'all_nodes_must_be_ready_to_schedule' } }],
};

const outcome = (r: Run) => ({ status: r.journal?.run?.[0]?.status, output: r.journal?.run?.[0]?.output, exception: r.journal?.run?.[0]?.exception?.at(-1) });
const noKubeconfig = () => ({ KUBECONFIG: join(tmp, 'no-such-kubeconfig') });
/** What varies between two runs in an API server's answer: the Audit-Id and the Date. */
const scrub = (s: string | undefined) => s?.replace(/'Audit-Id': '[^']+'/, "'Audit-Id': 'ID'").replace(/'Date': '[^']+'/, "'Date': 'DATE'");

describe('authentication through `turbulence run`, against the real API server', () => {
  it('KUBERNETES_HOST with KUBERNETES_CERT_FILE/KEY_FILE: verification off when KUBERNETES_VERIFY_SSL is unset (warned)', async () => {
    const r = await run('turbulence', probeNodes, { ...noKubeconfig(), KUBERNETES_HOST: cluster.server, KUBERNETES_CERT_FILE: cluster.clientCertFile, KUBERNETES_KEY_FILE: cluster.clientKeyFile });
    assert.deepEqual(outcome(r), { status: 'succeeded', output: true, exception: undefined }, r.stderr);
    assert.match(r.stderr, /KUBERNETES_VERIFY_SSL is unset: as in chaostoolkit-kubernetes, the API server certificate is NOT verified/);
  });

  it('KUBERNETES_VERIFY_SSL set (even to "false") verifies: with KUBERNETES_CA_CERT_FILE it succeeds, without it fails', async () => {
    const env = { ...noKubeconfig(), KUBERNETES_HOST: cluster.server, KUBERNETES_CERT_FILE: cluster.clientCertFile, KUBERNETES_KEY_FILE: cluster.clientKeyFile };
    const [withCa, without, explicitOff] = await Promise.all([
      run('turbulence', probeNodes, { ...env, KUBERNETES_VERIFY_SSL: 'false', KUBERNETES_CA_CERT_FILE: cluster.caFile }),
      run('turbulence', probeNodes, { ...env, KUBERNETES_VERIFY_SSL: 'false' }),
      run('turbulence', probeNodes, { ...env, KUBERNETES_VERIFY_SSL: 'false', TURBULENCE_KUBERNETES_VERIFY_SSL: 'false' }),
    ]);
    assert.equal(outcome(withCa).status, 'succeeded', withCa.stderr);
    assert.match(withCa.stderr, /KUBERNETES_VERIFY_SSL='false' turns verification ON/);
    assert.equal(outcome(without).status, 'failed');
    assert.match(outcome(without).exception, /urllib3\.exceptions\.MaxRetryError: HTTPSConnectionPool\(host='127\.0\.0\.1', port=\d+\): Max retries exceeded with url: \/api\/v1\/nodes \(Caused by SSLError\(SSLCertVerificationError\(1, '\[SSL: CERTIFICATE_VERIFY_FAILED\] certificate verify failed/);
    assert.equal(outcome(explicitOff).status, 'succeeded', explicitOff.stderr);
  });

  it('KUBECONFIG: the current context (client certificate), KUBERNETES_CONTEXT=token (bearer), an unknown context', async () => {
    // a copy whose token user holds a bad token: the token context is really the one used when asked for
    const badToken = join(tmp, 'bad-token-kubeconfig');
    writeFileSync(badToken, readFileSync(cluster.kubeconfig, 'utf8').replace(cluster.token, `${cluster.token}x`));
    const [current, token, tokenBad, adminOfBad, unknown] = await Promise.all([
      run('turbulence', probeNodes, { KUBECONFIG: cluster.kubeconfig }),
      run('turbulence', probeNodes, { KUBECONFIG: cluster.kubeconfig, KUBERNETES_CONTEXT: 'token' }),
      run('turbulence', probeNodes, { KUBECONFIG: badToken, KUBERNETES_CONTEXT: 'token' }),
      run('turbulence', probeNodes, { KUBECONFIG: badToken }),
      run('turbulence', probeNodes, { KUBECONFIG: cluster.kubeconfig, KUBERNETES_CONTEXT: 'nope' }),
    ]);
    assert.equal(outcome(current).status, 'succeeded', current.stderr);
    assert.equal(outcome(token).status, 'succeeded', token.stderr);
    assert.match(outcome(tokenBad).exception, /kubernetes\.client\.exceptions\.ApiException: \(401\)\nReason: Unauthorized/);
    assert.equal(outcome(adminOfBad).status, 'succeeded', adminOfBad.stderr);
    assert.match(outcome(unknown).exception, /kubernetes\.config\.config_exception\.ConfigException: Invalid kube-config file\. Expected object with name nope in .*\/contexts list/);
  });

  it('KUBERNETES_HOST with KUBERNETES_API_KEY: Bearer by default, or the whole header value with an empty prefix', async () => {
    const env = { ...noKubeconfig(), KUBERNETES_HOST: cluster.server };
    const [bearer, noPrefix] = await Promise.all([
      run('turbulence', probeNodes, { ...env, KUBERNETES_API_KEY: cluster.token }),
      run('turbulence', probeNodes, { ...env, KUBERNETES_API_KEY: `Bearer ${cluster.token}`, KUBERNETES_API_KEY_PREFIX: '' }),
    ]);
    assert.equal(outcome(bearer).status, 'succeeded', bearer.stderr);
    assert.equal(outcome(noPrefix).status, 'succeeded', noPrefix.stderr);
  });

  it('a bad token fails with the reference\'s 401 ApiException text', async () => {
    const env = { ...noKubeconfig(), KUBERNETES_HOST: cluster.server, KUBERNETES_API_KEY: 'not-a-token' };
    const [ref, turb] = await Promise.all([run('reference', probeNodes, env), run('turbulence', probeNodes, env)]);
    assert.match(outcome(ref).exception, /^chaoslib\.exceptions\.ActivityFailed: kubernetes\.client\.exceptions\.ApiException: \(401\)\nReason: Unauthorized\n/, ref.stderr);
    assert.equal(scrub(outcome(turb).exception), scrub(outcome(ref).exception));
    assert.equal(outcome(turb).status, 'failed');
  });
});

describe('the fault ledger with real faults, through `turbulence run` and `turbulence recover`', () => {
  const node = 'kwok-node-2';
  const routes = [{ destination: { host: 'go-demo-8', subset: 'primary' } }];
  /** scale 3 → 1, cordon a node, an Istio abort, then a long wait: the faults are in place while it runs */
  const faults = (ns: string) => ({
    title: 'three faults and a wait',
    description: 'interrupted',
    method: [
      { type: 'action', name: 'scale-down', provider: { type: 'python', module: 'chaosk8s.deployment.actions', func: 'scale_deployment', arguments: { name: 'web', replicas: 1, ns } } },
      { type: 'action', name: 'cordon', provider: { type: 'python', module: 'chaosk8s.node.actions', func: 'cordon_node', arguments: { name: node } } },
      {
        type: 'action',
        name: 'abort',
        provider: { type: 'python', module: 'chaosistio.fault.actions', func: 'add_abort_fault', arguments: { virtual_service_name: 'go-demo-8', http_status: 500, routes, percentage: 50, ns } },
        pauses: { after: 60 },
      },
    ],
  });
  const state = async (ns: string) => {
    const [d, n, vs] = await Promise.all([
      api(cluster, 'GET', `/apis/apps/v1/namespaces/${ns}/deployments/web`),
      api(cluster, 'GET', `/api/v1/nodes/${node}`),
      api(cluster, 'GET', `/apis/networking.istio.io/v1alpha3/namespaces/${ns}/virtualservices/go-demo-8`),
    ]);
    return { replicas: d.spec.replicas, cordoned: n.spec.unschedulable === true, fault: vs.spec.http[0].fault ?? null };
  };
  const setup = async () => {
    const ns = await newNamespace(cluster, 'ledger');
    await Promise.all([createDeployment(cluster, ns, 'web', 3), createVirtualService(cluster, ns, 'go-demo-8')]);
    return ns;
  };
  const applied = (ns: string) => waitFor('the three faults applied', 30_000, async () => (await state(ns)).fault !== null);
  const original = { replicas: 3, cordoned: false, fault: null };

  it('SIGINT while the faults are in place: the run reverts all three before it exits', async () => {
    const ns = await setup();
    const r = start('turbulence', faults(ns), { KUBECONFIG: cluster.kubeconfig });
    await applied(ns);
    assert.deepEqual(await state(ns), { replicas: 1, cordoned: true, fault: { abort: { httpStatus: 500, percentage: { value: 50 } } } });
    r.child.kill('SIGINT');
    const done = await r.done;
    assert.notEqual(done.code, 0);
    assert.deepEqual(await state(ns), original, done.stderr);
    // the journal says what the ledger put back, newest first
    assert.deepEqual(done.journal.turbulence.reverted.map((f: any) => f.revert.func), ['restore_faults', 'schedule_nodes', 'scale_deployment'], JSON.stringify(done.journal.turbulence));
  });

  it('SIGKILL: the faults stay; `turbulence recover` reverts them with the kubeconfig of its own environment', async () => {
    const ns = await setup();
    const stateDir = join(tmp, 'state-kill');
    const r = start('turbulence', faults(ns), { KUBECONFIG: cluster.kubeconfig, TURBULENCE_STATE_DIR: stateDir });
    await applied(ns);
    r.child.kill('SIGKILL');
    await r.done;
    assert.deepEqual(await state(ns), { replicas: 1, cordoned: true, fault: { abort: { httpStatus: 500, percentage: { value: 50 } } } });
    // recover in another "shell": no credentials but the kubeconfig it is given
    const recover = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn(process.execPath, [TURBULENCE, 'recover', '--json', '--state-dir', stateDir], { env: { PATH: process.env.PATH, HOME: tmp, NO_COLOR: '1', KUBECONFIG: cluster.kubeconfig } });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      child.on('close', (code) => resolve({ code, out, err }));
    });
    assert.equal(recover.code, 0, recover.err + recover.out);
    assert.deepEqual(await state(ns), original);
    const results = JSON.parse(recover.out);
    const list = Array.isArray(results) ? results : results.results ?? results.faults;
    assert.deepEqual(list.map((f: any) => f.result), ['reverted', 'reverted', 'reverted'], recover.out);
  });
});

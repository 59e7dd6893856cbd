// chaosk8s's read_pod_logs and exec_in_pods against a real control plane whose kwok serves the kubelet API
// (startCluster({ kubeletServer: true })): the API server proxies pods/log and pods/exec to kwok, which reads a logs
// file per container and runs exec commands for real on this host (so only `echo`, `pwd`, `false`). The same calls by
// the real Python functions and natively, on the same pods (nothing is changed): equal results and failure texts.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { type Cluster, FAKE_NODE_SELECTOR, api, criLogLine, newNamespace, startCluster } from '../../k8s/cluster.ts';
import { type Call, type Result, nativeCalls, referenceCalls } from './calls.ts';
import { runningPods } from './workloads.ts';

const P = 'chaosk8s.pod.probes';
const A = 'chaosk8s.pod.actions';
let cluster: Cluster;
let ns: string;
const old = new Date(Date.now() - 2 * 3600_000);

before(async () => {
  cluster = await startCluster({ kubeletServer: true, nodes: 1 });
  process.env.KUBECONFIG = cluster.kubeconfig;
  const kubelet = cluster.kubelet!;
  // one line two hours old, the others recent: `last` keeps only these
  writeFileSync(kubelet.logsFile('app'), criLogLine(old, 'app started') + criLogLine(new Date(), 'app serving') + criLogLine(new Date(), 'app: GET / 200'));
  writeFileSync(kubelet.logsFile('sidecar'), criLogLine(old, 'sidecar old') + criLogLine(new Date(), 'sidecar proxying'));
  ns = await newNamespace(cluster, 'logs');
  const pod = (name: string, labels: Record<string, string>, containers: string[]) =>
    api(cluster, 'POST', `/api/v1/namespaces/${ns}/pods`, {
      metadata: { name, labels },
      spec: { nodeSelector: FAKE_NODE_SELECTOR, terminationGracePeriodSeconds: 0, containers: containers.map((c) => ({ name: c, image: `registry.invalid/${c}:1` })) },
    });
  await Promise.all([
    pod('web-0', { name: 'web', app: 'web' }, ['app', 'sidecar']),
    pod('web-1', { name: 'web', app: 'web' }, ['app', 'sidecar']),
    pod('solo-0', { name: 'solo', app: 'solo' }, ['app']),
  ]);
  await runningPods(cluster, ns, 'app in (web, solo)', 3);
});
after(async () => {
  await cluster?.stop();
});

/** Both engines, same calls, same pods: results equal once the API server's Audit-Id and Date are blanked. */
async function both(calls: Call[]): Promise<Result[]> {
  const [ref, nat] = await Promise.all([referenceCalls(calls, process.env), nativeCalls(calls)]);
  const scrub = (r: Result[]) => JSON.parse(JSON.stringify(r).replace(/'Audit-Id': '[^']+'/g, "'Audit-Id': 'ID'").replace(/'Date': '[^']+'/g, "'Date': 'DATE'"));
  assert.deepEqual(scrub(nat), scrub(ref), `native (actual) vs reference (expected):\n${JSON.stringify(nat).slice(0, 3000)}`);
  return nat;
}
const ok = (r: Result | undefined): any => (r && 'ok' in r ? r.ok : assert.fail(`expected a result, got ${JSON.stringify(r)}`));

describe('read_pod_logs through the API server and kwok, as the reference', () => {
  it('name with the default label_selector, last, from_previous, container_name, a pod without that choice', async () => {
    const r = await both([
      { module: P, func: 'read_pod_logs', arguments: { name: 'web', ns, container_name: 'app' } },
      { module: P, func: 'read_pod_logs', arguments: { name: 'web', ns, container_name: 'app', last: '10 minutes' } },
      { module: P, func: 'read_pod_logs', arguments: { name: 'web', ns, container_name: 'sidecar', from_previous: true } },
      { module: P, func: 'read_pod_logs', arguments: { label_selector: 'app=solo', ns } },
      { module: 'chaosk8s.probes', func: 'read_microservices_logs', arguments: { name: 'solo', ns, last: '1 hour' } },
      // label_selector "name in (None)": no pod
      { module: P, func: 'read_pod_logs', arguments: { ns } },
      // two containers and none named: the API server's 400
      { module: P, func: 'read_pod_logs', arguments: { name: 'web', ns } },
    ]);
    const all = ok(r[0]);
    assert.deepEqual(Object.keys(all).sort(), ['web-0', 'web-1']);
    assert.match(all['web-0'], /^\d{4}-\d\d-\d\dT[\d:.]+Z app started\n.*Z app serving\n.*Z app: GET \/ 200\n$/);
    assert.deepEqual(Object.values(ok(r[1])).map((l: any) => l.replace(/^\S+ /gm, '')), ['app serving\napp: GET / 200\n', 'app serving\napp: GET / 200\n']);
    assert.match(ok(r[2])['web-1'], /Z sidecar old\n.*Z sidecar proxying\n$/);
    assert.match(ok(r[3])['solo-0'], /app started/);
    assert.doesNotMatch(ok(r[4])['solo-0'], /app started/);
    assert.match(ok(r[4])['solo-0'], /app serving/);
    assert.deepEqual(ok(r[5]), {});
    assert.match((r[6] as { error: string }).error, /^kubernetes\.client\.exceptions\.ApiException: \(400\)\nReason: Bad Request\n[\s\S]*a container name must be specified for pod web-[01], choose one of: \[app sidecar\]/);
  });
});

describe('exec_in_pods through the API server and kwok, as the reference', () => {
  it('a string and a list command, selection by label, name_pattern, qty, order, container_name; a failing command', async () => {
    const r = await both([
      { module: A, func: 'exec_in_pods', arguments: { cmd: "echo hello 'big world'", label_selector: 'app=web', all: true, ns, container_name: 'app' } },
      { module: A, func: 'exec_in_pods', arguments: { cmd: ['echo', '-n', 'a  b'], name_pattern: '^solo', ns, container_name: 'app' } },
      { module: A, func: 'exec_in_pods', arguments: { cmd: 'pwd', label_selector: 'app=web', qty: 1, order: 'oldest', ns, container_name: 'sidecar' } },
      // container_name None: the reference skips every pod
      { module: A, func: 'exec_in_pods', arguments: { cmd: 'echo x', all: true, ns } },
      { module: A, func: 'exec_in_pods', arguments: { cmd: 'false', name_pattern: 'solo', ns, container_name: 'app' } },
      { module: A, func: 'exec_in_pods', arguments: { cmd: '', ns, container_name: 'app' } },
    ]);
    assert.deepEqual(ok(r[0]).map((x: any) => [x.pod_name, x.exit_code, x.stdout, x.stderr]), [
      ['web-0', 0, 'hello big world\n', ''],
      ['web-1', 0, 'hello big world\n', ''],
    ]);
    assert.deepEqual(ok(r[1]), [{ pod_name: 'solo-0', exit_code: 0, cmd: ['echo', '-n', 'a  b'], stdout: 'a  b', stderr: '' }]);
    assert.equal(ok(r[2]).length, 1);
    assert.equal(ok(r[2])[0].stdout, `${cluster.kubelet!.execDir}\n`);
    assert.deepEqual(ok(r[3]), []);
    assert.notEqual(ok(r[4])[0].exit_code, 0);
    assert.deepEqual(r[5], { error: 'chaoslib.exceptions.ActivityFailed: A command must be set to run a container' });
  });
});

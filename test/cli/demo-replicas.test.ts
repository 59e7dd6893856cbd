// `turbulence demo replicas` through the built binary: a load balancer over one or three replicas, the experiment
// kills a replica. While it runs, the test sends its own requests to the load balancer and counts the failures
// between the kill and the rollback: none with three replicas, some with one. Every process is gone afterwards —
// including the replica the rollback restarted — also when the demo is interrupted.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type Demo, alive, demo, journal, leftovers } from './demo-run.ts';

const tmp = mkdtempSync(join(tmpdir(), 'turbulence-demo-replicas-test-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

interface Answer {
  /** When the request was sent, and when it ended. */
  from: number;
  at: number;
  status: number | null;
  body: string;
}

/**
 * Sends GET requests to `url` from 4 concurrent clients until `done()` (at most 10 s or 20,000 requests): the answers
 * with the time each one ended, a failed request as status null.
 */
async function load(url: string, done: () => boolean): Promise<Answer[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const answers: Answer[] = [];
  const until = Date.now() + 10_000;
  const one = () =>
    new Promise<Answer>((resolve) => {
      const from = Date.now();
      const req = get(url, { agent, timeout: 3000 }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ from, at: Date.now(), status: res.statusCode ?? null, body }));
        res.on('error', () => resolve({ from, at: Date.now(), status: null, body }));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => resolve({ from, at: Date.now(), status: null, body: '' }));
    });
  const client = async () => {
    while (!done() && Date.now() < until && answers.length < 20_000) answers.push(await one());
  };
  await Promise.all([client(), client(), client(), client()]);
  agent.destroy();
  return answers;
}

/**
 * Runs the demo while loading its load balancer: the answers received before the rollback ended (the services stop
 * after it), and among them those to the requests sent after the kill (50 ms after, as the journal's clock may be a
 * few milliseconds off ours) and answered before the rollback restarted the replica.
 */
async function underLoad(args: string[]): Promise<{ r: Demo; answers: Answer[]; during: Answer[] }> {
  let loading = null as Promise<Answer[]> | null;
  let finished = false;
  let rolledBack = false;
  const r = await demo(tmp, args, (stderr) => {
    const url = /Started .* at (\S+) \(load balancer/.exec(stderr)?.[1];
    if (url && !loading) loading = load(url, () => finished || rolledBack);
    rolledBack ||= stderr.includes('Rollback: restart-the-replica');
  });
  finished = true;
  assert.ok(loading, r.stderr);
  const j = journal(r.journals[0]!);
  const killed = Date.parse(j.run[0].end) + 50;
  const restarting = Date.parse(j.rollbacks[0].start);
  const answers = (await loading).filter((a) => a.at < Date.parse(j.rollbacks[0].end));
  assert.ok(killed > 0 && restarting > killed, JSON.stringify([j.run[0].end, j.rollbacks[0].start]));
  return { r, answers, during: answers.filter((a) => a.from > killed && a.at < restarting) };
}

/** Every process of the run is gone: the services it named, the restarted replica, anything else it started. */
function allGone(r: Demo): void {
  assert.ok(r.pids.length >= 2, r.stderr);
  for (const pid of r.pids) assert.equal(alive(pid), false, `pid ${pid} survived`);
  assert.deepEqual(leftovers(r.pid), []);
}

describe('turbulence demo replicas', () => {
  it('single replica: killed, the load balancer answers 503 → deviated, exit 1; the restarted replica is stopped too', async (t) => {
    const { r, answers, during } = await underLoad(['replicas', '--variant', 'single']);
    t.diagnostic(`${answers.length} requests, ${during.length} during the kill, ${during.filter((a) => a.status !== 200).length} of them failed`);
    assert.equal(r.code, 1, r.stderr);
    const j = journal(r.journals[0]!);
    assert.equal(j.status, 'completed');
    assert.equal(j.deviated, true);
    assert.deepEqual(j.steady_states.before.probes.map((p: { output: { body: string } }) => p.output.body), Array(3).fill('replica 1\n'));
    assert.equal(j.steady_states.after.probes[0].output.status, 503);
    assert.equal(j.steady_states.after.probes[0].output.body, 'no replica available\n');
    const killed = j.run[0].output.pids as number[];
    assert.equal(j.run[0].status, 'succeeded');
    assert.equal(killed.length, 1);
    assert.equal(j.rollbacks[0].status, 'succeeded');
    const restarted = j.rollbacks[0].output as number;
    assert.match(r.stderr, new RegExp(`and a process the experiment started \\(pid ${restarted}\\)`));
    assert.ok(r.pids.includes(killed[0]!) && r.pids.includes(restarted));
    allGone(r);
    // the service is down between the kill and the restart
    assert.ok(during.length > 0, `no request ended during the kill (of ${answers.length})`);
    assert.deepEqual(
      during.filter((a) => a.status !== 503),
      [],
    );
    assert.ok(answers.some((a) => a.status === 200));
  });

  it('three replicas: one killed, every request is still answered → the steady state held, exit 0', async (t) => {
    const { r, answers, during } = await underLoad(['replicas', '--variant', 'three']);
    t.diagnostic(`${answers.length} requests, ${during.length} during the kill, ${during.filter((a) => a.status !== 200).length} of them failed`);
    assert.equal(r.code, 0, r.stderr);
    const j = journal(r.journals[0]!);
    assert.equal(j.status, 'completed');
    assert.equal(j.deviated, false);
    assert.deepEqual(j.steady_states.after.probes.map((p: { output: { status: number } }) => p.output.status), [200, 200, 200]);
    for (const p of j.steady_states.after.probes) assert.match(p.output.body, /^replica [23]\n$/);
    assert.equal(j.rollbacks[0].status, 'succeeded');
    allGone(r);
    // high availability: not one failed request until the end of the run, also those in flight when the replica died
    assert.ok(during.length >= 20, `only ${during.length} requests during the kill (of ${answers.length})`);
    assert.deepEqual(
      answers.filter((a) => a.status !== 200),
      [],
    );
    assert.deepEqual(new Set(during.map((a) => a.body)), new Set(['replica 2\n', 'replica 3\n']));
  });

  it('SIGINT while the replica is down: the run is interrupted, exit 1, and no demo process survives', async () => {
    let sent = false;
    const r = await demo(tmp, ['replicas', '--variant', 'three'], (stderr, pid) => {
      if (!sent && stderr.includes('Pausing after activity')) {
        sent = true;
        process.kill(pid, 'SIGINT');
      }
    });
    assert.ok(sent, r.stderr);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /Stopped three replicas behind a load balancer/);
    assert.equal(journal(r.journals[0]!).status, 'interrupted');
    allGone(r);
  });

  it('Turbulence killed (SIGKILL) mid-run: its services notice and stop by themselves', async () => {
    let sent = false;
    const r = await demo(tmp, ['replicas', '--variant', 'three'], (stderr, pid) => {
      if (!sent && stderr.includes('Pausing after activity')) {
        sent = true;
        process.kill(pid, 'SIGKILL');
      }
    });
    assert.ok(sent, r.stderr);
    assert.equal(r.code, null);
    assert.equal(r.pids.length, 4, r.stderr);
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline && leftovers(r.pid).length > 0) await new Promise((done) => setTimeout(done, 50));
    assert.deepEqual(leftovers(r.pid), []);
    for (const pid of r.pids) assert.equal(alive(pid), false, `pid ${pid} survived`);
  });

  it('the default runs every story: exchange then replicas, one summary, exit 0', async () => {
    const r = await demo(tmp, []);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /exchange, fragile: deviated — a weakness was found\nexchange, resilient: the steady state held\nreplicas, single: deviated — a weakness was found\nreplicas, three: the steady state held\nAs the stories go:\n/,
    );
    assert.deepEqual(
      r.journals.map((p) => journal(p).deviated),
      [true, false, true, false],
    );
    allGone(r);
  });

  it('a variant picks its system; a variant of another system is a usage error', async () => {
    const r = await demo(tmp, ['exchange', '--variant', 'three']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Invalid value for '--variant': 'three' \(the exchange demo has fragile, resilient, both\)/);
    assert.equal(r.pids.length, 0);
  });
});

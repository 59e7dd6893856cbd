// `turbulence demo` through the built binary: it starts the exchange service itself, runs the bundled experiment
// against it, and the service is gone afterwards — also when the demo is interrupted in the middle of a run.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type Demo, alive, demo as runDemo, journal, leftovers } from './demo-run.ts';

const tmp = mkdtempSync(join(tmpdir(), 'turbulence-demo-test-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const demo = (args: string[], onStderr?: (stderr: string, pid: number) => void): Promise<Demo> => runDemo(tmp, args, onStderr);

describe('turbulence demo (the exchange service)', () => {
  it('--variant fragile: the file moved away → 500, deviated, exit 1; the service is stopped', async () => {
    const r = await demo(['--variant', 'fragile']);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.pids.length, 1);
    assert.match(r.stderr, /Stopped the fragile exchange service/);
    assert.equal(alive(r.pids[0]!), false);
    const j = journal(r.journals[0]!);
    assert.equal(j.status, 'completed');
    assert.equal(j.deviated, true);
    assert.equal(j.steady_states.before.probes[0].output.status, 200);
    assert.equal(j.steady_states.after.probes[0].output.status, 500);
    assert.equal(j.rollbacks[0].status, 'succeeded');
  });

  it('--variant resilient: 503 with Retry-After is within the tolerance → exit 0', async () => {
    const r = await demo(['exchange', '--variant', 'resilient']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(alive(r.pids[0]!), false);
    const j = journal(r.journals[0]!);
    assert.equal(j.deviated, false);
    assert.equal(j.steady_states.after.probes[0].output.status, 503);
    assert.equal(j.steady_states.after.probes[0].output.headers['Retry-After'], '2');
  });

  it('exchange (both variants): fragile then resilient, the summary, exit 0; both services are stopped', async () => {
    const r = await demo(['exchange']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /fragile: deviated — a weakness was found\nresilient: the steady state held\n/);
    assert.equal(r.pids.length, 2);
    for (const pid of r.pids) assert.equal(alive(pid), false);
    assert.deepEqual(leftovers(r.pid), []);
    assert.deepEqual(r.journals.map((p) => journal(p).deviated), [true, false]);
  });

  it('SIGINT during the method: the run is interrupted, the demo exits 1 and the service is gone', async () => {
    let sent = false;
    const r = await demo(['--variant', 'resilient'], (stderr, pid) => {
      if (!sent && stderr.includes('Action: move-exchange-file')) {
        sent = true;
        process.kill(pid, 'SIGINT');
      }
    });
    assert.ok(sent, r.stderr);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.pids.length, 1);
    assert.match(r.stderr, /Stopped the resilient exchange service/);
    assert.equal(alive(r.pids[0]!), false);
    assert.deepEqual(leftovers(r.pid), []);
    assert.equal(journal(r.journals[0]!).status, 'interrupted');
  });

  it('an unknown system is refused before anything starts', async () => {
    const r = await demo(['nope']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /unknown demo system 'nope' \(available: exchange, replicas\)/);
    assert.deepEqual(readdirSync(tmp).filter((f) => f.startsWith('turbulence-demo-nope')), []);
  });
});

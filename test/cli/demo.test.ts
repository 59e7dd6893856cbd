// `turbulence demo` through the built binary: it starts the exchange service itself, runs the bundled experiment
// against it, and the service is gone afterwards — also when the demo is interrupted in the middle of a run.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(root, 'bin/turbulence.js');
const tmp = mkdtempSync(join(tmpdir(), 'turbulence-demo-test-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

interface Demo {
  code: number | null;
  stdout: string;
  stderr: string;
  pids: number[];
  journals: string[];
}

/** Runs the demo from an unrelated directory (its temporary directories go under `tmp`); `onStderr` may signal it. */
function demo(args: string[], onStderr?: (stderr: string, pid: number) => void): Promise<Demo> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, '--no-log-file', 'demo', ...args], {
      cwd: tmp,
      env: { PATH: process.env.PATH, HOME: tmp, TMPDIR: tmp, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      onStderr?.(stderr, child.pid!);
    });
    child.on('close', (code) =>
      resolve({
        code,
        stdout,
        stderr,
        pids: [...stderr.matchAll(/exchange service at \S+ \(pid (\d+)\)/g)].map((m) => Number(m[1])),
        journals: [...stderr.matchAll(/journal: (\S+)/g)].map((m) => m[1]!),
      }),
    );
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const journal = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

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

  it('both (the default): fragile then resilient, the summary, exit 0; both services are stopped', async () => {
    const r = await demo([]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /fragile: deviated — a weakness was found\nresilient: the steady state held\n/);
    assert.equal(r.pids.length, 2);
    for (const pid of r.pids) assert.equal(alive(pid), false);
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
    assert.equal(journal(r.journals[0]!).status, 'interrupted');
  });

  it('an unknown system is refused before anything starts', async () => {
    const r = await demo(['nope']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /unknown demo system 'nope' \(available: exchange\)/);
    assert.deepEqual(readdirSync(tmp).filter((f) => f.startsWith('turbulence-demo-nope')), []);
  });
});

// stress_io's scratch directory under the fault ledger: its path is chosen and recorded before it exists, so when the
// run and the stressor are both SIGKILLed (neither can remove it) `turbulence recover` removes it with the stressor.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { taggedProcesses } from '../../src/ledger/tagged.ts';
import { BIN, turbulence } from './run-cli.ts';

const tmp = mkdtempSync(join(tmpdir(), 'turbulence-stress-scratch-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

async function until<T>(what: string, fn: () => T | null | undefined | false, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

const records = (state: string): any[] => {
  const dir = join(state, 'ledger');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.jsonl')) : [];
  return files.length ? readFileSync(join(dir, files[0]!), 'utf8').trim().split('\n').map((l) => JSON.parse(l)) : [];
};

describe('stress_io scratch directory', () => {
  it('records the directory before creating it; recover stops the stressor and removes it after both were SIGKILLed', async () => {
    const dir = join(tmp, 'run');
    const scratchRoot = join(dir, 'disk');
    mkdirSync(scratchRoot, { recursive: true });
    const state = join(dir, 'state');
    writeFileSync(
      join(dir, 'experiment.json'),
      JSON.stringify({
        title: 'io',
        description: 'd',
        method: [
          {
            type: 'action',
            name: 'busy-disk',
            provider: { type: 'python', module: 'turbulence.stress', func: 'stress_io', arguments: { bytes: '1M', workers: 1, path: scratchRoot, duration: 30, engine: 'builtin' } },
          },
        ],
      }),
    );
    const run = spawn(process.execPath, [BIN, '--no-log-file', 'run', 'experiment.json'], { cwd: dir, env: { PATH: process.env.PATH, HOME: dir, TURBULENCE_STATE_DIR: state }, stdio: 'ignore' });
    const exited = new Promise((r) => run.once('exit', r));
    let pids: number[] = [];
    try {
      const applying = await until('the applying record', () => records(state).find((r) => r.type === 'applying'));
      const { tag, dir: scratch } = applying.revert.arguments;
      assert.equal(applying.revert.func, 'stop_tagged');
      assert.ok(scratch.startsWith(join(scratchRoot, 'turbulence-stress-io-')), scratch);
      // the stressor is running, working in the recorded directory
      pids = await until('the stressor', () => (existsSync(scratch) && taggedProcesses(tag).length ? taggedProcesses(tag) : null));
      assert.deepEqual(readdirSync(scratchRoot), [scratch.slice(scratchRoot.length + 1)]);
      // frozen first so that it cannot notice the runner's death and tidy up, then both killed
      for (const pid of pids) process.kill(pid, 'SIGSTOP');
      run.kill('SIGKILL');
      await exited;
      for (const pid of pids) process.kill(pid, 'SIGKILL');
      await until('the stressor to be gone', () => taggedProcesses(tag).length === 0);
      assert.ok(existsSync(scratch), 'the scratch directory survived the SIGKILLs');

      const r = await turbulence(['recover', '--json'], dir);
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.deepEqual(out.faults.map((f: { result: string }) => f.result), ['reverted']);
      assert.match(out.faults[0].detail, /removed the scratch directory/);
      assert.ok(!existsSync(scratch), 'recover removed it');
      assert.deepEqual(readdirSync(scratchRoot), []);
    } finally {
      run.kill('SIGKILL');
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
    }
  });

  it('a completed stress_io leaves no directory and nothing outstanding', async () => {
    const dir = join(tmp, 'done');
    const scratchRoot = join(dir, 'disk');
    mkdirSync(scratchRoot, { recursive: true });
    writeFileSync(
      join(dir, 'experiment.json'),
      JSON.stringify({
        title: 'io',
        description: 'd',
        method: [{ type: 'action', name: 'busy-disk', provider: { type: 'python', module: 'turbulence.stress', func: 'stress_io', arguments: { bytes: '1M', path: scratchRoot, duration: 0.3, engine: 'builtin' } } }],
      }),
    );
    const r = await turbulence(['run', 'experiment.json'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readdirSync(scratchRoot), []);
    assert.deepEqual(readdirSync(join(dir, 'state', 'ledger')).filter((f) => f.endsWith('.jsonl')), []);
  });
});

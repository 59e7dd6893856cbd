// The question a second Ctrl-C asks during the end-of-run undo, on a real pseudo-terminal (test/cli/terminal.ts).
// Two faults no rollback undoes: an older process that ends on SIGTERM and a newer one that ignores it, so its revert
// (newest first) takes the 3 s grace before SIGKILL: a real slow revert. Ctrl-C during the run interrupts it; Ctrl-C
// during the undo asks "Abandon the undo?": `n` → every fault reverted; `y` → the older fault is kept in the ledger
// and `turbulence recover` reverts it.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { taggedProcesses } from '../../src/ledger/tagged.ts';
import { Terminal } from '../cli/terminal.ts';
import { BIN, turbulence } from './run-cli.ts';

const tmp = mkdtempSync(join(tmpdir(), 'turbulence-undo-prompt-'));
let n = 0;
const tags: string[] = [];
after(() => {
  // nothing outlives the tests, whatever happened
  for (const tag of tags) for (const pid of taggedProcesses(tag)) process.kill(pid, 'SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

const start = (name: string, argv: string[]) => ({ type: 'action', name, provider: { type: 'python', module: 'turbulence.process', func: 'start_process', arguments: { argv } } });

/** The run's applying records so far (the tags of the started processes). */
function applying(state: string): { activity: string; tag: string }[] {
  const dir = join(state, 'ledger');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.jsonl')) : [];
  if (!files.length) return [];
  return readFileSync(join(dir, files[0]!), 'utf8')
    .split('\n')
    .filter((l) => l.includes('"applying"'))
    .map((l) => JSON.parse(l))
    .map((r) => ({ activity: r.activity, tag: r.revert.arguments.tag }));
}

/** Runs the experiment on a terminal up to the question; returns the terminal, its dir and the faults' tags. */
async function interruptedRun(): Promise<{ term: Terminal; dir: string; older: string; newer: string }> {
  const dir = join(tmp, `case-${++n}`);
  mkdirSync(dir);
  const state = join(dir, 'state');
  writeFileSync(
    join(dir, 'experiment.json'),
    JSON.stringify({
      title: 'slow undo',
      description: 'd',
      method: [start('quick-to-stop', ['sleep', '60']), { ...start('slow-to-stop', ['sh', '-c', 'trap "" TERM; exec sleep 60']), pauses: { after: 60 } }],
    }),
  );
  const term = new Terminal(['exec', process.execPath, BIN, '--no-log-file', 'run', 'experiment.json'], {
    cwd: dir,
    env: { PATH: process.env.PATH, HOME: dir, TURBULENCE_STATE_DIR: state },
  });
  // both faults applied and their processes up: the run is in its pause
  const deadline = Date.now() + 15_000;
  let faults = applying(state);
  while (!(faults.length === 2 && faults.every((f) => taggedProcesses(f.tag).length === 1))) {
    if (Date.now() > deadline) throw new Error(`the faults were not applied; the terminal shows:\n${term.output}`);
    await sleep(25);
    faults = applying(state);
  }
  tags.push(...faults.map((f) => f.tag));
  term.type('\x03');
  // the live view hides INFO lines: its last word before the undo is the rollbacks it skipped
  await term.expect(/skipped \(strategy 'default', status interrupted\)/);
  // the newer fault's revert is under way (its process ignores SIGTERM for 3 s)
  await sleep(500);
  term.type('\x03');
  await term.expect(/Still reverting 2 fault\(s\)\. Abandon the undo\? The faults stay \(turbulence recover reverts them later\) \[y\/N\]/);
  return { term, dir, older: faults[0]!.tag, newer: faults[1]!.tag };
}

describe('a second Ctrl-C during the undo, on a terminal', { concurrency: true }, () => {
  it('asks; answered n, the undo goes on and every fault is reverted', async () => {
    const { term, dir, older, newer } = await interruptedRun();
    try {
      assert.equal(taggedProcesses(older).length, 1, 'the older fault is not reverted yet while the question is open');
      term.type('n\r');
      await term.expect(/Going on with the undo/);
      const code = await term.exited;
      assert.equal(code, 1, term.output);
      assert.deepEqual([taggedProcesses(older), taggedProcesses(newer)], [[], []]);
      const j = JSON.parse(readFileSync(join(dir, 'journal.json'), 'utf8'));
      assert.equal(j.status, 'interrupted');
      assert.deepEqual(j.turbulence.reverted.map((r: { activity: string }) => r.activity), ['slow-to-stop', 'quick-to-stop']);
      assert.deepEqual(j.turbulence.kept, []);
    } finally {
      term.kill();
    }
  });

  it('asks; answered y, the faults not yet reverted stay (kept in the ledger) and turbulence recover reverts them', async () => {
    const { term, dir, older, newer } = await interruptedRun();
    try {
      term.type('y\r');
      const code = await term.exited;
      assert.equal(code, 1, term.output);
      // the revert under way when asked completed; the older one was abandoned
      assert.deepEqual(taggedProcesses(newer), []);
      assert.equal(taggedProcesses(older).length, 1, 'the abandoned fault is still in place');
      const j = JSON.parse(readFileSync(join(dir, 'journal.json'), 'utf8'));
      assert.deepEqual(j.turbulence.reverted.map((r: { activity: string }) => r.activity), ['slow-to-stop']);
      assert.deepEqual(j.turbulence.kept.map((r: { activity: string; reason: string }) => [r.activity, r.reason]), [['quick-to-stop', 'abandoned on a signal during the undo']]);

      const rec = await turbulence(['recover', '--json'], dir);
      assert.equal(rec.code, 0, rec.stderr);
      assert.deepEqual(JSON.parse(rec.stdout).faults.map((f: { activity: string; result: string }) => [f.activity, f.result]), [['quick-to-stop', 'reverted']]);
      assert.deepEqual(taggedProcesses(older), []);
    } finally {
      term.kill();
    }
  });

  it('closes the question when the undo ends first, so the run does not wait for an answer', async () => {
    const { term, older, newer } = await interruptedRun();
    try {
      // no answer: the undo finishes on its own (about 3 s) and the run ends
      const code = await Promise.race([term.exited, sleep(10_000).then(() => 'still waiting')]);
      assert.equal(code, 1, term.output);
      assert.deepEqual([taggedProcesses(older), taggedProcesses(newer)], [[], []]);
    } finally {
      term.kill();
    }
  });
});

// The native safeguards control in-process, against real processes: what the differential rows cannot show (they
// compare journals): background and repeating safeguards stop when the run ends, a probe still running is not
// waited for, one interruption per run, safeguards run whatever the dry mode, global controls, the native name.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { Controls } from '../../src/engine/controls.ts';
import type { Dry } from '../../src/engine/context.ts';
import { runExperiment } from '../../src/engine/run.ts';
import type { Activity, Control, Experiment } from '../../src/experiment/types.ts';
import { configureLog, setConsoleSink } from '../../src/log.ts';
import '../../src/providers/index.ts';

configureLog({ verbose: false, format: 'string', file: null, fileLevel: 'debug' });
const lines: string[] = [];
setConsoleSink((_level, text) => {
  lines.push(text);
  if (process.env.TURBULENCE_TEST_LOGS) process.stderr.write(text);
});

const dir = mkdtempSync(join(tmpdir(), 'turbulence-safeguards-'));
let n = 0;
const file = () => join(dir, `f${n++}`);

function sh(type: 'probe' | 'action', name: string, script: string, extra: Record<string, unknown> = {}): Activity {
  return { type, name, provider: { type: 'process', path: 'sh', arguments: ['-c', script] }, ...extra } as Activity;
}

function safeguards(probes: Activity[], module = 'turbulence.safeguards'): Control {
  return { name: 'safeguard', provider: { type: 'python', module, arguments: { probes } } } as Control;
}

function run(experiment: Partial<Experiment>, opts: { dry?: Dry; globals?: Control[] } = {}) {
  lines.length = 0;
  return runExperiment({ title: 'safeguarded', description: 'd', method: [], ...experiment } as Experiment, {
    settings: {},
    strategies: { hypothesis: 'default', rollbacks: 'default' },
    schedule: { frequency: 1, failFast: false, failFastRatio: 0 },
    dry: opts.dry ?? null,
    controls: new Controls(opts.globals ?? [], { configuration: {}, secrets: {}, settings: {} }),
    handleSignals: false,
  });
}

/** The /proc state letter of a live process; null once it is gone (or a zombie). */
function state(pid: number): string | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const letter = text.slice(text.lastIndexOf(')') + 2)[0]!;
    return letter === 'Z' ? null : letter;
  } catch {
    return null;
  }
}

const count = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean).length : 0);

test('a repeating safeguard runs while the run lasts and stops with it', async () => {
  const ticks = file();
  const journal = await run({
    controls: [safeguards([sh('probe', 'tick', `echo . >> ${ticks}`, { frequency: 0.1, tolerance: 0 })])],
    method: [sh('action', 'nap', 'sleep 0.6')],
  });
  assert.equal(journal.status, 'completed');
  const atEnd = count(ticks);
  assert.ok(atEnd >= 3 && atEnd <= 9, `${atEnd} ticks in about 0.6 s at 0.1 s intervals`);
  await sleep(400);
  assert.equal(count(ticks), atEnd, 'the safeguard kept running after the run');
});

test('a background safeguard still running when the run ends is stopped, not waited for', async () => {
  const pidFile = file();
  const started = Date.now();
  const journal = await run({
    controls: [safeguards([sh('probe', 'slow', `echo $$ > ${pidFile}; exec sleep 30`, { background: true, tolerance: 0 })])],
    method: [sh('action', 'nap', 'sleep 0.3')],
  });
  assert.equal(journal.status, 'completed');
  assert.ok(Date.now() - started < 5000, 'the run waited for the background safeguard');
  const pid = Number(readFileSync(pidFile, 'utf8'));
  // killed when the run ended; the kernel may take a moment to take it down
  const end = Date.now() + 2000;
  while (state(pid) !== null && Date.now() < end) await sleep(20);
  assert.equal(state(pid), null, 'the safeguard probe process outlived the run');
});

test('two failing safeguards: one interruption, named after the first; rollbacks by the strategy', async () => {
  const journal = await run({
    controls: [
      safeguards([
        sh('probe', 'first-failing', 'exit 1', { tolerance: 0 }),
        sh('probe', 'second-failing', 'sleep 0.2; exit 1', { tolerance: 0 }),
        sh('probe', 'passing', 'exit 0', { tolerance: 0 }),
      ]),
    ],
    method: [sh('action', 'never', 'true')],
    rollbacks: [sh('action', 'undo', 'true')],
  });
  assert.equal(journal.status, 'interrupted');
  assert.deepEqual(journal.run, []);
  assert.deepEqual(journal.rollbacks, []);
  const triggered = lines.filter((l) => l.includes('triggered the end of the experiment'));
  assert.equal(triggered.length, 1, triggered.join(''));
  assert.match(triggered[0]!, /CRITICAL\] Safeguard 'first-failing' triggered the end of the experiment/);
  assert.ok(lines.some((l) => l.includes('WARNING] Received the exit signal: 20')));
});

test('safeguards run whatever the dry mode: a failing pre-check interrupts a dry run', async () => {
  const ran = file();
  const journal = await run(
    {
      controls: [safeguards([sh('probe', 'pre-check', `touch ${ran}; exit 1`, { tolerance: 0 })])],
      method: [sh('action', 'never', 'true')],
    },
    { dry: 'activities' },
  );
  assert.ok(existsSync(ran), 'the safeguard probe did not run');
  assert.equal(journal.status, 'interrupted');
});

test('as global controls (settings), under the chaosaddons name, with a regex tolerance', async () => {
  const flag = file();
  const journal = await run(
    {
      method: [sh('action', 'raise-flag', `touch ${flag}`), sh('action', 'sleeper', 'sleep 3'), sh('action', 'never', 'true')],
    },
    {
      globals: [
        safeguards([sh('probe', 'says-fine', 'echo fine', { frequency: 0.2, tolerance: { type: 'regex', target: 'stdout', pattern: '^fine$' } })], 'chaosaddons.controls.safeguards'),
        safeguards([sh('probe', 'flag-down', `test ! -e ${flag}`, { frequency: 0.2, tolerance: 0 })], 'chaosaddons.controls.safeguards'),
      ].map((c, i) => ({ ...c, name: `guard-${i}` })),
    },
  );
  assert.equal(journal.status, 'interrupted');
  assert.deepEqual(
    journal.run.map((r) => [r.activity.name, r.status ?? '(absent)']),
    [
      ['raise-flag', 'succeeded'],
      ['sleeper', '(absent)'],
    ],
  );
  const triggered = lines.filter((l) => l.includes('triggered the end of the experiment'));
  assert.equal(triggered.length, 1, triggered.join(''));
  assert.match(triggered[0]!, /Safeguard 'flag-down'/);
});

// The live progress view on a terminal: driven by a real run (real processes) into a stream that says it is a TTY.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { progressView } from '../../src/cli/progress.ts';
import { Controls } from '../../src/engine/controls.ts';
import { RunEvents } from '../../src/engine/events.ts';
import { runExperiment } from '../../src/engine/run.ts';
import type { Experiment } from '../../src/experiment/types.ts';
import { configureLog, log } from '../../src/log.ts';
import '../../src/providers/index.ts';

class FakeTerminal extends Writable {
  text = '';
  isTTY = true;
  columns = 120;
  override _write(chunk: Buffer, _enc: string, done: () => void) {
    this.text += chunk.toString();
    done();
  }
  /** What a person sees: colour codes dropped, spinner lines overwritten by the next \r. */
  screen(): string[] {
    const plain = this.text.replace(/\x1b\[[0-9;]*[mK]/g, '');
    return plain
      .split('\n')
      .map((line) => line.split('\r').at(-1)!.trimEnd())
      .filter(Boolean);
  }
}

test('shows phases, each activity with status and tolerance verdict, and the deviation reason', async () => {
  configureLog({ verbose: false, format: 'string', file: null, fileLevel: 'debug' });
  const dir = mkdtempSync(join(tmpdir(), 'turbulence-progress-'));
  const marker = join(dir, 'alive');
  writeFileSync(marker, '');
  const experiment: Experiment = {
    title: 'Progress view',
    description: 'd',
    'steady-state-hypothesis': {
      title: 'marker exists',
      probes: [{ type: 'probe', name: 'marker-exists', tolerance: 0, provider: { type: 'process', path: 'test', arguments: ['-e', marker] } }],
    },
    method: [{ type: 'action', name: 'remove-marker', provider: { type: 'process', path: 'rm', arguments: [marker] } }],
    rollbacks: [{ type: 'action', name: 'restore-marker', provider: { type: 'process', path: 'touch', arguments: [marker] } }],
  };
  const terminal = new FakeTerminal();
  const view = progressView('string', terminal as unknown as NodeJS.WriteStream)!;
  assert.ok(view, 'a terminal gets the live view');
  const events = new RunEvents();
  events.add(view);
  try {
    const journal = await runExperiment(experiment, {
      settings: {},
      strategies: { hypothesis: 'default', rollbacks: 'default' },
      schedule: { frequency: 1, failFast: false, failFastRatio: 0 },
      dry: null,
      controls: new Controls([], { configuration: {}, secrets: {}, settings: {} }),
      events,
      handleSignals: false,
    });
    assert.equal(journal.deviated, true);
    log.warning('a warning still reaches the terminal');
  } finally {
    view.close();
  }
  const screen = terminal.screen();
  const find = (re: RegExp) => screen.findIndex((l) => re.test(l));
  assert.ok(find(/^Experiment: Progress view/) === 0, screen.join('\n'));
  const before = find(/^Steady-state hypothesis \(before the method\)/);
  const method = find(/^Method$/);
  const after = find(/^Steady-state hypothesis \(after the method\)/);
  const rollbacks = find(/^Rollbacks$/);
  assert.ok(before > 0 && method > before && after > method && rollbacks > after, screen.join('\n'));
  assert.match(screen[before + 1], /✔ probe\s+marker-exists\s+\d+\.\d{3}s\s+tolerance met/);
  assert.match(screen[method + 1], /✔ action remove-marker\s+\d+\.\d{3}s/);
  assert.match(screen[after + 1], /✘ probe\s+marker-exists\s+\d+\.\d{3}s\s+tolerance not met/);
  assert.ok(find(/steady state not met: probe 'marker-exists' returned status 1, outside tolerance 0/) > after);
  assert.ok(find(/✔ action restore-marker/) > rollbacks);
  assert.match(screen.find((l) => l.startsWith('DEVIATED')) ?? '', /a weakness may have been found: probe 'marker-exists' returned status 1/);
  assert.ok(find(/WARNING\] a warning still reaches the terminal/) >= 0, 'warnings are printed while the view is active');
  assert.equal(find(/INFO\]/), -1, 'INFO lines are left to the log file while the view draws');
  assert.ok(existsSync(marker), 'the rollback ran');
});

test('no live view off a terminal, JSON events with --log-format json', () => {
  const pipe = new FakeTerminal();
  pipe.isTTY = false;
  assert.equal(progressView('string', pipe as unknown as NodeJS.WriteStream), null);
  assert.ok(progressView('json', pipe as unknown as NodeJS.WriteStream));
});

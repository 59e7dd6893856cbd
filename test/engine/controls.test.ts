import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contextControls } from '../../src/engine/controls.ts';
import type { Control, Experiment } from '../../src/experiment/types.ts';

const ctl = (name: string, extra: Partial<Control> = {}): Control => ({ name, provider: { type: 'python', module: name }, ...extra });
const names = (cs: Control[]) => cs.map((c) => c.name);

function experiment(top: Control[]): Experiment {
  return { title: 't', description: 'd', method: [], controls: top };
}

// The merge table observed with the reference (G1, G2 global; TOP top-level; LOC activity-level).
test('experiment level: globals first, then the top-level controls', () => {
  const exp = experiment([ctl('TOP')]);
  assert.deepEqual(names(contextControls('experiment', [ctl('G1'), ctl('G2')], exp, exp)), ['G1', 'G2', 'TOP']);
});

test('hypothesis level: the top-level control is inserted once per existing entry', () => {
  const exp = experiment([ctl('TOP')]);
  assert.deepEqual(names(contextControls('hypothesis', [ctl('G1'), ctl('G2')], exp, {})), ['TOP', 'TOP', 'G1', 'G2']);
});

test('activity level with a local control: TOP three times, globals, then LOC', () => {
  const exp = experiment([ctl('TOP')]);
  const activity = { controls: [ctl('LOC')] };
  assert.deepEqual(names(contextControls('activity', [ctl('G1'), ctl('G2')], exp, activity)), ['TOP', 'TOP', 'TOP', 'G1', 'G2', 'LOC']);
});

test('method and rollback levels drop the globals when top-level controls exist', () => {
  const exp = experiment([ctl('TOP'), ctl('MANUAL', { automatic: false })]);
  for (const level of ['method', 'rollback'] as const) {
    assert.deepEqual(names(contextControls(level, [ctl('G1')], exp, exp)), ['TOP']);
  }
  const bare = experiment([]);
  assert.deepEqual(names(contextControls('method', [ctl('G1')], bare, bare)), ['G1']);
});

test('a local control named like a top-level one is not duplicated by it', () => {
  const exp = experiment([ctl('SAME')]);
  assert.deepEqual(names(contextControls('activity', [], exp, { controls: [ctl('SAME')] })), ['SAME']);
});

test('no globals and no local controls: only the automatic top-level ones', () => {
  const exp = experiment([ctl('A'), ctl('B', { automatic: false })]);
  assert.deepEqual(names(contextControls('activity', [], exp, {})), ['A']);
});

test('a ref control appends its top-level target', () => {
  const exp = experiment([ctl('A')]);
  const merged = contextControls('activity', [], exp, { controls: [{ name: 'r', ref: 'A' }] });
  assert.deepEqual(names(merged), ['r', 'A']);
});

test('loader level (no experiment): the globals only', () => {
  assert.deepEqual(names(contextControls('loader', [ctl('G1')], undefined, undefined)), ['G1']);
});

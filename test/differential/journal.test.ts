// §16 journal shape, asserted field by field for each engine (the differential rows compare the same things in bulk;
// these give a direct message when only the format is off).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { type Engine, type Outcome, type Row, runEngine } from './harness.ts';

const TOP_LEVEL = ['chaoslib-version', 'platform', 'node', 'experiment', 'start', 'status', 'deviated', 'steady_states', 'run', 'rollbacks', 'end', 'duration'];
const STAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/;

const ROWS: Row[] = [
  { name: 'all met', experiment: 'all-met.json', expect: { exit: 0 } },
  { name: 'method activities fail', experiment: 'method-failed.json', expect: { exit: 0 } },
];

function recordKeys(r: Record<string, unknown>, hypothesis: boolean): string[] {
  return ['activity', 'output', 'start', 'status', ...('exception' in r ? ['exception'] : []), 'end', 'duration', ...(hypothesis ? ['tolerance_met'] : [])];
}

function checkRecord(r: Record<string, any>, where: string, hypothesis: boolean): void {
  assert.deepEqual(Object.keys(r), recordKeys(r, hypothesis), `${where}: record keys and order`);
  assert.match(r.start, STAMP, `${where}: start`);
  assert.match(r.end, STAMP, `${where}: end`);
  assert.equal(typeof r.duration, 'number', `${where}: duration is a number`);
  // durations are computed from microsecond timestamps
  assert.ok(Math.abs(r.duration * 1e6 - Math.round(r.duration * 1e6)) < 1e-3, `${where}: duration ${r.duration} has at most 6 decimals`);
  if ('exception' in r) {
    assert.ok(Array.isArray(r.exception) && r.exception.every((l: unknown) => typeof l === 'string'), `${where}: exception is a list of strings`);
    assert.match(String(r.exception.at(-1)), /^chaoslib\.exceptions\.ActivityFailed: .+\n$/, `${where}: exception ends with the ActivityFailed line`);
  }
}

function checkJournal(j: Record<string, any>): void {
  // Turbulence appends its own `turbulence-version` after the reference's keys
  const keys = Object.keys(j);
  if (keys.at(-1) === 'turbulence-version') {
    assert.match(String(j['turbulence-version']), /^\d+\.\d+\.\d+/, 'turbulence-version');
    keys.pop();
  }
  assert.deepEqual(keys, TOP_LEVEL, 'top-level keys and order');
  for (const k of ['chaoslib-version', 'platform', 'node']) assert.equal(typeof j[k], 'string', `${k} is a string`);
  assert.match(j.start, STAMP, 'start');
  assert.match(j.end, STAMP, 'end');
  assert.equal(typeof j.duration, 'number', 'duration is a number');
  assert.ok(j.end >= j.start, 'end is not before start');
  assert.equal(j.experiment.dry, null, 'experiment.dry is null without --dry');
  assert.equal(Object.keys(j.experiment).at(-1), 'dry', 'experiment.dry comes last');
  assert.deepEqual(Object.keys(j.steady_states), ['before', 'after', 'during'], 'steady_states keys and order');
  assert.ok(Array.isArray(j.steady_states.during), 'steady_states.during is a list');
  for (const phase of ['before', 'after'] as const) {
    const s = j.steady_states[phase];
    assert.deepEqual(Object.keys(s), ['steady_state_met', 'probes'], `steady_states.${phase} keys and order`);
    s.probes.forEach((p: any, i: number) => checkRecord(p, `steady_states.${phase}.probes[${i}]`, true));
  }
  for (const list of ['run', 'rollbacks'] as const) j[list].forEach((r: any, i: number) => checkRecord(r, `${list}[${i}]`, false));
}

for (const engine of ['reference', 'turbulence'] as Engine[]) {
  describe(`§16 journal format: ${engine}`, () => {
    for (const row of ROWS) {
      describe(row.name, () => {
        let outcome: Outcome;
        before(async () => {
          outcome = await runEngine(engine, row);
        });
        it('top-level key order, ISO-8601 UTC µs timestamps, record key order, numeric durations, exception lists', () => {
          assert.ok(outcome.journal, `no journal written (exit ${outcome.exit}):\n${outcome.stderr.trim().split('\n').slice(-10).join('\n')}`);
          checkJournal(outcome.journal);
        });
      });
    }
  });
}

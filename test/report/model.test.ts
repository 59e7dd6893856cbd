// The normalized run from real journals of both engines, one per outcome: verdict, exit code, reason, hypothesis
// checks, timeline marks, errors and the masking of secrets; and the tolerance for journals missing fields.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { toRun } from '../../src/report/model.ts';
import { redactor } from '../../src/report/redact.ts';
import { summarize } from '../../src/report/summary.ts';
import { parseStamp } from '../../src/report/time.ts';
import { CASE_NAMES, ENGINES, journalsDir, readJournal } from './journals.ts';

let dir: string;
before(async () => {
  dir = await journalsDir();
});

const lanes = (r: ReturnType<typeof toRun>) => r.timeline.map((i) => `${i.lane}:${i.status}`).sort();

for (const engine of ENGINES) {
  describe(`${engine} journals`, () => {
    const run = (name: (typeof CASE_NAMES)[number]) => toRun(readJournal(dir, engine, name), `${engine}-${name}.json`);

    test('completed: passed, exit 0, one mark per probe and activity', () => {
      const r = run('completed');
      assert.equal(r.verdict, 'passed');
      assert.equal(r.exitCode, 0);
      assert.equal(r.reason, '');
      assert.match(r.meaning, /^Exit 0: .*steady state held/);
      assert.equal(r.engine.startsWith(engine === 'turbulence' ? 'Turbulence ' : 'Chaos Toolkit (chaoslib 1.44.0)'), true);
      const probes = r.hypotheses.reduce((n, h) => n + h.probes.length, 0);
      assert.equal(r.timeline.length, probes + r.activities.length + r.rollbacks.length);
      assert.deepEqual(r.hypotheses.map((h) => [h.phase, h.met]), [['before', true], ['after', true]]);
      for (const item of r.timeline) assert.ok(item.end >= item.start && item.start >= r.start! - 1 && item.end <= r.end! + 1, item.name);
    });

    test('deviated: exit 1, the reason names the missed probe, its tolerance and its value', () => {
      const r = run('deviated');
      assert.equal(r.verdict, 'deviated');
      assert.equal(r.exitCode, 1);
      assert.equal(r.reason, 'steady state deviated after the method: probe service-is-healthy expected 200, got 503');
      const after = r.hypotheses.find((h) => h.phase === 'after')!;
      assert.deepEqual(after.probes.map((p) => [p.name, p.tolerance, p.met]), [['service-is-healthy', 200, false]]);
      assert.ok(lanes(r).includes('steady-state:missed'));
    });

    test('failed: the gate probe raised; its error is listed', () => {
      const r = run('failed');
      assert.equal(r.verdict, 'failed');
      assert.equal(r.exitCode, 1);
      assert.match(r.reason, /^run failed: hypothesis before the method: probe answers-quickly raised: /);
      assert.deepEqual(r.errors.map((e) => [e.where, e.name]), [['hypothesis before the method', 'answers-quickly']]);
      assert.deepEqual(lanes(r), ['steady-state:failed']);
    });

    test('aborted and interrupted: exit 1; the interrupted activity and the interruption are marked', () => {
      const aborted = run('aborted');
      assert.equal(aborted.verdict, 'aborted');
      assert.equal(aborted.exitCode, 1);
      const r = run('interrupted');
      assert.equal(r.verdict, 'interrupted');
      assert.equal(r.reason, 'run interrupted during the method, in sleeper');
      assert.deepEqual(r.activities.map((a) => a.status), ['succeeded', 'interrupted']);
      const mark = r.timeline.find((i) => i.kind === 'interrupt')!;
      assert.equal(mark.name, 'interrupted');
      assert.equal(mark.start, r.activities[1].end);
    });

    test('gate missed: not run, exit 0, method skipped', () => {
      const r = run('gate-missed');
      assert.equal(r.verdict, 'not-run');
      assert.equal(r.exitCode, 0);
      assert.equal(r.activities.length, 0);
      assert.match(r.reason, /^steady state not met before the method: probe service-is-up expected 200, got 503/);
    });

    test('continuous hypothesis: every check is a mark on its own lane; fail-fast marks where the run stopped', () => {
      const r = run('continuous');
      const during = r.hypotheses.filter((h) => h.phase === 'during');
      assert.ok(during.length >= 2, `${during.length} checks`);
      assert.equal(r.timeline.filter((i) => i.lane === 'continuous').length, during.length);
      assert.deepEqual(during.map((h) => h.index), during.map((_, i) => i + 1));
      const f = run('fail-fast');
      assert.equal(f.verdict, 'failed');
      assert.match(f.reason, /continuous check \d+ missed \(fail-fast\): probe no-broken-marker expected 0, got 1/);
      assert.equal(f.timeline.find((i) => i.kind === 'interrupt')?.name, 'fail-fast stop');
    });

    test('background activities and declared pauses get their own lanes', () => {
      const r = run('background');
      assert.deepEqual(r.timeline.filter((i) => i.lane === 'background').map((i) => i.name).sort(), ['background-request', 'background-worker']);
      const pauses = r.timeline.filter((i) => i.lane === 'pauses');
      assert.deepEqual(pauses.map((p) => p.name).sort(), ['pause before foreground', 'pause before foreground-rollback']);
      const fg = r.activities.find((a) => a.name === 'foreground')!;
      const p = pauses.find((x) => x.name === 'pause before foreground')!;
      assert.equal(p.end, fg.start);
      assert.ok(Math.abs(p.end - p.start - 200) < 1e-6);
    });

    test('activity errors: the run passes, the failed activities carry their message', () => {
      const r = run('activity-errors');
      assert.equal(r.verdict, 'passed');
      assert.deepEqual(r.errors.map((e) => e.name), ['too-slow', 'slow-request']);
      for (const e of r.errors) assert.doesNotMatch(e.message, /chaoslib\.exceptions/);
    });

    test('secrets and env-provided configuration never reach the run, even echoed in an output', () => {
      const r = run('secrets');
      const text = JSON.stringify(r);
      for (const secret of ['alice', 'secret"', 'alice secret', 'env-default']) assert.ok(!text.includes(secret), `${secret} leaked`);
      assert.deepEqual(r.secrets, { creds: { user: '********', password: '********' } });
      assert.deepEqual((r.configuration as any).other, { type: 'env', key: 'TURB_OTHER', default: '********' });
      assert.equal((r.configuration as any).msg, 'from-experiment');
      assert.equal((r.activities[1].output as any).stdout, '******** ********\n');
    });
  });
}

test('a summary of every journal: totals, per-experiment pass rate, runs oldest first', () => {
  const runs = ENGINES.flatMap((e) => CASE_NAMES.map((n) => toRun(readJournal(dir, e, n), `${e}-${n}`)));
  const s = summarize(runs);
  assert.equal(s.runs.length, CASE_NAMES.length * 2);
  assert.deepEqual(s.totals, { passed: 8, deviated: 4, failed: 4, aborted: 2, interrupted: 2, 'not-run': 2 });
  assert.ok(s.runs.every((r, i) => i === 0 || r.start! >= s.runs[i - 1].start!));
  const allMet = s.experiments.find((e) => e.title === 'Everything holds')!;
  assert.deepEqual([allMet.runs, allMet.passRate], [2, 1]);
  const strategy = s.experiments.find((e) => e.title === 'The method breaks the system while it lingers')!;
  assert.deepEqual([strategy.runs, strategy.counts.deviated, strategy.counts.failed, strategy.passRate], [4, 2, 2, 0]);
  assert.equal(s.trend.reduce((n, b) => n + Object.values(b.counts).reduce((a, c) => a + c, 0), 0), s.runs.length);
});

test('a journal missing most fields still makes a run; unknown top-level fields are kept as extras', () => {
  const r = toRun({ experiment: { title: 'bare' }, status: 'completed', turbulence: { reverted: [{ fault: 'x' }] } }, 'bare.json');
  assert.equal(r.verdict, 'passed');
  assert.equal(r.duration, null);
  assert.deepEqual(r.timeline, []);
  assert.deepEqual(r.extras, { turbulence: { reverted: [{ fault: 'x' }] } });
  assert.throws(() => toRun({ status: 'completed' }, 'x.json'), /x\.json: not a Chaos Toolkit journal/);
  const odd = toRun({ experiment: {}, run: [{ activity: null, start: 'not a time' }], steady_states: { before: { probes: 'no' } } }, 'odd.json');
  assert.equal(odd.activities[0].name, '(unnamed activity)');
  assert.equal(odd.activities[0].status, 'interrupted');
});

test('redaction: vault declarations keep where, literal values and URL passwords are masked everywhere', () => {
  const red = redactor({
    secrets: { db: { password: 'hunter22', token: { type: 'vault', path: 'secret/db', key: 'token', secret: 'zzz' } } },
    configuration: { api_key: 'k-123456', url: 'postgres://bob:pw@db/x', level: 3 },
  });
  assert.deepEqual(red.secrets, { db: { password: '********', token: { type: 'vault', path: 'secret/db', key: 'token', secret: '********' } } });
  assert.deepEqual(red.configuration, { api_key: '********', url: 'postgres://bob:pw@db/x', level: 3 });
  assert.deepEqual(red.scrub({ out: 'login hunter22 with k-123456 at postgres://bob:pw@db/x', n: 3 }), {
    out: 'login ******** with ******** at postgres://bob:********@db/x',
    n: 3,
  });
});

test('journal timestamps keep their microseconds', () => {
  const diff = parseStamp('2026-11-21T17:28:26.203479+00:00')! - parseStamp('2026-11-21T17:28:26.203000+00:00')!;
  assert.ok(Math.abs(diff - 0.479) < 1e-3, String(diff));
  assert.equal(parseStamp('2026-11-21T17:28:26'), Date.UTC(2026, 10, 21, 17, 28, 26));
  assert.equal(parseStamp(undefined), null);
});

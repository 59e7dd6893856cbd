// The runner in-process, against real processes: each row of the reference's outcome table, strategies, controls,
// background activities, dry modes and signals.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Controls } from '../../src/engine/controls.ts';
import type { Dry } from '../../src/engine/context.ts';
import { runExperiment } from '../../src/engine/run.ts';
import type { Strategies } from '../../src/engine/strategy.ts';
import type { Activity, Control, Experiment } from '../../src/experiment/types.ts';
import { configureLog, setConsoleSink } from '../../src/log.ts';
import '../../src/providers/index.ts';

configureLog({ verbose: false, format: 'string', file: null, fileLevel: 'debug' });
// the runner's log lines are noise here (TURBULENCE_TEST_LOGS=1 shows them)
if (!process.env.TURBULENCE_TEST_LOGS) setConsoleSink(() => {});

const dir = mkdtempSync(join(tmpdir(), 'turbulence-run-'));
let n = 0;

/** A process activity running `script` in sh. */
function sh(type: 'probe' | 'action', name: string, script: string, extra: Partial<Activity> = {}): Activity {
  return { type, name, provider: { type: 'process', path: 'sh', arguments: ['-c', script] }, ...extra } as Activity;
}

function exp(parts: Partial<Experiment>): Experiment {
  return { title: 'an experiment', description: 'd', method: [], ...parts } as Experiment;
}

async function run(
  experiment: Experiment,
  opts: { strategies?: Partial<Strategies>; dry?: Dry; globals?: Control[]; failFast?: boolean; frequency?: number } = {},
) {
  return runExperiment(experiment, {
    settings: {},
    strategies: { hypothesis: 'default', rollbacks: 'default', ...opts.strategies },
    schedule: { frequency: opts.frequency ?? 0.05, failFast: opts.failFast ?? false, failFastRatio: 0 },
    dry: opts.dry ?? null,
    controls: new Controls(opts.globals ?? [], { configuration: {}, secrets: {}, settings: {} }),
  });
}

const marker = () => join(dir, `m${n++}`);
const hypothesis = (...probes: Activity[]) => ({ title: 'h', probes });
const fileExists = (path: string) => sh('probe', 'file-exists', `test -e ${path}`, { tolerance: 0 });

test('all met: completed, not deviated, rollbacks played', async () => {
  const m = marker();
  const j = await run(exp({ 'steady-state-hypothesis': hypothesis(sh('probe', 'ok', 'true', { tolerance: 0 })), method: [sh('action', 'a', 'true')], rollbacks: [sh('action', 'rb', `touch ${m}`)] }));
  assert.equal(j.status, 'completed');
  assert.equal(j.deviated, false);
  assert.equal(j.steady_states.before?.steady_state_met, true);
  assert.equal(j.steady_states.after?.steady_state_met, true);
  assert.deepEqual(j.run.map((r) => [r.activity.name, r.status]), [['a', 'succeeded']]);
  assert.equal(j.rollbacks.length, 1);
  assert.ok(existsSync(m));
  assert.deepEqual(Object.keys(j), ['chaoslib-version', 'platform', 'node', 'experiment', 'start', 'status', 'deviated', 'steady_states', 'run', 'rollbacks', 'end', 'duration']);
});

test('after-hypothesis missed: completed and deviated, rollbacks played', async () => {
  const m = marker();
  writeFileSync(m, '');
  const j = await run(exp({ 'steady-state-hypothesis': hypothesis(fileExists(m)), method: [sh('action', 'remove', `rm ${m}`)], rollbacks: [sh('action', 'restore', `touch ${m}`)] }));
  assert.equal(j.status, 'completed');
  assert.equal(j.deviated, true);
  assert.equal(j.steady_states.after?.probes[0].tolerance_met, false);
  assert.equal(j.rollbacks.length, 1);
  assert.ok(existsSync(m), 'the rollback restored the file');
});

test('a failing method activity: completed, the entry failed with its exception', async () => {
  const j = await run(exp({ method: [{ ...sh('action', 'slow', 'sleep 5'), provider: { type: 'process', path: 'sleep', arguments: ['5'], timeout: 0.2 } } as Activity, sh('action', 'next', 'true')] }));
  assert.equal(j.status, 'completed');
  assert.equal(j.run[0].status, 'failed');
  assert.match(j.run[0].exception!.at(-1)!, /ActivityFailed: process activity took too long to complete/);
  assert.equal(j.run[1].status, 'succeeded', 'the method goes on');
});

test('gate tolerance missed: completed, method skipped, rollbacks played', async () => {
  const j = await run(exp({ 'steady-state-hypothesis': hypothesis(sh('probe', 'bad', 'exit 3', { tolerance: 0 })), method: [sh('action', 'a', 'true')], rollbacks: [sh('action', 'rb', 'true')] }));
  assert.equal(j.status, 'completed');
  assert.equal(j.deviated, false);
  assert.deepEqual(j.run, []);
  assert.equal(j.steady_states.after, null);
  assert.equal(j.rollbacks.length, 1);
});

test('gate probe raised: failed, rollbacks skipped', async () => {
  const probe = { type: 'probe', name: 'hangs', tolerance: 0, provider: { type: 'process', path: 'sleep', arguments: ['5'], timeout: 0.2 } } as Activity;
  const j = await run(exp({ 'steady-state-hypothesis': hypothesis(probe), method: [sh('action', 'a', 'true')], rollbacks: [sh('action', 'rb', 'true')] }));
  assert.equal(j.status, 'failed');
  assert.equal(j.steady_states.before?.probes[0].tolerance_met, false);
  assert.deepEqual(j.rollbacks, []);
});

test('an unknown ref in the method aborts the run; rollbacks still play (default)', async () => {
  const j = await run(exp({ method: [sh('action', 'a', 'true'), { ref: 'nowhere' }], rollbacks: [sh('action', 'rb', 'true')] }));
  assert.equal(j.status, 'aborted');
  assert.equal(j.rollbacks.length, 1);
});

test('refs resolve to a copy of their target; a hypothesis probe wins a name clash', async () => {
  const j = await run(exp({ 'steady-state-hypothesis': hypothesis(sh('probe', 'dup', 'echo probe', { tolerance: 0 })), method: [sh('action', 'dup', 'echo action'), { ref: 'dup' }] }));
  assert.equal((j.run[1].output as { stdout: string }).stdout.trim(), 'probe');
  assert.equal(j.run[1].activity.type, 'probe');
});

test('rollback strategies: deviated plays only on deviation, never never, always after a failed gate', async () => {
  const base = { 'steady-state-hypothesis': hypothesis(sh('probe', 'ok', 'true', { tolerance: 0 })), rollbacks: [sh('action', 'rb', 'true')] };
  assert.equal((await run(exp(base), { strategies: { rollbacks: 'deviated' } })).rollbacks.length, 0);
  assert.equal((await run(exp(base), { strategies: { rollbacks: 'never' } })).rollbacks.length, 0);
  assert.equal((await run(exp(base), { strategies: { rollbacks: 'bogus' } })).rollbacks.length, 0);
  const raising = { type: 'probe', name: 'hangs', tolerance: 0, provider: { type: 'process', path: 'sleep', arguments: ['5'], timeout: 0.1 } } as Activity;
  const failed = await run(exp({ ...base, 'steady-state-hypothesis': hypothesis(raising) }), { strategies: { rollbacks: 'always' } });
  assert.equal(failed.status, 'failed');
  assert.equal(failed.rollbacks.length, 1);
});

test('hypothesis strategies decide which checks run', async () => {
  const e = () => exp({ 'steady-state-hypothesis': hypothesis(sh('probe', 'ok', 'true', { tolerance: 0 })), method: [sh('action', 'a', 'sleep 0.2')] });
  const before = await run(e(), { strategies: { hypothesis: 'before-method-only' } });
  assert.ok(before.steady_states.before && !before.steady_states.after);
  const after = await run(e(), { strategies: { hypothesis: 'after-method-only' } });
  assert.ok(!after.steady_states.before && after.steady_states.after);
  const during = await run(e(), { strategies: { hypothesis: 'during-method-only' } });
  assert.ok(!during.steady_states.before && !during.steady_states.after && during.steady_states.during.length > 0);
  const skip = await run(e(), { strategies: { hypothesis: 'skip' } });
  assert.ok(!skip.steady_states.before && !skip.steady_states.after && skip.steady_states.during.length === 0);
});

test('during-method-only + fail-fast: failed, method stops after its current activity, rollbacks skipped', async () => {
  const j = await run(
    exp({ 'steady-state-hypothesis': hypothesis(sh('probe', 'bad', 'exit 1', { tolerance: 0 })), method: [sh('action', 'a', 'sleep 0.3'), sh('action', 'b', 'sleep 0.3'), sh('action', 'c', 'true')], rollbacks: [sh('action', 'rb', 'true')] }),
    { strategies: { hypothesis: 'during-method-only' }, failFast: true },
  );
  assert.equal(j.status, 'failed');
  assert.equal(j.deviated, false);
  assert.ok(j.run.length < 3, `the method stopped early (${j.run.length} activities ran)`);
  assert.deepEqual(j.rollbacks, []);
});

test('background activities: records at start, awaited before the method ends', async () => {
  const m = marker();
  const j = await run(exp({ method: [sh('action', 'bg', `sleep 0.3; touch ${m}`, { background: true }), sh('action', 'fg', 'true')] }));
  assert.deepEqual(j.run.map((r) => r.activity.name), ['bg', 'fg']);
  assert.equal(j.run[0].status, 'succeeded');
  assert.ok(existsSync(m));
});

test('dry modes: probes/actions/activities not executed, pause skips pauses only', async () => {
  const e = () => exp({ 'steady-state-hypothesis': hypothesis(sh('probe', 'p', 'exit 1', { tolerance: 0 })), method: [sh('action', 'a', 'echo hi', { pauses: { after: 1 } })] });
  const probes = await run(e(), { dry: 'probes' });
  assert.equal(probes.steady_states.before?.probes[0].output, null);
  assert.equal(probes.steady_states.before?.probes[0].tolerance_met, true, 'tolerances are skipped');
  assert.equal((probes.run[0].output as { stdout: string }).stdout, 'hi\n');
  const activities = await run(e(), { dry: 'activities' });
  assert.equal(activities.run[0].output, null);
  const t0 = Date.now();
  const pause = await run(exp({ method: [sh('action', 'a', 'echo hi', { pauses: { before: 2, after: 2 } })] }), { dry: 'pause' });
  assert.ok(Date.now() - t0 < 1500, 'no pauses under --dry pause');
  assert.equal((pause.run[0].output as { stdout: string }).stdout, 'hi\n');
});

test('pauses are excluded from durations', async () => {
  const t0 = Date.now();
  const j = await run(exp({ method: [sh('action', 'a', 'true', { pauses: { before: 0.3, after: 0.3 } })] }));
  assert.ok(Date.now() - t0 >= 550);
  assert.ok(j.run[0].duration! < 0.25);
});

test('JavaScript controls: hooks in order with context and state; an InterruptExecution interrupts the run', async () => {
  const calls = join(dir, 'calls.log');
  const mod = join(dir, 'control.mjs');
  writeFileSync(
    mod,
    `import { appendFileSync } from 'node:fs';
const log = (s) => appendFileSync(${JSON.stringify(calls)}, s + '\\n');
export function configure_control({ experiment }) { log('configure ' + experiment.title); }
export function before_experiment_control({ context }) { log('before-experiment ' + context.title); }
export function before_activity_control({ context, stopOn }) {
  log('before-activity ' + context.name);
  if (context.name === stopOn) { const e = new Error('stop requested'); e.name = 'InterruptExecution'; throw e; }
}
export async function after_activity_control({ context, state }) { log('after-activity ' + context.name + ' ' + state?.status); }
export function after_experiment_control({ state }) { log('after-experiment ' + state.status); state.audited = true; }
export function cleanup_control() { log('cleanup'); }
`,
  );
  const control = { name: 'audit', provider: { type: 'javascript', module: mod, arguments: { stopOn: 'b' } } } as Control;
  const j = await run(exp({ controls: [control], method: [sh('action', 'a', 'true'), sh('action', 'b', 'true'), sh('action', 'c', 'true')], rollbacks: [sh('action', 'rb', 'true')] }));
  assert.equal(j.status, 'interrupted');
  assert.deepEqual(j.run.map((r) => r.activity.name), ['a'], 'b never started');
  assert.deepEqual(j.rollbacks, [], 'default strategy skips rollbacks when interrupted');
  assert.equal(j.audited, true, 'controls may add journal keys');
  assert.deepEqual(readFileSync(calls, 'utf8').trim().split('\n'), [
    'configure an experiment',
    'before-experiment an experiment',
    'before-activity a',
    'after-activity a succeeded',
    'before-activity b',
    'after-activity b undefined',
    'after-experiment interrupted',
    'cleanup',
  ]);
});

test('SIGTERM during an action: interrupted, the record has no status, the child is killed', async () => {
  const m = marker();
  const experiment = exp({ method: [sh('action', 'long', `sleep 3; touch ${m}`)], rollbacks: [sh('action', 'rb', 'true')] });
  setTimeout(() => process.kill(process.pid, 'SIGTERM'), 300);
  const t0 = Date.now();
  const j = await run(experiment);
  assert.ok(Date.now() - t0 < 2500, 'interrupted promptly');
  assert.equal(j.status, 'interrupted');
  assert.equal(j.run.length, 1);
  assert.equal('status' in j.run[0], false);
  assert.ok(j.run[0].end && typeof j.run[0].duration === 'number');
  assert.deepEqual(j.rollbacks, []);
  await new Promise((r) => setTimeout(r, 3200));
  assert.equal(existsSync(m), false, 'the interrupted child did not finish its work');
});

test('SIGUSR1 with rollbacks always: interrupted and rolled back; SIGUSR2 never rolls back', async () => {
  const e = () => exp({ method: [sh('action', 'long', 'sleep 3')], rollbacks: [sh('action', 'rb', 'true')] });
  setTimeout(() => process.kill(process.pid, 'SIGUSR1'), 300);
  const j1 = await run(e(), { strategies: { rollbacks: 'always' } });
  assert.equal(j1.status, 'interrupted');
  assert.equal(j1.rollbacks.length, 1);
  setTimeout(() => process.kill(process.pid, 'SIGUSR2'), 300);
  const j2 = await run(e(), { strategies: { rollbacks: 'always' } });
  assert.equal(j2.status, 'interrupted');
  assert.deepEqual(j2.rollbacks, []);
});

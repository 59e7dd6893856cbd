// The fault ledger through the built CLI: the journal's `turbulence` field, reverts whatever the rollback strategy,
// --keep-faults, --timeout, an activity's own timeout, secrets, `run` warning about earlier faults, and
// `turbulence recover` (dry run, real, a failing revert, a run still alive).
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/turbulence.js', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'turbulence-ledger-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function turbulence(args: string[], dir: string): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, '--no-log-file', ...args],
      { cwd: dir, env: { PATH: process.env.PATH, HOME: dir, NO_COLOR: '1', TURBULENCE_STATE_DIR: join(dir, 'state') } },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

let n = 0;
/** A directory with data.txt, a state dir, and the experiment written as experiment.json. */
function setup(exp: (d: { dir: string; file: string }) => Record<string, unknown>) {
  const dir = join(tmp, `case-${++n}`);
  mkdirSync(dir);
  const file = join(dir, 'data.txt');
  writeFileSync(file, 'data\n');
  writeFileSync(join(dir, 'experiment.json'), JSON.stringify(exp({ dir, file })));
  return { dir, file, journal: () => JSON.parse(readFileSync(join(dir, 'journal.json'), 'utf8')) };
}

const move = (file: string, name = 'move-data') => ({
  type: 'action',
  name,
  provider: { type: 'python', module: 'turbulence.file', func: 'move_file', arguments: { src: file, dst: `${file}.moved` } },
});
const experiment = (method: unknown[], extra: Record<string, unknown> = {}) => ({ title: 'ledger', description: 'd', method, ...extra });

function ledgerFiles(dir: string): string[] {
  const at = join(dir, 'state', 'ledger');
  return existsSync(at) ? readdirSync(at).filter((f) => f.endsWith('.jsonl')) : [];
}

describe('run with the fault ledger', () => {
  it('reverts a fault no rollback undid, and says so in a journal field after the reference keys', async () => {
    const c = setup(({ file }) => experiment([move(file)]));
    const r = await turbulence(['run', 'experiment.json'], c.dir);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(c.file) && !existsSync(`${c.file}.moved`));
    const j = c.journal();
    assert.deepEqual(Object.keys(j).slice(-3), ['duration', 'turbulence', 'turbulence-version']);
    assert.equal(j.turbulence.reverted.length, 1);
    assert.equal(j.turbulence.reverted[0].activity, 'move-data');
    assert.equal(j.turbulence.reverted[0].path, 'method[0]');
    assert.equal(j.turbulence.reverted[0].fault, 'turbulence.file.move_file');
    assert.deepEqual(j.rollbacks, []);
    assert.deepEqual(ledgerFiles(c.dir), [], 'nothing outstanding: no run file where recover looks');
  });

  it('adds no journal field when a rollback undid the fault (the ledger matches the rollback to the fault)', async () => {
    const c = setup(({ file }) =>
      experiment([move(file)], {
        rollbacks: [{ type: 'action', name: 'back', provider: { type: 'python', module: 'turbulence.file', func: 'move_file', arguments: { src: `${file}.moved`, dst: file } } }],
      }),
    );
    const r = await turbulence(['run', 'experiment.json'], c.dir);
    assert.equal(r.code, 0, r.stderr);
    const j = c.journal();
    assert.equal(j.turbulence, undefined);
    assert.equal(j.rollbacks[0].status, 'succeeded');
    const done = readdirSync(join(c.dir, 'state', 'ledger', 'done'));
    const records = readFileSync(join(c.dir, 'state', 'ledger', 'done', done[0]!), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(records.at(-1).by, 'rollback');
  });

  it('reverts with --rollback-strategy never, where the reference plays no rollbacks', async () => {
    const c = setup(({ file }) => experiment([move(file)]));
    const r = await turbulence(['run', '--rollback-strategy', 'never', 'experiment.json'], c.dir);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(c.file));
    assert.equal(c.journal().turbulence.reverted.length, 1);
  });

  it('--keep-faults leaves the fault, the journal lists it as kept, the next run warns, and recover reverts it', async () => {
    const c = setup(({ file }) => experiment([move(file)]));
    const r = await turbulence(['run', '--keep-faults', 'experiment.json'], c.dir);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!existsSync(c.file) && existsSync(`${c.file}.moved`));
    const j = c.journal();
    assert.deepEqual(j.turbulence.reverted, []);
    assert.equal(j.turbulence.kept.length, 1);

    writeFileSync(join(c.dir, 'probe-only.json'), JSON.stringify(experiment([{ type: 'probe', name: 'p', provider: { type: 'process', path: 'true' } }])));
    const second = await turbulence(['run', 'probe-only.json'], c.dir);
    assert.match(second.stderr, /1 fault\(s\) from earlier runs were never reverted: turbulence recover/);

    const dry = await turbulence(['recover', '--dry-run'], c.dir);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stderr, /would revert turbulence\.file\.move_file \(activity 'move-data' at method\[0\]\)/);
    assert.ok(!existsSync(c.file), 'a dry run changes nothing');

    const rec = await turbulence(['recover', '--json'], c.dir);
    assert.equal(rec.code, 0, rec.stderr);
    const out = JSON.parse(rec.stdout);
    assert.deepEqual(out.faults.map((f: { result: string }) => f.result), ['reverted']);
    assert.ok(existsSync(c.file) && !existsSync(`${c.file}.moved`));
    const again = await turbulence(['recover'], c.dir);
    assert.equal(again.code, 0);
    assert.match(again.stderr, /No outstanding faults/);
  });

  it('--timeout interrupts the run (status interrupted, exit 1) and the faults are reverted', async () => {
    const c = setup(({ file }) => experiment([{ ...move(file), pauses: { after: 30 } }]));
    const started = Date.now();
    const r = await turbulence(['run', '--timeout', '0.5', 'experiment.json'], c.dir);
    assert.ok(Date.now() - started < 15_000);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /timed out after 0\.5s/);
    const j = c.journal();
    assert.equal(j.status, 'interrupted');
    assert.equal(j.turbulence.reverted.length, 1);
    assert.ok(existsSync(c.file));
  });

  it('refuses a --timeout that is not a positive number (exit 2)', async () => {
    const c = setup(({ file }) => experiment([move(file)]));
    const r = await turbulence(['run', '--timeout', 'soon', 'experiment.json'], c.dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Invalid value for '--timeout'/);
    assert.ok(existsSync(c.file), 'nothing ran');
  });

  it("enforces an activity's own timeout (the reference only validates it): the activity fails, its fault is reverted", async () => {
    const c = setup(() =>
      experiment([
        {
          type: 'action',
          name: 'long-stress',
          timeout: 0.5,
          provider: { type: 'python', module: 'turbulence.stress', func: 'stress_cpu', arguments: { cores: 1, load: 5, duration: 20, engine: 'builtin' } },
        },
      ]),
    );
    const started = Date.now();
    const r = await turbulence(['run', 'experiment.json'], c.dir);
    assert.ok(Date.now() - started < 15_000, 'the 20 s stress did not hold the run');
    assert.equal(r.code, 0, r.stderr);
    const j = c.journal();
    assert.equal(j.run[0].status, 'failed');
    assert.match(j.run[0].exception.join(''), /activity took too long to complete \(its timeout is 0\.5s\)/);
  });

  it('never writes a secret into the ledger; recover refuses the revert that needed it (exit 1)', async () => {
    const c = setup(({ dir }) => ({
      ...experiment([
        {
          type: 'action',
          name: 'move-secret',
          provider: { type: 'python', module: 'turbulence.file', func: 'move_file', arguments: { src: join(dir, 'data.txt'), dst: join(dir, '${hidden}') } },
        },
      ]),
      secrets: { vault: { hidden: 'top-secret-name' } },
    }));
    const r = await turbulence(['run', '--keep-faults', 'experiment.json'], c.dir);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(join(c.dir, 'top-secret-name')));
    const [file] = ledgerFiles(c.dir);
    assert.ok(!readFileSync(join(c.dir, 'state', 'ledger', file!), 'utf8').includes('top-secret-name'));
    const rec = await turbulence(['recover'], c.dir);
    assert.equal(rec.code, 1);
    assert.match(rec.stderr, /failed: .*needs a secret value/);
  });
});

describe('turbulence recover', () => {
  /** A ledger file as a run killed with SIGKILL leaves it (a dead pid), with a partial last line. */
  function crashedRun(dir: string, revert: Record<string, unknown>, pid: number, procStart: number | null = null) {
    mkdirSync(join(dir, 'state', 'ledger'), { recursive: true });
    const lines = [
      { type: 'run', run: 'r1', pid, proc_start: procStart, started: '2026-01-01T00:00:00Z', title: 'crashed', source: null, turbulence: '0' },
      { type: 'applying', fault: 1, at: '2026-01-01T00:00:01Z', activity: 'chmod', path: 'method[0]', call: { module: 'turbulence.file', func: 'change_permissions', arguments: {} }, revert },
    ];
    writeFileSync(join(dir, 'state', 'ledger', '20260101T000000000Z-1-abc.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n{"type":"appl');
  }

  async function deadPid(): Promise<number> {
    const child = spawn('true');
    await new Promise((r) => child.once('exit', r));
    return child.pid!;
  }

  it('reverts a fault a crashed run was applying (the partial last line skipped)', async () => {
    const c = setup(() => experiment([]));
    const { chmodSync, statSync } = await import('node:fs');
    chmodSync(c.file, 0o000);
    crashedRun(c.dir, { module: 'turbulence.file', func: 'set_mode', arguments: { path: c.file, mode: 0o644 } }, await deadPid());
    const r = await turbulence(['recover'], c.dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /reverted: turbulence\.file\.change_permissions \(activity 'chmod' at method\[0\]\) of run r1 "crashed", interrupted while applying/);
    assert.equal(statSync(c.file).mode & 0o777, 0o644);
  });

  it('exits 1 when a fault cannot be reverted, and keeps it for a later try', async () => {
    const c = setup(() => experiment([]));
    crashedRun(c.dir, { module: 'turbulence.file', func: 'set_mode', arguments: { path: join(c.dir, 'gone'), mode: 0o644 } }, await deadPid());
    const r = await turbulence(['recover'], c.dir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /failed: .*no such file or directory/);
    const again = await turbulence(['recover', '--dry-run', '--json'], c.dir);
    assert.equal(JSON.parse(again.stdout).faults.length, 1);
  });

  it('leaves the faults of a run that is still running to that run', async () => {
    const c = setup(() => experiment([]));
    const { procStart } = await import('../../src/ledger/store.ts');
    const child = spawn('sleep', ['30']);
    await sleep(50);
    try {
      crashedRun(c.dir, { module: 'turbulence.file', func: 'set_mode', arguments: { path: c.file, mode: 0o600 } }, child.pid!, procStart(child.pid!));
      const r = await turbulence(['recover', '--json'], c.dir);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout).faults, []);
      assert.match(r.stderr, /is still running/);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

// Preflight: every driver action checks its target, permissions and limits before applying anything, and
// `--check-targets` runs those checks for a whole experiment up front. Permission failures are real: a read-only
// tmpfs (root cannot write there either) and a `nobody` process that may not signal root's processes.
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { TargetProblem } from '../../src/drivers/define.ts';
import type { Activity } from '../../src/experiment/types.ts';
import '../../src/providers/index.ts';
import { getProvider } from '../../src/providers/registry.ts';
import { anyUserCli } from '../any-user-cli.ts';

const bin = fileURLToPath(new URL('../../bin/turbulence.js', import.meta.url));
const tmp = fs.mkdtempSync(join(tmpdir(), 'turbulence-preflight-'));
// nobody must reach the experiment files
fs.chmodSync(tmp, 0o755);
const ro = join(tmp, 'ro');
const backups = join(tmp, 'backups');
process.env.TURBULENCE_BACKUP_DIR = backups;
const children: ChildProcess[] = [];

before(() => {
  fs.mkdirSync(ro);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', ro]);
  fs.writeFileSync(join(ro, 'rates.dat'), 'EUR/USD 1.08\n');
  execFileSync('mount', ['-o', 'remount,ro', ro]);
});
after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  execFileSync('umount', [ro]);
  fs.rmSync(tmp, { recursive: true, force: true });
});

const provider = getProvider('python')!;
const call = (module: string, func: string, args: Record<string, unknown>) => {
  const activity = { type: 'action', name: func, provider: { type: 'python', module, func, arguments: args } } as Activity;
  return provider.run(activity, { configuration: {}, secrets: {} });
};
const problem = (kind: TargetProblem['kind'], message: RegExp) => (e: Error) => e instanceof TargetProblem && e.kind === kind && message.test(e.message);

function turbulence(args: string[], opts: { uid?: number } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  // as another user: setpriv drops to nobody before node starts
  const [cmd, argv] = opts.uid === undefined
    ? [process.execPath, [bin, '--no-log-file', ...args]]
    : ['setpriv', [`--reuid=${opts.uid}`, `--regid=${opts.uid}`, '--clear-groups', process.execPath, anyUserCli(), '--no-log-file', ...args]];
  return new Promise((resolve) => {
    execFile(cmd, argv, { cwd: tmp, env: { PATH: process.env.PATH, HOME: tmp, NO_COLOR: '1', TURBULENCE_BACKUP_DIR: backups } }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

const python = (module: string, func: string, args: Record<string, unknown>) => ({ type: 'python', module, func, arguments: args });
const write = (name: string, experiment: unknown) => {
  fs.writeFileSync(join(tmp, name), JSON.stringify(experiment, null, 2));
  return name;
};

describe('preflight of the driver actions', () => {
  it('an unknown target fails before anything is applied: no process, no file (no backup taken)', async () => {
    await assert.rejects(call('turbulence.process', 'kill_process', { pattern: 'no-such-process-[0-9]{40}' }), problem('missing', /^no process matches pattern=/));
    await assert.rejects(call('turbulence.process', 'start_process', { argv: ['no-such-command-xyz'] }), problem('missing', /not found in PATH/));
    await assert.rejects(call('turbulence.file', 'delete_file', { path: join(tmp, 'missing.dat') }), problem('missing', /no such file or directory/));
    await assert.rejects(call('turbulence.file', 'move_file', { src: join(tmp, 'missing.dat'), dst: join(tmp, 'b') }), problem('missing', /no such file/));
    assert.ok(!fs.existsSync(backups), 'no backup directory was created');
  });

  it('a read-only filesystem fails the file actions before any backup or change, even for root', async () => {
    const file = join(ro, 'rates.dat');
    for (const [func, args] of [
      ['delete_file', { path: file }],
      ['truncate_file', { path: file }],
      ['corrupt_file', { path: file }],
      ['move_file', { src: file, dst: join(tmp, 'moved.dat') }],
      ['change_permissions', { path: file, mode: '0000' }],
    ] as const) {
      await assert.rejects(call('turbulence.file', func, args), problem('permission', /read-only filesystem/), func);
    }
    assert.equal(fs.readFileSync(file, 'utf8'), 'EUR/USD 1.08\n');
    assert.ok(!fs.existsSync(backups), 'no backup was taken');
    assert.ok(!fs.existsSync(join(tmp, 'moved.dat')));
    await assert.rejects(call('turbulence.file', 'fill_filesystem', { path: ro, size: 1, reserve_bytes: 0 }), problem('permission', /read-only filesystem/));
  });

  it('limits: corrupting past the end or more than 1 MiB fails before the backup', async () => {
    const file = join(tmp, 'small.dat');
    fs.writeFileSync(file, 'abc');
    await assert.rejects(call('turbulence.file', 'corrupt_file', { path: file, offset: 2, bytes: 5 }), problem('limit', /the file has 3 bytes/));
    await assert.rejects(call('turbulence.file', 'corrupt_file', { path: file, bytes: 2 << 20 }), problem('limit', /more than 1048576 bytes/));
    assert.equal(fs.readFileSync(file, 'utf8'), 'abc');
    assert.ok(!fs.existsSync(backups));
  });

  it("as nobody, signalling root's process is refused up front (EPERM) and the process lives on", async () => {
    const victim = spawn('sleep', ['31.7'], { detached: true, stdio: 'ignore' });
    children.push(victim);
    await new Promise((r) => victim.once('spawn', r));
    const file = write('eperm.json', {
      title: 't',
      description: 'd',
      method: [{ type: 'action', name: 'stop-it', provider: python('turbulence.process', 'pause_process', { pid: victim.pid }) }],
    });
    const r = await turbulence(['validate', '--check-targets', '--json', file], { uid: 65534 });
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout) as { problems: { message: string; path: string }[] };
    assert.deepEqual(out.problems.map((p) => [p.path, p.message]), [
      ['$.method[0].provider.arguments.pid', `activity 'stop-it': not permitted to signal process ${victim.pid} (matched by pid=${victim.pid})`],
    ]);
    // the same run as nobody applies nothing (its journal would go to a directory nobody may write)
    const open = join(tmp, 'open');
    fs.mkdirSync(open, { mode: 0o777 });
    fs.chmodSync(open, 0o777);
    const journal = join(open, 'eperm-journal.json');
    const run = await turbulence(['run', '--check-targets', '--journal-path', journal, file], { uid: 65534 });
    assert.equal(run.code, 1);
    assert.match(run.stderr, new RegExp(`activity 'stop-it': not permitted to signal process ${victim.pid} .*\\(at \\$\\.method\\[0\\]\\.provider\\.arguments\\.pid\\)`));
    assert.ok(!fs.existsSync(journal));
    const state = fs.readFileSync(`/proc/${victim.pid}/stat`, 'utf8').split(') ')[1]![0];
    assert.notEqual(state, 'T');
    assert.equal(victim.exitCode, null);
  });
});

describe('--check-targets', () => {
  it('validate reports every problem with its JSON path (configuration substituted) and exits 1', async () => {
    const victimFile = join(tmp, 'present.dat');
    fs.writeFileSync(victimFile, 'x');
    const file = write('targets.json', {
      title: 't',
      description: 'd',
      configuration: { dir: tmp, ro_dir: ro },
      method: [
        { type: 'action', name: 'delete-missing', provider: python('turbulence.file', 'delete_file', { path: '${dir}/missing.dat' }) },
        { type: 'action', name: 'kill-nothing', provider: python('turbulence.process', 'kill_process', { name: 'no-such-proc-xyz' }) },
        { type: 'action', name: 'fill-too-much', provider: python('turbulence.file', 'fill_filesystem', { path: '${dir}', percent: 90, reserve_bytes: 1e15 }) },
        { type: 'action', name: 'move-into-ro', provider: python('turbulence.file', 'move_file', { src: victimFile, dst: '${ro_dir}/x' }) },
        { type: 'probe', name: 'fine', provider: python('turbulence.file', 'file_exists', { path: victimFile }) },
        { type: 'action', name: 'delete-ok', provider: python('turbulence.file', 'delete_file', { path: victimFile }) },
      ],
      rollbacks: [
        { type: 'action', name: 'move-back', provider: python('turbulence.file', 'move_file', { src: '${dir}/moved.dat', dst: '${dir}/orig.dat' }) },
        { type: 'action', name: 'restore-into-ro', provider: python('turbulence.file', 'move_file', { src: '${dir}/moved.dat', dst: '${ro_dir}/rates.dat', overwrite: true }) },
      ],
    });
    const r = await turbulence(['validate', '--check-targets', '--json', file]);
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout) as { valid: boolean; problems: { message: string; path: string }[]; warnings: { message: string; path: string }[] };
    assert.equal(out.valid, false);
    const got = out.problems.map((p) => [p.path, p.message]);
    assert.equal(got.length, 5, JSON.stringify(got, null, 1));
    assert.deepEqual(got[0], ['$.method[0].provider.arguments.path', `activity 'delete-missing': cannot use ${tmp}/missing.dat: no such file or directory`]);
    assert.deepEqual(got[1], ['$.method[1].provider.arguments.name', `activity 'kill-nothing': no process matches name="no-such-proc-xyz"`]);
    assert.equal(got[2]![0], '$.method[2].provider.arguments.percent');
    assert.match(got[2]![1]!, /^activity 'fill-too-much': filling .* would leave .* free on the filesystem of .*, less than reserve_bytes/);
    assert.deepEqual(got[3], ['$.method[3].provider.arguments.dst', `activity 'move-into-ro': cannot write in the directory ${ro}: read-only filesystem`]);
    // in the rollbacks, permissions are problems; a source the method would create is only a warning
    assert.deepEqual(got[4], ['$.rollbacks[1].provider.arguments.dst', `activity 'restore-into-ro': cannot write in the directory ${ro}: read-only filesystem`]);
    assert.deepEqual(out.warnings.map((w) => [w.path, w.message]), [
      ['$.rollbacks[0].provider.arguments.src', `activity 'move-back': cannot use ${tmp}/moved.dat: no such file or directory (unless the method creates it)`],
    ]);
    assert.ok(fs.existsSync(victimFile), 'nothing was applied');
    assert.ok(!fs.existsSync(backups));
    // the text form points into the file
    const text = await turbulence(['validate', '--check-targets', file]);
    assert.equal(text.code, 1);
    assert.match(text.stderr, /targets\.json:\d+:\d+: activity 'kill-nothing': no process matches name="no-such-proc-xyz" \(at \$\.method\[1\]\.provider\.arguments\.name\)/);
    // without the flag, validation alone passes: the targets are not looked at
    assert.equal((await turbulence(['validate', file])).code, 0);
  });

  it('validate passes on a good experiment; run --check-targets refuses a bad one with nothing applied', async () => {
    const present = join(tmp, 'keep.dat');
    fs.writeFileSync(present, 'keep');
    const good = write('good.json', {
      title: 't',
      description: 'd',
      configuration: { file: present },
      method: [{ type: 'action', name: 'truncate', provider: python('turbulence.file', 'truncate_file', { path: '${file}' }) }],
    });
    const ok = await turbulence(['validate', '--check-targets', '--json', good]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.equal(JSON.parse(ok.stdout).valid, true);

    const bad = write('bad-run.json', {
      title: 't',
      description: 'd',
      method: [
        { type: 'action', name: 'truncate', provider: python('turbulence.file', 'truncate_file', { path: present }) },
        { type: 'action', name: 'kill-nothing', provider: python('turbulence.process', 'kill_process', { pattern: 'no-such-process-[0-9]{40}' }) },
      ],
    });
    const r = await turbulence(['run', '--check-targets', '--journal-path', 'bad-journal.json', bad]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /activity 'kill-nothing': no process matches pattern="no-such-process-\[0-9\]\{40\}" \(at \$\.method\[1\]\.provider\.arguments\.pattern\)/);
    assert.match(r.stderr, /Nothing was run/);
    assert.equal(fs.readFileSync(present, 'utf8'), 'keep', 'the first action was not applied');
    assert.ok(!fs.existsSync(join(tmp, 'bad-journal.json')));
  });
});

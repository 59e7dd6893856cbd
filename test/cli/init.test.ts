// `turbulence init` through the built binary: from flags (the written experiment passes `turbulence validate`,
// runs, and every kind of mistake is one line with nothing written) and through a real pseudo-terminal (prompts
// answered as they appear, Ctrl-C and Ctrl-D abort writing nothing).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { Terminal } from './terminal.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin/turbulence.js');
const home = mkdtempSync(join(tmpdir(), 'turbulence-init-'));
after(() => rmSync(home, { recursive: true, force: true }));
const ENV = { PATH: process.env.PATH, HOME: home, NO_COLOR: '1' };

let dirs = 0;
const freshDir = () => {
  const d = join(home, `case-${++dirs}`);
  mkdirSync(d);
  return d;
};

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function turbulence(args: string[], cwd: string): Promise<Result> {
  return new Promise((resolve) => {
    // stdin is not a terminal here (execFile gives a pipe): init authors from flags
    execFile(process.execPath, [bin, '--no-log-file', ...args], { cwd, env: ENV, encoding: 'utf8' }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

async function validates(path: string, cwd: string): Promise<void> {
  const r = await turbulence(['validate', path], cwd);
  assert.equal(r.code, 0, `turbulence validate ${path}: ${r.stderr}`);
}

const read = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

describe('turbulence init from flags', () => {
  it('writes the example of its help: hypothesis, method with pauses, auto rollback; it validates', async () => {
    const dir = freshDir();
    const r = await turbulence(
      [
        'init',
        '--title', 'Service survives a restart',
        '--description', 'Kill it, it comes back',
        '--tag', 'process',
        '--probe', 'turbulence.process.process_running name=myservice',
        '--probe', 'http url=http://127.0.0.1:8080/health tolerance=200',
        '--probe', 'turbulence.process.process_count pattern="my service" tolerance=[1,3]',
        '--action', 'turbulence.file.move_file src=/srv/a.conf dst=/srv/b.conf',
        '--method-probe', 'turbulence.file.file_exists path=/srv/b.conf',
        '--action', 'turbulence.process.kill_process name=myservice signal=SIGTERM',
        '--rollback', 'auto',
        '--pause-after', '2',
        '--output', 'exp.json',
      ],
      dir,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Experiment created and saved in 'exp\.json'/);
    await validates('exp.json', dir);
    const e = read(join(dir, 'exp.json'));
    assert.deepEqual(Object.keys(e), ['title', 'description', 'tags', 'steady-state-hypothesis', 'method', 'rollbacks']);
    assert.equal(e.title, 'Service survives a restart');
    assert.equal(e.description, 'Kill it, it comes back');
    assert.deepEqual(e.tags, ['process']);
    const [running, http, count] = e['steady-state-hypothesis'].probes;
    assert.deepEqual(running, {
      type: 'probe',
      name: 'process-running',
      provider: { type: 'python', module: 'turbulence.process', func: 'process_running', arguments: { name: 'myservice' } },
      tolerance: true,
    });
    assert.deepEqual(http.provider, { type: 'http', url: 'http://127.0.0.1:8080/health' });
    assert.equal(http.tolerance, 200);
    assert.deepEqual(count.provider.arguments, { pattern: 'my service' });
    assert.deepEqual(count.tolerance, [1, 3]);
    assert.deepEqual(
      e.method.map((a: { type: string; name: string; pauses?: unknown }) => [a.type, a.name, a.pauses]),
      [
        ['action', 'move-file', { after: 2 }],
        ['probe', 'file-exists', undefined],
        ['action', 'kill-process', { after: 2 }],
      ],
    );
    assert.deepEqual(e.method[2].provider.arguments, { name: 'myservice', signal: 'SIGTERM' });
    // kill_process has no undo; move_file's undo moves the file back
    assert.deepEqual(e.rollbacks, [
      {
        type: 'action',
        name: 'move-file-rollback',
        provider: { type: 'python', module: 'turbulence.file', func: 'move_file', arguments: { src: '/srv/b.conf', dst: '/srv/a.conf' } },
      },
    ]);
  });

  it('writes an experiment that runs: the method moves a file, the auto rollback moves it back', async () => {
    const dir = freshDir();
    const a = join(dir, 'a.txt');
    const b = join(dir, 'b.txt');
    writeFileSync(a, 'data');
    const r = await turbulence(
      [
        'init', '--title', 'move and back',
        '--probe', `turbulence.file.file_exists path=${a}`,
        '--action', `turbulence.file.move_file src=${a} dst=${b}`,
        '--rollback', 'auto', '--output', 'run.yaml',
      ],
      dir,
    );
    assert.equal(r.code, 0, r.stderr);
    const run = await turbulence(['run', '--rollback-strategy', 'always', 'run.yaml'], dir);
    const journal = read(join(dir, 'journal.json'));
    assert.equal(journal.status, 'completed', run.stderr);
    assert.equal(journal.rollbacks.length, 1);
    assert.equal(journal.rollbacks[0].status, 'succeeded');
    assert.ok(existsSync(a) && !existsSync(b), 'the rollback moved the file back');
  });

  it('writes YAML for .yaml and .yml, and generic http/process providers with typed arguments', async () => {
    const dir = freshDir();
    const r = await turbulence(
      [
        'init', '--title', 'generic',
        '--probe', 'process path=sh arguments=["-c", "exit 0"] timeout=5',
        '--action', 'http url=http://127.0.0.1:9/x method=POST headers={"Content-Type": "application/json"} arguments={"a": 1} timeout=[1, 2.5]',
        '--rollback', "process path=sh arguments='-c true'",
        '--output', 'exp.yml',
      ],
      dir,
    );
    assert.equal(r.code, 0, r.stderr);
    const text = readFileSync(join(dir, 'exp.yml'), 'utf8');
    assert.doesNotMatch(text, /^\s*\{/, 'YAML, not JSON');
    const e = parseYaml(text);
    assert.deepEqual(e['steady-state-hypothesis'].probes[0].provider, { type: 'process', path: 'sh', arguments: ['-c', 'exit 0'], timeout: 5 });
    assert.equal(e['steady-state-hypothesis'].probes[0].tolerance, 0);
    assert.deepEqual(e.method[0].provider, {
      type: 'http',
      url: 'http://127.0.0.1:9/x',
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      arguments: { a: 1 },
      timeout: [1, 2.5],
    });
    assert.deepEqual(e.rollbacks[0].provider, { type: 'process', path: 'sh', arguments: '-c true' });
    await validates('exp.yml', dir);
  });

  it('keeps ${name} placeholders and types values by schema (JSON when the argument is not a string)', async () => {
    const dir = freshDir();
    const r = await turbulence(
      [
        'init', '--title', 'typed',
        '--probe', 'turbulence.process.port_listening port=${port}',
        '--action', 'turbulence.process.kill_process pid=[12, 13] name=123',
        '--action', 'turbulence.file.change_permissions path=/tmp/x mode=0644',
        '--output', 'e.json',
      ],
      dir,
    );
    assert.equal(r.code, 0, r.stderr);
    const e = read(join(dir, 'e.json'));
    assert.deepEqual(e['steady-state-hypothesis'].probes[0].provider.arguments, { port: '${port}' });
    // pid is integers; name is a string argument, so 123 stays text; mode accepts an octal string
    assert.deepEqual(e.method[0].provider.arguments, { pid: [12, 13], name: '123' });
    assert.deepEqual(e.method[1].provider.arguments, { path: '/tmp/x', mode: '0644' });
  });

  it('refuses to overwrite without --force, and overwrites with it', async () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'experiment.json'), 'keep me');
    const args = ['init', '--title', 'T', '--action', 'turbulence.process.kill_process name=x'];
    const r = await turbulence(args, dir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /\.\/experiment\.json already exists: give --force to overwrite it/);
    assert.equal(readFileSync(join(dir, 'experiment.json'), 'utf8'), 'keep me');
    const forced = await turbulence([...args, '--force'], dir);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(read(join(dir, 'experiment.json')).title, 'T');
  });

  const mistakes: [string, string[], RegExp][] = [
    ['unknown function', ['--action', 'turbulence.process.kil_process name=x'], /unknown activity 'turbulence\.process\.kil_process': turbulence\.process has .*kill_process/],
    ['unknown module', ['--action', 'turbulence.nope.kill name=x'], /unknown activity 'turbulence\.nope\.kill': expected module\.func of a driver \(.*turbulence\.process.*\), http or process/],
    ['unknown argument', ['--action', 'turbulence.process.kill_process nam=x'], /turbulence\.process\.kill_process has no argument 'nam' \(arguments: pid, name, pattern, port, signal, mode, quantity, seed, allow, deny\)/],
    ['wrong type', ['--action', 'turbulence.process.kill_process pid=abc'], /turbulence\.process\.kill_process: argument 'pid': expected an integer, found a string/],
    ['out of range', ['--probe', 'turbulence.process.port_listening port=0'], /argument 'port': expected a number of at least 1/],
    ['not in the enum', ['--action', 'turbulence.process.kill_process name=x signal=SIGFOO'], /argument 'signal': expected one of "SIGTERM"/],
    ['missing required argument', ['--probe', 'turbulence.file.file_exists'], /turbulence\.file\.file_exists: missing required argument 'path'/],
    ['generic without its url', ['--action', 'http method=GET'], /http: missing required argument 'url'/],
    ['a probe as an action', ['--action', 'turbulence.file.file_exists path=/x'], /turbulence\.file\.file_exists is a probe: it cannot be a method action/],
    ['an action as a probe', ['--probe', 'turbulence.process.kill_process name=x'], /is an action: it cannot be a steady-state probe/],
    ['a tolerance outside the hypothesis', ['--method-probe', 'turbulence.file.file_exists path=/x tolerance=true'], /only steady-state probes \(--probe\) take a tolerance/],
    ['no tolerance to guess', ['--probe', 'turbulence.process.process_count name=x'], /process_count: give its tolerance with tolerance=\.\.\./],
    ['not key=value', ['--action', 'turbulence.process.kill_process myservice'], /expected key=value, found 'myservice'/],
    ['unterminated quote', ['--action', 'turbulence.process.kill_process name="my service'], /unterminated " quote/],
    ['unbalanced JSON', ['--action', 'turbulence.process.kill_process pid=[1, 2'], /unbalanced \[ in a JSON value/],
    ['bad pause', ['--action', 'turbulence.process.kill_process name=x', '--pause-after', 'soon'], /--pause-after expects a number of seconds, got 'soon'/],
    ['undo needs the result', ['--action', 'turbulence.file.delete_file path=/tmp/x', '--rollback', 'auto'], /cannot derive the rollback of turbulence\.file\.delete_file: its undo turbulence\.file\.restore_file takes 'backup' from the action's result\.backup, known only at run time/],
    ['a probe as a rollback', ['--action', 'turbulence.process.kill_process name=x', '--rollback', 'turbulence.file.file_exists path=/x'], /cannot be a rollback/],
    ['invalid experiment', ['--action', 'process path=/nonexistent/tool'], /the experiment would not validate: path '\/nonexistent\/tool' cannot be found/],
  ];
  for (const [what, flags, message] of mistakes) {
    it(`fails on one line, writing nothing: ${what}`, async () => {
      const dir = freshDir();
      const r = await turbulence(['init', '--title', 'T', ...flags], dir);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.ok(!existsSync(join(dir, 'experiment.json')), 'nothing written');
    });
  }

  it('needs --title when authoring from flags', async () => {
    const dir = freshDir();
    const r = await turbulence(['init', '--action', 'turbulence.process.kill_process name=x'], dir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /--title is required when authoring from flags/);
  });

  it('--help documents every flag and the spec syntax', async () => {
    const r = await turbulence(['init', '--help'], home);
    assert.equal(r.code, 0);
    for (const flag of ['--output', '--force', '--title', '--description', '--tag', '--hypothesis-title', '--probe', '--action', '--method-probe', '--rollback', '--pause-before', '--pause-after']) {
      assert.ok(r.stdout.includes(flag), `--help mentions ${flag}`);
    }
    assert.match(r.stdout, /MODULE\.FUNC key=value/);
    assert.match(r.stdout, /--rollback auto/);
  });
});

describe('turbulence init on a terminal', () => {
  const command = (dir: string, ...args: string[]) => new Terminal([process.execPath, bin, '--no-log-file', 'init', ...args], { cwd: dir, env: ENV });

  it('asks for everything, re-asks on bad answers, offers undos as rollbacks, and writes what was answered', async (t) => {
    const dir = freshDir();
    const term = command(dir, '--output', 'wizard.json');
    t.after(() => term.kill());
    await term.answer(/Experiment title: /, '');
    await term.expect(/an answer is required/);
    await term.answer(/Experiment title: /, 'Wizard experiment');
    await term.answer(/Description \[N\/A\]: /, 'Made by answering');

    // a boolean probe: the tolerance true is offered
    await term.expect(/Steady-state probe number \(\? lists them, empty when done\): /);
    term.type(`${term.numberOf('process_running')}\r`);
    await term.answer(/pid \([^\n]*optional\): /, '');
    await term.answer(/name \([^\n]*\): /, 'svc');
    await term.answer(/pattern \([^\n]*\): /, '');
    await term.answer(/port \([^\n]*\): /, '');
    await term.answer(/tolerance \(true or false\) \[true\]: /, '');
    // an integer-typed argument re-asked until it is one; an integer probe needs its tolerance
    await term.answer(/Steady-state probe number/, 'turbulence.process.port_listening');
    await term.answer(/port \(integer ≥ 1[^\n]*required\): /, 'http');
    await term.expect(/expected an integer, found a string/);
    await term.answer(/port \(integer ≥ 1[^\n]*required\): /, '8080');
    await term.answer(/tolerance \(true or false\) \[true\]: /, 'false');
    await term.answer(/Steady-state probe number/, '');
    await term.answer(/Hypothesis title \[The system is in its normal state\]: /, 'All is well');

    // the method: an action with its undo computable, one whose undo needs the result
    await term.expect(/Method activity number/);
    term.type(`${term.numberOf('move_file')}\r`);
    await term.answer(/src \([^\n]*required\): /, '/srv/a');
    await term.answer(/dst \([^\n]*required\): /, '/srv/b');
    await term.answer(/overwrite \(true or false, default false\): /, '');
    await term.answer(/Pause after it, in seconds \(empty: none\): /, '1.5');
    await term.expect(/Method activity number/);
    term.type(`${term.numberOf('pause_process')}\r`);
    await term.answer(/pid \([^\n]*\): /, '');
    await term.answer(/name \([^\n]*\): /, 'svc');
    await term.answer(/pattern \([^\n]*\): /, '');
    await term.answer(/port \([^\n]*\): /, '');
    // the target selection's arguments are offered together, only on request
    await term.answer(/Set the target selection \(mode, quantity, seed, allow, deny\)\? \[y\/N\]: /, '');
    await term.answer(/Pause after it/, '');
    await term.answer(/Method activity number/, '');

    // rollbacks: last fault first; pause_process's undo needs the pids it paused
    await term.expect(/turbulence\.process\.pause_process is undone by turbulence\.process\.resume_process pid=<result\.pids>/);
    await term.answer(/Add it as a rollback\? \[Y\/n\]: /, 'y');
    await term.expect(/pid comes from the action's result\.pids, only known at run time/);
    await term.answer(/pid \([^\n]*\): /, '');
    await term.answer(/name \([^\n]*\): /, 'svc');
    await term.answer(/pattern \([^\n]*\): /, '');
    await term.answer(/port \([^\n]*\): /, '');
    await term.answer(/Set the target selection \(mode, quantity, seed, allow, deny\)\? \[y\/N\]: /, '');
    await term.expect(/turbulence\.file\.move_file is undone by turbulence\.file\.move_file src=\/srv\/b dst=\/srv\/a/);
    await term.answer(/Add it as a rollback\? \[Y\/n\]: /, '');
    await term.answer(/Rollback action number/, '');
    assert.equal(await term.exited, 0, term.output);

    await validates('wizard.json', dir);
    const e = read(join(dir, 'wizard.json'));
    assert.equal(e.title, 'Wizard experiment');
    assert.equal(e.description, 'Made by answering');
    assert.equal(e['steady-state-hypothesis'].title, 'All is well');
    assert.deepEqual(
      e['steady-state-hypothesis'].probes.map((p: { provider: { func: string; arguments: unknown }; tolerance: unknown }) => [p.provider.func, p.provider.arguments, p.tolerance]),
      [
        ['process_running', { name: 'svc' }, true],
        ['port_listening', { port: 8080 }, false],
      ],
    );
    assert.deepEqual(
      e.method.map((a: { name: string; provider: { arguments: unknown }; pauses?: unknown }) => [a.name, a.provider.arguments, a.pauses]),
      [
        ['move-file', { src: '/srv/a', dst: '/srv/b' }, { after: 1.5 }],
        ['pause-process', { name: 'svc' }, undefined],
      ],
    );
    assert.deepEqual(
      e.rollbacks.map((a: { provider: { func: string; arguments: unknown } }) => [a.provider.func, a.provider.arguments]),
      [
        ['resume_process', { name: 'svc' }],
        ['move_file', { src: '/srv/b', dst: '/srv/a' }],
      ],
    );
  });

  it('Ctrl-C aborts with exit 130 and writes nothing', async (t) => {
    const dir = freshDir();
    const term = command(dir);
    t.after(() => term.kill());
    await term.answer(/Experiment title: /, 'Soon gone');
    await term.expect(/Description \[N\/A\]: /);
    term.type('\x03');
    assert.equal(await term.exited, 130, term.output);
    assert.match(term.output, /interrupted: nothing written/);
    assert.ok(!existsSync(join(dir, 'experiment.json')));
  });

  it('end of input (Ctrl-D) aborts with exit 1 and writes nothing', async (t) => {
    const dir = freshDir();
    const term = command(dir, '--output', 'e.yaml');
    t.after(() => term.kill());
    await term.answer(/Experiment title: /, 'Soon gone');
    await term.answer(/Description \[N\/A\]: /, '');
    await term.expect(/Steady-state probe number/);
    term.type('\x04');
    assert.equal(await term.exited, 1, term.output);
    assert.match(term.output, /end of input: nothing written/);
    assert.ok(!existsSync(join(dir, 'e.yaml')));
  });

  it('refuses an existing output before asking anything', async (t) => {
    const dir = freshDir();
    writeFileSync(join(dir, 'experiment.json'), '{}');
    const term = command(dir);
    t.after(() => term.kill());
    assert.equal(await term.exited, 1);
    assert.match(term.output, /already exists: give --force to overwrite it/);
    assert.doesNotMatch(term.output, /Experiment title/);
  });
});

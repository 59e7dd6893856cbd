// The drivers through the built binary: argument values checked against their schemas by `turbulence validate` (with
// file:line:col and the argument's JSON path), and a `turbulence run` that moves a file with the file driver, sees
// the hypothesis deviate, and moves it back in the rollbacks.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/turbulence.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'turbulence-drivers-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function turbulence(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, '--no-log-file', ...args], { cwd: dir, env: { PATH: process.env.PATH, HOME: dir, NO_COLOR: '1' } }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

const python = (module: string, func: string, args: Record<string, unknown>) => ({ type: 'python', module, func, arguments: args });

describe('native drivers from the command line', () => {
  it('validate reports bad argument values at their JSON path, and skips ${} placeholders', async () => {
    const experiment = {
      title: 't',
      description: 'd',
      configuration: { size: 3 },
      method: [
        { type: 'action', name: 'kill', provider: python('turbulence.process', 'kill_process', { name: 'x', signal: 'SIGNOPE' }) },
        { type: 'action', name: 'corrupt', provider: python('turbulence.file', 'corrupt_file', { path: '${p}', bytes: 0, offset: '${size}' }) },
        { type: 'action', name: 'mode', provider: python('turbulence.file', 'change_permissions', { path: 'a', mode: '999' }) },
        { type: 'probe', name: 'count', provider: python('turbulence.process', 'process_count', { pid: [1, 'two'] }) },
        { type: 'probe', name: 'listening', provider: python('turbulence.process', 'port_listening', {}) },
      ],
    };
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(experiment, null, 2));
    const r = await turbulence(['validate', '--json', 'bad.json']);
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout) as { problems: { message: string; path: string }[] };
    const got = out.problems.map((p) => [p.path, p.message]);
    assert.deepEqual(got, [
      ['$.method[0].provider.arguments.signal', `argument 'signal' of activity 'kill_process': expected one of "SIGTERM", "SIGKILL", "SIGINT", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGSTOP", "SIGCONT"`],
      ['$.method[1].provider.arguments.bytes', "argument 'bytes' of activity 'corrupt_file': expected a number of at least 1"],
      ['$.method[2].provider.arguments.mode', `argument 'mode' of activity 'change_permissions': expected an octal mode such as "0644"`],
      ['$.method[3].provider.arguments.pid[1]', "argument 'pid' of activity 'process_count': expected an integer, found a string"],
      ['$.method[4].provider.arguments', "required argument 'port' is missing from activity 'port_listening'"],
    ]);
    // the text form points into the file
    const text = await turbulence(['validate', 'bad.json']);
    assert.match(text.stderr, /bad\.json:\d+:\d+: argument 'bytes' of activity 'corrupt_file': expected a number of at least 1 \(at \$\.method\[1\]\.provider\.arguments\.bytes\)/);
  });

  it('run: moving the file deviates the hypothesis, and the rollback moves it back', async () => {
    const file = join(dir, 'exchange.dat');
    writeFileSync(file, 'EUR/USD 1.08\n');
    const at = (p: string) => ({ path: p });
    const experiment = {
      title: 'the exchange file moves away',
      description: 'the service reads exchange.dat',
      configuration: { file },
      'steady-state-hypothesis': {
        title: 'the exchange file is there with rates',
        probes: [
          { type: 'probe', name: 'file-exists', tolerance: true, provider: python('turbulence.file', 'file_exists', at('${file}')) },
          { type: 'probe', name: 'has-rates', tolerance: true, provider: python('turbulence.file', 'file_contains', { path: '${file}', pattern: 'EUR/USD \\d' }) },
        ],
      },
      method: [{ type: 'action', name: 'move-file', provider: python('turbulence.file', 'move_file', { src: '${file}', dst: '${file}.moved' }) }],
      rollbacks: [{ type: 'action', name: 'move-back', provider: python('turbulence.file', 'move_file', { src: '${file}.moved', dst: '${file}' }) }],
    };
    writeFileSync(join(dir, 'exchange.json'), JSON.stringify(experiment));
    const r = await turbulence(['run', '--journal-path', 'journal.json', 'exchange.json']);
    assert.equal(r.code, 1, r.stderr);
    const journal = JSON.parse(readFileSync(join(dir, 'journal.json'), 'utf8'));
    assert.equal(journal.status, 'completed');
    assert.equal(journal.deviated, true);
    assert.deepEqual(journal.run[0].output, { src: file, dst: `${file}.moved` });
    assert.equal(journal.steady_states.after.probes[0].output, false);
    assert.equal(journal.rollbacks[0].status, 'succeeded');
    assert.equal(readFileSync(file, 'utf8'), 'EUR/USD 1.08\n');
    assert.ok(!existsSync(`${file}.moved`));
  });

  it('run: an action on an unknown target fails the activity with a clear message', async () => {
    const experiment = {
      title: 't',
      description: 'd',
      method: [{ type: 'action', name: 'kill-nothing', provider: python('turbulence.process', 'kill_process', { pattern: 'no-such-process-[0-9]{40}' }) }],
    };
    writeFileSync(join(dir, 'nothing.json'), JSON.stringify(experiment));
    const r = await turbulence(['run', '--journal-path', 'nothing-journal.json', 'nothing.json']);
    const journal = JSON.parse(readFileSync(join(dir, 'nothing-journal.json'), 'utf8'));
    assert.equal(journal.run[0].status, 'failed');
    assert.equal(journal.run[0].exception.at(-1), 'chaoslib.exceptions.ActivityFailed: no process matches pattern="no-such-process-[0-9]{40}"\n');
    assert.equal(r.code, 0);
  });
});

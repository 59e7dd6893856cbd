// `turbulence validate` through the built binary: one line per problem with file:line:col and JSON path, --json,
// bad sources, URLs with settings auths, and a differential check against the reference `chaos validate` on every
// fixture (same exit code, and the reference's message among ours).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin/turbulence.js');
const chaos = join(root, '.peers/venv/bin/chaos');
const fixtures = join(root, 'test/fixtures/experiments');
const home = mkdtempSync(join(tmpdir(), 'turbulence-validate-'));
after(() => rmSync(home, { recursive: true, force: true }));

const ENV = { PATH: process.env.PATH, HOME: home, NO_COLOR: '1' };

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function exec(file: string, args: string[], env: NodeJS.ProcessEnv = ENV, cwd = fixtures): Promise<Result> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, env, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const turbulence = (args: string[], env?: NodeJS.ProcessEnv) => exec(process.execPath, [bin, '--no-log-file', ...args], env);
const reference = (args: string[], env?: NodeJS.ProcessEnv) => exec(chaos, ['--no-version-check', '--no-log-file', ...args], env);

/** The messages of the log lines at `level`, without timestamps and colours. */
function lines(stderr: string, level: string): string[] {
  return stderr
    .replace(/\x1b\[[0-9;]*m/g, '')
    .split('\n')
    .flatMap((l) => {
      const m = /^\[[^\]]* (\w+)\] (.*)$/.exec(l);
      return m && m[1] === level ? [m[2]!] : [];
    });
}

describe('turbulence validate', () => {
  it('logs the reference success line and exits 0 for a valid experiment', async () => {
    const r = await turbulence(['validate', 'valid/http-process.json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(lines(r.stderr, 'INFO').at(-1), 'experiment syntax and semantic look valid');
    assert.equal(r.stdout, '');
  });

  it('logs every problem on one line as file:line:col: message (at $.path), and exits 1', async () => {
    const r = await turbulence(['validate', 'multi/five-problems.json']);
    assert.equal(r.code, 1);
    assert.deepEqual(lines(r.stderr, 'ERROR'), [
      'multi/five-problems.json:1:1: experiment requires a description',
      'multi/five-problems.json:3:18: experiment tags must be a non-empty string (at $.tags[1])',
      'multi/five-problems.json:7:7: hypothesis probe must have a tolerance entry (at $.steady-state-hypothesis.probes[0])',
      "multi/five-problems.json:11:14: 'step' is not a supported activity type (at $.method[0].type)",
      "multi/five-problems.json:12:13: referenced activity 'not-declared' could not be found in the experiment (at $.method[1].ref)",
    ]);
    assert.doesNotMatch(r.stderr, /look valid/);
  });

  it('points into YAML files too', async () => {
    const r = await turbulence(['validate', 'multi/five-problems.yaml']);
    assert.equal(r.code, 1);
    assert.deepEqual(
      lines(r.stderr, 'ERROR').map((l) => l.split(': ')[0]),
      ['multi/five-problems.yaml:1:1', 'multi/five-problems.yaml:4:5', 'multi/five-problems.yaml:8:7', 'multi/five-problems.yaml:14:11', 'multi/five-problems.yaml:19:10'],
    );
  });

  it('--json prints {valid, problems, warnings} on stdout', async () => {
    const bad = await turbulence(['validate', '--json', 'multi/five-problems.yaml']);
    assert.equal(bad.code, 1);
    const out = JSON.parse(bad.stdout);
    assert.equal(out.valid, false);
    assert.equal(out.problems.length, 5);
    assert.deepEqual(out.problems[1], {
      message: 'experiment tags must be a non-empty string',
      path: '$.tags[1]',
      location: { source: 'multi/five-problems.yaml', line: 4, column: 5 },
    });
    assert.deepEqual(out.warnings, []);

    const good = await turbulence(['validate', '--json', 'valid/minimal.json']);
    assert.equal(good.code, 0);
    assert.deepEqual(JSON.parse(good.stdout), { valid: true, problems: [], warnings: [] });
  });

  it('logs deprecation warnings at WARNING level without failing', async () => {
    const dir = mkdtempSync(join(home, 'w-'));
    const file = join(dir, 'dict-args.json');
    const e = { title: 't', description: 'd', method: [{ type: 'action', name: 'a', provider: { type: 'process', path: 'true', arguments: { '-v': 1 } } }] };
    writeFileSync(file, JSON.stringify(e, null, 2));
    const r = await turbulence(['validate', file]);
    assert.equal(r.code, 0, r.stderr);
    const [w] = lines(r.stderr, 'WARNING');
    assert.match(w!, /dict-args\.json:\d+:\d+: Process arguments should now be a list .* \(at \$\.method\[0\]\.provider\.arguments\)$/);
  });

  it('reports a bad source on one line, without a stack trace', async () => {
    for (const [args, message] of [
      [['validate', 'nope.json'], 'Path "nope.json" does not exist.'],
      [['validate', 'ftp://127.0.0.1/x.json'], "'ftp' is not a supported source scheme."],
    ] as const) {
      const r = await turbulence([...args]);
      assert.equal(r.code, 1);
      assert.deepEqual(lines(r.stderr, 'ERROR'), [message]);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
    const dir = mkdtempSync(join(home, 's-'));
    writeFileSync(join(dir, 'broken.json'), '{"title": "t",\n  "method": [}\n');
    const r = await turbulence(['validate', join(dir, 'broken.json')]);
    assert.equal(r.code, 1);
    const errors = lines(r.stderr, 'ERROR');
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /broken\.json:2:\d+: Failed parsing JSON experiment/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  it('loads experiments from URLs with the settings auths, and locates problems in them', async () => {
    const body = readFileSync(join(fixtures, 'multi/five-problems.json'), 'utf8');
    const seen: (string | undefined)[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(req.url === '/good.json' ? readFileSync(join(fixtures, 'valid/minimal.json')) : body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      const settings = join(mkdtempSync(join(home, 'a-')), 'settings.yaml');
      writeFileSync(settings, `auths:\n  127.0.0.1:${port}:\n    type: bearer\n    value: XYZ\n`);
      const good = await turbulence(['--settings', settings, 'validate', `http://127.0.0.1:${port}/good.json`]);
      assert.equal(good.code, 0, good.stderr);
      const bad = await turbulence(['--settings', settings, 'validate', `http://127.0.0.1:${port}/bad.json`]);
      assert.equal(bad.code, 1);
      assert.equal(lines(bad.stderr, 'ERROR')[3], `http://127.0.0.1:${port}/bad.json:11:14: 'step' is not a supported activity type (at $.method[0].type)`);
      assert.deepEqual(seen, ['bearer XYZ', 'bearer XYZ']);
    } finally {
      server.close();
    }
  });
});

describe('turbulence validate: notifications', () => {
  it('sends validate-started, then validate-completed or validate-failed, to the settings channels', async () => {
    const events: { name: string; phase: string; error?: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        events.push(JSON.parse(body));
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      const settings = join(mkdtempSync(join(home, 'n-')), 'settings.yaml');
      writeFileSync(settings, `notifications:\n  - type: http\n    url: http://127.0.0.1:${port}/events\n`);
      assert.equal((await turbulence(['--settings', settings, 'validate', 'valid/minimal.json'])).code, 0);
      assert.equal((await turbulence(['--settings', settings, 'validate', 'invalid/no-method.json'])).code, 1);
      assert.deepEqual(
        events.map((e) => [e.name, e.phase]),
        [
          ['validate-started', 'validate'],
          ['validate-completed', 'validate'],
          ['validate-started', 'validate'],
          ['validate-failed', 'validate'],
        ],
      );
      assert.match(events[3]!.error!, /an experiment requires a method/);
    } finally {
      server.close();
    }
  });
});

describe('turbulence validate versus chaos validate (the reference)', () => {
  const all = readdirSync(fixtures).flatMap((dir) => readdirSync(join(fixtures, dir)).map((f) => `${dir}/${f}`));

  it('gives the same verdict on every fixture; the reference rejects its message among ours', async () => {
    const pending = [...all];
    const failures: string[] = [];
    const worker = async () => {
      for (let f = pending.shift(); f; f = pending.shift()) {
        const [ours, theirs] = await Promise.all([turbulence(['validate', '--json', f]), reference(['validate', f])]);
        const stricter = f.startsWith('stricter/');
        // stricter/: the reference accepts these, then crashes or misbehaves when running them
        const expected = stricter ? 1 : theirs.code;
        if (stricter && theirs.code !== 0) failures.push(`${f}: the reference now rejects it (exit ${theirs.code})`);
        if (ours.code !== expected) failures.push(`${f}: ours ${ours.code}, reference ${theirs.code}\n${ours.stderr}`);
        const [message] = lines(theirs.stderr, 'ERROR');
        if (message !== undefined) {
          if (!ours.stdout) {
            failures.push(`${f}: no JSON verdict\n${ours.stderr}`);
            continue;
          }
          const ourMessages = (JSON.parse(ours.stdout).problems as { message: string }[]).map((p) => p.message);
          if (!ourMessages.includes(message)) failures.push(`${f}: reference says "${message}", we say ${JSON.stringify(ourMessages)}`);
        }
      }
    };
    await Promise.all([worker(), worker()]);
    assert.deepEqual(failures, []);
  });

  it('agrees once the missing environment variables are set', async () => {
    const env = { ...ENV, TURBULENCE_FIXTURE_UNSET_URL: 'http://127.0.0.1:1', TURBULENCE_FIXTURE_UNSET_TOKEN: 't' };
    for (const f of ['semantic/missing-env-variable.json', 'semantic/missing-secret-env-variable.json']) {
      const [ours, theirs] = await Promise.all([turbulence(['validate', f], env), reference(['validate', f], env)]);
      assert.equal(theirs.code, 0, theirs.stderr);
      assert.equal(ours.code, 0, ours.stderr);
    }
  });
});

// `turbulence run` through the built binary, for what the differential suite cannot cover with http/process only:
// notifications, global controls (settings and --control-file) with the loader hooks, usage errors, the log file, the
// JSON progress events, and a clear line where the reference's runner crashes.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type IncomingMessage, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin/turbulence.js');
const dir = mkdtempSync(join(tmpdir(), 'turbulence-run-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function turbulence(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd: dir, env: { PATH: process.env.PATH, HOME: dir, NO_COLOR: '1', ...env }, encoding: 'utf8' },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

function write(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return path;
}

const probe = (name: string, script: string, tolerance?: unknown) => ({
  type: 'probe',
  name,
  ...(tolerance === undefined ? {} : { tolerance }),
  provider: { type: 'process', path: 'sh', arguments: ['-c', script] },
});

const experiment = (hypothesisScript: string, methodScript = 'true') => ({
  title: 'CLI run',
  description: 'd',
  'steady-state-hypothesis': { title: 'h', probes: [probe('check', hypothesisScript, 0)] },
  method: [{ ...probe('act', methodScript), type: 'action' }],
});

describe('notifications from the settings', () => {
  const events: { path: string; body: Record<string, unknown> }[] = [];
  let url = '';
  const server = createServer((req: IncomingMessage, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      events.push({ path: req.url ?? '', body: data ? JSON.parse(data) : {} });
      res.end('ok');
    });
  });
  before(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  it('posts run-started and run-completed, filtered by events, with the reference payload shape', async () => {
    events.length = 0;
    const settings = write('settings-notify.yaml', {
      notifications: [
        { type: 'http', url: `${url}/all` },
        { type: 'http', url: `${url}/failures`, events: ['run-failed', 'run-deviated'] },
        { type: 'http', url: `${url}/get`, forward_event_payload: false, events: ['run-completed'] },
      ],
    });
    const exp = write('ok.json', experiment('true'));
    const r = await turbulence(['--no-log-file', '--settings', settings, 'run', '--journal-path', join(dir, 'j1.json'), exp]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      events.map((e) => `${e.path} ${e.body.name ?? '(no payload)'}`),
      ['/all run-started', '/all run-completed', '/get (no payload)'],
    );
    const started = events[0].body;
    assert.equal(started.phase, 'run');
    assert.equal(typeof started.ts, 'number');
    assert.equal((started.payload as { title: string }).title, 'CLI run');
    assert.equal((events[1].body.payload as { status: string }).status, 'completed');
  });

  it('a deviated run sends run-completed then run-deviated', async () => {
    events.length = 0;
    const settings = write('settings-notify2.yaml', { notifications: [{ type: 'http', url: `${url}/n` }] });
    const marker = join(dir, 'deviation-marker');
    writeFileSync(marker, '');
    const exp = write('deviates.json', experiment(`test -e ${marker}`, `rm ${marker}`));
    const r = await turbulence(['--no-log-file', '--settings', settings, 'run', '--journal-path', join(dir, 'j2.json'), exp]);
    assert.equal(r.code, 1);
    assert.deepEqual(events.map((e) => e.body.name), ['run-started', 'run-completed', 'run-deviated']);
  });

  it('an unreachable channel never affects the run', async () => {
    const settings = write('settings-dead.yaml', { notifications: [{ type: 'http', url: 'http://127.0.0.1:1/' }] });
    const r = await turbulence(['--no-log-file', '--settings', settings, 'run', '--journal-path', join(dir, 'j3.json'), write('ok2.json', experiment('true'))]);
    assert.equal(r.code, 0, r.stderr);
  });
});

describe('global controls', () => {
  it('settings controls and --control-file controls get the loader hooks and the run hooks, globals first', async () => {
    const log = join(dir, 'controls.log');
    const module = write(
      'recorder.mjs',
      `import { appendFileSync } from 'node:fs';
const out = (s) => appendFileSync(${JSON.stringify(log)}, s + '\\n');
export function before_loading_experiment_control({ context, who }) { out(who + ' before-loading ' + context.endsWith('.json')); }
export function after_loading_experiment_control({ state, who }) { out(who + ' after-loading ' + state.title); }
export function before_experiment_control({ who }) { out(who + ' before-experiment'); }
export function after_experiment_control({ state, who }) { out(who + ' after-experiment ' + state.status); }
`,
    );
    const settings = write('settings-controls.yaml', { controls: { fromSettings: { provider: { type: 'javascript', module, arguments: { who: 'S' } } } } });
    const controlFile = write('controls.yaml', `fromFile:\n  provider:\n    type: javascript\n    module: ${module}\n    arguments:\n      who: F\n`);
    const exp = write('controls-exp.json', experiment('true'));
    const r = await turbulence(['--no-log-file', '--settings', settings, 'run', '--control-file', controlFile, '--journal-path', join(dir, 'j4.json'), exp]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readFileSync(log, 'utf8').trim().split('\n'), [
      'S before-loading true',
      'F before-loading true',
      'S after-loading CLI run',
      'F after-loading CLI run',
      'S before-experiment',
      'F before-experiment',
      'S after-experiment completed',
      'F after-experiment completed',
    ]);
  });
});

describe('usage errors and unusual endings', () => {
  it('a bad --var, a missing --var-file or --control-file is a usage error (exit 2), no journal', async () => {
    const exp = write('u.json', experiment('true'));
    for (const args of [['--var', 'n:int=abc'], ['--var-file', 'missing.json'], ['--control-file', 'missing.yaml']]) {
      const journal = join(dir, `usage-${args[0]}.json`);
      const r = await turbulence(['--no-log-file', 'run', '--journal-path', journal, ...args, exp]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(existsSync(journal), false);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
  });

  it('an unwritable journal path is refused before anything runs', async () => {
    const marker = join(dir, 'must-not-exist');
    const exp = write('unwritable.json', experiment('true', `touch ${marker}`));
    const r = await turbulence(['--no-log-file', 'run', '--journal-path', join(dir, 'no/such/dir/journal.json'), exp]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot write the journal to '.*no\/such\/dir\/journal.json': its directory does not exist or is not writable/);
    assert.equal(existsSync(marker), false, 'the method never ran');
  });

  it('a missing binary in the hypothesis (where the reference crashes): one clear line, exit 1, no journal', async () => {
    const exp = write('crash.json', {
      title: 't',
      description: 'd',
      'steady-state-hypothesis': { title: 'h', probes: [{ type: 'probe', name: 'p', tolerance: 0, provider: { type: 'process', path: 'no-such-binary-here' } }] },
      method: [],
    });
    const journal = join(dir, 'crash-journal.json');
    const r = await turbulence(['--no-log-file', 'run', '--no-validation', '--journal-path', journal, exp]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no-such-binary-here/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace without --verbose');
    assert.equal(existsSync(journal), false);
  });

  it('writes the log file at debug level by default, and --log-format json gives progress events', async () => {
    const exp = write('logs.json', experiment('true'));
    const logFile = join(dir, 'run.log');
    const r = await turbulence(['--log-file', logFile, '--log-format', 'json', 'run', '--journal-path', join(dir, 'j5.json'), exp]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stderr.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const completed = lines.filter((l) => l.event === 'activity-completed');
    assert.deepEqual(
      completed.map((l) => [l.phase, l.name, l.status]),
      [
        ['before', 'check', 'succeeded'],
        ['method', 'act', 'succeeded'],
        ['after', 'check', 'succeeded'],
      ],
    );
    assert.equal(lines.at(-1)?.event === 'run-finished' || lines.some((l) => l.event === 'run-finished'), true);
    const file = readFileSync(logFile, 'utf8');
    assert.match(file, /"level":"debug"/, 'debug lines reach the log file');
    assert.match(file, /Running experiment: CLI run/);
  });
});

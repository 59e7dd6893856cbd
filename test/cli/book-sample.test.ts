// The sample of chapter 5 of "Learning Chaos Engineering": a service serves the content of exchange.dat over HTTP;
// the experiment moves the file away with the python provider os.rename and expects the service to answer 503 (the
// resilient variant: completed, exit 0), not 500 (the fragile one: deviated, exit 1). Turbulence runs it through
// the built CLI without any Python on PATH (os.rename is native); the reference runs the same experiment against
// its own instance of the service, and the two journals must agree.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { differences, normalize, type Outcome } from '../differential/harness.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(root, 'bin/turbulence.js');
const CHAOS = join(root, '.peers/venv/bin/chaos');
const tmp = mkdtempSync(join(tmpdir(), 'turbulence-book-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** The book's experiment, as published, with the service's address. */
const bookExperiment = (port: number) => ({
  title: 'Does our service tolerate the loss of its exchange file?',
  description: 'Our service reads data from an exchange file, can it support that file disappearing?',
  tags: ['tutorial', 'filesystem'],
  'steady-state-hypothesis': {
    title: 'The exchange file must exist',
    probes: [
      {
        type: 'probe',
        name: 'service-is-unavailable',
        tolerance: [200, 503],
        provider: { type: 'http', url: `http://127.0.0.1:${port}/` },
      },
    ],
  },
  method: [
    {
      name: 'move-exchange-file',
      type: 'action',
      provider: { type: 'python', module: 'os', func: 'rename', arguments: { src: './exchange.dat', dst: './exchange.dat.old' } },
    },
  ],
});

/** The book's service: the exchange file's content; when it is gone, 503 (resilient) or a server error (fragile). */
async function service(dir: string, resilient: boolean): Promise<{ port: number; hits: string[]; server: Server }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    let body: string;
    try {
      body = readFileSync(join(dir, 'exchange.dat'), 'utf8');
    } catch (err) {
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      res.writeHead(resilient && missing ? 503 : 500, { 'Content-Type': 'text/plain' });
      res.end(resilient && missing ? 'Service unavailable: the exchange file is missing' : 'A server error occurred.  Please contact the administrator.');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, hits, server };
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env, encoding: 'utf8' }, (err, _stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stderr }),
    );
  });
}

/** Runs the book sample with one engine in a fresh directory holding exchange.dat, against a fresh service. */
async function runSample(engine: 'turbulence' | 'reference', resilient: boolean, withFile = true): Promise<Outcome & { files: string[] }> {
  const dir = join(tmp, `${engine}-${resilient ? 'resilient' : 'fragile'}${withFile ? '' : '-no-file'}`);
  mkdirSync(dir);
  if (withFile) writeFileSync(join(dir, 'exchange.dat'), '1.0 GBP = 1.17 EUR\n');
  const svc = await service(dir, resilient);
  try {
    writeFileSync(join(dir, 'experiment.json'), JSON.stringify(bookExperiment(svc.port), null, 2));
    const args = ['--no-version-check', '--no-log-file', 'run', '--journal-path', 'journal.json', 'experiment.json'];
    const result =
      engine === 'turbulence'
        ? // no Python anywhere: PATH is an empty directory and no interpreter is configured
          await run(process.execPath, [BIN, ...args], dir, { PATH: NO_PYTHON, HOME: dir, NO_COLOR: '1' })
        : await run(CHAOS, args, dir, { PATH: process.env.PATH, HOME: dir, NO_COLOR: '1' });
    const journalPath = join(dir, 'journal.json');
    // each run has its own service: its port is the one thing the journals may differ in
    const text = existsSync(journalPath) ? readFileSync(journalPath, 'utf8').replaceAll(`127.0.0.1:${svc.port}/`, '127.0.0.1:PORT/') : null;
    const journal = text === null ? null : JSON.parse(text);
    const files = ['exchange.dat', 'exchange.dat.old'].filter((f) => existsSync(join(dir, f)));
    return { exit: result.code, journal, hits: [...new Set(svc.hits)].sort(), stderr: result.stderr, files };
  } finally {
    await new Promise((resolve) => svc.server.close(resolve));
  }
}

const NO_PYTHON = join(tmp, 'empty-path');
mkdirSync(NO_PYTHON);

describe('the book sample (Learning Chaos Engineering, chapter 5) runs without Python', () => {
  const row = { name: 'book sample', experiment: 'experiment.json', expect: { exit: 0 } };

  it('resilient service: 503 once the file is moved → completed, exit 0, as the reference', async () => {
    const [ours, ref] = await Promise.all([runSample('turbulence', true), runSample('reference', true)]);
    assert.equal(ours.exit, 0, ours.stderr);
    assert.equal(ours.journal?.status, 'completed');
    assert.equal(ours.journal?.deviated, false);
    assert.deepEqual(ours.journal?.run.map((r: { status: string; output: unknown }) => [r.status, r.output]), [['succeeded', null]]);
    assert.equal(ours.journal?.steady_states.after.probes[0].output.status, 503);
    assert.deepEqual(ours.files, ['exchange.dat.old']);
    assert.deepEqual(differences(normalize(ref, row), normalize(ours, row)), [], ref.stderr);
    assert.deepEqual(ref.files, ours.files);
  });

  it('fragile service: 500 once the file is moved → deviated, exit 1, as the reference', async () => {
    const [ours, ref] = await Promise.all([runSample('turbulence', false), runSample('reference', false)]);
    assert.equal(ours.exit, 1, ours.stderr);
    assert.equal(ours.journal?.status, 'completed');
    assert.equal(ours.journal?.deviated, true);
    assert.equal(ours.journal?.steady_states.before.steady_state_met, true);
    assert.equal(ours.journal?.steady_states.after.steady_state_met, false);
    assert.equal(ours.journal?.steady_states.after.probes[0].output.status, 500);
    assert.deepEqual(ours.files, ['exchange.dat.old']);
    assert.deepEqual(differences(normalize(ref, row), normalize(ours, row)), [], ref.stderr);
  });

  it('the environment the sample ran in has no Python: a module that is not native cannot be validated there', async () => {
    const dir = join(tmp, 'not-native');
    mkdirSync(dir);
    const experiment = bookExperiment(1);
    experiment.method[0]!.provider = { type: 'python', module: 'chaosaws.ec2.actions', func: 'stop_instances', arguments: { src: 'x', dst: 'y' } };
    writeFileSync(join(dir, 'experiment.json'), JSON.stringify(experiment));
    const result = await run(process.execPath, [BIN, '--no-log-file', 'validate', 'experiment.json'], dir, { PATH: NO_PYTHON, HOME: dir, NO_COLOR: '1' });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /could not find Python module 'chaosaws\.ec2\.actions' in activity 'move-exchange-file' \(it is not native to Turbulence\), and no Python interpreter found/);
  });

  it('without the file the action fails with the reference\'s OSError and the run completes (resilient: 503 throughout)', async () => {
    const [ours, ref] = await Promise.all([runSample('turbulence', true, false), runSample('reference', true, false)]);
    assert.equal(ours.exit, 0, ours.stderr);
    assert.equal(ours.journal?.run[0].status, 'failed');
    assert.deepEqual(ours.journal?.run[0].exception, [
      "chaoslib.exceptions.ActivityFailed: FileNotFoundError: [Errno 2] No such file or directory: './exchange.dat' -> './exchange.dat.old'\n",
    ]);
    assert.deepEqual(differences(normalize(ref, row), normalize(ours, row)), [], ref.stderr);
  });
});

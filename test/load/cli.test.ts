// `turbulence load` and the turbulence.load action through the built binary (npm run build first): the --json
// document, the table, exit codes with their one-line reasons, and a `turbulence run` whose method loads a server.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type TestServer, startServer } from './server.ts';

const bin = fileURLToPath(new URL('../../bin/turbulence.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'turbulence-load-cli-'));
let server: TestServer;
before(async () => (server = await startServer()));
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function turbulence(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, '--no-log-file', ...args], { cwd: dir, env: { PATH: process.env.PATH, HOME: dir, NO_COLOR: '1' } }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe('turbulence load', () => {
  it('--json prints one summary document', async () => {
    server.seen.requests = 0;
    const r = await turbulence(['load', '--json', '-n', '50', '-c', '2', '-m', 'PUT', '-H', 'X-A: 1', '-H', 'X-B: two', '-b', 'data', '-d', '20S', `${server.url}/x`]);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(s), ['url', 'method', 'mode', 'connections', 'duration', 'stopped_by', 'requests', 'latency_ms', 'status', 'non_2xx', 'errors', 'bytes', 'rate']);
    assert.deepEqual(Object.keys(s.latency_ms), ['min', 'mean', 'stdev', 'p50', 'p90', 'p99', 'p99_9', 'max']);
    assert.equal(s.method, 'PUT');
    assert.equal(s.stopped_by, 'requests');
    assert.equal(s.requests.completed, 50);
    assert.deepEqual(s.status, { '200': 50 });
    assert.deepEqual(s.errors, { total: 0 });
    assert.equal(server.seen.requests, 50);
    const h = server.seen.headers.at(-1)!;
    assert.equal(h['x-a'], '1');
    assert.equal(h['x-b'], 'two');
    assert.equal(server.seen.bodies.at(-1), 'data');
  });

  it('prints a table by default; --rate and @file bodies', async () => {
    writeFileSync(join(dir, 'body.json'), '{"k": 1}');
    server.seen.bodies.length = 0;
    const r = await turbulence(['load', '-r', '100', '-d', '500ms', '-b', '@body.json', '-m', 'POST', `${server.url}/`]);
    assert.equal(r.code, 0, r.stderr);
    for (const row of ['Target', 'Run', 'Requests', 'Latency', 'Status', 'Errors', 'Bytes', 'Schedule']) assert.match(r.stdout, new RegExp(`^${row} `, 'm'));
    assert.match(r.stdout, /fixed rate 100\/s/);
    assert.ok(server.seen.bodies.length >= 45 && server.seen.bodies.every((b) => b === '{"k": 1}'), String(server.seen.bodies.length));
  });

  it('exits 1 with a one-line reason when every request fails or the target is not allowed', async () => {
    const s = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => s.once('listening', r));
    const { port } = s.address() as AddressInfo;
    await new Promise((r) => s.close(r));
    const refused = await turbulence(['load', '-n', '3', '-c', '1', `http://127.0.0.1:${port}/`]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^turbulence load: every request failed \(connect_refused: 3\)$/m);

    const remote = await turbulence(['load', '-n', '1', 'http://192.0.2.1/']);
    assert.equal(remote.code, 1);
    assert.match(remote.stderr, /refusing to load 192\.0\.2\.1: not a loopback address; pass --allow-remote/);
    assert.equal(remote.stdout, '');

    const bad = await turbulence(['load', '-d', '10x', `${server.url}/`]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /invalid duration '10x'/);
    assert.doesNotMatch(bad.stderr, /at .*\.ts|at .*\.cjs/);
  });

  it('the generate_load action in a run returns the summary to the journal', async () => {
    server.seen.requests = 0;
    server.seen.headers.length = 0;
    const experiment = {
      title: 'load',
      description: 'the server answers under load',
      method: [
        {
          type: 'action',
          name: 'load the server',
          provider: { type: 'python', module: 'turbulence.load', func: 'generate_load', arguments: { url: `${server.url}/`, connections: 3, requests: 40, headers: { 'X-Run': 'yes' } } },
        },
      ],
    };
    writeFileSync(join(dir, 'experiment.json'), JSON.stringify(experiment));
    const r = await turbulence(['run', '--journal-path', 'journal.json', 'experiment.json']);
    assert.equal(r.code, 0, r.stderr);
    const journal = JSON.parse(readFileSync(join(dir, 'journal.json'), 'utf8'));
    const run = journal.run[0];
    assert.equal(run.status, 'succeeded');
    assert.equal(run.output.requests.completed, 40);
    assert.equal(run.output.mode, 'closed');
    assert.deepEqual(run.output.status, { '200': 40 });
    assert.equal(server.seen.requests, 40);
    assert.ok(server.seen.headers.every((h) => h['x-run'] === 'yes'));
  });

  it('an interrupted run stops the load at once', async () => {
    const experiment = {
      title: 'load',
      description: 'interrupted',
      method: [{ type: 'action', name: 'long load', provider: { type: 'python', module: 'turbulence.load', func: 'generate_load', arguments: { url: `${server.url}/delay?ms=5`, duration: 60 } } }],
    };
    writeFileSync(join(dir, 'long.json'), JSON.stringify(experiment));
    server.seen.requests = 0;
    const child = spawn(process.execPath, [bin, '--no-log-file', 'run', '--journal-path', 'long-journal.json', 'long.json'], { cwd: dir, stdio: 'ignore', env: { PATH: process.env.PATH, HOME: dir } });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    for (let i = 0; i < 300 && server.seen.requests < 20; i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(server.seen.requests >= 20, 'the load started');
    const t = performance.now();
    child.kill('SIGINT');
    const code = await exited;
    assert.ok(performance.now() - t < 3000, 'stopped within 3 s');
    assert.equal(code, 1);
    const seen = server.seen.requests;
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(server.seen.requests, seen, 'no request after the exit');
    assert.equal(JSON.parse(readFileSync(join(dir, 'long-journal.json'), 'utf8')).status, 'interrupted');
  });

  it('validate checks the action arguments against their schemas', async () => {
    const experiment = {
      title: 't',
      description: 'd',
      method: [{ type: 'action', name: 'l', provider: { type: 'python', module: 'turbulence.load', func: 'generate_load', arguments: { url: 'ftp://x', connections: 20000 } } }],
    };
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(experiment));
    const r = await turbulence(['validate', '--json', 'bad.json']);
    assert.equal(r.code, 1);
    const problems = JSON.parse(r.stdout).problems.map((p: { path: string; message: string }) => [p.path, p.message]);
    assert.deepEqual(problems, [
      ['$.method[0].provider.arguments.url', "argument 'url' of activity 'generate_load': expected an http:// or https:// URL"],
      ['$.method[0].provider.arguments.connections', "argument 'connections' of activity 'generate_load': expected a number of at most 10000"],
    ]);
  });
});

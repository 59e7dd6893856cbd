// End to end through the built binary: a hypothesis of tcp and http probes against a real service (a node child on a
// random 127.0.0.1 port), a method that kills the service by its port, and the journal showing the deviation.
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/turbulence.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'turbulence-probes-cli-'));
let service: ChildProcess | undefined;
after(() => {
  if (service && service.exitCode === null && service.signalCode === null) service.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function turbulence(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, '--no-log-file', ...args], { cwd: dir, env: { PATH: process.env.PATH, HOME: dir, NO_COLOR: '1' } }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

const SERVICE = `
require('http').createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ status: 'ok', rates: { 'EUR/USD': 1.08 } }));
}).listen(0, '127.0.0.1', function () { console.log(this.address().port); });`;

const python = (module: string, func: string, args: Record<string, unknown>) => ({ type: 'python', module, func, arguments: args });

describe('http and tcp probes in a run', () => {
  it('the hypothesis holds while the service runs and deviates once it is killed', async () => {
    service = spawn(process.execPath, ['-e', SERVICE], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
    const port = Number(await new Promise<string>((r) => service!.stdout!.once('data', (d) => r(String(d)))));
    const experiment = {
      title: 'the exchange service answers',
      description: 'probes of the native http and tcp drivers',
      configuration: { port, base: `http://127.0.0.1:${port}` },
      'steady-state-hypothesis': {
        title: 'the service is up and healthy',
        probes: [
          { type: 'probe', name: 'port-open', tolerance: true, provider: python('turbulence.tcp', 'port_open', { port: '${port}' }) },
          { type: 'probe', name: 'responds', tolerance: true, provider: python('turbulence.http', 'responds', { url: '${base}/health' }) },
          { type: 'probe', name: 'healthy', tolerance: 'ok', provider: python('turbulence.http', 'json_path', { url: '${base}/health', path: '$.status' }) },
          { type: 'probe', name: 'fast', tolerance: { type: 'range', range: [0, 2] }, provider: python('turbulence.http', 'latency', { url: '${base}/', samples: 1 }) },
        ],
      },
      method: [
        {
          type: 'action',
          name: 'kill-service',
          provider: python('turbulence.process', 'kill_process', { port: '${port}', signal: 'SIGKILL' }),
          // the signal is delivered asynchronously: give the kernel time to close the socket
          pauses: { after: 1 },
        },
      ],
    };
    writeFileSync(join(dir, 'service.json'), JSON.stringify(experiment));
    const r = await turbulence(['run', '--check-targets', '--journal-path', 'journal.json', 'service.json']);
    assert.equal(r.code, 1, r.stderr);
    const journal = JSON.parse(readFileSync(join(dir, 'journal.json'), 'utf8'));
    assert.equal(journal.status, 'completed');
    assert.equal(journal.deviated, true);
    const before = journal.steady_states.before;
    assert.equal(before.steady_state_met, true);
    assert.deepEqual(before.probes.slice(0, 3).map((p: { output: unknown }) => p.output), [true, true, 'ok']);
    assert.ok(typeof before.probes[3].output === 'number' && before.probes[3].output < 2);
    assert.deepEqual(journal.run[0].output, { pids: [service.pid], signal: 'SIGKILL' });
    const afterState = journal.steady_states.after;
    assert.equal(afterState.steady_state_met, false);
    assert.equal(afterState.probes[0].output, false);
  });
});

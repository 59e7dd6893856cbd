// `turbulence proxy` from the built binary: the ready line, the API, the token, a clean stop on SIGTERM/SIGINT.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { api } from './helpers.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'turbulence.js');

function start(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, '--no-log-file', 'proxy', '--port', '0', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready: ${err}`)), 10_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /^listening on (http:\/\/\S+)\n$/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    void exited.then(() => reject(new Error(`exited: ${err}`)));
  });
  return { child, ready, exited, output: () => ({ out, err }) };
}

test('turbulence proxy prints its URL, serves the API and stops cleanly on SIGTERM', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'turbulence-proxy-'));
  const config = join(dir, 'proxies.json');
  writeFileSync(config, JSON.stringify([{ name: 'from-file', upstream: '127.0.0.1:1', listen: '127.0.0.1:0' }]));
  const p = start(['--config', config, '--token-env', 'PROXY_TOKEN', '--seed', '3'], { PROXY_TOKEN: 'tok-123' });
  const url = await p.ready;
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal((await api({ url }, 'GET', '/proxies')).status, 401);
  const r = await api({ url }, 'GET', '/proxies', undefined, { Authorization: 'Bearer tok-123' });
  assert.deepEqual(Object.keys(r.json()), ['from-file']);
  p.child.kill('SIGTERM');
  assert.equal(await p.exited, 0);
  assert.ok(!p.output().err.includes('tok-123'), 'the token is never printed');
});

test('turbulence proxy stops on SIGINT and reports a bad option in one line', async () => {
  const p = start([]);
  await p.ready;
  p.child.kill('SIGINT');
  assert.equal(await p.exited, 0);
  const bad = start(['--token-env', 'NO_SUCH_VARIABLE_FOR_TEST']);
  assert.equal(await bad.exited, 1);
  assert.match(bad.output().err, /NO_SUCH_VARIABLE_FOR_TEST .* not set/);
  await bad.ready.catch(() => {});
});

// The replicated demo system on its own (the built dist/examples/replicas-*.cjs): round-robin, passive health (a dead
// replica's requests go to the next one), active health (a restarted replica is back in rotation), and 503 when no
// replica answers.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { get, request } from 'node:http';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const REPLICA = join(root, 'dist/examples/replicas-replica.cjs');
const BALANCER = join(root, 'dist/examples/replicas-balancer.cjs');
const children: ChildProcess[] = [];
after(() => children.forEach((c) => c.kill('SIGKILL')));

/** Starts a built script; resolves with its child and the port it listens on. */
function start(script: string, args: string[]): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`${script} did not start: ${err}`)), 5000);
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, port: Number(m[1]) });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code}): ${err}`));
    });
  });
}

function fetchText(port: number, path = '/'): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, agent: false, timeout: 3000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    })
      .on('error', reject)
      .on('timeout', function (this: { destroy(e: Error): void }) {
        this.destroy(new Error('timeout'));
      });
  });
}

const bodies = async (port: number, n: number) => {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push((await fetchText(port)).body.trim());
  return out;
};

const died = (c: ChildProcess) => new Promise((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve(null) : c.once('exit', resolve)));

describe('the replicated demo system', () => {
  it('round-robin; a killed replica is routed around at once, and is back in rotation after a restart', async () => {
    const replicas = await Promise.all([1, 2, 3].map((id) => start(REPLICA, [`--id=${id}`, '--port=0'])));
    const lb = await start(BALANCER, [`--replicas=${replicas.map((r) => r.port).join(',')}`, '--port=0']);
    assert.deepEqual(await bodies(lb.port, 6), ['replica 1', 'replica 2', 'replica 3', 'replica 1', 'replica 2', 'replica 3']);
    const answer = await fetchText(lb.port);
    assert.equal(answer.headers['x-replica'], '1');
    assert.equal((await fetchText(replicas[0]!.port, '/health')).body, 'ok\n');

    replicas[1]!.child.kill('SIGKILL');
    await died(replicas[1]!.child);
    // requests meant for replica 2 fail over to the next replica, whether or not a health check noticed it yet
    const during = await bodies(lb.port, 9);
    assert.equal(during.length, 9);
    assert.ok(!during.includes('replica 2'), during.join());
    assert.deepEqual(new Set(during), new Set(['replica 1', 'replica 3']));

    // restarted on the same port: the active health check (every 0.5 s) brings it back
    await start(REPLICA, ['--id=2', `--port=${replicas[1]!.port}`]);
    const deadline = Date.now() + 3000;
    let back: string[] = [];
    while (Date.now() < deadline && !back.includes('replica 2')) {
      await new Promise((r) => setTimeout(r, 100));
      back = await bodies(lb.port, 3);
    }
    assert.ok(back.includes('replica 2'), back.join());
  });

  it('no replica answers: 503 with Retry-After; other methods than GET and HEAD: 405', async () => {
    const replica = await start(REPLICA, ['--id=solo', '--port=0']);
    const lb = await start(BALANCER, [`--replicas=${replica.port}`, '--port=0']);
    assert.equal((await fetchText(lb.port)).body, 'replica solo\n');
    replica.child.kill('SIGKILL');
    await died(replica.child);
    for (let i = 0; i < 3; i++) {
      const r = await fetchText(lb.port);
      assert.equal(r.status, 503);
      assert.equal(r.body, 'no replica available\n');
      assert.equal(r.headers['retry-after'], '1');
    }
    const post = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: lb.port, method: 'POST', path: '/', agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject).end();
    });
    assert.equal(post, 405);
  });

  it('refuses bad arguments with exit code 2', async () => {
    await assert.rejects(start(BALANCER, ['--port=0']), /exited \(2\): load balancer: no replicas/);
    await assert.rejects(start(BALANCER, ['--replicas=80,x', '--port=0']), /invalid replica ports/);
    await assert.rejects(start(REPLICA, ['--id=a b', '--port=0']), /exited \(2\): replica: invalid id/);
  });
});

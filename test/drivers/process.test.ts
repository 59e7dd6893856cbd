// The process driver against real processes: `sleep` children in their own process groups (Turbulence never
// signals its own group) and a node server on a random 127.0.0.1 port for find-by-port and port_listening.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ActivityFailed } from '../../src/errors.ts';
import type { Activity } from '../../src/experiment/types.ts';
import '../../src/providers/index.ts';
import { findActivity } from '../../src/drivers/define.ts';
import { getProvider } from '../../src/providers/registry.ts';

const provider = getProvider('python')!;
const children: ChildProcess[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** A `sleep` in its own process group, with a marker in its command line that no other process has. */
async function sleeper(): Promise<{ child: ChildProcess; marker: string }> {
  const marker = `${1000 + Math.floor(Math.random() * 9e6)}.5`;
  const child = spawn('sleep', [marker], { detached: true, stdio: 'ignore' });
  children.push(child);
  await new Promise((r) => child.once('spawn', r));
  return { child, marker };
}

const call = (func: string, args: Record<string, unknown>) => {
  const activity = { type: 'action', name: func, provider: { type: 'python', module: 'turbulence.process', func, arguments: args } } as Activity;
  return provider.run(activity, { configuration: {}, secrets: {} });
};

/** The process state letter from /proc (T: stopped). */
async function state(pid: number): Promise<string> {
  const { readFileSync } = await import('node:fs');
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return text.slice(text.lastIndexOf(')') + 2)[0]!;
}

const exited = (c: ChildProcess) => new Promise<string | null>((r) => (c.exitCode !== null || c.signalCode !== null ? r(c.signalCode) : c.once('exit', (_, s) => r(s))));

describe('turbulence.process', () => {
  it('kill_process by command-line pattern sends SIGTERM and returns the pids', async () => {
    const { child, marker } = await sleeper();
    assert.equal(await call('process_running', { pattern: `sleep ${marker.replace('.', '\\.')}` }), true);
    const r = (await call('kill_process', { pattern: `sleep ${marker.replace('.', '\\.')}` })) as { pids: number[]; signal: string };
    assert.deepEqual(r, { pids: [child.pid], signal: 'SIGTERM' });
    assert.equal(await exited(child), 'SIGTERM');
    assert.equal(await call('process_running', { pid: child.pid }), false);
  });

  it('kill_process by pid with SIGKILL; by name counts every sleep', async () => {
    const a = await sleeper();
    const b = await sleeper();
    assert.ok(((await call('process_count', { name: 'sleep' })) as number) >= 2);
    assert.equal(await call('process_count', { name: 'sleep', pid: [a.child.pid, b.child.pid] }), 2);
    await call('kill_process', { pid: a.child.pid, signal: 'SIGKILL' });
    assert.equal(await exited(a.child), 'SIGKILL');
    assert.equal(await call('process_count', { pid: [a.child.pid, b.child.pid] }), 1);
  });

  it('pause_process stops the process and its undo (resume_process) continues it', async () => {
    const { child } = await sleeper();
    const r = await call('pause_process', { pid: child.pid });
    // signal delivery is asynchronous: wait (bounded) for the kernel to show the stop
    assert.equal(await settledState(child.pid!, (s) => s === 'T'), 'T');
    const undo = findActivity('turbulence.process', 'pause_process')!.undo!({ pid: child.pid }, r);
    assert.deepEqual(undo, { module: 'turbulence.process', func: 'resume_process', arguments: { pid: [child.pid] } });
    await call(undo!.func, undo!.arguments);
    assert.notEqual(await settledState(child.pid!, (s) => s !== 'T'), 'T');
  });

  it('start_process returns the pid of a running command; its undo terminates it', async () => {
    const pid = (await call('start_process', { argv: ['sleep', '30'], env: { TURBULENCE_TEST: '1' } })) as number;
    assert.equal(await call('process_running', { pid, name: 'sleep' }), true);
    const undo = findActivity('turbulence.process', 'start_process')!.undo!({}, pid)!;
    assert.deepEqual(undo.arguments, { pid, signal: 'SIGTERM' });
    await call(undo.func, undo.arguments);
    for (let i = 0; i < 100 && (await call('process_running', { pid })); i++) await sleep(20);
    assert.equal(await call('process_running', { pid }), false);
    await assert.rejects(call('start_process', { argv: ['/no/such/binary'] }), /cannot start "\/no\/such\/binary": no such file/);
  });

  it('finds the process listening on a port, and port_listening follows the server', async () => {
    const server = spawn(process.execPath, ['-e', "require('net').createServer().listen(0, '127.0.0.1', function () { console.log(this.address().port) })"], {
      detached: true,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    children.push(server);
    const port = Number(await new Promise<string>((r) => server.stdout!.once('data', (d) => r(String(d)))));
    assert.equal(await call('port_listening', { port }), true);
    assert.deepEqual(await call('process_count', { port }), 1);
    const r = (await call('kill_process', { port })) as { pids: number[] };
    assert.deepEqual(r.pids, [server.pid]);
    await exited(server);
    assert.equal(await call('port_listening', { port }), false);
    assert.equal(await call('process_running', { port }), false);
  });

  it('sees a listener of this very process but never selects Turbulence itself', async () => {
    const srv = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => srv.once('listening', r));
    const { port } = srv.address() as AddressInfo;
    try {
      assert.equal(await call('port_listening', { port }), true);
      const own = "(1 matching process is in Turbulence's own process group, never selected: start targets in another session, e.g. with setsid)";
      await assert.rejects(call('kill_process', { port }), (e: Error) => e instanceof ActivityFailed && e.message === `no process matches port=${port} ${own}`);
      await assert.rejects(call('kill_process', { pid: process.pid }), (e: Error) => e.message === `no process matches pid=${process.pid} ${own}`);
      await assert.rejects(call('kill_process', { pid: 1 }), (e: Error) => e.message === 'no process matches pid=1');
    } finally {
      srv.close();
    }
  });

  it("says so when the only matches are in Turbulence's own process group (a child started without a session)", async () => {
    const marker = `${1000 + Math.floor(Math.random() * 9e6)}.25`;
    const child = spawn('sleep', [marker], { stdio: 'ignore' });
    children.push(child);
    await new Promise((r) => child.once('spawn', r));
    await assert.rejects(call('kill_process', { pattern: `^sleep ${marker}$` }), /matching process is in Turbulence's own process group/);
    assert.equal(child.exitCode, null);
    assert.equal(child.signalCode, null);
  });

  it('fails clearly without a selector, with a bad pattern, and on bad argument values at run time', async () => {
    await assert.rejects(call('kill_process', {}), /no process selector given/);
    await assert.rejects(call('process_count', { pattern: '(' }), /invalid process pattern "\("/);
    await assert.rejects(call('kill_process', { pid: 999999999, signal: 'SIGNOPE' }), (e: Error) =>
      e instanceof ActivityFailed && e.message.startsWith(`argument 'signal' of activity 'kill_process': expected one of "SIGTERM"`),
    );
    await assert.rejects(call('kill_process', { pid: 'x' }), /argument 'pid' of activity 'kill_process': expected an integer, found a string/);
  });
});

/** The process state once `done` holds, or the last state seen after 2 s. */
async function settledState(pid: number, done: (s: string) => boolean): Promise<string> {
  let s = await state(pid);
  for (let i = 0; i < 100 && !done(s); i++) {
    await new Promise((r) => setTimeout(r, 20));
    s = await state(pid);
  }
  return s;
}

// The control plane's processes: each logs to a file in the cluster's directory and dies with the test process.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Proc {
  name: string;
  child: ChildProcess;
  log: string;
  exited: boolean;
}

const live = new Set<ChildProcess>();
const dirs = new Set<string>();
let exitHookInstalled = false;

/** Kills what is left and removes the clusters' directories (etcd's data is in /dev/shm, i.e. memory). */
function cleanUp(): void {
  for (const c of live) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A test process that ends without after(), or is interrupted, still takes its control plane with it.
  process.on('exit', cleanUp);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      cleanUp();
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

/** Registers a directory to remove if the process ends before the cluster is stopped. */
export function ownDirectory(dir: string): () => void {
  installExitHook();
  dirs.add(dir);
  return () => dirs.delete(dir);
}

export function launch(dir: string, name: string, bin: string, args: string[]): Proc {
  const log = join(dir, `${name}.log`);
  const fd = openSync(log, 'a');
  const child = spawn(bin, args, { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const proc: Proc = { name, child, log, exited: false };
  live.add(child);
  child.on('error', (e) => {
    proc.exited = true;
    live.delete(child);
    writeFileSync(log, `failed to start ${bin}: ${e.message}\n`, { flag: 'a' });
  });
  child.on('exit', () => {
    proc.exited = true;
    live.delete(child);
  });
  installExitHook();
  return proc;
}

export async function terminate(p: Proc): Promise<void> {
  if (p.exited) return;
  const gone = new Promise((r) => p.child.once('exit', r));
  p.child.kill('SIGTERM');
  const killed = await Promise.race([gone.then(() => true), sleep(5000, undefined, { ref: false }).then(() => false)]);
  if (!killed) {
    p.child.kill('SIGKILL');
    await gone;
  }
}

export function alive(procs: Proc[]): void {
  const dead = procs.find((p) => p.exited);
  if (dead) throw new Error(`${dead.name} exited (exit code ${dead.child.exitCode})`);
}

export function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

// Starting and stopping the demo systems' processes. Each service runs in its own process group, so the experiment's
// process faults can select it (Turbulence's own group is never selected) and a Ctrl-C on the terminal reaches only
// Turbulence, which then stops the services itself. Every process started during a demo run carries
// $TURBULENCE_DEMO_PID in its environment (also one the experiment starts), which is how the demo finds and stops the
// processes it did not start itself, and how a service notices that Turbulence is gone.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ChaosError } from '../../errors.ts';

const STARTUP_MS = 10_000;
const STOP_MS = 2_000;
export const DEMO_PID_ENV = 'TURBULENCE_DEMO_PID';

/** The package's root: the bundle lives in dist/, the sources in src/cli/demo/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'examples'))) {
    const up = dirname(dir);
    if (up === dir) throw new ChaosError('cannot find the examples/ directory of Turbulence');
    dir = up;
  }
  return dir;
}

/** A built example script (dist/examples/NAME.cjs), checked to exist. */
export function exampleScript(root: string, name: string): string {
  const script = join(root, 'dist', 'examples', `${name}.cjs`);
  if (!existsSync(script)) throw new ChaosError(`the demo service is not built (${script}): run \`npm run build\` first`);
  return script;
}

export interface Service {
  name: string;
  child: ChildProcess;
  url: string;
  port: number;
}

/**
 * Starts `node script ...args` in `cwd` and resolves once it printed "listening on URL" and answers over HTTP.
 * `name` says what it is in messages ("the fragile exchange service").
 */
export async function startService(name: string, script: string, args: string[], cwd: string): Promise<Service> {
  const child = spawn(process.execPath, [script, ...args], { cwd, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new ChaosError(`${name} did not start in time`)), STARTUP_MS);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /listening on (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new ChaosError(`cannot start ${name}: ${err.message}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new ChaosError(`${name} exited (code ${code}) before answering: ${stderr.trim()}`));
    });
  })
    .then(async (u) => {
      await answers(name, u);
      return u;
    })
    .catch(async (err) => {
      await stopServices([child]);
      throw err;
    });
  // its later output is not shown; keep reading so that it never blocks on a full pipe
  child.stdout!.resume();
  return { name, child, url, port: Number(new URL(url).port) };
}

/** Resolves when a GET of `url` gets any HTTP answer. */
function answers(name: string, url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { timeout: STARTUP_MS }, (res) => {
      res.resume();
      resolve();
    });
    req.on('error', reject).on('timeout', () => req.destroy(new ChaosError(`${name} at ${url} does not answer`)));
    req.end();
  });
}

const running = (c: ChildProcess) => c.exitCode === null && c.signalCode === null;

/** SIGTERM to each child still running, without waiting: for process 'exit', where nothing can be awaited. */
export function signalServices(children: ChildProcess[]): void {
  for (const c of children) if (running(c)) c.kill('SIGTERM');
}

/** Stops the children and waits until they are gone (SIGKILL for one that ignores SIGTERM for 2 s). */
export async function stopServices(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.filter(running).map(
      (c) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => c.kill('SIGKILL'), STOP_MS);
          c.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          if (!running(c)) resolve(); // exited between the check and the listener
          c.kill('SIGTERM');
        }),
    ),
  );
}

/** Whether the process exists and is not a zombie (a zombie is dead, only not yet reaped by its parent). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

/**
 * The live processes whose environment says this Turbulence started them during a demo run. Linux only (/proc);
 * elsewhere the services stop by themselves once Turbulence is gone.
 */
export function demoProcesses(): number[] {
  if (!existsSync('/proc/self/environ')) return [];
  const mark = `\0${DEMO_PID_ENV}=${process.pid}\0`;
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (`\0${readFileSync(`/proc/${entry}/environ`, 'latin1')}`.includes(mark) && alive(Number(entry))) found.push(Number(entry));
    } catch {
      // gone, or another user's
    }
  }
  return found;
}

/**
 * Stops the demo processes other than `known` (those Turbulence started and stops itself): a replica the experiment
 * restarted. Waits until they are gone (SIGKILL after 2 s) and returns their pids.
 */
export async function stopDemoProcesses(known: ReadonlySet<number | undefined>): Promise<number[]> {
  const pids = demoProcesses().filter((p) => !known.has(p));
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + STOP_MS;
  let killed = false;
  // bounded: a process that even SIGKILL does not end (stuck in the kernel) is left to end on its own
  while (pids.some(alive) && Date.now() < deadline + STOP_MS) {
    if (!killed && Date.now() > deadline) {
      killed = true;
      pids.forEach((p) => signal(p, 'SIGKILL'));
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return pids;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

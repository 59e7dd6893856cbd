// The `process` provider: runs a binary and returns {status, stdout, stderr}. A non-zero exit is an output, not a
// failure; only the provider `timeout` fails the activity. Mirrors chaoslib/provider/process.py.
import { accessSync, constants as fs, readFileSync, statSync } from 'node:fs';
import { constants as os, userInfo } from 'node:os';
import { ActivityFailed, ChaosError } from '../errors.ts';
import { isPlainObject, pythonRepr, pythonStr, pythonTruthy, pythonTypeName } from '../python/values.ts';
import { substitute } from '../experiment/substitute.ts';
import type { Activity, ProcessProvider } from '../experiment/types.ts';
import { isLogged, log } from '../log.ts';
import { abortReason } from './abort.ts';
import { decodeGuess } from './charset.ts';
import { registerProvider, type ProviderContext, type ProviderType } from './registry.ts';

export interface ProcessOutput {
  status: number;
  stdout: string;
  stderr: string;
}

// Bare names found in PATH, per PATH value: a probe run hundreds of times is looked up once. A binary removed since
// then fails at spawn, which aborts the run just as the reference's failed lookup does.
const found = new Map<string, string>();

/** `shutil.which(cmd)`: a path with a slash is checked as it is, a bare name is looked up in PATH. */
export function which(cmd: string): string | null {
  if (cmd.includes('/')) return isExecutableFile(cmd) ? cmd : null;
  const path = process.env.PATH ?? '/bin:/usr/bin';
  if (!path) return null;
  const key = `${path}\0${cmd}`;
  const known = found.get(key);
  if (known !== undefined) return known;
  const seen = new Set<string>();
  for (const dir of path.split(':')) {
    if (seen.has(dir)) continue;
    seen.add(dir);
    const candidate = dir === '' ? cmd : dir.endsWith('/') ? dir + cmd : `${dir}/${cmd}`;
    if (isExecutableFile(candidate)) {
      found.set(key, candidate);
      return candidate;
    }
  }
  return null;
}

function isExecutableFile(p: string): boolean {
  const st = statSync(p, { throwIfNoEntry: false });
  if (!st || st.isDirectory()) return false;
  try {
    accessSync(p, fs.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `os.path.expanduser`: `~` is $HOME (or the password database), `~name` that user's home; unknown users stay. */
export function expandUser(p: string): string {
  if (!p.startsWith('~')) return p;
  let i = p.indexOf('/', 1);
  if (i < 0) i = p.length;
  const home = i === 1 ? (process.env.HOME ?? ownHome()) : passwdHome(p.slice(1, i));
  if (home === undefined) return p;
  return home.replace(/\/+$/, '') + p.slice(i) || '/';
}

function ownHome(): string | undefined {
  try {
    return userInfo().homedir;
  } catch {
    return undefined;
  }
}

function passwdHome(name: string): string | undefined {
  try {
    const line = readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .find((l) => l.split(':')[0] === name);
    return line?.split(':')[5];
  } catch {
    return undefined;
  }
}

/** argv after the binary: each item through Python's str(), None and "" dropped; a mapping gives key, value, … */
export function toArgv(args: unknown): string[] {
  let items: unknown[];
  if (Array.isArray(args)) items = args;
  else if (isPlainObject(args)) items = Object.entries(args).flat();
  else throw new ChaosError(`process arguments must be a string, a list or a mapping: '${pythonTypeName(args)}' object is not iterable`);
  const argv: string[] = [];
  for (const item of items) if (item !== null && item !== undefined && item !== '') argv.push(pythonStr(item));
  return argv;
}

/** The provider timeout in ms, or null for none. Python compares it as a number, so booleans count as 0/1. */
function timeoutMs(timeout: unknown): number | null {
  if (timeout === null || timeout === undefined) return null;
  if (typeof timeout !== 'number' && typeof timeout !== 'boolean') {
    throw new ChaosError(`process activity timeout must be a number, not '${pythonTypeName(timeout)}'`);
  }
  const ms = Number(timeout) * 1000;
  // Beyond setTimeout's range (24.8 days) is as good as no timeout.
  return ms > 0x7fffffff ? null : Math.max(ms, 0);
}

type Spawn = typeof import('node:child_process').spawn;
let loadedSpawn: Spawn | undefined;

async function runProcess(activity: Activity, ctx: ProviderContext): Promise<ProcessOutput> {
  const provider = activity.provider as ProcessProvider;
  const { configuration, secrets } = ctx;
  let args: unknown = 'arguments' in provider ? provider.arguments : [];
  if (pythonTruthy(args) && (pythonTruthy(configuration) || pythonTruthy(secrets))) {
    args = substitute(args, configuration, secrets);
  }
  const timeout = timeoutMs(provider.timeout);
  const path = which(expandUser(String(provider.path)));

  let file: string;
  let argv: string[];
  if (typeof args === 'string') {
    // Like Python's shell=True; a missing binary reaches the shell as "None", as in the reference (exit 127).
    file = '/bin/sh';
    argv = ['-c', `${path ?? 'None'} ${args}`];
    log.debug(`Running: ${argv[1]}`);
  } else {
    argv = toArgv(args);
    // The reference crashes here (a TypeError), which aborts the run instead of failing the activity.
    if (path === null) throw new ChaosError(`process activity '${activity.name}': path '${String(provider.path)}' cannot be found`);
    file = path;
    // the repr of the argv costs a few µs per spawn: only built when the line goes somewhere
    if (isLogged('debug')) log.debug(`Running: ${pythonRepr([path, ...argv])}`);
  }

  // node:child_process is loaded on first use: `turbulence validate` must start fast and never spawns.
  loadedSpawn ??= (await import('node:child_process')).spawn;
  const { status, stdout, stderr } = await execute(loadedSpawn, file, argv, timeout, ctx.signal);
  if (!('tolerance' in activity) && status > 0) {
    log.warning(
      'This process returned a non-zero exit code. This may indicate some error and not what you expected. ' +
        'Please have a look at the logs.',
    );
  }
  return { status, stdout: decodeGuess(stdout), stderr: decodeGuess(stderr) };
}

interface Exit {
  status: number;
  stdout: Buffer;
  stderr: Buffer;
}

/** Spawns in its own process group so a timeout or an interruption kills everything it started. */
function execute(
  spawn: Spawn,
  file: string,
  argv: string[],
  timeout: number | null,
  signal: AbortSignal | undefined,
): Promise<Exit> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const child = spawn(file, argv, { stdio: ['inherit', 'pipe', 'pipe'], detached: true });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => stdout.push(b));
    child.stderr.on('data', (b: Buffer) => stderr.push(b));

    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const settle = (err: Error | null, exit?: Exit) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve(exit!);
    };
    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const onAbort = () => {
      killGroup();
      settle(abortReason(signal!));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    if (timeout !== null) {
      timer = setTimeout(() => {
        killGroup();
        settle(new ActivityFailed('process activity took too long to complete'));
      }, timeout);
    }
    child.on('error', (e: NodeJS.ErrnoException) => settle(new ChaosError(`cannot run '${file}': ${e.message}`)));
    child.on('close', (code, sig) => {
      // Python reports a death by signal N as -N.
      const status = code ?? -(sig ? os.signals[sig] : 0);
      settle(null, { status, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr) });
    });
  });
}

export const processProvider: ProviderType = {
  type: 'process',
  validate(activity, path) {
    const p = (activity.provider as ProcessProvider).path;
    // Validation looks the raw path up (no ~ expansion), as the reference does.
    if (typeof p !== 'string' || !p || which(p) !== null) return [];
    return [{ message: `path '${p}' cannot be found, in activity '${activity.name}'`, path: [...path, 'provider', 'path'] }];
  },
  run: runProcess,
};

registerProvider(processProvider);

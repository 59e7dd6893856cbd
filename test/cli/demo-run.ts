// Runs `turbulence demo` through the built binary for the demo tests, and looks for processes it left behind.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(root, 'bin/turbulence.js');

export interface Demo {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The Turbulence process. */
  pid: number;
  /** The pids of the services the demo said it started, and of the processes the experiment started. */
  pids: number[];
  journals: string[];
}

/**
 * Runs the demo in `cwd` (its temporary directories go there too, through TMPDIR); `onStderr` sees the stderr so far
 * after each chunk and may signal the demo.
 */
export function demo(cwd: string, args: string[], onStderr?: (stderr: string, pid: number) => void): Promise<Demo> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, '--no-log-file', 'demo', ...args], {
      cwd,
      env: { PATH: process.env.PATH, HOME: cwd, TMPDIR: cwd, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      onStderr?.(stderr, child.pid!);
    });
    child.on('close', (code) => {
      const pids = [...stderr.matchAll(/\bpids? ([\d, ]+\d)/g)].flatMap((m) => m[1]!.split(', ').map(Number));
      resolve({ code, stdout, stderr, pid: child.pid!, pids: [...new Set(pids)], journals: [...stderr.matchAll(/journal: (\S+)/g)].map((m) => m[1]!) });
    });
  });
}

/** Whether the process exists and is not a zombie. */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

/** Live processes started on behalf of the demo process `demoPid` (they carry TURBULENCE_DEMO_PID=demoPid). */
export function leftovers(demoPid: number): number[] {
  const mark = `\0TURBULENCE_DEMO_PID=${demoPid}\0`;
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .map(Number)
    .filter((pid) => {
      try {
        return alive(pid) && `\0${readFileSync(`/proc/${pid}/environ`, 'latin1')}`.includes(mark);
      } catch {
        return false;
      }
    });
}

export const journal = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

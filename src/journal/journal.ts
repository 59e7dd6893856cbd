// The journal, in the reference's shape and key order so existing Chaos Toolkit tooling reads it.
import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { arch, hostname, release } from 'node:os';
import type { Activity, Experiment } from '../experiment/types.ts';
import { CHAOSLIB_VERSION, VERSION } from '../version.ts';

export type ActivityStatus = 'succeeded' | 'failed';

/** One executed activity. `status` is absent when the activity was interrupted. */
export interface ActivityRun {
  activity: Activity;
  output: unknown;
  start: string;
  status?: ActivityStatus;
  exception?: string[];
  end?: string;
  duration?: number;
  tolerance_met?: boolean;
  [key: string]: unknown;
}

export interface HypothesisState {
  steady_state_met: boolean | null;
  probes: ActivityRun[];
}

export type RunStatus = 'completed' | 'failed' | 'aborted' | 'interrupted';

export interface Journal {
  'chaoslib-version': string;
  platform: string;
  node: string;
  experiment: Experiment;
  start: string;
  status: RunStatus | null;
  deviated: boolean;
  steady_states: { before: HypothesisState | null; after: HypothesisState | null; during: (HypothesisState | null)[] };
  run: ActivityRun[];
  rollbacks: ActivityRun[];
  end?: string;
  duration?: number;
  [key: string]: unknown;
}

let platformCache: Promise<string> | undefined;

/**
 * Python's platform.platform() on Linux: `Linux-<release>-<machine>-with-glibc<version>`. Like Python, the glibc
 * version is read from the C library itself; the read is asynchronous so it overlaps the run instead of delaying it.
 */
export function platformString(): Promise<string> {
  platformCache ??= (async () => {
    const machine = ({ x64: 'x86_64', arm64: 'aarch64', ia32: 'i686' } as Record<string, string>)[arch()] ?? arch();
    const system = process.platform === 'linux' ? 'Linux' : process.platform === 'darwin' ? 'macOS' : process.platform;
    const glibc = process.platform === 'linux' ? await glibcVersion() : undefined;
    return `${system}-${release()}-${machine}` + (glibc ? `-with-glibc${glibc}` : '');
  })();
  return platformCache;
}

async function glibcVersion(): Promise<string | undefined> {
  try {
    const maps = await readFile('/proc/self/maps', 'latin1');
    const libc = / (\/\S*\/libc\.so\.6)$/m.exec(maps)?.[1];
    if (!libc) return undefined;
    const image = await readFile(libc);
    const at = image.indexOf('release version ');
    return at < 0 ? undefined : /^release version (\d+\.\d+)/.exec(image.toString('latin1', at, at + 40))?.[1];
  } catch {
    return undefined;
  }
}

/** A new journal; `platform` is filled in by the runner once platformString() has resolved. */
export function initJournal(experiment: Experiment, start: string): Journal {
  return {
    'chaoslib-version': CHAOSLIB_VERSION,
    platform: '',
    node: hostname(),
    // a shallow copy, as the reference: later changes to the experiment's top level do not show
    experiment: { ...experiment },
    start,
    status: null,
    deviated: false,
    steady_states: { before: null, after: null, during: [] },
    run: [],
    rollbacks: [],
  };
}

/**
 * JSON for the journal file: indent 2, non-ASCII kept, Turbulence's own keys (`turbulence`: what the fault ledger
 * reverted or kept; `turbulence-version`) appended after the reference's keys.
 */
export function serializeJournal(journal: Journal): string {
  const { turbulence, ...reference } = journal;
  return JSON.stringify({ ...reference, ...(turbulence === undefined ? {} : { turbulence }), 'turbulence-version': VERSION }, jsonReplacer, 2);
}

export function writeJournal(journal: Journal, path: string): void {
  writeFileSync(path, serializeJournal(journal));
}

/** Values JSON cannot hold become strings, like the reference's encoder (dates, big numbers). */
function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  return value;
}

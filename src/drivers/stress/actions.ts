// Stress faults: load the CPUs, hold memory, keep the disk busy, for a bounded time, with stress-ng when it is on
// PATH or the built-in stressor otherwise. Each action waits for its duration unless `wait` is false, and is undone
// by stopping its stressor (`stop_stress`, which users may call too).
import { availableParallelism, tmpdir } from 'node:os';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ActivityFailed } from '../../errors.ts';
import { arr, bool, int, num, obj, oneOf, opt, req, str, union } from '../../experiment/schema/vocabulary.ts';
import { abortReason } from '../../providers/abort.ts';
import type { NativeContext } from '../../providers/python/native.ts';
import type { DriverActivity, DriverArgument, UndoCall } from '../define.ts';
import { MAX_IO_BYTES, MAX_IO_WORKERS, checkDisk, checkMemory, durationNode, findStressNg, formatBytes, memoryBudget, parseSize, sizeNode } from './limits.ts';
import { type Engine, type StressSpec, largestRss, launch, running, stopStressor } from './stressor.ts';

export const MODULE = 'turbulence.stress';
/** stress_io's scratch directories: <path>/turbulence-stress-io-XXXXXX */
export const IO_DIR_PREFIX = 'turbulence-stress-io-';

const common: DriverArgument[] = [
  { name: 'duration', schema: durationNode, default: 60 },
  { name: 'engine', schema: oneOf(['auto', 'stress-ng', 'builtin'], { description: 'auto: stress-ng when it is on PATH, else built-in' }), default: 'auto' },
  { name: 'wait', schema: bool({ description: 'false: start the stress in the background and return at once' }), default: true },
];

function chooseEngine(wanted: string): { engine: Engine; stressNg: string | null } {
  const stressNg = wanted === 'builtin' ? null : findStressNg();
  if (wanted === 'stress-ng' && !stressNg) throw new ActivityFailed('engine "stress-ng" asked but stress-ng is not on PATH (install it, or use engine "builtin")');
  return { engine: stressNg ? 'stress-ng' : 'builtin', stressNg };
}

/** The fault ledger's tag for the stressor, chosen before it starts (see ledger.ts). */
const tagOf = (plan: unknown) => (plan as { tag?: string } | undefined)?.tag;

/** The fingerprinted stop of the stressor a stress action started. */
const stopCall = (_: unknown, result: unknown): UndoCall | null => {
  const r = result as { pids?: number[]; start_time?: number } | null;
  if (!r?.pids?.length) return null;
  return { module: MODULE, func: 'stop_stress', arguments: { pids: [{ pid: r.pids[0]!, start_time: r.start_time ?? null }] } };
};

/**
 * Runs the stressor; with `wait`, until its duration has passed (stopping it if the run is interrupted), returning
 * what it achieved; without, returns once the load is in place.
 */
async function stress(
  spec: Omit<StressSpec, 'engine' | 'argv'>,
  args: Record<string, unknown>,
  stressNgArgs: (duration: string) => string[],
  described: Record<string, unknown>,
  ctx: NativeContext,
): Promise<Record<string, unknown>> {
  let s;
  try {
    const { engine, stressNg } = chooseEngine(args.engine as string);
    if (ctx.signal?.aborted) throw abortReason(ctx.signal);
    const full: StressSpec = { ...spec, engine };
    // stress-ng's own timeout is a backstop: the stressor ends it at the exact duration
    if (stressNg) full.argv = [stressNg, ...stressNgArgs(`${Math.ceil(spec.duration) + 1}s`)];
    s = await launch(full);
  } catch (err) {
    if (spec.dir) rmSync(spec.dir, { recursive: true, force: true });
    throw err;
  }
  const engine = s.engine;
  const result: Record<string, unknown> = { engine, pids: [s.pid, ...s.enginePids], start_time: s.started, duration: spec.duration, ...described, ...s.ready };
  if (spec.kind === 'memory' && engine === 'stress-ng') result.rss_bytes = await resident(s.pid, spec.bytes!, spec.duration, ctx.signal);
  if (ctx.signal?.aborted) {
    // interrupted while the stressor was starting (or taking its memory)
    await stopStressor(s.pid, s.started);
    throw abortReason(ctx.signal);
  }
  if (!args.wait) {
    s.hold(false);
    return { ...result, waited: false };
  }
  const onAbort = () => void stopStressor(s.pid, s.started);
  ctx.signal?.addEventListener('abort', onAbort, { once: true });
  let report;
  try {
    report = await s.done;
  } finally {
    ctx.signal?.removeEventListener('abort', onAbort);
  }
  if (ctx.signal?.aborted) throw abortReason(ctx.signal);
  const { error, ...figures } = report;
  if (error) throw new ActivityFailed(`the ${spec.kind} stress failed: ${error}`);
  return { ...result, waited: true, ...figures };
}

/** Waits (bounded by the duration and 10 s) until stress-ng holds `bytes`; the largest resident size seen. */
async function resident(pgid: number, bytes: number, duration: number, signal?: AbortSignal): Promise<number> {
  const until = performance.now() + Math.min(duration, 10) * 1000;
  let rss = largestRss(pgid);
  while (rss < bytes && performance.now() < until && !signal?.aborted) {
    await sleep(25);
    rss = Math.max(rss, largestRss(pgid));
  }
  return rss;
}

const fingerprint = obj(
  { pid: req(int({ minimum: 1 }), 'a stressor needs its pid'), start_time: opt(int({ minimum: 0 }), { nullable: true }) },
  { description: "a stressor's pid and /proc start time, as a stress action returns them" },
);
const target = union([{ when: { type: ['object'] }, node: fingerprint }], int({ minimum: 1 }));
const pidsNode = union([{ when: { type: ['array'] }, node: arr(target, { minItems: 1 }) }], target, {
  description: 'stressor pids (or {pid, start_time} fingerprints); none: every stressor this run started',
});

async function stopStress(pids: unknown): Promise<{ stopped: number[]; not_running: number[] }> {
  const targets: { pid: number; start_time?: number | null }[] =
    pids === null ? [...running.values()].map((s) => ({ pid: s.pid, start_time: s.started })) : (Array.isArray(pids) ? pids : [pids]).map((p) => (typeof p === 'number' ? { pid: p } : p));
  const stopped: number[] = [];
  const notRunning: number[] = [];
  await Promise.all(targets.map(async (t) => ((await stopStressor(t.pid, t.start_time)) ? stopped : notRunning).push(t.pid)));
  return { stopped: stopped.sort((a, b) => a - b), not_running: notRunning.sort((a, b) => a - b) };
}

export const actions: DriverActivity[] = [
  {
    name: 'stress_cpu',
    kind: 'action',
    doc: 'Load `cores` CPUs (all unless said) at `load` percent each (duty cycle) for `duration` seconds. Returns the engine, pids and, once waited, the CPU seconds used.',
    arguments: [
      { name: 'cores', schema: int({ minimum: 1, description: 'how many CPUs to load (at most the machine has)' }), default: null },
      { name: 'load', schema: int({ minimum: 1, maximum: 100, description: 'percent of each CPU to keep busy' }), default: 100 },
      ...common,
    ],
    returns: 'mapping',
    run: (a, ctx, plan) => {
      const cpus = availableParallelism();
      const cores = (a.cores as number | null) ?? cpus;
      if (cores > cpus) throw new ActivityFailed(`cannot load ${cores} cores: this machine has ${cpus}`);
      const load = a.load as number;
      const duration = a.duration as number;
      return stress({ kind: 'cpu', duration, cores, load, tag: tagOf(plan) }, a, (t) => ['--cpu', String(cores), '--cpu-load', String(load), '--timeout', t], { cores, load }, ctx);
    },
    undo: stopCall,
  },
  {
    name: 'stress_memory',
    kind: 'action',
    doc:
      'Allocate and touch `bytes` (or `percent` of the total memory) and hold it for `duration` seconds. Refused when more than ' +
      'the available memory less a safety margin (the larger of 256 MiB and 5% of the total).',
    arguments: [
      { name: 'bytes', schema: sizeNode, default: null },
      { name: 'percent', schema: num({ minimum: 0.1, maximum: 100, description: 'percent of the total memory' }), default: null },
      ...common,
    ],
    returns: 'mapping',
    run: (a, ctx, plan) => {
      if ((a.bytes === null) === (a.percent === null)) throw new ActivityFailed('stress_memory needs exactly one of bytes or percent');
      const bytes = a.bytes !== null ? parseSize(a.bytes as number | string) : Math.floor((memoryBudget().total * (a.percent as number)) / 100);
      checkMemory(bytes);
      return stress(
        { kind: 'memory', duration: a.duration as number, bytes, tag: tagOf(plan) },
        a,
        (t) => ['--vm', '1', '--vm-bytes', String(bytes), '--vm-keep', '--vm-hang', '0', '--oomable', '--timeout', t],
        { bytes, size: formatBytes(bytes) },
        ctx,
      );
    },
    undo: stopCall,
  },
  {
    name: 'stress_io',
    kind: 'action',
    doc:
      'Keep the disk busy for `duration` seconds: `workers` each write (and fsync) a file of up to `bytes` in a temporary ' +
      'directory under `path` (the system temporary directory unless said), always removed at the end.',
    arguments: [
      { name: 'bytes', schema: sizeNode, default: '64M' },
      { name: 'workers', schema: int({ minimum: 1, maximum: MAX_IO_WORKERS, description: 'concurrent writers' }), default: 1 },
      { name: 'path', schema: str({ minLength: 1, description: 'a directory on the file system to stress' }), default: null },
      ...common,
    ],
    returns: 'mapping',
    run: (a, ctx, plan) => {
      const bytes = parseSize(a.bytes as number | string);
      const workers = a.workers as number;
      const where = (a.path as string | null) ?? tmpdir();
      if (bytes > MAX_IO_BYTES) throw new ActivityFailed(`cannot write more than ${formatBytes(MAX_IO_BYTES)} per worker (asked ${formatBytes(bytes)})`);
      checkDisk(where, bytes * workers);
      let dir: string;
      try {
        // the fault ledger's intent chose the name (its revert removes the directory should the stressor be killed)
        const planned = (plan as { dir?: string } | undefined)?.dir;
        if (planned) mkdirSync((dir = planned), { mode: 0o700 });
        else dir = mkdtempSync(join(where, IO_DIR_PREFIX));
      } catch (err) {
        throw new ActivityFailed(`cannot create a temporary directory under ${where}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      return stress(
        { kind: 'io', duration: a.duration as number, bytes, workers, dir, tag: tagOf(plan) },
        a,
        (t) => ['--hdd', String(workers), '--hdd-bytes', String(bytes), '--temp-path', dir, '--timeout', t],
        { bytes, workers, path: dir },
        ctx,
      );
    },
    undo: stopCall,
  },
  {
    name: 'stop_stress',
    kind: 'action',
    doc:
      "Stop stressors (SIGTERM to their process group, SIGKILL after 3 s): the given pids, or every stressor this run started. " +
      "Only processes that are Turbulence stressors (started at start_time, when given) are signalled.",
    arguments: [{ name: 'pids', schema: pidsNode, default: null }],
    returns: 'mapping',
    run: (a) => stopStress(a.pids),
  },
];

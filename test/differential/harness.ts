// Differential harness: runs one experiment with the reference Chaos Toolkit and with Turbulence (same arguments,
// separate temp dirs, each with its own target server), reduces both journals to what must agree, and compares.
//
// Run the suite:  npm run build && node --import tsx --test --test-concurrency=2 test/differential/*.test.ts
// Each row gives two tests: "reference gives the spec table row" (the oracle self-check: passes without Turbulence)
// and "turbulence matches the reference" (exit code + normal form of the journal + which target endpoints were hit).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startTarget } from './target.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXPERIMENTS = fileURLToPath(new URL('./experiments/', import.meta.url));
const CHAOS = join(ROOT, '.peers/venv/bin/chaos');
const TURBULENCE = join(ROOT, 'bin/turbulence.js');
/** A run that takes longer than this is killed: every experiment here finishes in a few seconds. */
const RUN_TIMEOUT_MS = 20_000;
/** Signal rows send their signal once the method's sleeper has created this file in the working directory. */
const STARTED_MARKER = 'started';
/**
 * TURBULENCE_DIFF_SELF_CHECK=1 runs the reference in Turbulence's place: every comparison must then pass, which
 * shows that the normal form leaves out everything that varies from run to run (times, ports, thread timing).
 */
const SELF_CHECK = process.env.TURBULENCE_DIFF_SELF_CHECK === '1';

export type Engine = 'reference' | 'turbulence';
type DuringClass = 'none' | 'all met' | 'some missed';

/** What the spec tables (§10, §11, §12, §15) say a row gives; only the keys given are checked. */
export interface Expectation {
  exit: number;
  /** null: no journal written */
  status?: string | null;
  deviated?: boolean;
  /** steady_state_met of the gate / after hypothesis, null when not run */
  before?: boolean | null;
  after?: boolean | null;
  during?: DuringClass;
  /** per method record: its status, or "(absent)" for an interrupted one */
  run?: string[];
  /** names of the rollback records, in order */
  rollbacks?: string[];
  /** stdout of each process output in the method, in order */
  stdout?: string[];
  /** tolerance_met of each gate probe, in order */
  tolerances?: boolean[];
  /** whether the journal's duration reached Row.pauseThreshold */
  pausesTaken?: boolean;
}

export interface Row {
  /** the spec table row this case stands for; also the test name */
  name: string;
  /** file name under experiments/ */
  experiment: string;
  /** `run` options, identical for both engines */
  args?: string[];
  /** global options placed before `run`, e.g. ['--settings', 'settings.yaml'] */
  globalArgs?: string[];
  /** files written into the run's working directory first (var files, settings, .env files) */
  files?: Record<string, string>;
  env?: Record<string, string>;
  /** sent once the working directory holds STARTED_MARKER */
  signal?: NodeJS.Signals;
  /** seconds; the normal form records whether the run lasted at least this long (pauses taken or skipped) */
  pauseThreshold?: number;
  expect: Expectation;
}

export interface Outcome {
  exit: number | string;
  journal: Record<string, any> | null;
  /** distinct target requests, sorted ("GET /status/200") */
  hits: string[];
  stderr: string;
}

function engineCommand(engine: Engine, row: Row): [string, string[]] {
  const args = [
    '--no-version-check',
    '--no-log-file',
    ...(row.globalArgs ?? []),
    'run',
    '--journal-path',
    'journal.json',
    ...(row.args ?? []),
    join(EXPERIMENTS, row.experiment),
  ];
  return engine === 'reference' || SELF_CHECK ? [CHAOS, args] : [process.execPath, [TURBULENCE, ...args]];
}

function childEnv(cwd: string, port: number, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: cwd, TARGET_PORT: String(port), NO_COLOR: '1', ...extra };
  // The test runner's own variables must not change how the engines start.
  delete env.NODE_OPTIONS;
  delete env.NODE_TEST_CONTEXT;
  return env;
}

function parseJournal(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text);
  } catch {
    return { 'invalid JSON': text.slice(0, 200) };
  }
}

/** Runs one engine on one row in a fresh temp dir with a fresh target server. */
export async function runEngine(engine: Engine, row: Row): Promise<Outcome> {
  const cwd = await mkdtemp(join(tmpdir(), `turbulence-diff-${engine}-`));
  const target = await startTarget();
  try {
    for (const [name, content] of Object.entries(row.files ?? {})) await writeFile(join(cwd, name), content);
    const [cmd, args] = engineCommand(engine, row);
    const child = spawn(cmd, args, { cwd, env: childEnv(cwd, target.port, row.env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.resume();
    // 'exit', not 'close': a grandchild left running must not hold the run open; stderr gets a moment to drain.
    const closed = new Promise((resolve) => child.on('close', resolve));
    const exited = new Promise<number | string>((resolve) => {
      child.on('error', (err) => resolve(`spawn error: ${err.message}`));
      child.on('exit', (code, signal) => resolve(code ?? `killed by ${signal}`));
    });
    let done = false;
    void exited.then(() => (done = true));
    const killer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    if (row.signal) {
      while (!done && !existsSync(join(cwd, STARTED_MARKER))) await sleep(10);
      if (!done) child.kill(row.signal);
    }
    const exit = await exited;
    clearTimeout(killer);
    await Promise.race([closed, sleep(500)]);
    const journalPath = join(cwd, 'journal.json');
    const journal = existsSync(journalPath) ? parseJournal(await readFile(journalPath, 'utf8')) : null;
    return { exit, journal, hits: [...new Set(target.hits)].sort(), stderr };
  } finally {
    await target.close();
    await rm(cwd, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Normal form: what must agree between the engines. Values that differ legitimately between two runs (times,
// ports, http headers, Python tracebacks) are reduced to their kind.

const STAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/;
const stamp = (v: unknown) => (typeof v === 'string' && STAMP.test(v) ? 'ISO-8601 UTC with µs' : `unexpected: ${JSON.stringify(v)}`);
const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

function output(o: any): unknown {
  if (o === null || typeof o !== 'object' || Array.isArray(o) || !('status' in o)) return o;
  // process: {status, stdout, stderr}; http: {status, headers, body}, whose headers carry dates and lengths
  return 'headers' in o ? { status: o.status, body: o.body } : { status: o.status, stdout: o.stdout, stderr: o.stderr };
}

function exception(e: unknown): string | undefined {
  if (e === undefined) return undefined;
  const last = Array.isArray(e) ? String(e.at(-1)) : `not a list: ${JSON.stringify(e)}`;
  const m = /^chaoslib\.exceptions\.ActivityFailed: (.*?)\n?$/s.exec(last);
  if (!m) return `other: ${last}`;
  // Keep the message when it is ours to match; connection errors carry Python's wording after the URL.
  const msg = m[1].replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT');
  const connect = /^failed to connect to (\S+?):? /.exec(msg);
  return `ActivityFailed: ${connect ? `failed to connect to ${connect[1]}` : msg}`;
}

function record(r: any): Record<string, unknown> {
  const n: Record<string, unknown> = {
    keys: Object.keys(r),
    name: r.activity?.name,
    status: 'status' in r ? r.status : '(absent)',
    output: output(r.output),
    exception: exception(r.exception),
    start: stamp(r.start),
    end: stamp(r.end),
    duration: kind(r.duration),
    activity: r.activity,
  };
  if ('tolerance_met' in r) n.tolerance_met = r.tolerance_met;
  return n;
}

function hypothesis(s: any): unknown {
  if (s === null) return null;
  if (s === undefined) return '(absent)';
  return { keys: Object.keys(s), steady_state_met: s.steady_state_met, probes: (s.probes ?? []).map(record) };
}

function during(d: unknown): DuringClass | string {
  if (!Array.isArray(d)) return `not a list: ${JSON.stringify(d)}`;
  if (d.length === 0) return 'none';
  return d.every((s) => s?.steady_state_met === true) ? 'all met' : 'some missed';
}

export interface Normalized {
  exit: number | string;
  hits: string[];
  journal: Record<string, unknown> | null;
}

export function normalize(o: Outcome, row: Row): Normalized {
  const j = o.journal;
  if (!j) return { exit: o.exit, hits: o.hits, journal: null };
  const ss = j.steady_states;
  const journal: Record<string, unknown> = {
    // Turbulence adds `turbulence` (the fault ledger's reverts) and `turbulence-version` after the reference's keys; everything else must be the reference's
    keys: Object.keys(j).filter((k) => k !== 'turbulence-version' && k !== 'turbulence'),
    'chaoslib-version': kind(j['chaoslib-version']),
    platform: kind(j.platform),
    node: kind(j.node),
    start: stamp(j.start),
    end: stamp(j.end),
    duration: kind(j.duration),
    status: j.status,
    deviated: j.deviated,
    steady_states:
      ss && typeof ss === 'object'
        ? { keys: Object.keys(ss), before: hypothesis(ss.before), after: hypothesis(ss.after), during: during(ss.during) }
        : ss,
    run: Array.isArray(j.run) ? j.run.map(record) : j.run,
    rollbacks: Array.isArray(j.rollbacks) ? j.rollbacks.map(record) : j.rollbacks,
    experiment: j.experiment,
  };
  if (row.pauseThreshold !== undefined) journal.pausesTaken = j.duration >= row.pauseThreshold;
  return { exit: o.exit, hits: o.hits, journal };
}

/** The row's expectation keys, read from a normalized outcome (for the oracle self-check). */
export function project(n: Normalized, e: Expectation): Expectation {
  const j = n.journal as any;
  const out: Expectation = { exit: n.exit as number };
  const has = (k: keyof Expectation) => k in e;
  if (has('status')) out.status = j ? j.status : null;
  if (!j) return out;
  const ss = j.steady_states ?? {};
  const met = (h: any) => (h === null ? null : h?.steady_state_met);
  if (has('deviated')) out.deviated = j.deviated;
  if (has('before')) out.before = met(ss.before);
  if (has('after')) out.after = met(ss.after);
  if (has('during')) out.during = ss.during;
  if (has('run')) out.run = (j.run ?? []).map((r: any) => r.status);
  if (has('rollbacks')) out.rollbacks = (j.rollbacks ?? []).map((r: any) => r.name);
  if (has('stdout')) out.stdout = (j.run ?? []).filter((r: any) => r.output !== null && typeof r.output === 'object' && 'stdout' in r.output).map((r: any) => r.output.stdout);
  if (has('tolerances')) out.tolerances = (ss.before?.probes ?? []).map((p: any) => p.tolerance_met);
  if (has('pausesTaken')) out.pausesTaken = j.pausesTaken;
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Readable difference between two normal forms: one line per differing leaf, addressed by its path.

const show = (v: unknown) => {
  const text = v === undefined ? '(missing)' : JSON.stringify(v);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
};

export function differences(ref: unknown, turb: unknown, path = '', out: string[] = []): string[] {
  if (JSON.stringify(ref) === JSON.stringify(turb)) return out;
  const bothObjects = ref !== null && turb !== null && typeof ref === 'object' && typeof turb === 'object';
  if (bothObjects && Array.isArray(ref) && Array.isArray(turb) && !path.endsWith('keys')) {
    if (ref.length !== turb.length) out.push(`${path}: ${ref.length} items in the reference, ${turb.length} in turbulence`);
    for (let i = 0; i < Math.max(ref.length, turb.length); i++) {
      const name = (ref[i] ?? turb[i])?.name;
      differences(ref[i], turb[i], `${path}[${i}${typeof name === 'string' ? ` ${name}` : ''}]`, out);
    }
  } else if (bothObjects && !Array.isArray(ref) && !Array.isArray(turb)) {
    const r = ref as Record<string, unknown>;
    const t = turb as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(r), ...Object.keys(t)])];
    const before = out.length;
    for (const k of keys) differences(r[k], t[k], path ? `${path}.${k}` : k, out);
    if (out.length === before) out.push(`${path}: key order: reference ${show(Object.keys(r))}, turbulence ${show(Object.keys(t))}`);
  } else {
    out.push(`${path}: reference ${show(ref)}, turbulence ${show(turb)}`);
  }
  return out;
}

export function describeMismatch(ref: Outcome, turb: Outcome, row: Row): string {
  const diff = differences(normalize(ref, row), normalize(turb, row));
  const tail = (s: string) => s.trim().split('\n').slice(-15).join('\n');
  return [
    `Turbulence differs from the reference for "${row.name}":`,
    ...diff.slice(0, 40).map((d) => `  ${d}`),
    ...(diff.length > 40 ? [`  ... and ${diff.length - 40} more`] : []),
    '--- turbulence stderr (tail) ---',
    tail(turb.stderr),
  ].join('\n');
}

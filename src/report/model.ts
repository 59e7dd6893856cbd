// A journal (Turbulence's or the reference Chaos Toolkit's) normalized into what a report shows: the verdict and
// what it means for the exit code, the hypothesis checks with each probe's tolerance and value, the activities with
// their errors, and a timeline. Tolerant of missing fields: a report must render whatever the journal lacks.
import { ChaosError } from '../errors.ts';
import { redactor } from './redact.ts';
import { parseStamp } from './time.ts';

/** passed: exit 0 and the steady state held; not-run: the gate hypothesis missed, the method was skipped (exit 0). */
export type Verdict = 'passed' | 'deviated' | 'failed' | 'aborted' | 'interrupted' | 'not-run';

export type Lane = 'steady-state' | 'continuous' | 'method' | 'background' | 'pauses' | 'rollbacks' | 'interruptions';
export const LANES: { lane: Lane; label: string }[] = [
  { lane: 'steady-state', label: 'Steady state' },
  { lane: 'continuous', label: 'Continuous checks' },
  { lane: 'method', label: 'Method' },
  { lane: 'background', label: 'Background' },
  { lane: 'pauses', label: 'Pauses' },
  { lane: 'rollbacks', label: 'Rollbacks' },
  { lane: 'interruptions', label: 'Interruptions' },
];

export type ActivityStatus = 'succeeded' | 'failed' | 'interrupted';
export type MarkStatus = ActivityStatus | 'met' | 'missed' | 'pause' | 'interrupt';

export interface TimelineItem {
  lane: Lane;
  kind: 'action' | 'probe' | 'pause' | 'check' | 'interrupt';
  name: string;
  /** ms since the epoch (fractional) */
  start: number;
  end: number;
  status: MarkStatus;
  detail: string;
}

export interface ProbeResult {
  name: string;
  tolerance: unknown;
  value: unknown;
  status: ActivityStatus;
  /** tolerance_met; null when the tolerance was not checked (the probe raised, a dry run) */
  met: boolean | null;
  error?: string;
  start: number | null;
  end: number | null;
  duration: number | null;
}

export interface HypothesisResult {
  phase: 'before' | 'during' | 'after';
  /** 1-based number of a continuous check */
  index: number;
  met: boolean | null;
  probes: ProbeResult[];
  start: number | null;
  end: number | null;
}

export interface ActivityResult {
  phase: 'method' | 'rollbacks';
  name: string;
  type: string;
  background: boolean;
  provider: string;
  status: ActivityStatus;
  start: number | null;
  end: number | null;
  duration: number | null;
  output: unknown;
  error?: string;
  exception?: string[];
}

export interface RunError {
  where: string;
  name: string;
  message: string;
}

export interface Run {
  /** the journal's file, as given */
  source: string;
  title: string;
  description: string;
  tags: string[];
  engine: string;
  status: string;
  deviated: boolean;
  verdict: Verdict;
  exitCode: 0 | 1;
  /** what the exit code and status mean, one sentence */
  meaning: string;
  /** why the run did not pass, one line (empty when it passed) */
  reason: string;
  start: number | null;
  end: number | null;
  duration: number | null;
  platform: string;
  node: string;
  hypothesisTitle: string | null;
  /** before, the continuous checks in order, after */
  hypotheses: HypothesisResult[];
  activities: ActivityResult[];
  rollbacks: ActivityResult[];
  timeline: TimelineItem[];
  errors: RunError[];
  configuration: unknown;
  secrets: unknown;
  /** top-level keys the reference does not write (controls, Turbulence extensions), rendered as they are */
  extras: Record<string, unknown>;
}

const KNOWN_KEYS = new Set([
  'chaoslib-version', 'platform', 'node', 'experiment', 'start', 'status', 'deviated', 'steady_states', 'run',
  'rollbacks', 'end', 'duration', 'turbulence-version',
]);

const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : v === undefined || v === null ? fallback : String(v));
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** A JSON document is taken for a journal when it has an experiment and one of the journal's own keys. */
export function isJournal(doc: unknown): doc is Record<string, any> {
  return isObject(doc) && isObject(doc.experiment) && ['steady_states', 'run', 'status', 'chaoslib-version'].some((k) => k in doc);
}

export function toRun(journal: unknown, source: string): Run {
  if (!isJournal(journal)) throw new ChaosError(`${source}: not a Chaos Toolkit journal (no experiment and run records)`);
  const redact = redactor(journal.experiment);
  const j = redact.scrub(journal);
  const exp = j.experiment as Record<string, any>;
  const ss = isObject(j.steady_states) ? j.steady_states : {};

  const hypotheses: HypothesisResult[] = [];
  if (isObject(ss.before)) hypotheses.push(hypothesis(ss.before, 'before', 1));
  (Array.isArray(ss.during) ? ss.during : []).forEach((h: unknown, i: number) => {
    if (isObject(h)) hypotheses.push(hypothesis(h, 'during', i + 1));
  });
  if (isObject(ss.after)) hypotheses.push(hypothesis(ss.after, 'after', 1));

  const activities = (Array.isArray(j.run) ? j.run : []).filter(isObject).map((r: any) => activity(r, 'method'));
  const rollbacks = (Array.isArray(j.rollbacks) ? j.rollbacks : []).filter(isObject).map((r: any) => activity(r, 'rollbacks'));

  const status = text(j.status, 'unknown');
  const deviated = j.deviated === true;
  const before = hypotheses.find((h) => h.phase === 'before');
  const verdict: Verdict =
    status === 'completed'
      ? deviated
        ? 'deviated'
        : before?.met === false
          ? 'not-run'
          : 'passed'
      : status === 'aborted' || status === 'interrupted'
        ? status
        : 'failed';

  const start = parseStamp(j.start);
  const end = parseStamp(j.end);
  const errors: RunError[] = [
    ...hypotheses.flatMap((h) =>
      h.probes.filter((p) => p.error).map((p) => ({ where: hypothesisLabel(h), name: p.name, message: p.error! })),
    ),
    ...[...activities, ...rollbacks].filter((a) => a.error).map((a) => ({ where: a.phase === 'method' ? 'method' : 'rollbacks', name: a.name, message: a.error! })),
  ];
  const engine = typeof j['turbulence-version'] === 'string'
    ? `Turbulence ${j['turbulence-version']}`
    : `Chaos Toolkit (chaoslib ${text(j['chaoslib-version'], 'unknown')})`;
  const hypothesisDecl = exp['steady-state-hypothesis'];

  const run: Run = {
    source,
    title: text(exp.title, '(untitled experiment)'),
    description: text(exp.description),
    tags: Array.isArray(exp.tags) ? exp.tags.map((t: unknown) => text(t)) : [],
    engine,
    status,
    deviated,
    verdict,
    exitCode: status === 'completed' && !deviated ? 0 : 1,
    meaning: '',
    reason: '',
    start,
    end,
    duration: num(j.duration) ?? (start !== null && end !== null ? (end - start) / 1000 : null),
    platform: text(j.platform),
    node: text(j.node),
    hypothesisTitle: isObject(hypothesisDecl) ? text(hypothesisDecl.title) : null,
    hypotheses,
    activities,
    rollbacks,
    timeline: [],
    errors,
    configuration: redact.configuration,
    secrets: redact.secrets,
    extras: Object.fromEntries(Object.entries(j).filter(([k]) => !KNOWN_KEYS.has(k))),
  };
  run.meaning = meaning(run);
  run.reason = reason(run);
  run.timeline = timeline(run, exp);
  return run;
}

export function hypothesisLabel(h: HypothesisResult): string {
  return h.phase === 'during' ? `continuous check ${h.index}` : `hypothesis ${h.phase} the method`;
}

function hypothesis(h: Record<string, any>, phase: HypothesisResult['phase'], index: number): HypothesisResult {
  const probes = (Array.isArray(h.probes) ? h.probes : []).filter(isObject).map((p: any): ProbeResult => {
    const a = isObject(p.activity) ? p.activity : {};
    return {
      name: text(a.name, '(unnamed probe)'),
      tolerance: a.tolerance,
      value: p.output,
      status: recordStatus(p),
      met: typeof p.tolerance_met === 'boolean' ? p.tolerance_met : null,
      error: errorMessage(p.exception),
      start: parseStamp(p.start),
      end: parseStamp(p.end),
      duration: num(p.duration),
    };
  });
  const starts = probes.map((p) => p.start).filter((t): t is number => t !== null);
  const ends = probes.map((p) => p.end ?? p.start).filter((t): t is number => t !== null);
  return {
    phase,
    index,
    met: typeof h.steady_state_met === 'boolean' ? h.steady_state_met : null,
    probes,
    start: starts.length ? Math.min(...starts) : null,
    end: ends.length ? Math.max(...ends) : null,
  };
}

function activity(r: Record<string, any>, phase: ActivityResult['phase']): ActivityResult {
  const a = isObject(r.activity) ? r.activity : {};
  const start = parseStamp(r.start);
  const duration = num(r.duration);
  return {
    phase,
    name: text(a.name, a.ref ? `ref ${a.ref}` : '(unnamed activity)'),
    type: text(a.type, 'activity'),
    background: a.background === true,
    provider: providerSummary(a.provider),
    status: recordStatus(r),
    start,
    end: parseStamp(r.end) ?? (start !== null && duration !== null ? start + duration * 1000 : null),
    duration,
    output: r.output,
    error: errorMessage(r.exception),
    exception: Array.isArray(r.exception) ? r.exception.map((l: unknown) => text(l)) : undefined,
  };
}

/** A record without a status is one the run was interrupted in (both engines). */
function recordStatus(r: Record<string, any>): ActivityStatus {
  return r.status === 'succeeded' || r.status === 'failed' ? r.status : 'interrupted';
}

/** The last traceback line, without the exception class chaoslib wraps every activity error in. */
function errorMessage(exception: unknown): string | undefined {
  if (exception === undefined || exception === null) return undefined;
  const lines = Array.isArray(exception) ? exception.map((l) => text(l)) : [text(exception)];
  const last = lines.join('').trim().split('\n').at(-1) ?? '';
  return last.replace(/^chaoslib\.exceptions\.ActivityFailed: /, '').trim() || 'failed';
}

export function providerSummary(p: unknown): string {
  if (!isObject(p)) return '';
  const args = p.arguments;
  switch (p.type) {
    case 'http':
      return `http ${text(p.method, 'GET').toUpperCase()} ${text(p.url)}`;
    case 'process': {
      const list = Array.isArray(args) ? args.map((x) => text(x)).join(' ') : typeof args === 'string' ? args : '';
      return `process ${text(p.path)}${list ? ` ${list}` : ''}`;
    }
    case 'python':
      return `python ${text(p.module)}.${text(p.func)}()`;
    default:
      return text(p.type, 'provider');
  }
}

function meaning(run: Run): string {
  switch (run.verdict) {
    case 'passed':
      return 'Exit 0: the run completed and the steady state held.';
    case 'not-run':
      return 'Exit 0: the steady state was not met before the method, so the method did not run and nothing was tested.';
    case 'deviated':
      return 'Exit 1: the steady state deviated after the method; a weakness may have been found.';
    case 'aborted':
      return 'Exit 1: an unexpected error aborted the run (the run log has its cause).';
    case 'interrupted':
      return 'Exit 1: the run was interrupted (a signal, a control or a safeguard) before it finished.';
    default:
      return run.status === 'failed'
        ? 'Exit 1: the run failed: a steady-state probe raised an error, or a continuous check missed with fail-fast.'
        : `Exit 1: the journal's status is ${run.status}.`;
  }
}

const show = (v: unknown) => {
  const s = v === undefined ? 'nothing' : JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
};

function reason(run: Run): string {
  const missed = (h: HypothesisResult | undefined) =>
    (h?.probes ?? []).filter((p) => p.met === false || p.status !== 'succeeded').map((p) =>
      p.error ? `probe ${p.name} raised: ${p.error}` : `probe ${p.name} expected ${show(p.tolerance)}, got ${show(valueOf(p.value))}`,
    );
  const after = run.hypotheses.find((h) => h.phase === 'after');
  const before = run.hypotheses.find((h) => h.phase === 'before');
  switch (run.verdict) {
    case 'passed':
      return '';
    case 'deviated':
      return `steady state deviated after the method: ${missed(after).join('; ') || 'a probe missed its tolerance'}`;
    case 'not-run':
      return `steady state not met before the method: ${missed(before).join('; ')}`;
    case 'failed': {
      const raised = run.hypotheses.flatMap((h) => h.probes.filter((p) => p.error).map((p) => `${hypothesisLabel(h)}: probe ${p.name} raised: ${p.error}`));
      if (raised.length) return `run failed: ${raised[0]}`;
      const during = run.hypotheses.find((h) => h.phase === 'during' && h.met === false);
      if (during) return `run failed: ${hypothesisLabel(during)} missed (fail-fast): ${missed(during).join('; ')}`;
      return `run failed (status ${run.status})`;
    }
    case 'aborted':
      return 'run aborted by an unexpected error';
    case 'interrupted': {
      const cut = [...run.activities, ...run.rollbacks].find((a) => a.status === 'interrupted');
      return `run interrupted${cut ? ` during ${cut.phase === 'method' ? 'the method' : 'the rollbacks'}, in ${cut.name}` : ''}`;
    }
  }
}

/** The value a probe's tolerance was checked against, shortened for one line: an HTTP status, an exit code... */
export function valueOf(output: unknown): unknown {
  if (isObject(output) && 'status' in output && ('headers' in output || 'body' in output || 'stdout' in output)) return output.status;
  return output;
}

function timeline(run: Run, exp: Record<string, any>): TimelineItem[] {
  const items: TimelineItem[] = [];
  for (const h of run.hypotheses) {
    if (h.phase === 'during') {
      if (h.start === null) continue;
      const status = h.probes.some((p) => p.status === 'failed') ? 'failed' : h.met === false ? 'missed' : 'met';
      items.push({ lane: 'continuous', kind: 'check', name: hypothesisLabel(h), start: h.start, end: h.end ?? h.start, status, detail: `${status}: ${h.probes.map((p) => p.name).join(', ')}` });
      continue;
    }
    for (const p of h.probes) {
      if (p.start === null) continue;
      const status = p.status !== 'succeeded' ? p.status : p.met === false ? 'missed' : 'met';
      items.push({ lane: 'steady-state', kind: 'probe', name: p.name, start: p.start, end: p.end ?? p.start, status, detail: `${hypothesisLabel(h)}: ${status}` });
    }
  }
  const dryPauses = typeof exp.dry === 'string' && /pause/.test(exp.dry);
  const decl = [...(Array.isArray(exp.method) ? exp.method : []), ...(Array.isArray(exp.rollbacks) ? exp.rollbacks : [])];
  for (const a of [...run.activities, ...run.rollbacks]) {
    if (a.start === null) continue;
    const lane: Lane = a.phase === 'rollbacks' ? 'rollbacks' : a.background ? 'background' : 'method';
    const kind = a.type === 'probe' ? 'probe' : 'action';
    items.push({ lane, kind, name: a.name, start: a.start, end: a.end ?? a.start, status: a.status, detail: `${a.phase === 'rollbacks' ? 'rollback' : kind}: ${a.status}${a.error ? `: ${a.error}` : ''}` });
    if (dryPauses) continue;
    const pauses = decl.find((d) => isObject(d) && d.name === a.name)?.pauses;
    if (!isObject(pauses)) continue;
    const before = pauseSeconds(pauses.before, exp);
    const after = pauseSeconds(pauses.after, exp);
    if (before) items.push({ lane: 'pauses', kind: 'pause', name: `pause before ${a.name}`, start: a.start - before * 1000, end: a.start, status: 'pause', detail: `${before} s (declared)` });
    if (after && a.end !== null && a.status !== 'interrupted') {
      items.push({ lane: 'pauses', kind: 'pause', name: `pause after ${a.name}`, start: a.end, end: a.end + after * 1000, status: 'pause', detail: `${after} s (declared)` });
    }
  }
  const interrupt = interruption(run, exp);
  if (interrupt) items.push(interrupt);
  return items;
}

function pauseSeconds(v: unknown, exp: Record<string, any>): number | null {
  let value = v;
  // "${pause}": the journal keeps templates; a literal configuration value resolves it
  const ref = typeof v === 'string' ? /^\$\{(\w+)\}$/.exec(v) : null;
  if (ref && isObject(exp.configuration)) value = exp.configuration[ref[1]];
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(n) && n > 0 ? n : null;
}

/** Where the run was cut: after the record the interruption left without a status, else at the journal's end. */
function interruption(run: Run, exp: Record<string, any>): TimelineItem | null {
  const safeguards = (Array.isArray(exp.controls) ? exp.controls : []).some(
    (c: any) => isObject(c) && isObject(c.provider) && /safeguard/.test(text(c.provider.module)),
  );
  if (run.status === 'interrupted') {
    const cut = [...run.activities, ...run.rollbacks].find((a) => a.status === 'interrupted');
    const at = cut?.end ?? run.end;
    if (at === null) return null;
    const name = safeguards ? 'safeguard interrupt' : 'interrupted';
    const detail = safeguards
      ? 'a safeguard control is declared: its probe most likely ended the run'
      : `the run was interrupted${cut ? ` in ${cut.name}` : ''}`;
    return { lane: 'interruptions', kind: 'interrupt', name, start: at, end: at, status: 'interrupt', detail };
  }
  const failFast = run.status === 'failed' ? run.hypotheses.find((h) => h.phase === 'during' && h.met === false) : undefined;
  if (failFast?.end != null) {
    return { lane: 'interruptions', kind: 'interrupt', name: 'fail-fast stop', start: failFast.end, end: failFast.end, status: 'interrupt', detail: `${hypothesisLabel(failFast)} missed: the method stopped` };
  }
  return null;
}

// Words and short forms shared by every report format, so that HTML, Markdown, JUnit and JSON say the same thing.
import type { ProbeResult, Verdict } from './model.ts';

export const VERDICT_LABEL: Record<Verdict, string> = {
  passed: 'passed',
  deviated: 'deviated',
  failed: 'failed',
  aborted: 'aborted',
  interrupted: 'interrupted',
  'not-run': 'not run (gate missed)',
};

/** Compact one-line JSON, cut at `max` characters. */
export function short(value: unknown, max = 100): string {
  let s: string;
  if (value === undefined) s = '';
  else if (typeof value === 'string') s = JSON.stringify(value);
  else s = JSON.stringify(value) ?? String(value);
  s = s.replace(/\s+/g, ' ');
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** Indented JSON, cut at `max` characters (a report must stay readable when an output is megabytes long). */
export function pretty(value: unknown, max = 20_000): string {
  const s = JSON.stringify(value, null, 2) ?? String(value);
  return s.length > max ? `${s.slice(0, max)}\n… (${s.length - max} more characters in the journal)` : s;
}

const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What a probe returned, as a reader wants to see it: "HTTP 503 …body", "exit 1 …stdout", or the value. */
export function describeOutput(output: unknown, max = 100): string {
  if (isObject(output) && 'status' in output) {
    if ('headers' in output || 'body' in output) {
      const body = output.body === undefined || output.body === '' ? '' : ` ${short(output.body, max - 10)}`;
      return `HTTP ${output.status}${body}`;
    }
    if ('stdout' in output || 'stderr' in output) {
      const out = typeof output.stdout === 'string' && output.stdout.trim() ? output.stdout.trim() : typeof output.stderr === 'string' ? output.stderr.trim() : '';
      const line = out.split('\n')[0] ?? '';
      return `exit ${output.status}${line ? ` ${short(line, max - 8)}` : ''}`;
    }
  }
  if (output === null || output === undefined) return '—';
  return short(output, max);
}

export function describeTolerance(tolerance: unknown): string {
  if (tolerance === undefined) return '—';
  if (isObject(tolerance) && typeof tolerance.type === 'string') {
    const t = tolerance;
    const parts = [t.type];
    if (t.type === 'probe' && isObject(t.provider)) parts.push(String(t.name ?? ''));
    if (t.path !== undefined) parts.push(String(t.path));
    if (t.pattern !== undefined) parts.push(`/${t.pattern}/`);
    if (t.range !== undefined) parts.push(short(t.range, 40));
    if (t.expect !== undefined) parts.push(`= ${short(t.expect, 40)}`);
    if (t.target !== undefined) parts.push(`on ${t.target}`);
    return parts.filter(Boolean).join(' ');
  }
  return short(tolerance, 60);
}

export function probeResult(p: ProbeResult): string {
  if (p.status === 'failed') return 'raised';
  if (p.status === 'interrupted') return 'interrupted';
  return p.met === true ? 'met' : p.met === false ? 'missed' : 'not checked';
}

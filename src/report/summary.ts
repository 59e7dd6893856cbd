// Several runs at once: totals, one row per run, the trend of outcomes over time and each experiment's pass rate.
import type { Run, Verdict } from './model.ts';

export const VERDICTS: Verdict[] = ['passed', 'deviated', 'failed', 'aborted', 'interrupted', 'not-run'];

export type Counts = Record<Verdict, number>;

export interface ExperimentStats {
  title: string;
  runs: number;
  counts: Counts;
  /** passed / runs */
  passRate: number;
  last: Run;
}

export interface TrendBucket {
  /** ms since the epoch */
  from: number;
  to: number;
  counts: Counts;
}

export interface Summary {
  /** oldest first */
  runs: Run[];
  totals: Counts;
  passRate: number;
  first: number | null;
  last: number | null;
  experiments: ExperimentStats[];
  trend: TrendBucket[];
}

/** More bars than this and they become hairlines. */
const MAX_BUCKETS = 30;

const zero = (): Counts => ({ passed: 0, deviated: 0, failed: 0, aborted: 0, interrupted: 0, 'not-run': 0 });

export function summarize(runs: Run[]): Summary {
  const sorted = [...runs].sort((a, b) => (a.start ?? 0) - (b.start ?? 0) || a.source.localeCompare(b.source));
  const totals = zero();
  const byTitle = new Map<string, ExperimentStats>();
  for (const run of sorted) {
    totals[run.verdict]++;
    let e = byTitle.get(run.title);
    if (!e) byTitle.set(run.title, (e = { title: run.title, runs: 0, counts: zero(), passRate: 0, last: run }));
    e.runs++;
    e.counts[run.verdict]++;
    e.last = run;
  }
  const experiments = [...byTitle.values()]
    .map((e) => ({ ...e, passRate: e.counts.passed / e.runs }))
    .sort((a, b) => a.passRate - b.passRate || a.title.localeCompare(b.title));
  const times = sorted.map((r) => r.start).filter((t): t is number => t !== null);
  const first = times.length ? times[0] : null;
  const last = times.length ? times[times.length - 1] : null;
  return {
    runs: sorted,
    totals,
    passRate: sorted.length ? totals.passed / sorted.length : 0,
    first,
    last,
    experiments,
    trend: trend(sorted, first, last),
  };
}

/** Equal time slices between the first and the last run; one slice per run when there are few. */
function trend(runs: Run[], first: number | null, last: number | null): TrendBucket[] {
  const timed = runs.filter((r) => r.start !== null);
  if (first === null || last === null || !timed.length) return [];
  if (timed.length <= MAX_BUCKETS || last === first) {
    return timed.map((r) => {
      const counts = zero();
      counts[r.verdict] = 1;
      return { from: r.start!, to: r.end ?? r.start!, counts };
    });
  }
  const width = (last - first) / MAX_BUCKETS;
  const buckets = Array.from({ length: MAX_BUCKETS }, (_, i) => ({ from: first + i * width, to: first + (i + 1) * width, counts: zero() }));
  for (const r of timed) buckets[Math.min(MAX_BUCKETS - 1, Math.floor((r.start! - first) / width))].counts[r.verdict]++;
  return buckets;
}

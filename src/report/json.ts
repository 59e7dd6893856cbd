// A machine-readable report: the normalized run(s) with ISO times, secrets masked. Unlike the journal, it carries
// the verdict, the exit code and its reason already worked out, so a dashboard needs no Chaos Toolkit knowledge.
import type { Run, TimelineItem } from './model.ts';
import type { Summary } from './summary.ts';

export const REPORT_FORMAT = 'turbulence-report/1';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function item(t: TimelineItem) {
  return { ...t, start: iso(t.start), end: iso(t.end) };
}

function runJson(run: Run) {
  const times = <T extends { start: number | null; end: number | null }>(x: T) => ({ ...x, start: iso(x.start), end: iso(x.end) });
  return {
    ...run,
    start: iso(run.start),
    end: iso(run.end),
    hypotheses: run.hypotheses.map((h) => ({ ...times(h), probes: h.probes.map(times) })),
    activities: run.activities.map(times),
    rollbacks: run.rollbacks.map(times),
    timeline: run.timeline.map(item),
  };
}

/** A brief row per run for the summary: what a table or a trend needs, not the outputs. */
function runRow(run: Run) {
  const { source, title, status, deviated, verdict, exitCode, reason, duration } = run;
  return { source, title, status, deviated, verdict, exitCode, reason, start: iso(run.start), end: iso(run.end), duration };
}

export function runReportJson(run: Run): string {
  return JSON.stringify({ format: REPORT_FORMAT, kind: 'run', run: runJson(run) }, null, 2) + '\n';
}

export function summaryReportJson(s: Summary): string {
  return (
    JSON.stringify(
      {
        format: REPORT_FORMAT,
        kind: 'summary',
        totals: { runs: s.runs.length, ...s.totals, passRate: s.passRate },
        first: iso(s.first),
        last: iso(s.last),
        experiments: s.experiments.map((e) => ({ title: e.title, runs: e.runs, ...e.counts, passRate: e.passRate, lastVerdict: e.last.verdict })),
        trend: s.trend.map((b) => ({ from: iso(b.from), to: iso(b.to), ...b.counts })),
        runs: s.runs.map(runRow),
      },
      null,
      2,
    ) + '\n'
  );
}

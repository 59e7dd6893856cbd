// Markdown for a pull request comment or a chat message: GitHub-flavoured tables, outputs folded in <details>.
import { VERDICT_LABEL, describeOutput, describeTolerance, pretty, probeResult } from './format.ts';
import { type ActivityResult, type Run, type Verdict, hypothesisLabel } from './model.ts';
import { type Summary, VERDICTS } from './summary.ts';
import { formatDuration, formatStamp } from './time.ts';

const ICON: Record<Verdict, string> = {
  passed: '✅',
  deviated: '❌',
  failed: '💥',
  aborted: '⛔',
  interrupted: '⚠️',
  'not-run': '⏭️',
};

/** Runs listed in a summary; a comment with a thousand rows helps nobody (the HTML summary has them all). */
const MAX_ROWS = 100;

/** Table cell text: one line, pipes escaped. */
function cell(value: unknown): string {
  return String(value ?? '').replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').replace(/</g, '&lt;');
}

const code = (s: string) => (s ? `\`${s.replace(/`/g, 'ˋ')}\`` : '');

export function runMarkdown(run: Run): string {
  const out: string[] = [];
  out.push(`## ${ICON[run.verdict]} ${cell(run.title)}: ${VERDICT_LABEL[run.verdict]}`, '');
  out.push(`**${run.meaning}**${run.reason ? `  \n${cell(run.reason)}` : ''}`, '');
  out.push('| Status | Deviated | Exit code | Duration | Started | Engine |', '|---|---|---|---|---|---|');
  out.push(`| ${cell(run.status)} | ${run.deviated ? 'yes' : 'no'} | ${run.exitCode} | ${formatDuration(run.duration)} | ${formatStamp(run.start)} | ${cell(run.engine)} |`, '');

  if (run.hypotheses.length) {
    out.push(`### Steady-state hypothesis${run.hypothesisTitle ? `: ${cell(run.hypothesisTitle)}` : ''}`, '');
    out.push('| Check | Probe | Tolerance | Value | Result |', '|---|---|---|---|---|');
    for (const h of run.hypotheses) {
      for (const p of h.probes) {
        const value = p.error ? `raised: ${p.error}` : describeOutput(p.value, 60);
        out.push(`| ${cell(hypothesisLabel(h))} | ${cell(p.name)} | ${code(cell(describeTolerance(p.tolerance)))} | ${code(cell(value))} | ${probeResult(p)} |`);
      }
    }
    out.push('');
  }
  for (const [title, list] of [['Method', run.activities], ['Rollbacks', run.rollbacks]] as const) {
    if (!list.length) continue;
    out.push(`### ${title}`, '', '| # | Activity | Type | Status | Duration | Output |', '|---|---|---|---|---|---|');
    list.forEach((a: ActivityResult, i: number) => {
      const result = a.error ? `error: ${a.error}` : describeOutput(a.output, 60);
      out.push(`| ${i + 1} | ${cell(a.name)} | ${a.type}${a.background ? ' (background)' : ''} | ${a.status} | ${formatDuration(a.duration)} | ${code(cell(result))} |`);
    });
    out.push('');
  }
  if (run.errors.length) {
    out.push('### Errors', '');
    for (const e of run.errors) out.push(`- **${cell(e.name)}** (${cell(e.where)}): ${code(cell(e.message))}`);
    out.push('');
  }
  const details: [string, unknown][] = [['Configuration (secrets masked)', run.configuration], ['Secrets (masked)', run.secrets], ...Object.entries(run.extras)];
  for (const [title, value] of details) {
    if (value === undefined) continue;
    out.push(`<details><summary>${cell(title)}</summary>`, '', '```json', pretty(value, 4000).replace(/```/g, 'ˋˋˋ'), '```', '', '</details>', '');
  }
  out.push(`<sub>Journal ${code(cell(run.source))} · report by Turbulence</sub>`, '');
  return out.join('\n');
}

export function summaryMarkdown(s: Summary): string {
  const out: string[] = [];
  const pct = Math.round(s.passRate * 100);
  out.push(`## Chaos experiment runs: ${pct}% passed`, '');
  out.push(`${s.runs.length} runs of ${s.experiments.length} experiment(s)${s.first !== null ? `, ${formatStamp(s.first)} → ${formatStamp(s.last)}` : ''}.`, '');
  out.push(`| ${VERDICTS.map((v) => `${ICON[v]} ${VERDICT_LABEL[v]}`).join(' | ')} |`, `|${VERDICTS.map(() => '---').join('|')}|`);
  out.push(`| ${VERDICTS.map((v) => s.totals[v]).join(' | ')} |`, '');
  out.push('### Pass rate per experiment', '', '| Experiment | Runs | Passed | Deviated | Pass rate | Last run |', '|---|---|---|---|---|---|');
  for (const e of s.experiments) {
    out.push(`| ${cell(e.title)} | ${e.runs} | ${e.counts.passed} | ${e.counts.deviated} | ${Math.round(e.passRate * 100)}% | ${ICON[e.last.verdict]} ${VERDICT_LABEL[e.last.verdict]} |`);
  }
  out.push('', '### Runs', '');
  const recent = [...s.runs].reverse();
  out.push('| Started | Experiment | Result | Exit | Duration | Reason |', '|---|---|---|---|---|---|');
  for (const r of recent.slice(0, MAX_ROWS)) {
    out.push(`| ${formatStamp(r.start)} | ${cell(r.title)} | ${ICON[r.verdict]} ${VERDICT_LABEL[r.verdict]} | ${r.exitCode} | ${formatDuration(r.duration)} | ${cell(r.reason)} |`);
  }
  if (recent.length > MAX_ROWS) out.push('', `… and ${recent.length - MAX_ROWS} older runs (the HTML summary lists them all).`);
  out.push('');
  return out.join('\n');
}

// JUnit XML for CI (Jenkins, GitLab, GitHub test reporters): one testcase per run of an experiment. A deviated or
// failed run is a <failure> with its reason; an aborted or interrupted one an <error> (the experiment did not get to
// say anything); a run whose gate hypothesis missed is <skipped> (its method never ran).
import { VERDICT_LABEL, describeOutput, probeResult } from './format.ts';
import { type Run, hypothesisLabel } from './model.ts';

/** XML 1.0 forbids most control characters even escaped; outputs of processes may hold them. */
function xml(value: unknown): string {
  return String(value ?? '')
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\r/g, '&#13;')
    .replace(/\n/g, '&#10;');
}

/** Element text keeps its line breaks. */
const textXml = (value: string) => xml(value).replace(/&#10;/g, '\n');

const seconds = (s: number | null) => (s === null ? '0' : s.toFixed(6).replace(/0+$/, '').replace(/\.$/, ''));

/** The story of a run in plain lines, for <system-out> and the failure body. */
function narrative(run: Run): string {
  const lines = [`${run.title}: ${VERDICT_LABEL[run.verdict]} (status ${run.status}, deviated ${run.deviated}, exit ${run.exitCode})`, run.meaning];
  if (run.reason) lines.push(run.reason);
  for (const h of run.hypotheses) {
    for (const p of h.probes) lines.push(`${hypothesisLabel(h)}: probe ${p.name}: ${probeResult(p)}${p.error ? `: ${p.error}` : ` (${describeOutput(p.value, 80)})`}`);
  }
  for (const a of [...run.activities, ...run.rollbacks]) {
    lines.push(`${a.phase === 'method' ? 'method' : 'rollback'} ${a.type} ${a.name}: ${a.status}${a.error ? `: ${a.error}` : ''}`);
  }
  lines.push(`journal: ${run.source}`);
  return lines.join('\n');
}

function testcase(run: Run): string {
  const attrs = `name="${xml(run.title)}" classname="${xml(`chaos.${run.source.replace(/\\/g, '/').split('/').pop()!.replace(/\.json$/i, '')}`)}" time="${seconds(run.duration)}"${run.start !== null ? ` timestamp="${new Date(run.start).toISOString().slice(0, 19)}"` : ''}`;
  let verdict = '';
  if (run.verdict === 'deviated' || run.verdict === 'failed') {
    verdict = `<failure message="${xml(run.reason)}" type="${run.verdict}">${textXml(narrative(run))}</failure>`;
  } else if (run.verdict === 'aborted' || run.verdict === 'interrupted') {
    verdict = `<error message="${xml(run.reason)}" type="${run.verdict}">${textXml(narrative(run))}</error>`;
  } else if (run.verdict === 'not-run') {
    verdict = `<skipped message="${xml(run.reason)}"/>`;
  }
  return `    <testcase ${attrs}>${verdict ? `\n      ${verdict}` : ''}\n      <system-out>${textXml(narrative(run))}</system-out>\n    </testcase>`;
}

export function junitXml(runs: Run[], name = 'chaos experiments'): string {
  const count = (f: (r: Run) => boolean) => runs.filter(f).length;
  const failures = count((r) => r.verdict === 'deviated' || r.verdict === 'failed');
  const errors = count((r) => r.verdict === 'aborted' || r.verdict === 'interrupted');
  const skipped = count((r) => r.verdict === 'not-run');
  const time = seconds(runs.reduce((t, r) => t + (r.duration ?? 0), 0));
  const starts = runs.map((r) => r.start).filter((t): t is number => t !== null);
  const stamp = starts.length ? ` timestamp="${new Date(Math.min(...starts)).toISOString().slice(0, 19)}"` : '';
  const totals = `tests="${runs.length}" failures="${failures}" errors="${errors}"`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="${xml(name)}" ${totals} time="${time}">
  <testsuite name="${xml(name)}" ${totals} skipped="${skipped}" time="${time}"${stamp}>
${runs.map(testcase).join('\n')}
  </testsuite>
</testsuites>
`;
}

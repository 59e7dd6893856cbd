// The report of one run: what happened (verdict, exit code and its meaning), when (timeline), against which steady
// state (each probe's tolerance and value), what the method and rollbacks did, what failed, and the configuration.
import { VERDICT_LABEL, describeOutput, describeTolerance, pretty, probeResult, short } from '../format.ts';
import { type ActivityResult, type HypothesisResult, type Run, hypothesisLabel } from '../model.ts';
import { formatDuration, formatStamp } from '../time.ts';
import { badge, esc, page } from './page.ts';
import { timelineSvg } from './timeline.ts';

/** Continuous checks beyond this many are folded into one details element. */
const OPEN_CHECKS = 5;

export function runHtml(run: Run): string {
  return page(`${run.title} — ${VERDICT_LABEL[run.verdict]}`, runBody(run));
}

export function runBody(run: Run): string {
  const tags = run.tags.length ? `<p>${run.tags.map((t) => `<span class="tag">${esc(t)}</span>`).join('')}</p>` : '';
  const out: string[] = [];
  out.push(`<header class="report">
<div><h1>${esc(run.title)}</h1>${run.description ? `<p class="muted">${esc(run.description)}</p>` : ''}${tags}</div>
<div>${badge(run.verdict, VERDICT_LABEL[run.verdict]).replace('class="badge', 'class="badge badge-large')}</div>
</header>`);
  out.push(`<dl class="cards">
${card('Status', `${esc(run.status)}${run.deviated ? ' · deviated' : ''}`)}
${card('Exit code', String(run.exitCode))}
${card('Duration', esc(formatDuration(run.duration)))}
${card('Started', esc(formatStamp(run.start)))}
${card('Engine', esc(run.engine))}
${card('Node', esc(run.node || '—'))}
</dl>`);
  out.push(`<p class="reason${run.exitCode === 0 && run.verdict === 'passed' ? ' ok' : ''}"><strong>${esc(run.meaning)}</strong>${run.reason ? `<br>${esc(run.reason)}` : ''}</p>`);
  out.push(`<p class="muted">Journal <code>${esc(run.source)}</code>${run.platform ? ` · ${esc(run.platform)}` : ''}</p>`);

  out.push('<h2 id="timeline">Timeline</h2>', timelineSvg(run));

  out.push('<h2 id="hypothesis">Steady-state hypothesis</h2>');
  if (run.hypothesisTitle === null && !run.hypotheses.length) out.push('<p class="muted">The experiment declares no steady-state hypothesis.</p>');
  else {
    if (run.hypothesisTitle) out.push(`<p>${esc(run.hypothesisTitle)}</p>`);
    if (!run.hypotheses.length) out.push('<p class="muted">The hypothesis was not checked in this run.</p>');
    const during = run.hypotheses.filter((h) => h.phase === 'during');
    for (const h of run.hypotheses.filter((h) => h.phase === 'before')) out.push(hypothesisTable(h));
    if (during.length) {
      const missed = during.filter((h) => h.met !== true).length;
      out.push(`<h3>During the method: ${during.length} continuous check${during.length === 1 ? '' : 's'}, ${missed} not met</h3>`);
      const shown = during.slice(0, OPEN_CHECKS).map(hypothesisTable).join('');
      const rest = during.slice(OPEN_CHECKS).map(hypothesisTable).join('');
      out.push(shown + (rest ? `<details><summary>${during.length - OPEN_CHECKS} more checks</summary>${rest}</details>` : ''));
    }
    for (const h of run.hypotheses.filter((h) => h.phase === 'after')) out.push(hypothesisTable(h));
  }

  out.push('<h2 id="method">Method</h2>', activityTable(run.activities, run, 'No method activity ran.'));
  out.push('<h2 id="rollbacks">Rollbacks</h2>', activityTable(run.rollbacks, run, 'No rollback ran.'));

  out.push('<h2 id="errors">Errors</h2>');
  if (!run.errors.length) out.push('<p class="muted">No activity raised an error.</p>');
  else {
    out.push('<table><thead><tr><th>Where</th><th>Activity</th><th>Error</th></tr></thead><tbody>');
    for (const e of run.errors) out.push(`<tr><td>${esc(e.where)}</td><td>${esc(e.name)}</td><td><code>${esc(e.message)}</code></td></tr>`);
    out.push('</tbody></table>');
  }

  out.push('<h2 id="configuration">Configuration and secrets</h2>');
  out.push('<p class="muted">Values of secrets, of environment- and vault-provided configuration and of secret-looking keys are masked as ********, everywhere in this report.</p>');
  out.push(`<h3>Configuration</h3>${run.configuration === undefined ? '<p class="muted">None declared.</p>' : `<pre>${esc(pretty(run.configuration))}</pre>`}`);
  out.push(`<h3>Secrets</h3>${run.secrets === undefined ? '<p class="muted">None declared.</p>' : `<pre>${esc(pretty(run.secrets))}</pre>`}`);

  const extras = Object.entries(run.extras);
  if (extras.length) {
    out.push('<h2 id="extras">Other journal fields</h2><p class="muted">Added by controls or by Turbulence; shown as recorded.</p>');
    for (const [k, v] of extras) out.push(`<h3><code>${esc(k)}</code></h3><pre>${esc(pretty(v))}</pre>`);
  }
  return out.join('\n');
}

function card(label: string, valueHtml: string): string {
  return `<div class="card"><dt>${esc(label)}</dt><dd>${valueHtml}</dd></div>`;
}

function hypothesisTable(h: HypothesisResult): string {
  const met = h.met === true ? badge('met', 'met') : h.met === false ? badge('missed', 'not met') : badge('not-checked', 'unknown');
  const rows = h.probes
    .map((p) => {
      const result = probeResult(p);
      const value = p.error ? `<code>${esc(p.error)}</code>` : output(p.value);
      return `<tr><td>${esc(p.name)}</td><td><code>${esc(describeTolerance(p.tolerance))}</code></td><td>${value}</td><td>${badge(result.replace(' ', '-'), result)}</td><td class="num">${esc(formatDuration(p.duration))}</td></tr>`;
    })
    .join('');
  return `<h3>${esc(capitalize(hypothesisLabel(h)))} ${met}</h3>
<table><thead><tr><th>Probe</th><th>Tolerance</th><th>Value</th><th>Result</th><th class="num">Duration</th></tr></thead><tbody>${rows || '<tr><td colspan="5" class="muted">no probe</td></tr>'}</tbody></table>`;
}

function activityTable(list: ActivityResult[], run: Run, empty: string): string {
  if (!list.length) return `<p class="muted">${esc(empty)}</p>`;
  const rows = list
    .map((a, i) => {
      const offset = a.start !== null && run.start !== null ? `+${((a.start - run.start) / 1000).toFixed(3)} s` : '—';
      const kind = `${esc(a.type)}${a.background ? ' <span class="tag">background</span>' : ''}`;
      const result = a.error ? `<code>${esc(a.error)}</code>` : output(a.output);
      return `<tr><td class="num">${i + 1}</td><td>${esc(a.name)}<br><code class="muted">${esc(short(a.provider, 90).replace(/^"|"$/g, ''))}</code></td><td>${kind}</td><td>${badge(a.status, a.status)}</td><td class="num">${esc(offset)}</td><td class="num">${esc(formatDuration(a.duration))}</td><td>${result}</td></tr>`;
    })
    .join('');
  return `<table><thead><tr><th class="num">#</th><th>Activity</th><th>Type</th><th>Status</th><th class="num">Start</th><th class="num">Duration</th><th>Output</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** The short form, unfolding to the whole output. */
function output(value: unknown): string {
  const summary = describeOutput(value, 90);
  if (value === null || value === undefined) return '<span class="muted">—</span>';
  return `<details><summary><code>${esc(summary)}</code></summary><pre>${esc(pretty(value))}</pre></details>`;
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

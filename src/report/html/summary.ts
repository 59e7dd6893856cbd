// The page for several runs: totals, the outcomes over time (deviations stand out in red), each experiment's pass
// rate, and one row per run.
import { VERDICT_LABEL } from '../format.ts';
import type { Verdict } from '../model.ts';
import { type Summary, VERDICTS } from '../summary.ts';
import { formatDuration, formatStamp } from '../time.ts';
import { badge, esc, page } from './page.ts';

const VERDICT_COLOURS: Record<Verdict, string> = {
  passed: '#2da44e',
  deviated: '#cf222e',
  failed: '#82071e',
  aborted: '#6e7781',
  interrupted: '#bf8700',
  'not-run': '#afb8c1',
};

export function summaryHtml(s: Summary): string {
  const out: string[] = [];
  const period = s.first !== null ? `${formatStamp(s.first)} → ${formatStamp(s.last)}` : 'no start times';
  out.push(`<header class="report"><div><h1>Chaos experiment runs</h1><p class="muted">${s.runs.length} runs of ${s.experiments.length} experiment${s.experiments.length === 1 ? '' : 's'} · ${esc(period)}</p></div>
<div>${badge(s.totals.deviated ? 'deviated' : s.passRate === 1 ? 'passed' : 'failed', `${Math.round(s.passRate * 100)}% passed`).replace('class="badge', 'class="badge badge-large')}</div></header>`);
  out.push(`<dl class="cards">${[['Runs', s.runs.length] as const, ...VERDICTS.map((v) => [VERDICT_LABEL[v], s.totals[v]] as const)]
    .map(([l, n]) => `<div class="card"><dt>${esc(l)}</dt><dd>${n}</dd></div>`)
    .join('')}</dl>`);

  out.push('<h2 id="trend">Deviations over time</h2>', trendSvg(s));

  out.push('<h2 id="experiments">Pass rate per experiment</h2>');
  out.push('<table><thead><tr><th>Experiment</th><th class="num">Runs</th><th class="num">Passed</th><th class="num">Deviated</th><th class="num">Failed, aborted or interrupted</th><th class="num">Not run</th><th>Pass rate</th><th>Last run</th></tr></thead><tbody>');
  for (const e of s.experiments) {
    const pct = Math.round(e.passRate * 100);
    out.push(`<tr><td>${esc(e.title)}</td><td class="num">${e.runs}</td><td class="num">${e.counts.passed}</td><td class="num">${e.counts.deviated}</td><td class="num">${e.counts.failed + e.counts.aborted + e.counts.interrupted}</td><td class="num">${e.counts['not-run']}</td><td class="nowrap"><span class="rate" role="img" aria-label="${pct}% passed"><span style="width:${pct}%"></span></span>${pct}%</td><td>${badge(e.last.verdict, VERDICT_LABEL[e.last.verdict])}</td></tr>`);
  }
  out.push('</tbody></table>');

  out.push('<h2 id="runs">Runs</h2><p class="muted">Most recent first.</p>');
  out.push('<table><thead><tr><th>Started</th><th>Experiment</th><th>Result</th><th>Status</th><th class="num">Exit</th><th class="num">Duration</th><th>Reason</th><th>Journal</th></tr></thead><tbody>');
  for (let i = s.runs.length - 1; i >= 0; i--) {
    const r = s.runs[i];
    out.push(`<tr><td class="nowrap">${esc(formatStamp(r.start))}</td><td>${esc(r.title)}</td><td>${badge(r.verdict, VERDICT_LABEL[r.verdict])}</td><td>${esc(r.status)}${r.deviated ? ', deviated' : ''}</td><td class="num">${r.exitCode}</td><td class="num">${esc(formatDuration(r.duration))}</td><td>${esc(r.reason)}</td><td><code>${esc(r.source)}</code></td></tr>`);
  }
  out.push('</tbody></table>');
  return page(`Chaos experiment runs — ${Math.round(s.passRate * 100)}% passed`, out.join('\n'));
}

const WIDTH = 1000;
const HEIGHT = 240;
const LEFT = 44;
const BOTTOM = 36;
const TOP = 12;

/** Stacked bars per time slice, one colour per verdict, deviations at the bottom where the eye lands. */
function trendSvg(s: Summary): string {
  if (!s.trend.length) return '<p class="muted">No run has a start time.</p>';
  const order: Verdict[] = ['deviated', 'failed', 'aborted', 'interrupted', 'not-run', 'passed'];
  const max = Math.max(1, ...s.trend.map((b) => VERDICTS.reduce((n, v) => n + b.counts[v], 0)));
  const plotW = WIDTH - LEFT - 10;
  const plotH = HEIGHT - TOP - BOTTOM;
  const slot = plotW / s.trend.length;
  const barW = Math.max(2, slot * 0.7);
  const parts: string[] = [];
  for (const n of [...new Set([0, Math.round(max / 2), max])]) {
    const y = TOP + plotH * (1 - n / max);
    parts.push(`<line x1="${LEFT}" y1="${y}" x2="${WIDTH - 10}" y2="${y}" stroke="#d1d9e0"/><text x="${LEFT - 6}" y="${y + 4}" font-size="11" text-anchor="end" fill="#59636e">${n}</text>`);
  }
  s.trend.forEach((b, i) => {
    let y = TOP + plotH;
    const x = LEFT + i * slot + (slot - barW) / 2;
    const total = VERDICTS.reduce((n, v) => n + b.counts[v], 0);
    const label = `${formatStamp(b.from)}: ${total} run${total === 1 ? '' : 's'}, ${order.filter((v) => b.counts[v]).map((v) => `${b.counts[v]} ${VERDICT_LABEL[v]}`).join(', ')}`;
    const rects = order
      .filter((v) => b.counts[v])
      .map((v) => {
        const h = (b.counts[v] / max) * plotH;
        y -= h;
        return `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" fill="${VERDICT_COLOURS[v]}"/>`;
      })
      .join('');
    parts.push(`<g class="bar" data-deviated="${b.counts.deviated}"><title>${esc(label)}</title>${rects}</g>`);
  });
  const ticks = [0, Math.floor((s.trend.length - 1) / 2), s.trend.length - 1].filter((v, i, a) => a.indexOf(v) === i);
  for (const i of ticks) {
    const first = i === 0;
    const last = i === s.trend.length - 1 && !first;
    const x = first ? LEFT : last ? WIDTH - 10 : LEFT + i * slot + slot / 2;
    const anchor = first ? 'start' : last ? 'end' : 'middle';
    parts.push(`<text x="${x.toFixed(1)}" y="${HEIGHT - BOTTOM + 16}" font-size="11" fill="#59636e" text-anchor="${anchor}">${esc(formatStamp(s.trend[i].from).slice(0, 16))}</text>`);
  }
  const deviated = s.trend.reduce((n, b) => n + b.counts.deviated, 0);
  return `<figure><svg class="chart trend" role="img" aria-labelledby="trend-title" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" xmlns="http://www.w3.org/2000/svg">
<title id="trend-title">Runs over time by result: ${deviated} deviated of ${s.runs.length}</title>
${parts.join('\n')}
</svg>
<ul class="legend">${order.map((v) => `<li><i style="background:${VERDICT_COLOURS[v]}"></i>${esc(VERDICT_LABEL[v])}</li>`).join('')}</ul>
<figcaption>${s.trend.length === s.runs.length ? 'One bar per run' : `Runs grouped into ${s.trend.length} equal time slices`}, oldest on the left; the height is the number of runs.</figcaption></figure>`;
}

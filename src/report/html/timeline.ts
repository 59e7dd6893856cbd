// The run's timeline as an SVG drawn here, not in the browser: one lane per kind of activity, one mark per timeline
// item (coloured by status, named inside when it fits, with a tooltip), seconds since the start on the axis.
import { LANES, type MarkStatus, type Run, type TimelineItem } from '../model.ts';
import { esc } from './page.ts';

const WIDTH = 1000;
const LABEL = 150;
const RIGHT = 16;
const AXIS = 28;
const ROW = 24;
const BAR = 16;
const LANE_GAP = 8;
const MIN_MARK = 3;

export const MARK_COLOURS: Record<MarkStatus, string> = {
  succeeded: '#2da44e',
  met: '#2da44e',
  missed: '#cf222e',
  failed: '#82071e',
  interrupted: '#bf8700',
  interrupt: '#bf8700',
  pause: '#afb8c1',
};

const LEGEND: [MarkStatus, string][] = [
  ['succeeded', 'succeeded / met'],
  ['missed', 'tolerance missed'],
  ['failed', 'failed (raised)'],
  ['interrupted', 'interrupted'],
  ['pause', 'pause (declared)'],
];

/** Rows inside a lane, so that overlapping marks (background activities) never hide each other. */
function pack(items: TimelineItem[]): number[] {
  const rowEnds: number[] = [];
  return items.map((it) => {
    let row = rowEnds.findIndex((end) => end <= it.start);
    if (row < 0) row = rowEnds.push(it.end) - 1;
    else rowEnds[row] = it.end;
    return row;
  });
}

/** 1, 2 or 5 times a power of ten, giving about six ticks. */
function tickStep(seconds: number): number {
  const raw = seconds / 6;
  const power = 10 ** Math.floor(Math.log10(raw || 1));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? power * 10;
}

function seconds(s: number, step: number): string {
  const digits = step >= 1 ? 0 : Math.min(3, Math.ceil(-Math.log10(step)));
  return `${s.toFixed(digits)} s`;
}

export function timelineSvg(run: Run): string {
  const items = [...run.timeline].sort((a, b) => a.start - b.start);
  if (!items.length) return '<p class="muted">No activity ran: the journal holds nothing to draw.</p>';
  const t0 = Math.min(run.start ?? Infinity, ...items.map((i) => i.start));
  let t1 = Math.max(run.end ?? -Infinity, ...items.map((i) => i.end));
  if (!(t1 > t0)) t1 = t0 + 1;
  const plot = WIDTH - LABEL - RIGHT;
  const x = (t: number) => LABEL + ((t - t0) / (t1 - t0)) * plot;

  const lanes = LANES.map((l) => ({ ...l, items: items.filter((i) => i.lane === l.lane) })).filter((l) => l.items.length);
  let y = AXIS;
  const backgrounds: string[] = [];
  const parts: string[] = [];
  const guides: string[] = [];
  for (const [n, lane] of lanes.entries()) {
    const rows = pack(lane.items);
    const height = (Math.max(...rows) + 1) * ROW;
    if (n % 2 === 0) backgrounds.push(`<rect x="0" y="${y - LANE_GAP / 2}" width="${WIDTH}" height="${height + LANE_GAP}" fill="#f6f8fa"/>`);
    parts.push(`<text x="8" y="${y + ROW / 2 + 4}" font-size="12" font-weight="600" fill="#1f2328">${esc(lane.label)}</text>`);
    lane.items.forEach((it, i) => {
      const top = y + rows[i] * ROW + (ROW - BAR) / 2;
      const colour = MARK_COLOURS[it.status];
      const tip = `<title>${esc(`${it.name} — ${it.detail} — ${((it.start - t0) / 1000).toFixed(3)} s → ${((it.end - t0) / 1000).toFixed(3)} s`)}</title>`;
      const attrs = `class="mark" data-kind="${it.kind}" data-lane="${it.lane}" data-status="${it.status}" data-name="${esc(it.name)}"`;
      if (it.kind === 'interrupt') {
        const cx = x(it.start);
        guides.push(`<line x1="${cx.toFixed(1)}" y1="${AXIS - 4}" x2="${cx.toFixed(1)}" y2="__BOTTOM__" stroke="${colour}" stroke-width="1.5" stroke-dasharray="4 3"/>`);
        const cy = top + BAR / 2;
        parts.push(`<g ${attrs}>${tip}<path d="M${cx.toFixed(1)} ${cy - 8}l8 8-8 8-8-8z" fill="${colour}"/></g>`);
        const label = esc(it.name);
        const right = cx + 12 + it.name.length * 6.5 < WIDTH;
        parts.push(`<text x="${(right ? cx + 12 : cx - 12).toFixed(1)}" y="${cy + 4}" font-size="11" fill="#1f2328"${right ? '' : ' text-anchor="end"'}>${label}</text>`);
        return;
      }
      const left = x(it.start);
      const width = Math.max(MIN_MARK, x(it.end) - left);
      const hatch = it.kind === 'pause' ? ' fill-opacity="0.8" stroke="#8c959f" stroke-dasharray="3 2"' : '';
      parts.push(`<g ${attrs}>${tip}<rect x="${left.toFixed(1)}" y="${top}" width="${width.toFixed(1)}" height="${BAR}" rx="3" fill="${colour}"${hatch}/></g>`);
      if (width > it.name.length * 6.2 + 10) {
        const fill = it.status === 'pause' ? '#1f2328' : '#fff';
        parts.push(`<text x="${(left + 5).toFixed(1)}" y="${top + BAR - 4}" font-size="11" fill="${fill}" pointer-events="none">${esc(it.name)}</text>`);
      }
    });
    y += height + LANE_GAP;
  }
  const bottom = y;
  const step = tickStep((t1 - t0) / 1000);
  const ticks: string[] = [];
  for (let s = 0; s <= (t1 - t0) / 1000 + 1e-9; s += step) {
    const tx = x(t0 + s * 1000).toFixed(1);
    ticks.push(`<line x1="${tx}" y1="${AXIS - 6}" x2="${tx}" y2="${bottom}" stroke="#d1d9e0" stroke-width="1"/>`);
    ticks.push(`<text x="${tx}" y="${AXIS - 10}" font-size="11" fill="#59636e" text-anchor="middle">${seconds(s, step)}</text>`);
  }
  const marks = items.length;
  const desc = `${marks} marks: ${lanes.map((l) => `${l.label.toLowerCase()} ${l.items.length}`).join(', ')}`;
  return `<figure>
<svg class="chart timeline" role="img" aria-labelledby="timeline-title timeline-desc" viewBox="0 0 ${WIDTH} ${bottom + 4}" width="${WIDTH}" height="${bottom + 4}" data-marks="${marks}" xmlns="http://www.w3.org/2000/svg">
<title id="timeline-title">Timeline of the run</title>
<desc id="timeline-desc">${esc(desc)}</desc>
${backgrounds.join('\n')}
${ticks.join('\n')}
${parts.join('\n')}
${guides.map((g) => g.replace('__BOTTOM__', String(bottom))).join('\n')}
</svg>
<ul class="legend">${LEGEND.map(([s, l]) => `<li><i style="background:${MARK_COLOURS[s]}"></i>${esc(l)}</li>`).join('')}<li><i style="background:${MARK_COLOURS.interrupt};transform:rotate(45deg) scale(.8)"></i>interruption</li></ul>
<figcaption>Seconds since the run started. Hover a mark for its name, result and times. Pauses are drawn from the experiment's declared pauses.</figcaption>
</figure>`;
}

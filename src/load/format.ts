// The readable form of a load summary (the CLI's table) and of the live progress line.
import type { Progress } from './generator.ts';
import type { LoadSummary } from './stats.ts';

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const fixed = (n: number, d = 2) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${fixed(n, 1)} ${units[i]}`;
}

export function formatProgress(p: Progress): string {
  return `${fixed(p.elapsed, 1)} s  ${int(p.perSecond)} req/s  completed ${int(p.completed)}  errors ${int(p.failed)}`;
}

export function formatSummary(s: LoadSummary): string {
  const l = s.latency_ms;
  const mode = s.mode === 'closed' ? 'fixed concurrency' : `fixed rate ${fixed(s.rate!.target, 0)}/s`;
  const counts = (o: Record<string, number>) =>
    Object.entries(o)
      .filter(([k]) => k !== 'total')
      .map(([k, n]) => `${k}: ${int(n)}`)
      .join('  ') || 'none';
  const rows: [string, string][] = [
    ['Target', `${s.method} ${s.url}`],
    ['Run', `${s.connections} connections, ${mode}, ${fixed(s.duration)} s (stopped by ${s.stopped_by})`],
    ['Requests', `${fixed(s.requests.per_second, 1)} req/s  sent ${int(s.requests.sent)}  completed ${int(s.requests.completed)}  failed ${int(s.requests.failed)}`],
    [
      'Latency',
      `min ${l.min}  mean ${l.mean}  p50 ${l.p50}  p90 ${l.p90}  p99 ${l.p99}  p99.9 ${l.p99_9}  max ${l.max}  (ms, stdev ${l.stdev})`,
    ],
    ['Status', counts(s.status)],
    ['Errors', counts(s.errors)],
    ['Bytes', `read ${bytes(s.bytes.read)} (${bytes(s.bytes.read_per_second)}/s)  written ${bytes(s.bytes.written)}`],
  ];
  if (s.rate) {
    const r = s.rate;
    rows.push([
      'Schedule',
      `achieved ${fixed(r.achieved, 1)}/s of ${fixed(r.target, 1)}/s  late ${int(r.late)}  max lag ${r.max_lag_ms} ms  ` +
        `backlog ${int(r.backlog)}  missed ${int(r.missed)}  ${r.kept_up ? 'kept up' : 'DID NOT KEEP UP (generator or target too slow, or too few connections)'}`,
    ]);
  }
  return rows.map(([k, v]) => `${k.padEnd(9)} ${v}`).join('\n') + '\n';
}

/** Why a run counts as failed (exit 1), or null when some request got a response. */
export function failureReason(s: LoadSummary): string | null {
  if (s.requests.completed > 0) return null;
  if (s.errors.total === 0) return 'no request completed';
  const kinds = Object.entries(s.errors).filter(([k]) => k !== 'total');
  kinds.sort((a, b) => b[1] - a[1]);
  return `every request failed (${kinds.map(([k, n]) => `${k}: ${n}`).join(', ')})`;
}

// Benchmark: `turbulence report` summarizing 1,000 journals (a month of CI runs) into one HTML page, end to end
// (process start, reading and parsing every journal, rendering, writing). Target: at most 5 s.
// Needs the build: `npm run build && node bench/report.mjs [count]`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const COUNT = Number(process.argv[2] ?? 1000);
const TARGET_S = 5;

// A seeded generator, so that every run of the benchmark reads the same journals.
let seed = 42;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = (list) => list[Math.floor(random() * list.length)];

const TITLES = [
  'The service tolerates the loss of its exchange file', 'Checkout survives a slow payment gateway',
  'The cache can be flushed without errors', 'Losing one replica of three keeps the API up',
  'A full disk on the worker does not lose jobs', 'DNS failure falls back to the cached address',
  'The database failover finishes within 30 s', 'A CPU spike on the node keeps latency under 500 ms',
  'Queue consumers restart after being killed', 'The gateway sheds load at 2x traffic',
];

const stamp = (ms) => new Date(ms).toISOString().replace('Z', '').padEnd(26, '0') + '+00:00';
const body = (n) => JSON.stringify({ items: Array.from({ length: n }, (_, i) => ({ id: i, name: `item-${i}`, healthy: true })) });

function record(activity, start, ms, extra = {}) {
  const output = activity.provider.type === 'http'
    ? { status: 200, headers: { 'Content-Type': 'application/json', 'Content-Length': '512' }, body: body(5 + Math.floor(random() * 40)) }
    : { status: 0, stdout: 'ok\n'.repeat(1 + Math.floor(random() * 20)), stderr: '' };
  return { activity, output, start: stamp(start), status: 'succeeded', end: stamp(start + ms), duration: ms / 1000, ...extra };
}

function journal(i) {
  const title = pick(TITLES);
  const start = Date.UTC(2026, 9, 1) + i * 45 * 60_000 + Math.floor(random() * 600_000);
  const probes = [0, 1].map((n) => ({ type: 'probe', name: `probe-${n}`, tolerance: 200, provider: { type: 'http', url: `http://service.local:8080/health/${n}` } }));
  const actions = Array.from({ length: 3 + Math.floor(random() * 4) }, (_, n) => ({
    type: 'action', name: `action-${n}`, pauses: n === 0 ? { after: 1 } : undefined,
    provider: { type: 'process', path: 'kubectl', arguments: ['delete', 'pod', `web-${n}`] },
  }));
  const rollbacks = [{ type: 'action', name: 'restore', provider: { type: 'process', path: 'kubectl', arguments: ['rollout', 'restart', 'deploy/web'] } }];
  const roll = random();
  const outcome = roll < 0.6 ? 'completed' : roll < 0.8 ? 'deviated' : roll < 0.88 ? 'failed' : roll < 0.93 ? 'aborted' : roll < 0.98 ? 'interrupted' : 'gate-missed';
  let t = start;
  const check = (met) => ({ steady_state_met: met, probes: probes.map((p, n) => record(p, (t += 30), 25, { tolerance_met: met || n === 0 })) });
  const before = outcome === 'failed' && random() < 0.5 ? { steady_state_met: false, probes: [{ ...record(probes[0], t, 300), status: 'failed', exception: ['Traceback...\n', 'chaoslib.exceptions.ActivityFailed: activity took too long to complete\n'] }] } : check(outcome !== 'gate-missed');
  const run = before.steady_state_met ? actions.map((a) => record(a, (t += 200 + Math.floor(random() * 3000)), 150)) : [];
  if (outcome === 'interrupted' && run.length) delete run.at(-1).status;
  const during = outcome === 'deviated' && random() < 0.5 ? [check(true), check(false), check(false)] : [];
  const after = ['completed', 'deviated'].includes(outcome) ? check(outcome !== 'deviated') : null;
  const rb = ['failed', 'interrupted'].includes(outcome) ? [] : rollbacks.map((a) => record(a, (t += 500), 80));
  const end = t + 50;
  return {
    'chaoslib-version': '1.44.0', platform: 'Linux-6.1.0-x86_64-with-glibc2.36', node: `ci-runner-${i % 7}`,
    experiment: { title, description: 'Generated for the report benchmark.', tags: ['bench'], configuration: { token: { type: 'env', key: 'API_TOKEN' } }, 'steady-state-hypothesis': { title: 'The service is healthy', probes }, method: actions, rollbacks, dry: null },
    start: stamp(start), status: outcome === 'deviated' || outcome === 'gate-missed' ? 'completed' : outcome, deviated: outcome === 'deviated',
    steady_states: { before, after, during }, run, rollbacks: rb, end: stamp(end), duration: (end - start) / 1000,
    'turbulence-version': '0.1.0',
  };
}

const dir = mkdtempSync(join(tmpdir(), 'turbulence-bench-report-'));
try {
  let bytes = 0;
  for (let i = 0; i < COUNT; i++) {
    const text = JSON.stringify(journal(i), null, 2);
    bytes += text.length;
    writeFileSync(join(dir, `journal-${String(i).padStart(4, '0')}.json`), text);
  }
  const output = join(dir, 'summary.html');
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/turbulence.js'), '--no-log-file', 'report', dir, '--format', 'html', '--output', output], { encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`turbulence report failed (exit ${r.status}):\n${r.stderr}`);
  const html = readFileSync(output, 'utf8');
  const rows = html.match(/<tr><td class="nowrap">/g)?.length ?? 0;
  if (rows !== COUNT) throw new Error(`the summary lists ${rows} runs, not ${COUNT}`);
  console.log(`report: ${COUNT} journals (${(bytes / 1e6).toFixed(1)} MB) → summary.html (${(statSync(output).size / 1e6).toFixed(1)} MB) in ${seconds.toFixed(2)} s (target ≤ ${TARGET_S} s): ${seconds <= TARGET_S ? 'ok' : 'TOO SLOW'}`);
  process.exitCode = seconds <= TARGET_S ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}

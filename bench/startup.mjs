// Start-up benchmark: bare `node -e 0` against `turbulence --version` and `turbulence validate` of a typical JSON
// experiment, run in one alternating series so that machine noise hits every command alike. Prints medians and
// ratios to bare node next to the target (≤ 1.3x); the target is reported, not asserted. Exit 1 only when a
// command fails or the build is missing. Usage: npm run build && node bench/startup.mjs [--runs N]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 30;
const WARMUP = 3;
const TARGET = 1.3;

if (!Number.isInteger(RUNS) || RUNS < 1) {
  console.error('--runs needs a positive integer');
  process.exit(1);
}
if (!existsSync(new URL('../dist/turbulence.cjs', import.meta.url))) {
  console.error('dist/turbulence.cjs is missing: run `npm run build` first');
  process.exit(1);
}

const commands = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: 'turbulence --version', args: ['bin/turbulence.js', '--version'] },
  {
    name: 'turbulence validate (JSON)',
    args: ['bin/turbulence.js', '--no-log-file', 'validate', 'bench/fixtures/experiment.json'],
  },
];

/** One run: wall time in ms, or the reason it failed. */
function runOnce(args) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', timeout: 30_000 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.error) return { error: r.error.message };
  if (r.status !== 0) {
    const line = (r.stderr || r.stdout).trim().split('\n').find(Boolean) ?? '';
    return { error: `exit ${r.status ?? r.signal}${line ? `: ${line}` : ''}` };
  }
  return { ms };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

for (const c of commands) {
  c.times = [];
  for (let i = 0; i < WARMUP && !c.error; i++) c.error = runOnce(c.args).error;
}
for (let i = 0; i < RUNS; i++) {
  for (const c of commands) {
    if (c.error) continue;
    const r = runOnce(c.args);
    if (r.error) c.error = r.error;
    else c.times.push(r.ms);
  }
}

const base = commands[0].error ? undefined : median(commands[0].times);
console.log(`Start-up, median of ${RUNS} alternating runs (after ${WARMUP} warm-up runs each), node ${process.version}`);
console.log(`${'command'.padEnd(30)}${'median'.padStart(10)}${'ratio'.padStart(8)}  target ≤ ${TARGET}x`);
for (const [i, c] of commands.entries()) {
  if (c.error) {
    console.log(`${c.name.padEnd(30)}  FAILED (${c.error})`);
    continue;
  }
  const med = median(c.times);
  const ratio = base === undefined ? undefined : med / base;
  const verdict = i === 0 || ratio === undefined ? '' : ratio <= TARGET ? '  ok' : '  over target';
  console.log(
    `${c.name.padEnd(30)}${`${med.toFixed(1)} ms`.padStart(10)}${(ratio === undefined ? '-' : `${ratio.toFixed(2)}x`).padStart(8)}${verdict}`,
  );
}
process.exitCode = commands.some((c) => c.error) ? 1 : 0;

#!/usr/bin/env node
// Python bridge benchmark: the per-call overhead of a bridged python activity against the reference Chaos Toolkit
// running the same experiment, in ONE alternating series.
//
// Usage (from the repository root, after scripts/setup-test-peers.sh and `npm run build`):
//   node bench/python-bridge.mjs [-n N] [--warmup W] [--calls C] [--cli bin|driver]
//     -n N        measured iterations (default 5)
//     --warmup W  unmeasured iterations first (default 1)
//     --calls C   python actions in the long experiment (default 200)
//     --cli       bin (default): bin/turbulence.js as built (turbulence_testext is not native, so it is bridged);
//                 driver: test/providers/python-bridge-cli.ts under tsx, the CLI with every python activity on the
//                 bridge, plus the engine-only series below
//
// Both engines run two experiments: one python action, and C python actions, each calling the trivial
// turbulence_testext.actions.noop (test/fixtures/python) in .peers/venv's interpreter. Per-call overhead is
// (median time of C calls - median time of 1 call) / (C - 1): start-up, validation set-up and the worker's start
// cancel out, what remains is what one more activity costs, engine and bridge included. Prints both overheads and
// the ratio Turbulence/reference (target ≤ 1.0), then the same per call as the journals time it (first activity's
// start to the last one's end, over C): no start-up noise, but validation is left out. With the driver, a third
// series runs the same experiments with every python activity a no-op (TURBULENCE_BRIDGE_NOOP=1): the engine's own
// cost per activity, so that the bridge's share (the difference) shows. Exits 1 when a run fails.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { methodSpan } from './journal-times.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHAOS = join(ROOT, '.peers/venv/bin/chaos');
const PYTHON = join(ROOT, '.peers/venv/bin/python');
const TARGET = 1.0;

function parseArgs(argv) {
  const opts = { n: 5, warmup: 1, calls: 200, cli: 'bin' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-n') opts.n = Number(argv[++i]);
    else if (a === '--warmup') opts.warmup = Number(argv[++i]);
    else if (a === '--calls') opts.calls = Number(argv[++i]);
    else if (a === '--cli') opts.cli = argv[++i];
    else if (a === '-h' || a === '--help') {
      const lines = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1);
      console.log(lines.slice(0, lines.findIndex((l) => !l.startsWith('//'))).join('\n'));
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  if (!(opts.n >= 1) || !(opts.warmup >= 0) || !(opts.calls >= 2)) throw new Error('-n ≥ 1, --warmup ≥ 0, --calls ≥ 2');
  if (!['driver', 'bin'].includes(opts.cli)) throw new Error('--cli is driver or bin');
  return opts;
}

function experiment(calls) {
  const method = Array.from({ length: calls }, (_, i) => ({
    type: 'action',
    name: `noop-${i}`,
    provider: { type: 'python', module: 'turbulence_testext.actions', func: 'noop' },
  }));
  return { title: `${calls} python calls`, description: 'python bridge benchmark', method };
}

function run(cmd, args, env) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('error', (err) => resolve({ ms: NaN, code: `spawn error: ${err.message}`, stderr }));
    child.on('close', (code, signal) => resolve({ ms: Number(process.hrtime.bigint() - t0) / 1e6, code: code ?? `signal ${signal}`, stderr }));
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!existsSync(CHAOS) || !existsSync(PYTHON)) throw new Error('missing the reference venv: run scripts/setup-test-peers.sh');
  if (opts.cli === 'bin' && !existsSync(join(ROOT, 'dist/worker.py'))) throw new Error('missing the build: run npm run build');
  const turbulence =
    opts.cli === 'bin'
      ? [join(ROOT, 'bin/turbulence.js')]
      : ['--import', 'tsx', join(ROOT, 'test/providers/python-bridge-cli.ts')];
  const dir = mkdtempSync(join(tmpdir(), 'turbulence-bench-python-'));
  const env = { ...process.env, HOME: dir, NO_COLOR: '1', TURBULENCE_PYTHON: PYTHON };
  delete env.NODE_OPTIONS;
  writeFileSync(join(dir, 'one.json'), JSON.stringify(experiment(1)));
  writeFileSync(join(dir, 'many.json'), JSON.stringify(experiment(opts.calls)));
  const engines = {
    reference: (file) => [CHAOS, ['--no-version-check', '--no-log-file', 'run', '--journal-path', join(dir, 'j-ref.json'), file]],
    turbulence: (file) => [process.execPath, [...turbulence, '--no-log-file', 'run', '--journal-path', join(dir, 'j-turb.json'), file]],
  };
  if (opts.cli === 'driver') {
    engines['engine only'] = (file) => [
      process.execPath,
      [...turbulence, '--no-log-file', 'run', '--journal-path', join(dir, 'j-noop.json'), file],
      { ...env, TURBULENCE_BRIDGE_NOOP: '1' },
    ];
  }
  const times = Object.fromEntries(Object.keys(engines).map((e) => [e, { one: [], many: [] }]));
  const spans = Object.fromEntries(Object.keys(engines).map((e) => [e, []]));
  const errors = [];
  try {
    for (let it = 0; it < opts.warmup + opts.n; it++) {
      const measured = it >= opts.warmup;
      process.stderr.write(`\r${measured ? `iteration ${it - opts.warmup + 1}/${opts.n}` : `warm-up ${it + 1}/${opts.warmup}`}   `);
      for (const size of ['one', 'many']) {
        for (const [engine, argsOf] of Object.entries(engines)) {
          const [cmd, args, engineEnv] = argsOf(join(dir, `${size}.json`));
          const r = await run(cmd, args, engineEnv ?? env);
          const journal = args[args.indexOf('--journal-path') + 1];
          if (r.code !== 0) errors.push(`${engine} ${size} exited ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
          else if (!journalOk(journal, size === 'one' ? 1 : opts.calls)) {
            errors.push(`${engine} ${size}: the journal does not hold ${size === 'one' ? 1 : opts.calls} succeeded calls`);
          }
          if (measured) times[engine][size].push(r.ms);
          if (measured && size === 'many' && r.code === 0) spans[engine].push(methodSpan(journal));
        }
      }
    }
    process.stderr.write('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const perCall = (e) => (median(times[e].many) - median(times[e].one)) / (opts.calls - 1);
  const ref = perCall('reference');
  const turb = perCall('turbulence');
  const f = (ms) => `${(ms * 1000).toFixed(0)} µs`;
  console.log(`python bridge: ${opts.calls} calls of turbulence_testext.actions.noop, medians of ${opts.n} runs (cli: ${opts.cli})`);
  for (const e of Object.keys(engines)) {
    console.log(`  ${e.padEnd(11)}  1 call ${median(times[e].one).toFixed(0).padStart(6)} ms   ${opts.calls} calls ${median(times[e].many).toFixed(0).padStart(6)} ms   per call ${f(perCall(e))}`);
  }
  if (times['engine only']) console.log(`  bridge share per call (turbulence - engine only): ${f(turb - perCall('engine only'))}`);
  console.log(`  ratio turbulence/reference per call: ${(turb / ref).toFixed(2)}× (target ≤ ${TARGET.toFixed(1)}×)`);
  // The difference of two wall-time medians is at the mercy of start-up noise on a busy machine (it can even come
  // out negative); the journals' own times are not: first activity's start to last one's end, per call.
  const inMethod = (e) => median(spans[e]) / opts.calls;
  console.log('  from the journals (method: first start to last end, per call; validation and start-up excluded):');
  for (const e of Object.keys(engines)) console.log(`    ${e.padEnd(11)}  ${f(inMethod(e))}`);
  console.log(`    ratio turbulence/reference: ${(inMethod('turbulence') / inMethod('reference')).toFixed(2)}×`);
  for (const e of errors) console.log(`  error: ${e}`);
  process.exitCode = errors.length ? 1 : 0;
}

function journalOk(path, calls) {
  try {
    const j = JSON.parse(readFileSync(path, 'utf8'));
    return j.status === 'completed' && j.run.length === calls && j.run.every((r) => r.status === 'succeeded');
  } catch {
    return false;
  }
}

await main();

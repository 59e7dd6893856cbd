#!/usr/bin/env node
// Engine benchmark: Turbulence against the reference Chaos Toolkit, in ONE alternating series.
//
// Usage (from the repository root, after `npm run build` and scripts/setup-test-peers.sh):
//   node bench/engine.mjs [-n N] [--warmup W] [--only case[,case...]]
//     -n N        measured iterations (default 10)
//     --warmup W  unmeasured iterations first (default 1)
//     --only      run only these cases: version, validate, trivial, http200, process200
//
// Each iteration runs every case with the reference, then with Turbulence, so drift on the machine hits both
// alike. Both get the same arguments, `--no-version-check --no-log-file` included, HOME set to a temp dir (no
// settings) and the same environment.
//   version     `--version`
//   validate    `validate` of a small experiment
//   trivial     `run` of an experiment whose method is one process probe (`true`)
//   http200     `run` of a method of 200 http probes against a node server on 127.0.0.1 (in this process)
//   process200  `run` of a method of 200 process probes (`true`)
// Prints the median wall time per case and engine, the ratio Turbulence/reference next to its target, and the peak
// RSS per case. Peak RSS is the kernel's ru_maxrss of the child as reported by `/usr/bin/time -f %M` (GNU time),
// which wraps BOTH engines' runs so the timings stay comparable; without /usr/bin/time, timings are unwrapped and
// the peak RSS comes from one extra Turbulence run per case under python3's resource.getrusage(RUSAGE_CHILDREN).
// For http200 and process200 it also prints what one activity costs as the journals time it (first start to last
// end, over 200): the targets are on wall time, this shows where it goes (start-up and validation left out).
// Exits 0 unless a run fails (unexpected exit code, or the http case not making its 200 requests).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { methodSpan } from './journal-times.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHAOS = join(ROOT, '.peers/venv/bin/chaos');
const TURBULENCE = join(ROOT, 'bin/turbulence.js');
const GNU_TIME = '/usr/bin/time';
const CASES = ['version', 'validate', 'trivial', 'http200', 'process200'];
const TARGETS = { version: 0.5, validate: 0.5, trivial: null, http200: 0.4, process200: 1.0 };
const RSS_TARGET_MIB = 80;
/** cases whose journals also give the cost of one activity (method span / 200), steadier than the wall times */
const PER_ACTIVITY = ['http200', 'process200'];

function parseArgs(argv) {
  const opts = { n: 10, warmup: 1, only: CASES };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-n') opts.n = Number(argv[++i]);
    else if (a === '--warmup') opts.warmup = Number(argv[++i]);
    else if (a === '--only') opts.only = argv[++i].split(',');
    else if (a === '-h' || a === '--help') {
      const lines = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1);
      console.log(lines.slice(0, lines.findIndex((l) => !l.startsWith('//'))).join('\n'));
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  for (const c of opts.only) if (!CASES.includes(c)) throw new Error(`unknown case ${c} (cases: ${CASES.join(', ')})`);
  if (!(opts.n >= 1) || !(opts.warmup >= 0)) throw new Error('-n must be ≥ 1 and --warmup ≥ 0');
  return opts;
}

const port = { type: 'env', key: 'BENCH_PORT' };
const experiment = (title, method, extra = {}) => ({ title, description: 'engine benchmark', ...extra, method });
const probes = (n, provider) => Array.from({ length: n }, (_, i) => ({ type: 'probe', name: `probe-${i}`, provider }));

function writeExperiments(dir) {
  const files = {
    'small.json': experiment('small', [{ type: 'action', name: 'say', provider: { type: 'process', path: 'echo', arguments: 'hi' } }], {
      'steady-state-hypothesis': {
        title: 'fine',
        probes: [{ type: 'probe', name: 'ok', tolerance: 0, provider: { type: 'process', path: 'true' } }],
      },
    }),
    'trivial.json': probes(1, { type: 'process', path: 'true' }),
    'http200.json': probes(200, { type: 'http', url: 'http://127.0.0.1:${port}/', timeout: 5 }),
    'process200.json': probes(200, { type: 'process', path: 'true' }),
  };
  for (const [name, body] of Object.entries(files)) {
    const doc = Array.isArray(body) ? experiment(name, body, { configuration: { port } }) : body;
    writeFileSync(join(dir, name), JSON.stringify(doc, null, 2));
  }
}

function caseArgs(name, dir, engine) {
  const common = ['--no-version-check', '--no-log-file'];
  const run = (file) => [...common, 'run', '--journal-path', join(dir, `journal-${engine}.json`), join(dir, file)];
  switch (name) {
    case 'version':
      return [...common, '--version'];
    case 'validate':
      return [...common, 'validate', join(dir, 'small.json')];
    case 'trivial':
      return run('trivial.json');
    case 'http200':
      return run('http200.json');
    case 'process200':
      return run('process200.json');
  }
}

/** Runs one command; resolves with wall time (ms), exit code, peak RSS (KiB, when wrapped) and stderr. */
function runOnce(cmd, args, env, rssFile) {
  const [file, argv] = rssFile ? [GNU_TIME, ['-f', '%M', '-o', rssFile, cmd, ...args]] : [cmd, args];
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(file, argv, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('error', (err) => resolve({ ms: NaN, code: `spawn error: ${err.message}`, rssKiB: null, stderr }));
    child.on('close', (code, signal) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      let rssKiB = null;
      if (rssFile && existsSync(rssFile)) {
        // GNU time writes "Command exited with non-zero status N" before the value when the command fails.
        const last = readFileSync(rssFile, 'utf8').trim().split('\n').at(-1);
        rssKiB = Number(last) || null;
      }
      resolve({ ms, code: code ?? `signal ${signal}`, rssKiB, stderr });
    });
  });
}

/** Peak RSS (KiB) of one command via python3's getrusage(RUSAGE_CHILDREN): the fallback without GNU time. */
async function rssViaPython(cmd, args, env) {
  const py = 'import resource,subprocess,sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)';
  return new Promise((resolve) => {
    const child = spawn('python3', ['-c', py, cmd, ...args], { env, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    child.on('error', () => resolve(null));
    child.on('close', () => resolve(Number(out.trim()) || null));
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  for (const [what, path] of [
    ['reference (run scripts/setup-test-peers.sh)', CHAOS],
    ['Turbulence build (run npm run build)', join(ROOT, 'dist/turbulence.cjs')],
  ])
    if (!existsSync(path)) throw new Error(`missing ${what}: ${path}`);

  const dir = mkdtempSync(join(tmpdir(), 'turbulence-bench-'));
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    req.resume();
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok": true}');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const wrapped = existsSync(GNU_TIME);
  const env = { ...process.env, HOME: dir, NO_COLOR: '1', BENCH_PORT: String(server.address().port) };
  delete env.NODE_OPTIONS;
  writeExperiments(dir);

  const engines = {
    reference: { cmd: CHAOS, pre: [] },
    turbulence: { cmd: process.execPath, pre: [TURBULENCE] },
  };
  const results = Object.fromEntries(
    opts.only.map((c) => [c, { reference: [], turbulence: [], rss: [], errors: [], perActivity: { reference: [], turbulence: [] } }]),
  );
  const rssFile = wrapped ? join(dir, 'rss.txt') : null;

  try {
    const total = opts.warmup + opts.n;
    for (let it = 0; it < total; it++) {
      const measured = it >= opts.warmup;
      process.stderr.write(`\r${measured ? 'iteration' : 'warm-up'} ${measured ? it - opts.warmup + 1 : it + 1}/${measured ? opts.n : opts.warmup}   `);
      for (const name of opts.only) {
        for (const [engine, { cmd, pre }] of Object.entries(engines)) {
          if (rssFile) rmSync(rssFile, { force: true });
          const before = hits;
          const r = await runOnce(cmd, [...pre, ...caseArgs(name, dir, engine)], env, rssFile);
          const res = results[name];
          if (r.code !== 0) res.errors.push(`${engine} exited ${r.code}: ${r.stderr.trim().split('\n').at(-1) ?? ''}`);
          else if (name === 'http200' && hits - before !== 200) res.errors.push(`${engine} made ${hits - before} requests instead of 200`);
          if (!measured) continue;
          res[engine].push(r.ms);
          if (r.code === 0 && PER_ACTIVITY.includes(name)) res.perActivity[engine].push(methodSpan(join(dir, `journal-${engine}.json`)) / 200);
          if (engine === 'turbulence' && r.rssKiB) res.rss.push(r.rssKiB);
        }
      }
    }
    process.stderr.write('\n');
    if (!wrapped)
      for (const name of opts.only) {
        const kib = await rssViaPython(engines.turbulence.cmd, [...engines.turbulence.pre, ...caseArgs(name, dir, 'turbulence')], env);
        if (kib) results[name].rss.push(kib);
      }
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }

  report(results, opts, wrapped);
  const failed = Object.values(results).some((r) => r.errors.length > 0);
  process.exitCode = failed ? 1 : 0;
}

function report(results, opts, wrapped) {
  const pad = (s, n) => String(s).padEnd(n);
  const lpad = (s, n) => String(s).padStart(n);
  console.log(`\nEngine benchmark: median of ${opts.n} alternating iterations (after ${opts.warmup} warm-up), node ${process.version}`);
  console.log(`peak RSS: ${wrapped ? 'ru_maxrss via /usr/bin/time -f %M (both engines wrapped)' : 'ru_maxrss via python3 getrusage(RUSAGE_CHILDREN), one extra run per case'}\n`);
  console.log(`${pad('case', 12)}${lpad('reference', 12)}${lpad('turbulence', 12)}${lpad('ratio', 9)}  ${pad('target', 8)}${pad('', 7)}${lpad('peak RSS', 10)}`);
  let peak = 0;
  for (const [name, r] of Object.entries(results)) {
    const rssMiB = r.rss.length ? Math.max(...r.rss) / 1024 : null;
    if (rssMiB) peak = Math.max(peak, rssMiB);
    const rss = rssMiB ? `${rssMiB.toFixed(1)} MiB` : 'n/a';
    if (!r.reference.length || !r.turbulence.length) {
      console.log(`${pad(name, 12)}  no measurements`);
    } else {
      const ref = median(r.reference);
      const turb = median(r.turbulence);
      const ratio = turb / ref;
      const target = TARGETS[name];
      const verdict = target === null ? '' : ratio <= target ? 'meets' : 'MISSES';
      console.log(
        `${pad(name, 12)}${lpad(`${ref.toFixed(1)} ms`, 12)}${lpad(`${turb.toFixed(1)} ms`, 12)}${lpad(`${ratio.toFixed(2)}×`, 9)}  ${pad(target === null ? '-' : `≤${target.toFixed(1)}×`, 8)}${pad(verdict, 7)}${lpad(rss, 10)}`,
      );
    }
    for (const e of [...new Set(r.errors)]) console.log(`  error: ${e}`);
  }
  const perActivity = Object.entries(results).filter(([, r]) => r.perActivity.reference.length && r.perActivity.turbulence.length);
  if (perActivity.length) console.log('\nper activity from the journals (first start to last end / 200; start-up and validation left out):');
  for (const [name, { perActivity: p }] of perActivity) {
    const [ref, turb] = [median(p.reference), median(p.turbulence)];
    console.log(`${pad(name, 12)}${lpad(`${(ref * 1000).toFixed(0)} µs`, 12)}${lpad(`${(turb * 1000).toFixed(0)} µs`, 12)}${lpad(`${(turb / ref).toFixed(2)}×`, 9)}`);
  }
  if (peak) console.log(`\nTurbulence peak RSS over all cases: ${peak.toFixed(1)} MiB (target ≤${RSS_TARGET_MIB} MiB: ${peak <= RSS_TARGET_MIB ? 'meets' : 'MISSES'})`);
}

main().catch((err) => {
  console.error(`bench/engine.mjs: ${err.message}`);
  process.exit(1);
});

// Load generator benchmark: turbulence load against wrk and autocannon, each in its own process, against the same
// local nginx (worker_processes 1, keep-alive, small static file), for the same connections and duration. Prints
// req/s, p50/p99 and each generator's CPU time, and the ratios turbulence/autocannon (target ≥ 0.9) and
// turbulence/wrk. The target is reported, not asserted; exit 1 only when a tool is missing or fails.
// Usage: npm run build && node bench/load.mjs [--connections 50] [--duration 5] [--rounds 2]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const CONNECTIONS = arg('connections', 50);
const DURATION = arg('duration', 5);
const ROUNDS = arg('rounds', 2);
const TARGET = 0.9;
const NGINX = '/usr/sbin/nginx';
const WRK = '/usr/bin/wrk';
const AUTOCANNON = join(root, 'node_modules/autocannon/autocannon.js');

for (const [what, path] of [['nginx (Debian nginx-light)', NGINX], ['wrk', WRK], ['autocannon (npm devDependency)', AUTOCANNON], ['the build (npm run build)', join(root, 'dist/turbulence.cjs')]]) {
  if (!existsSync(path)) {
    console.error(`${what} is missing: ${path}`);
    process.exit(1);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'turbulence-bench-load-'));
const port = await freePort();
const url = `http://127.0.0.1:${port}/index.html`;
const nginx = startNginx();

try {
  await waitForPort(port);
  console.log(`target ${url} (nginx, 1 worker); ${CONNECTIONS} connections, ${DURATION} s each, ${ROUNDS} round(s)\n`);
  const generators = {
    wrk: () => timed(WRK, ['-t1', `-c${CONNECTIONS}`, `-d${DURATION}s`, '--latency', url], parseWrk),
    autocannon: () => timed(process.execPath, [AUTOCANNON, '-c', String(CONNECTIONS), '-d', String(DURATION), '-j', url], parseAutocannon),
    turbulence: () =>
      timed(process.execPath, [join(root, 'bin/turbulence.js'), '--no-log-file', 'load', '--json', '-c', String(CONNECTIONS), '-d', `${DURATION}s`, url], parseTurbulence),
  };
  const results = Object.fromEntries(Object.keys(generators).map((k) => [k, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, run] of Object.entries(generators)) {
      const m = run();
      results[name].push(m);
      console.log(`round ${r + 1} ${name.padEnd(10)} ${fmt(m)}`);
    }
  }
  console.log('\nmean over rounds');
  const mean = {};
  for (const [name, ms] of Object.entries(results)) {
    const avg = (k) => ms.reduce((s, m) => s + m[k], 0) / ms.length;
    mean[name] = { rps: avg('rps'), p50: avg('p50'), p99: avg('p99'), cpu: avg('cpu') };
    console.log(`${name.padEnd(10)} ${fmt(mean[name])}`);
  }
  const vsAutocannon = mean.turbulence.rps / mean.autocannon.rps;
  const vsWrk = mean.turbulence.rps / mean.wrk.rps;
  const perCpu = (m) => m.rps / (m.cpu / DURATION);
  console.log(`\nturbulence/autocannon req/s ${vsAutocannon.toFixed(2)}x (target ≥ ${TARGET}x: ${vsAutocannon >= TARGET ? 'met' : 'NOT met'})`);
  console.log(`turbulence/wrk        req/s ${vsWrk.toFixed(2)}x`);
  console.log(`req/s per core of generator CPU: wrk ${perCpu(mean.wrk).toFixed(0)}, autocannon ${perCpu(mean.autocannon).toFixed(0)}, turbulence ${perCpu(mean.turbulence).toFixed(0)}`);
} catch (err) {
  console.error(err.message);
  process.exitCode = 1;
} finally {
  nginx.removeAllListeners('exit');
  nginx.kill('SIGTERM');
  await new Promise((r) => (nginx.exitCode !== null || nginx.signalCode !== null ? r() : nginx.once('exit', r)));
  rmSync(dir, { recursive: true, force: true });
}

function fmt(m) {
  return `${m.rps.toFixed(0).padStart(7)} req/s  p50 ${m.p50.toFixed(2).padStart(6)} ms  p99 ${m.p99.toFixed(2).padStart(7)} ms  cpu ${m.cpu.toFixed(2)} s`;
}

/** Runs a generator under bash's `times`, which reports the CPU time (user + system) of the children it waited for. */
function timed(cmd, args, parse) {
  const r = spawnSync('bash', ['-c', '"$@" > "$OUT"; rc=$?; times >&2; exit $rc', 'bench', cmd, ...args], {
    env: { ...process.env, OUT: join(dir, 'out') },
    encoding: 'utf8',
    timeout: (DURATION + 30) * 1000,
  });
  const out = existsSync(join(dir, 'out')) ? readFileSync(join(dir, 'out'), 'utf8') : '';
  if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.stderr.slice(-500)}`);
  const lines = r.stderr.trim().split('\n');
  const [user, sys] = lines[lines.length - 1].split(/\s+/).map(seconds);
  return { ...parse(out), cpu: user + sys };
}

/** bash's `times` format: 0m1.234s */
function seconds(t) {
  const m = /(\d+)m([\d.]+)s/.exec(t);
  return Number(m[1]) * 60 + Number(m[2]);
}

function parseWrk(out) {
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)[1]);
  const pct = (p) => {
    const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s)`, 'm').exec(out);
    return Number(m[1]) * { us: 0.001, ms: 1, s: 1000 }[m[2]];
  };
  return { rps, p50: pct(50), p99: pct(99) };
}

function parseAutocannon(out) {
  const j = JSON.parse(out);
  return { rps: j.requests.total / j.duration, p50: j.latency.p50, p99: j.latency.p99 };
}

function parseTurbulence(out) {
  const j = JSON.parse(out);
  return { rps: j.requests.per_second, p50: j.latency_ms.p50, p99: j.latency_ms.p99 };
}

function startNginx() {
  mkdirSync(join(dir, 'www'));
  mkdirSync(join(dir, 'tmp'));
  writeFileSync(join(dir, 'www/index.html'), '<!doctype html><title>turbulence</title><p>Hello from nginx.</p>\n');
  const conf = `
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_timeout 75s;
  keepalive_requests 1000000;
  client_body_temp_path ${dir}/tmp;
  proxy_temp_path ${dir}/tmp;
  fastcgi_temp_path ${dir}/tmp;
  uwsgi_temp_path ${dir}/tmp;
  scgi_temp_path ${dir}/tmp;
  server {
    listen 127.0.0.1:${port};
    root ${dir}/www;
  }
}
`;
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const child = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'inherit'] });
  child.on('exit', (code) => {
    if (code) console.error(`nginx exited with ${code}: ${readFileSync(join(dir, 'error.log'), 'utf8').slice(-500)}`);
  });
  return child;
}

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(p) {
  for (let i = 0; i < 100; i++) {
    const r = spawnSync('bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${p}`]);
    if (r.status === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('nginx did not start listening');
}

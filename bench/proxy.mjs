#!/usr/bin/env node
// Fault-proxy benchmark: Turbulence's Toxiproxy-compatible proxy against the real toxiproxy-server 2.12.0, and
// against no proxy at all, in one run on 127.0.0.1.
//
// Usage (from the repository root, after `npm run build` and scripts/setup-test-peers.sh):
//   node bench/proxy.mjs [--quick] [--profile DIR] [--no-load]
//     --quick        shorter runs (smoke test of the bench itself)
//     --no-load      skip the load generator's comparison with wrk and autocannon (bench/load.mjs), run at the end
//     --profile DIR  run Turbulence's proxy under `node --cpu-prof --cpu-prof-dir=DIR` (open the .cpuprofile in
//                    Chrome DevTools or speedscope)
//
// Both proxies run as their own processes: Turbulence via `node bin/turbulence.js proxy --host 127.0.0.1 --port 0`,
// Toxiproxy via .peers/bin/toxiproxy-server. Upstreams: Debian's nginx (nginx-light) serving a static file from a
// temp dir, a TCP sink and an echo server (child processes, so the bench's own client does not share their loop).
// Measures, for direct / Turbulence / Toxiproxy:
//   bulk     MB/s of one connection writing BULK_MB into the sink (median of 3)
//   wrk      req/s of `wrk -t1 -c50 --latency` fetching a 4 KiB file from nginx (plus wrk's p50/p99 latency),
//            mean of 2 rounds
//   rtt      round trip of 16-byte messages over one connection (10 interleaved rounds after a settling one);
//            added latency = proxy − direct, per percentile
//   latency  with a 50 ms downstream latency toxic: p50/p99 of (round trip − 50 ms)
// and the CPU time each proxy process used per phase. Prints ratios Turbulence/Toxiproxy against the targets:
// throughput ≥ 1.0× Toxiproxy, added p99 ≤ Toxiproxy's, latency-toxic error ≤ 2 ms p99.
// Exits 1 if a peer is missing or a measurement fails; missing a target is reported, not an error.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TOXIPROXY = join(ROOT, '.peers/bin/toxiproxy-server');
const TURBULENCE = join(ROOT, 'bin/turbulence.js');
const NGINX = '/usr/sbin/nginx';
const WRK = '/usr/bin/wrk';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const profileDir = args.includes('--profile') ? args[args.indexOf('--profile') + 1] : undefined;
const BULK_MB = quick ? 64 : 256;
const WRK_SECONDS = quick ? 2 : 5;
const RTT_SAMPLES = quick ? 500 : 6000;
const RTT_ROUNDS = 10;
const TOXIC_SAMPLES = quick ? 20 : 200;

for (const [file, hint] of [[TOXIPROXY, 'run scripts/setup-test-peers.sh'], [join(ROOT, 'dist/turbulence.cjs'), 'run npm run build'], [NGINX, 'apt-get install nginx-light'], [WRK, 'apt-get install wrk']]) {
  if (!existsSync(file)) {
    console.error(`missing ${file}: ${hint}`);
    process.exit(1);
  }
}

const tmp = mkdtempSync(join(tmpdir(), 'turbulence-bench-proxy-'));
const children = [];
process.on('exit', () => {
  // SIGTERM, not SIGKILL: nginx's master must live long enough to stop its worker, or the worker is orphaned
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  rmSync(tmp, { recursive: true, force: true });
});

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function canConnect(port) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

async function waitFor(check, what, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${what} did not come up in ${ms} ms`);
}

function start(cmd, argv, opts = {}) {
  const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  children.push(child);
  child.output = '';
  child.stdout.on('data', (d) => { child.output += d; });
  child.stderr.on('data', (d) => { child.output += d; });
  return child;
}

/** CPU seconds (user + system) used so far by a process, from /proc. */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

// ---- upstreams ----------------------------------------------------------------------------------------------

async function startNginx() {
  const port = await freePort();
  const www = join(tmp, 'www');
  spawnSync('mkdir', ['-p', www, join(tmp, 'nginx')]);
  writeFileSync(join(www, 'file'), Buffer.alloc(4096, 'x'));
  chmodSync(tmp, 0o755); // nginx's worker runs as another user when we are root
  const conf = join(tmp, 'nginx.conf');
  writeFileSync(conf, `
worker_processes 1;
daemon off;
pid ${tmp}/nginx.pid;
error_log ${tmp}/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${tmp}/nginx/body;
  proxy_temp_path ${tmp}/nginx/proxy;
  fastcgi_temp_path ${tmp}/nginx/fastcgi;
  uwsgi_temp_path ${tmp}/nginx/uwsgi;
  scgi_temp_path ${tmp}/nginx/scgi;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:${port}; root ${www}; }
}
`);
  const child = start(NGINX, ['-e', join(tmp, 'nginx-error.log'), '-p', tmp, '-c', conf]);
  await waitFor(() => canConnect(port), `nginx (${child.output})`);
  return port;
}

// The sink and the echo server run in a child node process of their own. The sink reads an 8-byte length, counts
// that many bytes, then answers one byte (Toxiproxy has no half-close, so the end of the transfer is in-band).
const PEERS = `
const net = require('node:net');
const sink = net.createServer((s) => {
  let want = -1, got = 0, head = Buffer.alloc(0);
  s.on('data', (d) => {
    if (want < 0) { head = Buffer.concat([head, d]); if (head.length < 8) return; want = Number(head.readBigUInt64BE(0)); got = head.length - 8; }
    else got += d.length;
    if (got >= want) s.write('k');
  });
  s.on('error', () => {});
});
const echo = net.createServer((s) => { s.setNoDelay(true); s.pipe(s); s.on('error', () => {}); });
sink.listen(0, '127.0.0.1', () => echo.listen(0, '127.0.0.1', () => console.log(sink.address().port, echo.address().port)));
`;

async function startPeers() {
  const child = start(process.execPath, ['-e', PEERS]);
  await waitFor(() => /\d+ \d+\n/.test(child.output), 'sink/echo peers');
  const [sink, echo] = child.output.trim().split(' ').map(Number);
  return { sink, echo };
}

// ---- proxies --------------------------------------------------------------------------------------------------

async function api(base, method, path, body) {
  const res = await fetch(`${base}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

async function startToxiproxy() {
  const port = await freePort();
  const child = start(TOXIPROXY, ['-host', '127.0.0.1', '-port', String(port)], { env: { ...process.env, LOG_LEVEL: 'fatal' } });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(() => fetch(`${url}/version`).then((r) => r.ok, () => false), `toxiproxy-server (${child.output})`);
  return { name: 'toxiproxy', url, pid: child.pid };
}

async function startTurbulence() {
  const node = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = start(process.execPath, [...node, TURBULENCE, 'proxy', '--host', '127.0.0.1', '--port', '0']);
  await waitFor(() => /listening on http:\/\/\S+\n/.test(child.output), `turbulence proxy (${child.output})`);
  const url = /listening on (http:\/\/\S+)\n/.exec(child.output)[1];
  return { name: 'turbulence', url, pid: child.pid, child };
}

/** Creates (or recreates) proxy `name` to 127.0.0.1:upstream on an ephemeral port; returns that port. */
async function proxyTo(server, name, upstream) {
  const p = await api(server.url, 'POST', '/proxies', { name, listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstream}` });
  return Number(/:(\d+)$/.exec(p.listen)[1]);
}

// ---- measurements -------------------------------------------------------------------------------------------

function connect(port) {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    s.setNoDelay(true);
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

/** MB/s (10^6 bytes) of one connection writing `mb` MB into the sink, until the sink acknowledges all of it. */
async function bulk(port, mb) {
  const total = mb * 1_000_000;
  const s = await connect(port);
  const block = Buffer.alloc(1 << 20, 0x5a);
  const head = Buffer.alloc(8);
  head.writeBigUInt64BE(BigInt(total));
  const t0 = performance.now();
  const acked = new Promise((resolve, reject) => { s.once('data', resolve); s.once('error', reject); s.once('end', () => reject(new Error('closed before the ack'))); });
  s.write(head);
  for (let sent = 0; sent < total;) {
    const n = Math.min(block.length, total - sent);
    sent += n;
    if (!s.write(n === block.length ? block : block.subarray(0, n))) await new Promise((r) => s.once('drain', r));
  }
  await acked;
  const seconds = (performance.now() - t0) / 1000;
  s.destroy();
  return total / 1e6 / seconds;
}

async function rtts(port, n, warmup) {
  const s = await connect(port);
  const msg = Buffer.alloc(16, 0x61);
  const out = [];
  for (let i = 0; i < warmup + n; i++) {
    const t0 = performance.now();
    await new Promise((resolve, reject) => {
      let got = 0;
      const onData = (d) => { got += d.length; if (got >= msg.length) { s.off('data', onData); s.off('error', reject); resolve(); } };
      s.on('data', onData);
      s.once('error', reject);
      s.write(msg);
    });
    if (i >= warmup) out.push(performance.now() - t0);
  }
  s.destroy();
  return out;
}

function wrk(port) {
  const r = spawnSync(WRK, ['-t1', '-c50', `-d${WRK_SECONDS}s`, '--latency', `http://127.0.0.1:${port}/file`], { encoding: 'utf8' });
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(r.stdout);
  if (r.status !== 0 || !rps || /Non-2xx|Socket errors/.test(r.stdout)) throw new Error(`wrk failed:\n${r.stdout}${r.stderr}`);
  const lat = (p) => {
    const m = new RegExp(`\\s${p}%\\s+([\\d.]+)(us|ms|s)`).exec(r.stdout);
    return m ? Number(m[1]) * { us: 0.001, ms: 1, s: 1000 }[m[2]] : NaN;
  };
  return { rps: Number(rps[1]), p50: lat(50), p99: lat(99) };
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};
const median = (xs) => pct(xs, 50);
const f = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');

// ---- run ----------------------------------------------------------------------------------------------------

const t0 = performance.now();
const [nginx, peers, toxiproxy, turbulence] = await Promise.all([startNginx(), startPeers(), startToxiproxy(), startTurbulence()]);
const proxies = [turbulence, toxiproxy];
const ports = { direct: { nginx, sink: peers.sink, echo: peers.echo } };
for (const p of proxies) {
  ports[p.name] = { nginx: await proxyTo(p, 'nginx', nginx), sink: await proxyTo(p, 'sink', peers.sink), echo: await proxyTo(p, 'echo', peers.echo) };
}
const paths = ['direct', 'turbulence', 'toxiproxy'];
const cpu = { turbulence: {}, toxiproxy: {} };

/** Runs fn for each path in turn (rounds alternate, so drift on the machine hits all alike), noting proxy CPU. */
async function phase(name, rounds, fn) {
  const results = Object.fromEntries(paths.map((p) => [p, []]));
  for (let r = 0; r < rounds; r++) {
    for (const path of paths) {
      const proxy = proxies.find((p) => p.name === path);
      const before = proxy && cpuSeconds(proxy.pid);
      results[path].push(await fn(path));
      if (proxy) cpu[path][name] = (cpu[path][name] ?? 0) + cpuSeconds(proxy.pid) - before;
    }
  }
  return results;
}

console.log(`fault-proxy benchmark${quick ? ' (quick)' : ''}: node ${process.version}, toxiproxy-server 2.12.0, nginx, wrk; 127.0.0.1`);

const bulkRuns = await phase('bulk', 3, (path) => bulk(ports[path].sink, BULK_MB));
const wrkRuns = await phase('wrk', 2, (path) => wrk(ports[path].nginx));
// Round trips in many short rounds, paths interleaved, so a burst of noise on the machine lands on every path alike;
// a settling round after wrk's load is played first and not counted.
await phase('rtt-settle', 1, (path) => rtts(ports[path].echo, RTT_SAMPLES / RTT_ROUNDS, 50));
const rttRuns = await phase('rtt', RTT_ROUNDS, (path) => rtts(ports[path].echo, RTT_SAMPLES / RTT_ROUNDS, 20));

// A proxy still busy after the load has stopped would skew the next phase for both: note it.
const idleBefore = Object.fromEntries(proxies.map((p) => [p.name, cpuSeconds(p.pid)]));
await new Promise((r) => setTimeout(r, 1000));
const idle = Object.fromEntries(proxies.map((p) => [p.name, cpuSeconds(p.pid) - idleBefore[p.name]]));

for (const p of proxies) await api(p.url, 'POST', '/proxies/echo/toxics', { type: 'latency', stream: 'downstream', attributes: { latency: 50 } });
const toxicRuns = {};
for (const p of proxies) {
  const before = cpuSeconds(p.pid);
  toxicRuns[p.name] = (await rtts(ports[p.name].echo, TOXIC_SAMPLES, 3)).map((x) => x - 50);
  cpu[p.name].latency = cpuSeconds(p.pid) - before;
}

const bulkMB = Object.fromEntries(paths.map((p) => [p, median(bulkRuns[p])]));
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const reqs = Object.fromEntries(paths.map((p) => [p, Object.fromEntries(['rps', 'p50', 'p99'].map((k) => [k, mean(wrkRuns[p].map((w) => w[k]))]))]));
const rtt = Object.fromEntries(paths.map((p) => [p, { p50: median(rttRuns[p].flat()), p99: pct(rttRuns[p].flat(), 99) }]));
const added = Object.fromEntries(proxies.map(({ name }) => [name, { p50: rtt[name].p50 - rtt.direct.p50, p99: rtt[name].p99 - rtt.direct.p99 }]));
const toxicErr = Object.fromEntries(proxies.map(({ name }) => [name, { p50: median(toxicRuns[name]), p99: pct(toxicRuns[name], 99) }]));

const row = (label, cells) => console.log(label.padEnd(34) + cells.map((c) => String(c).padStart(14)).join(''));
console.log('');
row('', ['direct', 'turbulence', 'toxiproxy', 'turb/toxi']);
row(`bulk MB/s (1 conn, ${BULK_MB} MB, median of 3)`, [f(bulkMB.direct, 0), f(bulkMB.turbulence, 0), f(bulkMB.toxiproxy, 0), f(bulkMB.turbulence / bulkMB.toxiproxy)]);
row(`wrk req/s (-c50, 2 x ${WRK_SECONDS}s, 4 KiB)`, [f(reqs.direct.rps, 0), f(reqs.turbulence.rps, 0), f(reqs.toxiproxy.rps, 0), f(reqs.turbulence.rps / reqs.toxiproxy.rps)]);
row('wrk latency p50 ms', [f(reqs.direct.p50), f(reqs.turbulence.p50), f(reqs.toxiproxy.p50), f(reqs.turbulence.p50 / reqs.toxiproxy.p50)]);
row('wrk latency p99 ms', [f(reqs.direct.p99), f(reqs.turbulence.p99), f(reqs.toxiproxy.p99), f(reqs.turbulence.p99 / reqs.toxiproxy.p99)]);
row(`round trip p50 ms (${RTT_SAMPLES} x 16 B)`, [f(rtt.direct.p50, 3), f(rtt.turbulence.p50, 3), f(rtt.toxiproxy.p50, 3), f(rtt.turbulence.p50 / rtt.toxiproxy.p50)]);
row('round trip p99 ms', [f(rtt.direct.p99, 3), f(rtt.turbulence.p99, 3), f(rtt.toxiproxy.p99, 3), f(rtt.turbulence.p99 / rtt.toxiproxy.p99)]);
row('added latency p50 ms (− direct)', ['', f(added.turbulence.p50, 3), f(added.toxiproxy.p50, 3), f(added.turbulence.p50 / added.toxiproxy.p50)]);
row('added latency p99 ms (− direct)', ['', f(added.turbulence.p99, 3), f(added.toxiproxy.p99, 3), f(added.turbulence.p99 / added.toxiproxy.p99)]);
row(`latency toxic 50 ms: error p50 ms`, ['', f(toxicErr.turbulence.p50, 3), f(toxicErr.toxiproxy.p50, 3), '']);
row(`latency toxic 50 ms: error p99 ms`, ['', f(toxicErr.turbulence.p99, 3), f(toxicErr.toxiproxy.p99, 3), '']);
row('proxy CPU s in 1 s idle after load', ['', f(idle.turbulence), f(idle.toxiproxy), '']);
for (const ph of ['bulk', 'wrk', 'rtt', 'latency']) row(`proxy CPU s during ${ph}`, ['', f(cpu.turbulence[ph]), f(cpu.toxiproxy[ph]), f(cpu.turbulence[ph] / cpu.toxiproxy[ph])]);

const targets = [
  ['bulk throughput ≥ 1.0× Toxiproxy', bulkMB.turbulence / bulkMB.toxiproxy >= 1.0, `${f(bulkMB.turbulence / bulkMB.toxiproxy)}×`],
  ['wrk req/s ≥ 1.0× Toxiproxy', reqs.turbulence.rps / reqs.toxiproxy.rps >= 1.0, `${f(reqs.turbulence.rps / reqs.toxiproxy.rps)}×`],
  ['added p99 ≤ Toxiproxy', added.turbulence.p99 <= added.toxiproxy.p99, `${f(added.turbulence.p99, 3)} vs ${f(added.toxiproxy.p99, 3)} ms`],
  ['latency-toxic error p99 ≤ 2 ms', Math.abs(toxicErr.turbulence.p99) <= 2, `${f(toxicErr.turbulence.p99, 3)} ms`],
];
console.log('');
for (const [what, ok, value] of targets) console.log(`${ok ? 'MET   ' : 'MISSED'} ${what}: ${value}`);
console.log(`\n(${((performance.now() - t0) / 1000).toFixed(1)} s)`);

for (const p of proxies) await api(p.url, 'POST', '/reset');
// Stop every child and wait: nginx's master reaps its worker, and node writes the CPU profile on a clean exit.
await Promise.all(children.filter((c) => c.exitCode === null).map((c) => {
  const exited = new Promise((r) => c.once('exit', r));
  c.kill(c === turbulence.child ? 'SIGINT' : 'SIGTERM');
  return exited;
}));
if (profileDir) console.log(`CPU profile written to ${profileDir}`);

// The figures come from one run: the load generator against wrk and autocannon follows (bench/load.mjs).
if (!args.includes('--no-load')) {
  console.log('\nload generator (bench/load.mjs):');
  const load = spawnSync(process.execPath, [join(ROOT, 'bench/load.mjs'), ...(quick ? ['--duration', '2', '--rounds', '1'] : [])], { stdio: 'inherit' });
  if (load.status !== 0) process.exit(1);
}
process.exit(0);

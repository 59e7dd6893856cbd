// "No fault left behind": runs the built `turbulence` on an experiment that injects several kinds of faults (a moved
// file, a paused process, a toxic on a real toxiproxy-server, a CPU stressor) and kills it at a random moment — with
// SIGKILL, then `turbulence recover`; or with SIGINT/SIGTERM, then nothing — and checks the real world for leftovers:
// the file back in place, the process not stopped (/proc state), no toxic on the proxy, no stressor alive. The check
// never reads the ledger. Plain JS: shared by test/safety/leftovers.test.ts and bench/leftovers.mjs.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let TURBULENCE = join(ROOT, 'bin/turbulence.js');
const TOXIPROXY = join(ROOT, '.peers/bin/toxiproxy-server');
const CONTENT = 'the data the service serves\n';

async function freePort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

/** A real toxiproxy-server, as a process of its own (it outlives a killed turbulence, as a real proxy would). */
export async function startToxiproxy() {
  if (!existsSync(TOXIPROXY)) throw new Error(`${TOXIPROXY} is missing: run scripts/setup-test-peers.sh`);
  const port = await freePort();
  const child = spawn(TOXIPROXY, ['-host', '127.0.0.1', '-port', String(port)], { stdio: 'ignore', env: { ...process.env, LOG_LEVEL: 'error' } });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/version`)).ok) return { url, close: () => child.kill('SIGTERM') };
    } catch {
      await sleep(25);
    }
  }
  child.kill('SIGKILL');
  throw new Error('toxiproxy-server did not start');
}

function procState(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return null;
  }
}

/** Live processes (not zombies) whose environment holds `marker` (turbulence passes its environment to stressors). */
function processesWith(marker) {
  const found = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const s = procState(Number(e));
      if (s === 'Z' || s === 'X' || s === null) continue;
      if (readFileSync(`/proc/${e}/environ`, 'utf8').split('\0').includes(marker)) found.push(Number(e));
    } catch {
      // gone, or not ours
    }
  }
  return found;
}

function experiment(run) {
  const py = (module, func, args) => ({ type: 'python', module, func, arguments: args });
  return {
    title: `leftovers ${run.id}`,
    description: 'several kinds of faults, killed at a random moment',
    method: [
      { type: 'action', name: 'move-data', provider: py('turbulence.file', 'move_file', { src: run.file, dst: `${run.file}.moved` }) },
      { type: 'action', name: 'pause-service', provider: py('turbulence.process', 'pause_process', { pid: run.target.pid }) },
      { type: 'action', name: 'slow-proxy', provider: py('turbulence.proxy', 'add_toxic', { proxy: run.proxy, type: 'latency', attributes: { latency: 500 }, name: 'slow', api_url: run.api }) },
      { type: 'action', name: 'load-cpu', provider: py('turbulence.stress', 'stress_cpu', { cores: 1, load: 5, duration: 20, wait: false, engine: 'builtin' }), pauses: { after: 0.4 } },
    ],
    // a rollback that calls the move's undo: the ledger matches it to the fault
    rollbacks: [{ type: 'action', name: 'move-data-back', provider: py('turbulence.file', 'move_file', { src: `${run.file}.moved`, dst: run.file }) }],
  };
}

async function proxyApi(api, method, path, body) {
  const res = await fetch(`${api}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const text = await res.text();
  if (!res.ok && res.status !== 404) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return res.status === 404 ? null : text ? JSON.parse(text) : null;
}

/** What is left in the real world: a list of leftovers, empty when none. */
async function leftovers(run) {
  const found = [];
  if (!existsSync(run.file) || readFileSync(run.file, 'utf8') !== CONTENT) found.push(`${run.file} is not in place`);
  if (existsSync(`${run.file}.moved`)) found.push(`${run.file}.moved still exists`);
  const s = procState(run.target.pid);
  if (s === null) found.push(`the target process ${run.target.pid} is gone`);
  else if (s === 'T' || s === 't') found.push(`the target process ${run.target.pid} is stopped (state ${s})`);
  const toxics = await proxyApi(run.api, 'GET', `/proxies/${run.proxy}/toxics`);
  if (!Array.isArray(toxics)) found.push(`cannot read the toxics of ${run.proxy}`);
  else if (toxics.length) found.push(`toxics left on ${run.proxy}: ${toxics.map((t) => t.name).join(', ')}`);
  // a stressor stopping takes a moment: give it a little time before calling it a leftover
  let stressors = processesWith(run.marker);
  for (let i = 0; i < 40 && stressors.length; i++) {
    await sleep(50);
    stressors = processesWith(run.marker);
  }
  if (stressors.length) found.push(`stressor processes alive: ${stressors.join(', ')}`);
  return found;
}

function turbulence(args, env, opts = {}) {
  const child = spawn(process.execPath, [TURBULENCE, ...args], { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => {
    stderr += d;
    opts.onStderr?.(stderr);
  });
  const done = new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal, stderr, stdout })));
  return { child, done };
}

/**
 * One run: faults injected, the process killed with `signal` at a random moment; for SIGKILL then `turbulence
 * recover`. Resolves with what was found (leftovers, journal problems) — empty lists when all is well.
 */
export async function oneRun({ api, signal, id, maxDelay = 1.3, rng = Math.random }) {
  const dir = mkdtempSync(join(tmpdir(), 'turbulence-leftovers-'));
  const state = join(dir, 'state');
  const file = join(dir, 'data.txt');
  writeFileSync(file, CONTENT);
  // the paused service: a process of its own (own session), not a child turbulence would count as its group
  const target = spawn('sleep', ['120'], { detached: true, stdio: 'ignore' });
  target.unref();
  const proxy = `leftovers-${id}`;
  await proxyApi(api, 'POST', '/proxies', { name: proxy, listen: '127.0.0.1:0', upstream: '127.0.0.1:9', enabled: true });
  const marker = `LEFTOVERS_RUN=${id}-${process.pid}-${Date.now()}`;
  const run = { id, dir, file, target, proxy, api, marker };
  const exp = join(dir, 'experiment.json');
  writeFileSync(exp, JSON.stringify(experiment(run)));
  const journal = join(dir, 'journal.json');
  const env = { PATH: process.env.PATH, HOME: dir, NO_COLOR: '1', TURBULENCE_STATE_DIR: state, [marker.split('=')[0]]: marker.split('=')[1] };

  const problems = [];
  let started = null;
  const runStarted = new Promise((r) => (started = r));
  const t = turbulence(['--no-log-file', 'run', '--journal-path', journal, exp], env, {
    cwd: dir,
    onStderr: (text) => text.includes('Running experiment:') && started(),
  });
  let delay;
  if (signal === 'SIGKILL') {
    // any moment from the start of the process
    delay = rng() * maxDelay;
    await Promise.race([sleep(delay * 1000), t.done]);
  } else {
    // a graceful signal before the run installs its handlers ends the process as the reference's would (no faults,
    // no journal): the moment is taken within the run
    await Promise.race([runStarted, t.done]);
    delay = rng() * (maxDelay - 0.3);
    await Promise.race([sleep(delay * 1000), t.done]);
  }
  t.child.kill(signal);
  const out = await t.done;

  let recovered = null;
  if (signal === 'SIGKILL') {
    const r = await turbulence(['--no-log-file', 'recover', '--json'], env, { cwd: dir }).done;
    recovered = r.code === 0 ? JSON.parse(r.stdout).faults.length : null;
    if (r.code !== 0) problems.push(`recover exited with ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  } else {
    // a complete journal each time
    try {
      const j = JSON.parse(readFileSync(journal, 'utf8'));
      for (const k of ['status', 'start', 'end', 'duration', 'run', 'rollbacks']) if (!(k in j)) problems.push(`the journal has no ${k}`);
    } catch (err) {
      problems.push(`no complete journal (exit ${out.code}, signal ${out.signal}): ${err.message}; stderr: ${out.stderr.trim().split('\n').slice(-2).join(' | ')}`);
    }
  }
  const left = await leftovers(run);
  // clean up whatever the check found, so one failure does not spill into the next run
  try {
    process.kill(target.pid, 'SIGKILL');
  } catch {
    // gone
  }
  for (const pid of processesWith(marker)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  await proxyApi(api, 'DELETE', `/proxies/${proxy}`);
  if (!process.env.LEFTOVERS_KEEP) rmSync(dir, { recursive: true, force: true });
  return { id, signal, delay, exit: out.code ?? out.signal, recovered, leftovers: left, problems, dir };
}

/** Runs `kill` SIGKILL runs and `graceful` SIGINT/SIGTERM runs (alternating); returns their results. */
export async function runHarness({ kill, graceful, onResult, maxDelay }) {
  // a snapshot of the build: a rebuild of dist/ meanwhile (other work in the tree) must not break runs half-way
  const snapshot = mkdtempSync(join(tmpdir(), 'turbulence-leftovers-build-'));
  for (const p of ['bin', 'dist', 'package.json']) cpSync(join(ROOT, p), join(snapshot, p), { recursive: true });
  TURBULENCE = join(snapshot, 'bin/turbulence.js');
  const proxy = await startToxiproxy();
  const results = [];
  try {
    for (let i = 0; i < kill + graceful; i++) {
      const signal = i < kill ? 'SIGKILL' : (i - kill) % 2 === 0 ? 'SIGINT' : 'SIGTERM';
      const r = await oneRun({ api: proxy.url, signal, id: i, maxDelay });
      results.push(r);
      onResult?.(r);
    }
  } finally {
    proxy.close();
    rmSync(snapshot, { recursive: true, force: true });
  }
  return results;
}

// The stressor: a small CommonJS program that Turbulence runs as `node -e STRESSOR_SOURCE turbulence-stressor SPEC`, so
// that the load runs outside the run's event loop (probes keep working) and ships inside the one-file bundle. It
// drives stress-ng (as its supervisor) or the built-in stressors (worker threads), stops at the deadline, on SIGTERM,
// or as soon as Turbulence is gone (its stdin closes or it is re-parented), and reports on stdout, one JSON per line:
// {"event":"ready",...} once the load is in place, {"event":"done",...} with what it achieved.
// Plain JavaScript in a string: it must not depend on anything the bundle or tsx would inject.

export const STRESSOR_MARKER = 'turbulence-stressor';

export const STRESSOR_SOURCE = String.raw`'use strict';
const fs = require('fs');
const { spawn } = require('child_process');
const { Worker } = require('worker_threads');
const spec = JSON.parse(process.argv[2]);
process.title = 'turbulence-stressor ' + spec.kind + ' ' + spec.engine + (spec.dir ? ' ' + spec.dir : '');
const parentPid = process.ppid;
const startedAt = Date.now();
const stop = new Int32Array(new SharedArrayBuffer(4));
const workers = [];
const figures = {};
let engine = null;
let engineExit = null;
let stderr = '';
let finishing = false;

function send(msg) {
  try { fs.writeSync(1, JSON.stringify(msg) + '\n'); } catch (e) { /* Turbulence is gone */ }
}

// CPU seconds of this process and of the children it waited for (stress-ng and its workers); USER_HZ is 100 on Linux
function cpuSeconds() {
  const text = fs.readFileSync('/proc/self/stat', 'utf8');
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100;
}

function peakRss() {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : null;
}

const CPU_WORKER = 'const { workerData: w } = require("worker_threads");' +
  // duty cycle in 100 ms slices: busy for load% of the slice, asleep (woken early by the stop flag) for the rest
  'const slice = 100, busy = slice * w.load / 100;' +
  'while (Atomics.load(w.stop, 0) === 0 && Date.now() < w.deadline) {' +
  '  const t0 = Date.now();' +
  '  while (Date.now() - t0 < busy) {}' +
  '  const rest = slice - (Date.now() - t0);' +
  '  if (rest > 0) Atomics.wait(w.stop, 0, 0, rest);' +
  '}';

const IO_WORKER = 'const { workerData: w, parentPort } = require("worker_threads"); const fs = require("fs");' +
  'const block = Math.min(w.bytes, 1 << 20), buf = Buffer.alloc(block);' +
  'for (let i = 0; i < block; i++) buf[i] = (i * 31 + 7) & 255;' +
  'const fd = fs.openSync(w.file, "w", 0o600); let pos = 0, written = 0;' +
  'try {' +
  '  while (Atomics.load(w.stop, 0) === 0 && Date.now() < w.deadline) {' +
  '    const n = Math.min(block, w.bytes - pos);' +
  '    fs.writeSync(fd, buf, 0, n, pos); fs.fsyncSync(fd);' +
  '    written += n; pos = pos + n >= w.bytes ? 0 : pos + n;' +
  '  }' +
  '} finally { fs.closeSync(fd); fs.rmSync(w.file, { force: true }); parentPort.postMessage(written); }';

function startWorkers(code, count, data, onMessage) {
  for (let i = 0; i < count; i++) {
    const w = new Worker(code, { eval: true, workerData: Object.assign({ stop }, data(i)) });
    w.on('message', onMessage || (() => {}));
    w.on('error', (e) => finish('failed', e.message));
    workers.push(new Promise((resolve) => w.on('exit', resolve)));
  }
}

function holdMemory(bytes) {
  const chunks = [];
  for (let left = bytes; left > 0; ) {
    const n = Math.min(left, 64 << 20);
    // filling writes every page: the memory is really committed, not merely reserved
    chunks.push(Buffer.allocUnsafeSlow(n).fill(0x5a));
    left -= n;
  }
  // dirty one byte a page every second so that the pages stay resident
  setInterval(() => { for (const c of chunks) for (let i = 0; i < c.length; i += 4096) c[i]++; }, 1000);
  figures.rss_bytes = peakRss();
}

function finish(reason, error) {
  if (finishing) return;
  finishing = true;
  clearTimeout(deadlineTimer);
  clearInterval(lifeline);
  Atomics.store(stop, 0, 1);
  Atomics.notify(stop, 0);
  // stress-ng ending by itself (not stopped here) with a failure status is an error to report
  const stopping = engine !== null && engineExit === null;
  if (stopping) engine.kill('SIGTERM');
  const engineDone = engine ? new Promise((r) => (engineExit !== null ? r() : engine.once('exit', r))) : Promise.resolve();
  const settle = Promise.all([engineDone, ...workers]);
  const force = setTimeout(() => { if (engine && engineExit === null) engine.kill('SIGKILL'); }, 3000);
  settle.then(() => {
    clearTimeout(force);
    if (spec.dir) fs.rmSync(spec.dir, { recursive: true, force: true });
    const report = Object.assign({ event: 'done', reason, elapsed: (Date.now() - startedAt) / 1000, cpu_seconds: cpuSeconds() }, figures);
    if (spec.kind === 'memory' && spec.engine === 'builtin') report.rss_bytes = peakRss();
    if (engineExit !== null) report.exit_code = engineExit;
    if (error) report.error = error;
    else if (!stopping && engineExit !== null && engineExit !== 0) report.error = 'stress-ng exited with ' + engineExit + ': ' + stderr.trim().split('\n').slice(-3).join(' / ');
    send(report);
    process.exit(0);
  });
}

const deadlineTimer = setTimeout(() => finish('completed'), spec.duration * 1000);
const lifeline = setInterval(() => { if (process.ppid !== parentPid) finish('parent gone'); }, 250);
process.stdin.on('end', () => finish('parent gone'));
process.stdin.on('error', () => finish('parent gone'));
process.stdin.resume();
for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(s, () => finish('stopped'));

const deadline = startedAt + spec.duration * 1000;
try {
  if (spec.engine === 'stress-ng') {
    engine = spawn(spec.argv[0], spec.argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
    engine.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4096); });
    engine.once('error', (e) => { engineExit = -1; finish('failed', 'cannot run stress-ng: ' + e.message); });
    engine.once('exit', (code, signal) => { engineExit = code === null ? 128 : code; finish(signal ? 'stopped' : 'completed'); });
    engine.once('spawn', () => send({ event: 'ready', pids: [engine.pid] }));
  } else {
    if (spec.kind === 'cpu') startWorkers(CPU_WORKER, spec.cores, () => ({ load: spec.load, deadline }));
    if (spec.kind === 'memory') holdMemory(spec.bytes);
    if (spec.kind === 'io') {
      figures.bytes_written = 0;
      startWorkers(IO_WORKER, spec.workers, (i) => ({ bytes: spec.bytes, file: spec.dir + '/io-' + i, deadline }), (n) => { figures.bytes_written += n; });
    }
    send(Object.assign({ event: 'ready', pids: [] }, figures));
  }
} catch (e) {
  finish('failed', e.message);
}
`;

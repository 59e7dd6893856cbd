// The load balancer of the replicated service (examples/replicas/): it spreads GET requests round-robin over replicas
// on 127.0.0.1 and hides the loss of one of them.
// - Passive health: a replica that refuses, resets or times out a request is marked down for a while and the request
//   is retried on the next replica, so the client does not see the failure (GET and HEAD are safe to retry; the
//   replica's answer is read in full before the client gets it, so a replica dying mid-answer is retried too).
// - Active health: every replica's /health is checked twice a second; a replica that answers is back in rotation.
// When no replica answers, the client gets 503.
// Usage: node dist/examples/replicas-balancer.cjs --replicas 8081,8082,8083 [--port N] (port 0: any free port;
// default $PORT, else 8080). It prints "listening on URL" once it answers.
import { Agent, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { stopWithDemo } from './lifetime.ts';

const ATTEMPT_TIMEOUT_MS = 1000;
const DOWN_MS = 2000;
const CHECK_EVERY_MS = 500;
const CHECK_TIMEOUT_MS = 400;
const MAX_BODY = 1024 * 1024;
/** Headers about one connection, not the message: never passed through. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'content-length']);

const { values } = parseArgs({
  options: {
    replicas: { type: 'string' },
    port: { type: 'string', default: process.env.PORT ?? '8080' },
  },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`invalid port '${values.port}'`);
if (!values.replicas) fail('no replicas: pass --replicas PORT[,PORT...]');
const ports = values.replicas.split(',').map(Number);
if (ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) fail(`invalid replica ports '${values.replicas}'`);

function fail(message: string): never {
  process.stderr.write(`load balancer: ${message}\n`);
  process.exit(2);
}

interface Replica {
  port: number;
  /** Until when it is left out of the rotation (0: up). */
  downUntil: number;
}

const replicas: Replica[] = ports.map((p) => ({ port: p, downUntil: 0 }));
const agent = new Agent({ keepAlive: true });
let next = 0;

function markDown(r: Replica, why: string): void {
  if (r.downUntil <= Date.now()) process.stdout.write(`replica :${r.port} down (${why})\n`);
  r.downUntil = Date.now() + DOWN_MS;
}

function markUp(r: Replica): void {
  if (r.downUntil > Date.now()) process.stdout.write(`replica :${r.port} up\n`);
  r.downUntil = 0;
}

/** Every replica once, from the next one in the rotation; those marked down last (a last resort, not skipped). */
function attemptOrder(): Replica[] {
  const start = next;
  next = (next + 1) % replicas.length;
  const rotated = replicas.map((_, i) => replicas[(start + i) % replicas.length]!);
  const now = Date.now();
  return [...rotated.filter((r) => r.downUntil <= now), ...rotated.filter((r) => r.downUntil > now)];
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** One attempt on one replica: its whole answer, or an error when it refuses, resets, times out or stops mid-answer. */
function forward(r: Replica, method: string, path: string, headers: OutgoingHttpHeaders): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const up = request({ host: '127.0.0.1', port: r.port, method, path, headers, agent, timeout: ATTEMPT_TIMEOUT_MS }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY) up.destroy(new Error('answer too large'));
        else chunks.push(chunk);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
      res.on('close', () => reject(new Error('answer cut short')));
    });
    up.on('timeout', () => up.destroy(new Error('timed out')));
    up.on('error', reject);
    up.end();
  });
}

const server = createServer(async (req, res) => {
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') {
    res.writeHead(405, { 'Content-Type': 'text/plain', Allow: 'GET, HEAD' }).end('method not allowed\n');
    return;
  }
  const headers: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(k) && k !== 'host') headers[k] = v;
  for (const r of attemptOrder()) {
    let answer: Answer;
    try {
      answer = await forward(r, method, req.url ?? '/', headers);
    } catch (err) {
      markDown(r, (err as NodeJS.ErrnoException).code ?? (err as Error).message);
      continue;
    }
    const out: OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(answer.headers)) if (!HOP_BY_HOP.has(k) && v !== undefined) out[k] = v;
    res.writeHead(answer.status, out).end(answer.body);
    return;
  }
  res.writeHead(503, { 'Content-Type': 'text/plain', 'Retry-After': '1' }).end('no replica available\n');
});

/** Active health checks, on fresh connections: an answer from /health brings a replica back, silence marks it down. */
function check(r: Replica): void {
  const req = request({ host: '127.0.0.1', port: r.port, path: '/health', agent: false, timeout: CHECK_TIMEOUT_MS }, (res) => {
    res.resume();
    if (res.statusCode === 200) markUp(r);
    else markDown(r, `health check answered ${res.statusCode}`);
  });
  req.on('timeout', () => req.destroy(new Error('health check timed out')));
  req.on('error', (err: NodeJS.ErrnoException) => markDown(r, err.code ?? err.message));
  req.end();
}
const checks = setInterval(() => replicas.forEach(check), CHECK_EVERY_MS);

function stop(): void {
  clearInterval(checks);
  server.closeAllConnections();
  agent.destroy();
  process.exit(0);
}
stopWithDemo(stop);

server.on('error', (err) => fail(err.message));
server.listen(port, '127.0.0.1', () => {
  const { port: actual } = server.address() as AddressInfo;
  process.stdout.write(`load balancer over ${replicas.length} replica(s) listening on http://127.0.0.1:${actual}/\n`);
});

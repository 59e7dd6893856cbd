// The "exchange" service of chapter 5 of "Learning Chaos Engineering": it keeps an exchange file (exchange.dat, in its
// working directory) up to date and serves its content over HTTP. When the file is missing, the fragile variant fails
// with a 500; the resilient one says it is unavailable for now (503 with Retry-After), which clients can handle.
// Usage: node dist/examples/exchange-service.cjs [--variant fragile|resilient] [--port N] (port 0: any free port;
// default $PORT, else 8080). It prints "listening on URL" once it answers.
import { closeSync, ftruncateSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';

const FILE = 'exchange.dat';
const REFRESH_MS = 2000;
// bounded: an orphaned service does not run forever
const LIFETIME_MS = 60 * 60 * 1000;

const { values } = parseArgs({
  options: {
    variant: { type: 'string', default: 'fragile' },
    port: { type: 'string', default: process.env.PORT ?? '8080' },
    'exit-with-stdin': { type: 'boolean', default: false },
  },
});
const variant = values.variant;
const port = Number(values.port);
if (variant !== 'fragile' && variant !== 'resilient') fail(`unknown variant '${variant}' (fragile or resilient)`);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`invalid port '${values.port}'`);

function fail(message: string): never {
  process.stderr.write(`exchange service: ${message}\n`);
  process.exit(2);
}

const rate = () => `1.0 GBP = ${(1.15 + Math.random() * 0.04).toFixed(4)} EUR at ${new Date().toISOString()}\n`;

/** Refreshes the file in place: an exchange file that someone moved away stays missing (it is not recreated). */
function refresh(): void {
  let fd: number;
  try {
    fd = openSync(FILE, 'r+');
  } catch {
    return;
  }
  try {
    ftruncateSync(fd);
    writeSync(fd, rate(), 0);
  } finally {
    closeSync(fd);
  }
}

writeFileSync(FILE, rate());
const timer = setInterval(refresh, REFRESH_MS);

const server = createServer((req, res) => {
  if (req.method !== 'GET' || req.url !== '/') {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
    return;
  }
  let body: string;
  try {
    body = readFileSync(FILE, 'utf8');
  } catch {
    if (variant === 'resilient') {
      res.writeHead(503, { 'Content-Type': 'text/plain', 'Retry-After': '2' }).end('exchange data temporarily unavailable\n');
    } else {
      res.writeHead(500, { 'Content-Type': 'text/plain' }).end('internal server error\n');
    }
    return;
  }
  res.writeHead(200, { 'Content-Type': 'text/plain' }).end(body);
});

function stop(): void {
  clearInterval(timer);
  server.closeAllConnections();
  process.exit(0);
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, stop);
setTimeout(stop, LIFETIME_MS).unref();
// started by a parent that holds our stdin (`turbulence demo`): stop when the parent goes away, even if killed
if (values['exit-with-stdin']) process.stdin.on('end', stop).on('error', stop).resume();

server.on('error', (err) => fail(err.message));
server.listen(port, '127.0.0.1', () => {
  const { port: actual } = server.address() as AddressInfo;
  process.stdout.write(`exchange service (${variant}) listening on http://127.0.0.1:${actual}/\n`);
});

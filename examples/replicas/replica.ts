// One replica of the replicated service (examples/replicas/): it answers every GET / with its id, and GET /health
// with "ok", so the load balancer in front of it (balancer.ts) can tell it is up.
// Usage: node dist/examples/replicas-replica.cjs --id ID [--port N] (port 0: any free port; default $PORT, else 8081).
// It prints "listening on URL" once it answers. When $TURBULENCE_DEMO_PID is set (`turbulence demo` sets it, and the
// experiment's rollback restarts a replica with Turbulence's environment), it stops once that process is gone.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { stopWithDemo } from './lifetime.ts';

const { values } = parseArgs({
  options: {
    id: { type: 'string', default: '1' },
    port: { type: 'string', default: process.env.PORT ?? '8081' },
  },
});
const id = values.id;
const port = Number(values.port);
if (!/^[\w.-]{1,32}$/.test(id)) fail(`invalid id '${id}' (letters, digits, '.', '_', '-')`);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`invalid port '${values.port}'`);

function fail(message: string): never {
  process.stderr.write(`replica: ${message}\n`);
  process.exit(2);
}

const server = createServer((req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { 'Content-Type': 'text/plain', Allow: 'GET, HEAD' }).end('method not allowed\n');
  } else if (req.url === '/health') {
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok\n');
  } else if (req.url === '/') {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'X-Replica': id }).end(`replica ${id}\n`);
  } else {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
  }
});
// the load balancer keeps its connections open: a long keep-alive avoids reusing a socket the replica just closed
server.keepAliveTimeout = 60_000;

function stop(): void {
  server.closeAllConnections();
  process.exit(0);
}
stopWithDemo(stop);

server.on('error', (err) => fail(err.message));
server.listen(port, '127.0.0.1', () => {
  const { port: actual } = server.address() as AddressInfo;
  process.stdout.write(`replica ${id} listening on http://127.0.0.1:${actual}/\n`);
});

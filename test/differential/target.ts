// The system under experiment: a tiny HTTP server on 127.0.0.1 (random port) whose answers the experiments control.
// Every engine run gets its own instance, so the state toggled by one run never leaks into another run in parallel.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Target {
  port: number;
  /** request paths (without query) in arrival order, e.g. "POST /break" */
  hits: string[];
  close(): Promise<void>;
}

const JSON_DOC = { name: 'turbulence', items: [{ kind: 'a' }, { kind: 'b' }, { kind: 'c' }] };

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * Endpoints:
 *   GET  /status/<code>   answers <code> with a JSON body {"status": code}
 *   GET  /json            a fixed JSON document (exact `application/json`, so outputs carry parsed bodies)
 *   GET  /text?msg=<m>    text/plain "hello <m>"
 *   GET  /slow?ms=<n>     answers 200 after n milliseconds
 *   GET  /state           200 while healthy, 503 once broken
 *   POST /break, /heal    toggle the state
 * Anything else is 404.
 */
export async function startTarget(): Promise<Target> {
  let healthy = true;
  const hits: string[] = [];

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    hits.push(`${req.method} ${url.pathname}`);
    const status = /^\/status\/(\d{3})$/.exec(url.pathname);
    if (status) {
      const code = Number(status[1]);
      return send(res, code, 'application/json', JSON.stringify({ status: code }));
    }
    switch (`${req.method} ${url.pathname}`) {
      case 'GET /json':
        return send(res, 200, 'application/json', JSON.stringify(JSON_DOC));
      case 'GET /text':
        return send(res, 200, 'text/plain', `hello ${url.searchParams.get('msg') ?? ''}`);
      case 'GET /slow': {
        const timer = setTimeout(() => send(res, 200, 'text/plain', 'slow'), Number(url.searchParams.get('ms') ?? 1000));
        res.on('close', () => clearTimeout(timer));
        return;
      }
      case 'GET /state':
        return send(res, healthy ? 200 : 503, 'text/plain', healthy ? 'healthy' : 'broken');
      case 'POST /break':
        healthy = false;
        return send(res, 200, 'text/plain', 'broken');
      case 'POST /heal':
        healthy = true;
        return send(res, 200, 'text/plain', 'healthy');
      default:
        return send(res, 404, 'text/plain', 'not found');
    }
  };

  const server = createServer((req, res) => {
    // Drain the body first: POST requests may carry form or JSON bodies we do not care about.
    req.resume();
    req.on('end', () => handle(req, res));
  });
  server.keepAliveTimeout = 500;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    port: (server.address() as AddressInfo).port,
    hits,
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

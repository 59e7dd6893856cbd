// A node:http server on a random 127.0.0.1 port that records what it sees (requests, methods, headers, bodies,
// requests in flight) and misbehaves on demand, by path: /delay?ms=N, /chunked, /until-close (a body ended by the
// close), /destroy (drops the connection), /hang (never answers).
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Seen {
  requests: number;
  methods: Map<string, number>;
  headers: IncomingMessage['headers'][];
  bodies: string[];
  inFlight: number;
  maxInFlight: number;
}

export interface TestServer {
  url: string;
  seen: Seen;
  close(): Promise<void>;
}

export async function startServer(make: typeof createServer = createServer, options: object = {}): Promise<TestServer> {
  const seen: Seen = { requests: 0, methods: new Map(), headers: [], bodies: [], inFlight: 0, maxInFlight: 0 };
  const server: Server = make(options, (req, res) => handle(req, res, seen));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const scheme = make === createServer ? 'http' : 'https';
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    seen,
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

function handle(req: IncomingMessage, res: ServerResponse, seen: Seen): void {
  seen.requests++;
  seen.methods.set(req.method!, (seen.methods.get(req.method!) ?? 0) + 1);
  seen.headers.push(req.headers);
  seen.inFlight++;
  seen.maxInFlight = Math.max(seen.maxInFlight, seen.inFlight);
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    seen.bodies.push(Buffer.concat(chunks).toString());
    const url = new URL(req.url!, 'http://x');
    const done = () => seen.inFlight--;
    switch (url.pathname) {
      case '/delay':
        setTimeout(() => {
          done();
          res.end('late');
        }, Number(url.searchParams.get('ms')));
        return;
      case '/chunked':
        done();
        res.write('one,');
        res.write('two,');
        res.end('three');
        return;
      case '/until-close':
        done();
        // no Content-Length and no chunking: HTTP/1.0 style, the close ends the body
        res.socket!.end('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nbody until the close');
        return;
      case '/destroy':
        done();
        res.socket!.destroy();
        return;
      case '/hang':
        return;
      default:
        done();
        res.statusCode = url.pathname === '/missing' ? 404 : 200;
        res.end('hello');
    }
  });
}

// Shared fixtures for the proxy tests: a server on an ephemeral port, an echo upstream, API calls and socket helpers.
import { createHash } from 'node:crypto';
import { type AddressInfo, createServer, type Server, type Socket, connect } from 'node:net';
import { startProxyServer, type ProxyServer, type ProxyServerOptions } from '../../src/proxy/server.ts';

export async function withServer<T>(fn: (s: ProxyServer) => Promise<T>, opts: ProxyServerOptions = {}): Promise<T> {
  const s = await startProxyServer({ port: 0, ...opts });
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

export interface Reply {
  status: number;
  text: string;
  headers: Headers;
  json(): any;
}

export async function api(s: { url: string }, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const r = await fetch(s.url + path, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, text, headers: r.headers, json: () => JSON.parse(text) };
}

export function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

/** An upstream that echoes every byte back. */
export async function echoServer(): Promise<{ port: number; close(): void }> {
  const sockets = new Set<Socket>();
  const server = createServer({ allowHalfOpen: false }, (c) => {
    sockets.add(c);
    c.on('error', () => {});
    c.on('close', () => sockets.delete(c));
    c.pipe(c);
  });
  const port = await listen(server);
  return { port, close: () => (server.close(), sockets.forEach((s) => s.destroy())) };
}

/** An upstream that hands its accepted sockets to the test. */
export async function sinkServer(): Promise<{ port: number; next(): Promise<Socket>; close(): void }> {
  const waiting: ((s: Socket) => void)[] = [];
  const ready: Socket[] = [];
  const all = new Set<Socket>();
  const server = createServer((c) => {
    all.add(c);
    c.on('error', () => {});
    const w = waiting.shift();
    if (w) w(c);
    else ready.push(c);
  });
  const port = await listen(server);
  return {
    port,
    next: () => new Promise((resolve) => (ready.length ? resolve(ready.shift()!) : waiting.push(resolve))),
    close: () => (server.close(), all.forEach((s) => s.destroy())),
  };
}

export async function createProxy(s: { url: string }, name: string, upstreamPort: number, extra: Record<string, unknown> = {}): Promise<number> {
  const r = await api(s, 'POST', '/proxies', { name, upstream: `127.0.0.1:${upstreamPort}`, listen: '127.0.0.1:0', ...extra });
  if (r.status !== 201) throw new Error(`create proxy: ${r.status} ${r.text}`);
  return Number(r.json().listen.split(':').pop());
}

export async function addToxic(s: { url: string }, proxy: string, toxic: Record<string, unknown>): Promise<any> {
  const r = await api(s, 'POST', `/proxies/${proxy}/toxics`, toxic);
  if (r.status !== 200) throw new Error(`add toxic: ${r.status} ${r.text}`);
  return r.json();
}

export function dial(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const c = connect({ port, host: '127.0.0.1', noDelay: true });
    c.once('connect', () => resolve(c));
    c.once('error', reject);
  });
}

/** Reads exactly n bytes (or rejects on close/timeout). */
export function readBytes(s: Socket, n: number, timeoutMs = 5000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let got = 0;
    const timer = setTimeout(() => done(new Error(`timeout: got ${got} of ${n} bytes`)), timeoutMs);
    const onData = (d: Buffer) => {
      parts.push(d);
      got += d.length;
      if (got >= n) done();
    };
    const onClose = () => done(new Error(`closed after ${got} of ${n} bytes`));
    function done(err?: Error) {
      clearTimeout(timer);
      s.off('data', onData);
      s.off('close', onClose);
      if (err) reject(err);
      else resolve(Buffer.concat(parts));
    }
    s.on('data', onData);
    s.once('close', onClose);
  });
}

/** Resolves with the error code that ended the socket ('' for a clean close) and the bytes read. */
export function untilClosed(s: Socket, timeoutMs = 5000): Promise<{ code: string; data: Buffer; ms: number }> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let code = '';
    const timer = setTimeout(() => reject(new Error('socket did not close in time')), timeoutMs);
    s.on('data', (d: Buffer) => parts.push(d));
    s.on('error', (e: NodeJS.ErrnoException) => (code = e.code ?? e.message));
    s.once('close', () => {
      clearTimeout(timer);
      resolve({ code, data: Buffer.concat(parts), ms: performance.now() - start });
    });
  });
}

export const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

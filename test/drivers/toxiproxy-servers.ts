// The Toxiproxy-compatible servers the proxy activities are tested against: the real toxiproxy-server 2.12.0
// (.peers/bin, installed by scripts/setup-test-peers.sh) and Turbulence's own (src/proxy/server.ts), plus a TCP
// upstream and client helpers to observe what a toxic does to a real connection.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { type AddressInfo, type Socket, connect, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const TOXIPROXY = fileURLToPath(new URL('../../.peers/bin/toxiproxy-server', import.meta.url));

export interface ApiServer {
  url: string;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/** A real toxiproxy-server on a free port, answering /version; a missing binary fails (never skips). */
export async function startToxiproxy(): Promise<ApiServer> {
  if (!existsSync(TOXIPROXY)) throw new Error(`${TOXIPROXY} is missing: run scripts/setup-test-peers.sh`);
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn(TOXIPROXY, ['-host', '127.0.0.1', '-port', String(port)], { stdio: 'ignore', env: { ...process.env, LOG_LEVEL: 'error' } });
    let exited = false;
    child.on('exit', () => (exited = true));
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 5000;
    while (!exited && Date.now() < deadline) {
      try {
        if ((await fetch(`${url}/version`)).ok) {
          return {
            url,
            close: async () => {
              if (exited) return;
              const gone = new Promise((r) => child.once('exit', r));
              child.kill('SIGTERM');
              await gone;
            },
          };
        }
      } catch {
        await sleep(25);
      }
    }
    child.kill('SIGKILL');
  }
  throw new Error('toxiproxy-server did not start');
}

/** Turbulence's own server, in this process. */
export async function startTurbulenceServer(): Promise<ApiServer> {
  const { startProxyServer } = await import('../../src/proxy/server.ts');
  const server = await startProxyServer({ host: '127.0.0.1', port: 0 });
  return { url: server.url, close: () => server.close() };
}

export const SERVERS: [string, () => Promise<ApiServer>][] = [
  ['toxiproxy-server 2.12.0', startToxiproxy],
  ['turbulence proxy server', startTurbulenceServer],
];

/** An upstream that echoes what it gets, and ends the connection after echoing a chunk that contains "bye". */
export async function startEcho(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    s.on('data', (d) => {
      s.write(d);
      if (d.includes('bye')) s.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

export interface Exchange {
  /** what came back */
  data: Buffer;
  /** ms from the write to the last byte back (or the close) */
  ms: number;
  /** the connection ended (or was reset) before `expect` bytes came back */
  closedEarly: boolean;
  /** ms from the write to the close of the connection by the other side, when it closed within the wait */
  closedAt: number | null;
}

/**
 * Connects to 127.0.0.1:port, writes `payload`, and waits for `expect` bytes back (or the close, or `waitMs`).
 * With `awaitClose`, keeps waiting for the other side to close (up to `waitMs`).
 */
export function exchange(port: number, payload: string | Buffer, expect: number, waitMs = 3000, awaitClose = false): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let got = 0;
    let t0 = 0;
    let lastByte = 0;
    let done = false;
    const finish = (closedAt: number | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      resolve({ data: Buffer.concat(chunks), ms: (lastByte || performance.now()) - t0, closedEarly: got < expect, closedAt });
    };
    const timer = setTimeout(() => finish(null), waitMs);
    s.on('connect', () => {
      t0 = performance.now();
      s.write(payload);
    });
    s.on('data', (d) => {
      chunks.push(d);
      got += d.length;
      lastByte = performance.now();
      if (got >= expect && !awaitClose) finish(null);
    });
    s.on('end', () => finish(performance.now() - t0));
    s.on('error', (err: NodeJS.ErrnoException) => {
      if (t0 === 0) {
        clearTimeout(timer);
        done = true;
        reject(err);
      } else finish(performance.now() - t0);
    });
  });
}

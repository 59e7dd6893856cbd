// The two Toxiproxy API servers the proxy tests compare: the real Toxiproxy 2.12.0 (a child process built by
// scripts/setup-test-peers.sh) and Turbulence's in-process proxy. Both listen on 127.0.0.1, on random free ports.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { startProxyServer } from '../../src/proxy/server.ts';

export const TOXIPROXY_BIN = fileURLToPath(new URL('../../.peers/bin/toxiproxy-server', import.meta.url));

export interface ApiServer {
  /** 'toxiproxy' or 'turbulence', for messages. */
  name: string;
  url: string;
  close(): Promise<void>;
}

/** A port that was free a moment ago on 127.0.0.1 (the OS picks it, we release it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Several distinct free ports at once (held together, so they are distinct). */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<net.Server>((resolve, reject) => {
      const s = net.createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => resolve(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(`${url}/version`, { agent: false, timeout: 500 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
  });
}

/**
 * Starts the real toxiproxy-server. Its API has no "port 0 and tell me", so we pick a free port and retry on
 * the rare race where someone takes it first. A missing binary fails loudly: the peer is part of the test setup.
 */
export async function startToxiproxy(): Promise<ApiServer> {
  assert.ok(existsSync(TOXIPROXY_BIN), `${TOXIPROXY_BIN} is missing: run scripts/setup-test-peers.sh`);
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const child = spawn(TOXIPROXY_BIN, ['-host', '127.0.0.1', '-port', String(port)], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, LOG_LEVEL: 'error' },
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    let dead = false;
    void exited.then(() => { dead = true; });
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 10_000;
    while (!dead && Date.now() < deadline) {
      if (await answers(url)) {
        return {
          name: 'toxiproxy',
          url,
          close: async () => {
            if (!dead) { child.kill('SIGTERM'); await exited; }
          },
        };
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    if (!dead) { child.kill('SIGKILL'); await exited; }
    if (!stderr.includes('address already in use')) throw new Error(`toxiproxy-server did not start: ${stderr}`);
  }
  throw new Error('toxiproxy-server: no free port after 5 attempts');
}

export async function startTurbulence(): Promise<ApiServer> {
  const server = await startProxyServer({ host: '127.0.0.1', port: 0 });
  return { name: 'turbulence', url: server.url, close: () => server.close() };
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One HTTP request with exactly the given headers (no keep-alive, so servers can close cleanly). */
export function request(base: string, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${path}`, { method, agent: false, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${path}: no answer in 30 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Deletes every proxy, so each scenario starts from an empty server. */
export async function clearProxies(base: string): Promise<void> {
  const list = await request(base, 'GET', '/proxies');
  assert.equal(list.status, 200, `GET /proxies: ${list.body}`);
  for (const name of Object.keys(JSON.parse(list.body) as object)) {
    const del = await request(base, 'DELETE', `/proxies/${encodeURIComponent(name)}`);
    assert.equal(del.status, 204, `DELETE /proxies/${name}: ${del.body}`);
  }
}

/** Whether a TCP connection to 127.0.0.1:port is accepted ('open') or refused. */
export function probe(port: number): Promise<'open' | 'refused'> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => { s.destroy(); resolve('open'); });
    s.once('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNREFUSED' ? resolve('refused') : reject(e)));
  });
}

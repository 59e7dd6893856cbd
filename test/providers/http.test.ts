// The http provider against real servers on 127.0.0.1 (plain and TLS), and against the reference's
// run_http_activity on the same servers where it is the oracle (request encoding, response decoding, errors).
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { deflateRawSync, gzipSync } from 'node:zlib';
import { ActivityFailed, ChaosError } from '../../src/errors.ts';
import type { Activity, Configuration } from '../../src/experiment/types.ts';
import type { HttpOutput } from '../../src/providers/http.ts';
import { useWireClient } from '../../src/providers/http-exchange.ts';
import '../../src/providers/index.ts';
import { getProvider } from '../../src/providers/registry.ts';

const PYTHON = fileURLToPath(new URL('../../.peers/venv/bin/python', import.meta.url));
// scripts/setup-test-peers.sh installs both; a missing one fails the suite loudly rather than skipping it
assert.equal(spawnSync(PYTHON, ['-c', 'import chaoslib']).status, 0, 'the reference venv is missing: run scripts/setup-test-peers.sh');
assert.equal(spawnSync('openssl', ['version']).status, 0, 'openssl is missing: run scripts/setup-test-peers.sh');
const provider = getProvider('http')!;

function activity(p: Record<string, unknown>, extra: Record<string, unknown> = {}): Activity {
  return { type: 'probe', name: 'web', provider: { type: 'http', ...p }, ...extra } as Activity;
}

function run(p: Record<string, unknown>, configuration: Configuration = {}, signal?: AbortSignal): Promise<HttpOutput> {
  return provider.run(activity(p), { configuration, secrets: {}, signal }) as Promise<HttpOutput>;
}

async function failure(p: Record<string, unknown>, configuration: Configuration = {}): Promise<Error> {
  return run(p, configuration).then(
    () => assert.fail('expected a failure'),
    (e: Error) => e,
  );
}

function isAbort(e: Error): boolean {
  return e instanceof ChaosError && !(e instanceof ActivityFailed);
}

interface Seen {
  method: string;
  url: string;
  headers: Record<string, string>;
  raw: string[];
  body: string;
  port: number;
}

/** A server whose routes answer from the query string; records every request and every connection. */
class TestServer {
  server: http.Server | https.Server;
  requests: Seen[] = [];
  connections = 0;
  port = 0;

  constructor(tls?: { key: string; cert: string }) {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => this.handle(req, res);
    this.server = tls ? https.createServer(tls, handler) : http.createServer(handler);
    this.server.on('connection', () => this.connections++);
  }

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this;
  }

  url(path: string): string {
    return `${this.server instanceof https.Server ? 'https' : 'http'}://127.0.0.1:${this.port}${path}`;
  }

  close(): void {
    this.server.closeAllConnections();
    this.server.close();
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const seen: Seen = {
        method: req.method!,
        url: req.url!,
        headers: req.headers as Record<string, string>,
        raw: req.rawHeaders,
        body: Buffer.concat(chunks).toString('latin1'),
        port: req.socket.remotePort!,
      };
      this.requests.push(seen);
      const u = new URL(req.url!, 'http://x');
      const q = (k: string) => u.searchParams.get(k);
      switch (u.pathname) {
        case '/never':
          return; // no answer at all
        case '/stall':
          res.writeHead(200, { 'Content-Length': '10' });
          return void res.write('abc'); // then nothing
        case '/short':
          res.writeHead(200, { 'Content-Length': '10' });
          res.write('abc');
          return void setTimeout(() => res.socket?.destroy(), 30);
        case '/hangup':
          return void req.socket.destroy();
        case '/redirect': {
          const n = Number(q('n') ?? 0);
          const to = n > 0 ? `/redirect?code=${q('code')}&n=${n - 1}&to=${encodeURIComponent(q('to')!)}` : q('to')!;
          res.writeHead(Number(q('code')), { Location: to, 'X-Hop': String(n) });
          return void res.end('moved');
        }
        case '/bytes':
          res.writeHead(Number(q('status') ?? 200), q('ct') === null ? {} : { 'Content-Type': q('ct')! });
          return void res.end(Buffer.from(q('hex') ?? '', 'hex'));
        case '/gzip':
          res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Encoding': 'gzip' });
          return void res.end(gzipSync('hello gzip'));
        default:
          res.setHeader('Content-Type', 'application/json');
          res.setHeader('X-Dup', ['a', 'b']);
          res.writeHead(Number(q('status') ?? 200));
          res.end(JSON.stringify(seen));
      }
    });
  }
}

/** Runs providers through chaoslib's run_http_activity (asynchronously: our servers answer from this process). */
async function reference(cases: { provider: Record<string, unknown>; configuration?: Configuration }[]): Promise<unknown[]> {
  const script = `
import json, sys
from chaoslib.provider.http import run_http_activity
from chaoslib.exceptions import ActivityFailed
out = []
for c in json.loads(sys.argv[1]):
    try:
        out.append(run_http_activity({"name": "web", "provider": dict(type="http", **c["provider"])}, c.get("configuration", {}), {}))
    except ActivityFailed as e:
        out.append({"error": ["ActivityFailed", str(e)]})
    except Exception as e:
        out.append({"error": ["other", str(e)]})
print(json.dumps(out))
`;
  const { stdout } = await promisify(execFile)(PYTHON, ['-c', script, JSON.stringify(cases)], { encoding: 'utf8' });
  return JSON.parse(stdout);
}

async function ours(cases: { provider: Record<string, unknown>; configuration?: Configuration }[]): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const c of cases) {
    try {
      out.push(await run(c.provider, c.configuration ?? {}));
    } catch (e) {
      out.push({ error: [e instanceof ActivityFailed ? 'ActivityFailed' : 'other', (e as Error).message] });
    }
  }
  return out;
}

/** What must agree between the two: status, body (the echo minus client-specific headers), header names. */
function comparable(outputs: unknown[]): unknown[] {
  return outputs.map((o) => {
    if (!o || typeof o !== 'object' || 'error' in o) return o;
    const { status, headers, body } = o as HttpOutput;
    const names = Object.keys(headers).filter((k) => k !== 'Date').sort();
    if (body && typeof body === 'object' && 'raw' in body) {
      const seen = body as Seen;
      const raw: string[] = [];
      for (let i = 0; i < seen.raw.length; i += 2) {
        if (!['user-agent', 'host'].includes(seen.raw[i].toLowerCase())) raw.push(`${seen.raw[i]}: ${seen.raw[i + 1]}`);
      }
      return { status, names, method: seen.method, url: seen.url, body: seen.body, headers: raw.sort() };
    }
    return { status, names, body };
  });
}

let server: TestServer;
before(async () => {
  server = await new TestServer().start();
});
after(() => server.close());

describe('http output', () => {
  test('{status, headers, body}: names as received, repeated headers joined, JSON body parsed', async () => {
    const out = await run({ url: server.url('/echo') });
    assert.equal(out.status, 200);
    assert.equal(out.headers['Content-Type'], 'application/json');
    assert.equal(out.headers['X-Dup'], 'a, b');
    assert.equal((out.body as Seen).method, 'GET');
  });

  test('JSON only for exactly application/json; a charset suffix gives text', async () => {
    const hex = Buffer.from('{"a": 1}').toString('hex');
    assert.deepEqual((await run({ url: server.url(`/bytes?ct=application/json&hex=${hex}`) })).body, { a: 1 });
    const ct = encodeURIComponent('application/json; charset=utf-8');
    assert.equal((await run({ url: server.url(`/bytes?ct=${ct}&hex=${hex}`) })).body, '{"a": 1}');
  });

  test('text charsets as requests: text/* without charset is ISO-8859-1, a charset wins, else UTF-8 when valid', async () => {
    const utf8 = Buffer.from('café').toString('hex');
    const latin1 = Buffer.from('café', 'latin1').toString('hex');
    assert.equal((await run({ url: server.url(`/bytes?ct=text/plain&hex=${utf8}`) })).body, 'cafÃ©');
    assert.equal((await run({ url: server.url(`/bytes?ct=text/plain;charset=utf-8&hex=${utf8}`) })).body, 'café');
    assert.equal((await run({ url: server.url(`/bytes?ct=text/plain;charset=ascii&hex=${utf8}`) })).body, 'caf\ufffd\ufffd');
    assert.equal((await run({ url: server.url(`/bytes?ct=application/xml&hex=${utf8}`) })).body, 'café');
    assert.equal((await run({ url: server.url(`/bytes?hex=${latin1}`) })).body, 'café');
  });

  test('a gzip body is decoded, the headers stay as sent', async () => {
    const out = await run({ url: server.url('/gzip') });
    assert.equal(out.body, 'hello gzip');
    assert.equal(out.headers['Content-Encoding'], 'gzip');
  });

  test('4xx and 5xx are outputs, not failures', async () => {
    assert.equal((await run({ url: server.url('/echo?status=503') })).status, 503);
    assert.equal((await run({ url: server.url('/bytes?status=404&ct=text/plain&hex=6e6f') })).body, 'no');
  });

  test('a JSON content type with a body that is not JSON aborts the run (not an ActivityFailed)', async () => {
    assert.ok(isAbort(await failure({ url: server.url('/bytes?ct=application/json&hex=') })));
    assert.ok(isAbort(await failure({ url: server.url('/bytes?ct=application/json&hex=7b') })));
  });
});

describe('http request', () => {
  const last = () => server.requests[server.requests.length - 1];

  test('method defaults to GET and is upper-cased', async () => {
    await run({ url: server.url('/echo') });
    assert.equal(last().method, 'GET');
    await run({ url: server.url('/echo'), method: 'delete' });
    assert.equal(last().method, 'DELETE');
    assert.equal(last().headers['content-length'], '0');
  });

  test('GET sends arguments as the query string, after the URL query; lists repeat the key, None is dropped', async () => {
    await run({ url: server.url('/echo?x=1'), arguments: { q: ['a b', true], n: null, s: 'é/+' } });
    assert.equal(last().url, '/echo?x=1&q=a+b&q=True&s=%C3%A9%2F%2B');
    assert.equal(last().body, '');
  });

  test('JSON body only with the exact Content-Type key and value, in json.dumps form', async () => {
    await run({ url: server.url('/echo'), method: 'POST', headers: { 'Content-Type': 'application/json' }, arguments: { a: [1, 2.5, null, 'é'] } });
    assert.equal(last().body, '{"a": [1, 2.5, null, "\\u00e9"]}');
    assert.equal(last().headers['content-type'], 'application/json');
    assert.equal(last().headers['content-length'], String(last().body.length));
  });

  test('otherwise a form body, keeping the JSON content-type header the activity set (Correction 5)', async () => {
    await run({ url: server.url('/echo'), method: 'POST', headers: { 'content-type': 'application/json' }, arguments: { a: 1 } });
    assert.equal(last().body, 'a=1');
    assert.equal(last().headers['content-type'], 'application/json');
    const ct = 'application/json; charset=utf-8';
    await run({ url: server.url('/echo'), method: 'PUT', headers: { 'Content-Type': ct }, arguments: { a: 1, b: true } });
    assert.equal(last().body, 'a=1&b=True');
    assert.equal(last().headers['content-type'], ct);
    await run({ url: server.url('/echo'), method: 'POST', arguments: { a: 'x y' } });
    assert.equal(last().body, 'a=x+y');
    assert.equal(last().headers['content-type'], 'application/x-www-form-urlencoded');
  });

  test('a string body is sent as it is (UTF-8), without a content type', async () => {
    await run({ url: server.url('/echo'), method: 'POST', arguments: 'raw=é' });
    assert.equal(Buffer.from(last().body, 'latin1').toString('utf8'), 'raw=é');
    assert.equal(last().headers['content-type'], undefined);
  });

  test('headers: activity values override the defaults by name, None removes one, non-strings abort', async () => {
    await run({ url: server.url('/echo'), headers: { 'user-agent': 'mine', Accept: null, 'X-Token': 'abc' } });
    assert.equal(last().headers['user-agent'], 'mine');
    assert.equal(last().headers.accept, undefined);
    assert.equal(last().headers['x-token'], 'abc');
    const err = await failure({ url: server.url('/echo'), headers: { 'X-Count': 1 } });
    assert.ok(isAbort(err));
    assert.equal(err.message, "Header part (1) from ('X-Count', 1) must be of type str or bytes, not <class 'int'>");
  });

  test('url, headers, timeout and arguments are substituted; arguments only with a configuration', async () => {
    const configuration = { port: server.port, token: 't0k', t: 5, who: 'me' };
    await run({ url: 'http://127.0.0.1:${port}/echo', headers: { 'X-Token': '${token}' }, timeout: '${t}', arguments: { a: '$who', b: '$$x' } }, configuration);
    assert.equal(last().url, '/echo?a=me&b=%24x');
    assert.equal(last().headers['x-token'], 't0k');
    await run({ url: server.url('/echo'), arguments: { b: '$$x' } });
    assert.equal(last().url, '/echo?b=%24%24x');
  });

  test('credentials in the URL become basic auth', async () => {
    await run({ url: `http://user:p%40ss@127.0.0.1:${server.port}/echo` });
    assert.equal(last().headers.authorization, `Basic ${Buffer.from('user:p@ss').toString('base64')}`);
  });

  test('invalid URLs and schemes abort the run with requests messages', async () => {
    const cases: [string, string][] = [
      ['localhost/x', "Invalid URL 'localhost/x': No scheme supplied. Perhaps you meant https://localhost/x?"],
      ['http:///x', "Invalid URL 'http:///x': No host supplied"],
      ['ftp://127.0.0.1/x', "No connection adapters were found for 'ftp://127.0.0.1/x'"],
      ['127.0.0.1:8080/x', "No connection adapters were found for '127.0.0.1:8080/x'"],
    ];
    for (const [url, message] of cases) {
      const err = await failure({ url });
      assert.ok(isAbort(err));
      assert.equal(err.message, message);
    }
  });

  test('invalid timeouts abort the run with urllib3 messages', async () => {
    const cases: [unknown, string][] = [
      ['5', 'Timeout value connect was 5, but it must be an int, float or None.'],
      [0, 'Attempted to set connect timeout to 0, but the timeout cannot be set to a value less than or equal to 0.'],
      [true, 'Timeout cannot be a boolean value. It must be an int, float or None.'],
      [[1, 2, 3], 'Invalid timeout (1, 2, 3). Pass a (connect, read) timeout tuple, or a single float to set both timeouts to the same value.'],
      [['1', 2], "Invalid timeout ('1', 2). Pass a (connect, read) timeout tuple, or a single float to set both timeouts to the same value."],
    ];
    for (const [timeout, message] of cases) {
      const err = await failure({ url: server.url('/echo'), timeout });
      assert.ok(isAbort(err));
      assert.equal(err.message, message);
    }
  });
});

describe('http redirects', () => {
  const last = () => server.requests[server.requests.length - 1];
  const to = encodeURIComponent('/echo?landed=1');

  test('followed; 302 turns POST into GET without a body; the output is the final response', async () => {
    const out = await run({ url: server.url(`/redirect?code=302&to=${to}`), method: 'POST', arguments: { a: 1 } });
    assert.equal(out.status, 200);
    assert.equal(last().method, 'GET');
    assert.equal(last().url, '/echo?landed=1');
    assert.equal(last().body, '');
    assert.equal(last().headers['content-length'], undefined);
    assert.equal(out.headers['X-Hop'], undefined);
  });

  test('307 keeps the method and the body', async () => {
    await run({ url: server.url(`/redirect?code=307&to=${to}`), method: 'POST', arguments: { a: 1 } });
    assert.equal(last().method, 'POST');
    assert.equal(last().body, 'a=1');
  });

  test('more than 30 redirects abort the run', async () => {
    const err = await failure({ url: server.url(`/redirect?code=301&n=40&to=${to}`) });
    assert.ok(isAbort(err));
    assert.equal(err.message, 'Exceeded 30 redirects.');
  });

  test('authorization is dropped when the redirect changes host', async () => {
    const other = `http://localhost:${server.port}/echo`;
    await run({ url: server.url(`/redirect?code=302&to=${encodeURIComponent(other)}`), headers: { Authorization: 'secret' } });
    assert.equal(last().headers.authorization, undefined);
    await run({ url: server.url(`/redirect?code=302&to=${to}`), headers: { Authorization: 'secret' } });
    assert.equal(last().headers.authorization, 'secret');
  });
});

for (const client of ['wire', 'node'] as const) describe(`http failures (${client} client)`, () => {
  before(() => useWireClient(client === 'wire'));
  after(() => useWireClient(true));

  test('connection refused: the reference message, retried max_retries times', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/x?y=1`;
    const err = await failure({ url, max_retries: 2 });
    assert.ok(err instanceof ActivityFailed);
    assert.equal(
      err.message,
      `failed to connect to ${url}: HTTPConnectionPool(host='127.0.0.1', port=${port}): Max retries exceeded with url: /x?y=1 ` +
        `(Caused by NewConnectionError("HTTPConnection(host='127.0.0.1', port=${port}): Failed to establish a new connection: ` +
        `[Errno 111] Connection refused"))`,
    );
  });

  test('read timeout before the response: "activity took too long to complete", not retried', async () => {
    const before = server.requests.length;
    const started = Date.now();
    const err = await failure({ url: server.url('/never'), timeout: 0.3, max_retries: 2 });
    assert.ok(err instanceof ActivityFailed);
    assert.equal(err.message, 'activity took too long to complete');
    assert.ok(Date.now() - started < 2000);
    assert.equal(server.requests.length - before, 1);
    const err2 = await failure({ url: server.url('/never'), timeout: [5, 0.2] });
    assert.equal(err2.message, 'activity took too long to complete');
  });

  test('a stall inside the body is a connection failure ("Read timed out.")', async () => {
    const url = server.url('/stall');
    const err = await failure({ url, timeout: 0.3 });
    assert.ok(err instanceof ActivityFailed);
    assert.equal(err.message, `failed to connect to ${url}: HTTPConnectionPool(host='127.0.0.1', port=${server.port}): Read timed out.`);
  });

  test('a body cut short aborts the run (requests ChunkedEncodingError)', async () => {
    const err = await failure({ url: server.url('/short') });
    assert.ok(isAbort(err));
    assert.equal(err.message, "('Connection broken: IncompleteRead(3 bytes read, 7 more expected)', IncompleteRead(3 bytes read, 7 more expected))");
  });

  test('a connection closed without a response fails the activity and is not retried', async () => {
    const url = server.url('/hangup');
    const before = server.requests.length;
    const err = await failure({ url, max_retries: 3 });
    assert.ok(err instanceof ActivityFailed);
    assert.equal(err.message, `failed to connect to ${url}: ('Connection aborted.', RemoteDisconnected('Remote end closed connection without response'))`);
    assert.equal(server.requests.length - before, 1);
  });

  test('connect timeout: a server that never accepts (full backlog) gives ConnectTimeoutError, retried', async (t) => {
    const hole = await blackhole();
    if (!hole) return t.skip('could not fill the accept queue');
    try {
      const url = `http://127.0.0.1:${hole.port}/x`;
      const started = Date.now();
      const err = await failure({ url, timeout: [0.2, 5], max_retries: 1 });
      assert.ok(err instanceof ActivityFailed);
      assert.equal(
        err.message,
        `failed to connect to ${url}: HTTPConnectionPool(host='127.0.0.1', port=${hole.port}): Max retries exceeded with url: /x ` +
          `(Caused by ConnectTimeoutError(<HTTPConnection(host='127.0.0.1', port=${hole.port})>, ` +
          `'Connection to 127.0.0.1 timed out. (connect timeout=0.2)'))`,
      );
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 380 && elapsed < 2000, `two attempts of 0.2 s took ${elapsed} ms`);
    } finally {
      hole.close();
    }
  });

  test('abort via the signal destroys the request and rejects promptly with the reason', async () => {
    const controller = new AbortController();
    const reason = new ChaosError('interrupted');
    const closed = new Promise<void>((r) => server.server.once('connection', (s: net.Socket) => s.once('close', () => r())));
    const pending = run({ url: server.url('/never') }, {}, controller.signal);
    setTimeout(() => controller.abort(reason), 100);
    await assert.rejects(pending, (e) => e === reason);
    await closed;
  });
});

describe('http connections', () => {
  test('keep-alive: consecutive activities reuse one socket', async () => {
    const local = await new TestServer().start();
    try {
      for (let i = 0; i < 20; i++) await run({ url: local.url('/echo') });
      assert.equal(local.connections, 1);
      assert.equal(new Set(local.requests.map((r) => r.port)).size, 1);
    } finally {
      local.close();
    }
  });

  test('a pooled socket the server closed is replaced transparently', async () => {
    // Answers the first request of each connection, then drops the connection on the next one.
    const sockets: net.Socket[] = [];
    const raw = net.createServer((socket) => {
      sockets.push(socket);
      let requests = 0;
      socket.on('data', () => {
        if (++requests > 1) return void socket.destroy();
        socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok');
      });
    });
    await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(raw.address() as net.AddressInfo).port}/`;
    try {
      assert.equal((await run({ url })).body, 'ok');
      assert.equal((await run({ url })).body, 'ok');
      assert.equal(sockets.length, 2);
    } finally {
      sockets.forEach((s) => s.destroy());
      raw.close();
    }
  });
});

/** A TCP server that reads whole requests (head and Content-Length body) and lets `answer` write the reply bytes. */
interface RawServer {
  port: number;
  connections: number;
  requests: Buffer[];
  url(path?: string): string;
  close(): void;
}

async function rawServer(answer: (socket: net.Socket, request: Buffer) => void): Promise<RawServer> {
  const sockets = new Set<net.Socket>();
  const tcp = net.createServer((socket) => {
    raw.connections++;
    sockets.add(socket);
    socket.on('error', () => {});
    let pending = Buffer.alloc(0);
    socket.on('data', (d) => {
      pending = Buffer.concat([pending, d]);
      for (;;) {
        const end = pending.indexOf('\r\n\r\n');
        if (end === -1) return;
        const length = /\r\ncontent-length: *(\d+)/i.exec(pending.subarray(0, end).toString('latin1'));
        const total = end + 4 + (length ? Number(length[1]) : 0);
        if (pending.length < total) return;
        const request = pending.subarray(0, total);
        pending = pending.subarray(total);
        raw.requests.push(request);
        answer(socket, request);
      }
    });
  });
  await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
  const raw: RawServer = {
    port: (tcp.address() as net.AddressInfo).port,
    connections: 0,
    requests: [],
    url: (path = '/') => `http://127.0.0.1:${raw.port}${path}`,
    close: () => {
      sockets.forEach((s) => s.destroy());
      tcp.close();
    },
  };
  return raw;
}

/** Writes one byte at a time, each in its own event-loop turn, so the client sees the response in many pieces. */
async function writeByteByByte(socket: net.Socket, bytes: Buffer): Promise<void> {
  socket.setNoDelay(true);
  for (const b of bytes) {
    if (socket.destroyed) return;
    socket.write(Buffer.of(b));
    await new Promise((r) => setTimeout(r, 0));
  }
}

/** Runs `fn` with one client (the wire client, or node:http for every request), counting node:http requests made. */
async function withClient<T>(client: 'wire' | 'node', fn: () => Promise<T>): Promise<{ result: T; nodeRequests: number }> {
  let nodeRequests = 0;
  const count = () => nodeRequests++;
  subscribe('http.client.request.start', count);
  useWireClient(client === 'wire');
  try {
    return { result: await fn(), nodeRequests };
  } finally {
    useWireClient(true);
    unsubscribe('http.client.request.start', count);
  }
}

interface WireCase {
  name: string;
  response: string | Buffer;
  /** the server closes the connection after the response */
  close?: boolean;
  /** the server resets the connection after the response */
  reset?: boolean;
  /** the response goes out one byte at a time */
  byteByByte?: boolean;
  /** the wire client hands this response to node:http */
  handedOver?: boolean;
  method?: string;
  timeout?: number;
}

const CRLF = '\r\n';
const head = (lines: string[]) => lines.join(CRLF) + CRLF + CRLF;
const chunked = (body: string, size: number) => {
  let out = '';
  for (let i = 0; i < body.length; i += size) out += `${Math.min(size, body.length - i).toString(16)}${CRLF}${body.slice(i, i + size)}${CRLF}`;
  return `${out}0${CRLF}${CRLF}`;
};
const big = 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(30000);

const WIRE_CASES: WireCase[] = [
  { name: 'Content-Length body', response: head(['HTTP/1.1 200 OK', 'Content-Type: text/plain; charset=utf-8', 'Content-Length: 6']) + 'h\xc3\xa9llo' },
  { name: 'JSON body', response: head(['HTTP/1.1 200 OK', 'Content-Type: application/json', 'Content-Length: 16']) + '{"a": [1, "\xc3\xa9"]}' },
  { name: 'empty body', response: head(['HTTP/1.1 200 OK', 'Content-Length: 0']) },
  {
    name: 'repeated headers, any case, trimmed values, tabs and latin-1',
    response: head(['HTTP/1.1 200 OK', 'X-Dup: a', 'x-dup:b', 'Set-Cookie: c=1', 'Set-Cookie: d=2', 'X-Ws:  a b \t', 'X-Tab: a\tb', 'X-L1: caf\xe9', 'X-Empty:', 'Content-Length: 2']) + 'ok',
  },
  { name: '404 with a text body', response: head(['HTTP/1.1 404 Not Found', 'Content-Type: text/plain', 'Content-Length: 4']) + 'gone' },
  { name: 'body to the end of the connection', response: head(['HTTP/1.1 200 OK', 'Content-Type: text/plain']) + 'until close', close: true },
  { name: 'HTTP/1.0, body to the end', response: head(['HTTP/1.0 200 OK']) + 'old', close: true },
  { name: 'HTTP/1.0 keep-alive', response: head(['HTTP/1.0 200 OK', 'Connection: keep-alive', 'Content-Length: 3']) + 'old' },
  { name: 'HTTP/1.0 without keep-alive (server keeps it open)', response: head(['HTTP/1.0 200 OK', 'Content-Length: 3']) + 'old' },
  { name: 'Connection: close (server keeps it open)', response: head(['HTTP/1.1 200 OK', 'Connection: close', 'Content-Length: 2']) + 'ok' },
  { name: 'Keep-Alive: timeout=1', response: head(['HTTP/1.1 200 OK', 'Keep-Alive: timeout=1', 'Content-Length: 2']) + 'ok' },
  { name: 'Keep-Alive: timeout=5', response: head(['HTTP/1.1 200 OK', 'Keep-Alive: timeout=5', 'Content-Length: 2']) + 'ok' },
  { name: 'Upgrade outside a 101', response: head(['HTTP/1.1 200 OK', 'Upgrade: h2,h2c', 'Connection: Upgrade, Keep-Alive', 'Content-Length: 2']) + 'ok' },
  { name: 'chunked with trailers', response: head(['HTTP/1.1 200 OK', 'Transfer-Encoding: chunked']) + `5${CRLF}hello${CRLF}00A${CRLF}0123456789${CRLF}0${CRLF}X-T: 1${CRLF}${CRLF}` },
  { name: 'chunked, byte by byte', response: head(['HTTP/1.1 200 OK', 'Transfer-Encoding: chunked', 'X-A: 1']) + chunked('hello world', 4), byteByByte: true },
  { name: 'Content-Length, byte by byte', response: head(['HTTP/1.1 200 OK', 'Content-Type: application/json', 'Content-Length: 8']) + '{"a": 1}', byteByByte: true },
  { name: 'large Content-Length body', response: head(['HTTP/1.1 200 OK', `Content-Length: ${big.length}`]) + big },
  { name: 'large chunked body', response: head(['HTTP/1.1 200 OK', 'Transfer-Encoding: chunked']) + chunked(big, 16384) },
  { name: 'HEAD with Content-Length', response: head(['HTTP/1.1 200 OK', 'Content-Length: 5']), method: 'HEAD' },
  { name: 'HEAD with chunked', response: head(['HTTP/1.1 200 OK', 'Transfer-Encoding: chunked']), method: 'HEAD' },
  { name: '204', response: head(['HTTP/1.1 204 No Content']) },
  { name: '204 with Content-Length', response: head(['HTTP/1.1 204 No Content', 'Content-Length: 5']) },
  { name: '204 with chunked', response: head(['HTTP/1.1 204 No Content', 'Transfer-Encoding: chunked']) },
  { name: '304 with Content-Length', response: head(['HTTP/1.1 304 Not Modified', 'Content-Length: 5']) },
  { name: 'gzip', response: Buffer.concat([Buffer.from(head(['HTTP/1.1 200 OK', 'Content-Encoding: gzip', 'Content-Type: text/plain', `Content-Length: ${gzipSync('zipped').length}`]), 'latin1'), gzipSync('zipped')]) },
  { name: 'raw deflate', response: Buffer.concat([Buffer.from(head(['HTTP/1.1 200 OK', 'Content-Encoding: deflate', `Content-Length: ${deflateRawSync('deflated').length}`]), 'latin1'), deflateRawSync('deflated')]) },
  { name: 'gzip that is not', response: head(['HTTP/1.1 200 OK', 'Content-Encoding: gzip', 'Content-Length: 2']) + 'ok' },
  { name: 'bytes after the response', response: head(['HTTP/1.1 200 OK', 'Content-Length: 2']) + 'okEXTRA' },
  { name: '100 Continue first', response: head(['HTTP/1.1 100 Continue']) + head(['HTTP/1.1 200 OK', 'Content-Length: 2']) + 'ok', handedOver: true },
  { name: '103 Early Hints first, byte by byte', response: head(['HTTP/1.1 103 Early Hints', 'Link: </x>']) + head(['HTTP/1.1 200 OK', 'Content-Length: 2']) + 'ok', byteByByte: true, handedOver: true },
  { name: 'chunk extensions', response: head(['HTTP/1.1 200 OK', 'Transfer-Encoding: chunked']) + `2;a=b${CRLF}ok${CRLF}0${CRLF}${CRLF}`, handedOver: true },
  { name: 'other transfer coding', response: head(['HTTP/1.1 200 OK', 'Transfer-Encoding: gzip, chunked']) + `2${CRLF}ok${CRLF}0${CRLF}${CRLF}`, handedOver: true },
  { name: 'no reason phrase', response: head(['HTTP/1.1 200', 'Content-Length: 2']) + 'ok', handedOver: true },
  { name: 'status 099', response: head(['HTTP/1.1 099 Odd', 'Content-Length: 2']) + 'ok', handedOver: true },
  { name: 'HTTP/2.0 status line', response: head(['HTTP/2.0 200 OK', 'Content-Length: 2']) + 'ok', handedOver: true },
  { name: 'DEL in a header value', response: head(['HTTP/1.1 200 OK', 'X-A: a\x7fb', 'Content-Length: 2']) + 'ok', handedOver: true },
  { name: 'bare LF', response: 'HTTP/1.1 200 OK\nContent-Length: 2\n\nok', handedOver: true },
  { name: 'folded header', response: head(['HTTP/1.1 200 OK', 'X-A: a', ' b', 'Content-Length: 2']) + 'ok', handedOver: true },
  { name: 'repeated Content-Length', response: head(['HTTP/1.1 200 OK', 'Content-Length: 2', 'Content-Length: 2']) + 'ok', handedOver: true },
  { name: 'Content-Length and chunked', response: head(['HTTP/1.1 200 OK', 'Content-Length: 2', 'Transfer-Encoding: chunked']) + `2${CRLF}ok${CRLF}0${CRLF}${CRLF}`, handedOver: true },
  { name: 'invalid Content-Length', response: head(['HTTP/1.1 200 OK', 'Content-Length: 2x']) + 'ok', handedOver: true },
  { name: 'not HTTP', response: 'SSH-2.0-OpenSSH_9.2\r\n', handedOver: true },
  { name: 'a bad chunk after a good one, byte by byte', response: head(['HTTP/1.1 200 OK', 'Transfer-Encoding: chunked']) + `2${CRLF}ok${CRLF}2 ${CRLF}ok${CRLF}0${CRLF}${CRLF}`, byteByByte: true, handedOver: true },
  { name: 'body cut short', response: head(['HTTP/1.1 200 OK', 'Content-Length: 10']) + 'abc', close: true },
  { name: 'chunked cut short', response: head(['HTTP/1.1 200 OK', 'Transfer-Encoding: chunked']) + `5${CRLF}ab`, close: true },
  { name: 'chunked cut in the trailers', response: head(['HTTP/1.1 200 OK', 'Transfer-Encoding: chunked']) + `0${CRLF}X-T: 1`, close: true },
  { name: 'head cut short', response: 'HTTP/1.1 200 OK\r\nContent-Le', close: true },
  { name: 'bad head cut short', response: 'HTTP/1.1 200 OK\r\nConte nt', close: true, handedOver: true },
  { name: 'closed without a response', response: '', close: true },
  { name: 'reset without a response', response: '', reset: true },
  { name: 'reset inside the body', response: head(['HTTP/1.1 200 OK', 'Content-Length: 10']) + 'abc', reset: true },
  { name: 'stall inside the head', response: 'HTTP/1.1 200 OK\r\nX-A: 1\r\n', timeout: 0.2 },
  { name: 'stall inside the body', response: head(['HTTP/1.1 200 OK', 'Content-Length: 10']) + 'abc', timeout: 0.2 },
  { name: 'stall inside a chunked body, byte by byte', response: head(['HTTP/1.1 200 OK', 'Transfer-Encoding: chunked']) + `5${CRLF}ab`, byteByByte: true, timeout: 0.3 },
];

/** Two activities against a fresh server answering `c`: their outputs (or failures) and the connections it saw. */
async function wireCase(c: WireCase): Promise<{ outputs: unknown[]; connections: number }> {
  const server = await rawServer((socket) => {
    const bytes = typeof c.response === 'string' ? Buffer.from(c.response, 'latin1') : c.response;
    const finish = () => {
      if (c.close) socket.end();
      if (c.reset) socket.resetAndDestroy();
    };
    if (c.byteByByte) void writeByteByByte(socket, bytes).then(finish);
    else {
      socket.write(bytes);
      finish();
    }
  });
  try {
    const outputs: unknown[] = [];
    for (let i = 0; i < 2; i++) {
      const p = { url: server.url('/x'), method: c.method ?? 'GET', timeout: c.timeout ?? 5 };
      try {
        outputs.push(await run(p));
      } catch (e) {
        const message = (e as Error).message.replaceAll(String(server.port), 'PORT');
        outputs.push({ error: [e instanceof ActivityFailed ? 'ActivityFailed' : (e as Error).constructor.name, message] });
      }
    }
    return { outputs, connections: server.connections };
  } finally {
    server.close();
  }
}

describe('wire client and node:http agree', () => {
  for (const c of WIRE_CASES) {
    test(c.name, async () => {
      const node = await withClient('node', () => wireCase(c));
      const wire = await withClient('wire', () => wireCase(c));
      assert.deepEqual(wire.result.outputs, node.result.outputs);
      assert.equal(wire.result.connections, node.result.connections, 'connections');
      assert.equal(wire.nodeRequests, c.handedOver ? 2 : 0, 'requests handed to node:http');
      assert.equal(node.nodeRequests, 2);
    });
  }

  test('the same request bytes on the wire', async () => {
    const activities: Record<string, unknown>[] = [
      { url: '/a?x=1', arguments: { q: ['a b', 'é'], n: null } },
      { url: '/b', method: 'post', arguments: { a: 1, b: 'x y' } },
      { url: '/c', method: 'PATCH', headers: { 'Content-Type': 'application/json' }, arguments: { a: [1, 2.5, null, 'é😀'] } },
      { url: '/d', method: 'put', arguments: 'raw=é' },
      { url: '/e', method: 'HEAD' },
      { url: '/f', method: 'DELETE' },
      { url: '/g', headers: { 'User-Agent': 'mine', Accept: null, 'X-Token': 'abc', Host: 'example.test', 123: 'numeric' } },
      { url: '/h', headers: { Connection: null } },
      { url: '/i', headers: { Connection: 'close' } },
      { url: '/j', headers: { 'X-L1': 'café' } },
      { url: "/k/é path/~'!*", headers: { authorization: 'secret' } },
    ];
    const requests = async (client: 'wire' | 'node') => {
      const server = await rawServer((socket) => socket.write(head(['HTTP/1.1 200 OK', 'Content-Length: 0'])));
      try {
        const { nodeRequests } = await withClient(client, async () => {
          for (const a of activities) await run({ ...a, url: server.url(a.url as string) });
          await run({ url: `http://user:p%40ss@localhost:${server.port}/auth` });
        });
        return { requests: server.requests.map((r) => r.toString('latin1').replaceAll(String(server.port), 'PORT')), nodeRequests };
      } finally {
        server.close();
      }
    };
    const node = await requests('node');
    const wire = await requests('wire');
    assert.deepEqual(wire.requests, node.requests);
    assert.equal(wire.nodeRequests, 0);
    assert.match(wire.requests[0], /^GET \/a\?x=1&q=a\+b&q=%C3%A9 HTTP\/1\.1\r\nUser-Agent: turbulence\/[^\r]+\r\nAccept-Encoding: gzip, deflate\r\nAccept: \*\/\*\r\nConnection: keep-alive\r\nHost: 127\.0\.0\.1:PORT\r\n\r\n$/);
  });

  test('an IPv6 literal: the same bytes (Host in brackets)', async (t) => {
    const got: string[] = [];
    const sockets: net.Socket[] = [];
    const v6 = net.createServer((socket) => {
      sockets.push(socket);
      socket.on('data', (d) => {
        got.push(d.toString('latin1'));
        socket.write(head(['HTTP/1.1 200 OK', 'Content-Length: 0']));
      });
    });
    const listening = await new Promise<boolean>((r) => v6.once('error', () => r(false)).listen(0, '::1', () => r(true)));
    if (!listening) return t.skip('no IPv6 loopback');
    try {
      const url = `http://[::1]:${(v6.address() as net.AddressInfo).port}/v6`;
      const node = await withClient('node', () => run({ url }));
      const wire = await withClient('wire', () => run({ url }));
      assert.deepEqual(wire.result, node.result);
      assert.equal(wire.nodeRequests, 0);
      assert.equal(got.length, 2);
      assert.equal(got[1], got[0]);
      assert.match(got[1], /\r\nHost: \[::1\]:\d+\r\n/);
    } finally {
      sockets.forEach((socket) => socket.destroy());
      v6.close();
    }
  });

  test('requests node:http treats specially or refuses go through it, with the same outcome', async () => {
    const server = await rawServer((socket) => socket.write(head(['HTTP/1.1 200 OK', 'Content-Length: 0'])));
    const cases: [Record<string, unknown>, boolean][] = [
      // [activity fields, whether node:http sends it]
      [{ headers: { Connection: 'upgrade' } }, true],
      [{ headers: { Expect: '100-continue' } }, true],
      [{ method: 'POST', headers: { 'Transfer-Encoding': 'chunked' }, arguments: 'abc' }, true],
      [{ headers: { 'X-Bad': 'a\x01b' } }, false],
      [{ headers: { 'Bad Name': 'x' } }, false],
      [{ method: 'GE T' }, false],
    ];
    const outcome = async (client: 'wire' | 'node', p: Record<string, unknown>) =>
      withClient(client, () =>
        run({ url: server.url('/'), ...p }).then(
          (out) => out,
          (e: Error) => ({ error: [e.constructor.name, e.message] }),
        ),
      );
    try {
      for (const [p, sent] of cases) {
        const node = await outcome('node', p);
        const wire = await outcome('wire', p);
        assert.deepEqual(wire.result, node.result);
        assert.equal(wire.nodeRequests, sent ? 1 : 0, JSON.stringify(p));
        if (!sent) assert.match(JSON.stringify(wire.result), /Invalid request: /);
      }
    } finally {
      server.close();
    }
  });
});

describe('wire client connections', () => {
  test('no pipelining: concurrent activities to one origin take one connection each', async () => {
    const busy = new Set<net.Socket>();
    let pipelined = false;
    const server = await rawServer((socket) => {
      if (busy.has(socket)) pipelined = true;
      busy.add(socket);
      setTimeout(() => {
        busy.delete(socket);
        socket.write(head(['HTTP/1.1 200 OK', 'Content-Length: 2']) + 'ok');
      }, 50);
    });
    try {
      const outs = await Promise.all([1, 2, 3].map(() => run({ url: server.url('/') })));
      assert.deepEqual(outs.map((o) => o.body), ['ok', 'ok', 'ok']);
      assert.equal(server.connections, 3);
      // afterwards the idle connections serve sequential activities, one request at a time
      for (let i = 0; i < 6; i++) await run({ url: server.url('/') });
      assert.equal(server.connections, 3);
      assert.equal(server.requests.length, 9);
      assert.equal(pipelined, false);
    } finally {
      server.close();
    }
  });

  test('a pooled connection the server closes while idle is dropped; the next activity connects anew', async () => {
    const server = await rawServer((socket) => {
      socket.write(head(['HTTP/1.1 200 OK', 'Content-Length: 2']) + 'ok');
      setTimeout(() => socket.end(), 20);
    });
    try {
      assert.equal((await run({ url: server.url('/') })).body, 'ok');
      await new Promise((r) => setTimeout(r, 100));
      assert.equal((await run({ url: server.url('/') })).body, 'ok');
      assert.equal(server.connections, 2);
    } finally {
      server.close();
    }
  });

  test('a pooled connection reset on reuse before any response is retried once on a new one, not counted as a retry', async () => {
    let answered = 0;
    const seen = new WeakSet<net.Socket>();
    const server = await rawServer((socket) => {
      // the first request on each connection is answered, the second one resets it
      if (seen.has(socket)) return void socket.resetAndDestroy();
      seen.add(socket);
      answered++;
      socket.write(head(['HTTP/1.1 200 OK', 'Content-Length: 2']) + 'ok');
    });
    try {
      for (let i = 0; i < 3; i++) assert.equal((await run({ url: server.url('/'), max_retries: 0 })).body, 'ok');
      assert.equal(answered, 3);
      assert.equal(server.connections, 3);
    } finally {
      server.close();
    }
  });

  test('a pooled connection closed after the response headers is a broken body, not resent', async () => {
    let requests = 0;
    const server = await rawServer((socket) => {
      requests++;
      if (requests === 1) return void socket.write(head(['HTTP/1.1 200 OK', 'Content-Length: 2']) + 'ok');
      socket.end(head(['HTTP/1.1 200 OK', 'Content-Length: 5']) + 'ok');
    });
    try {
      await run({ url: server.url('/') });
      const err = await failure({ url: server.url('/') });
      assert.ok(isAbort(err));
      assert.equal(err.message, "('Connection broken: IncompleteRead(2 bytes read, 3 more expected)', IncompleteRead(2 bytes read, 3 more expected))");
      assert.equal(requests, 2);
    } finally {
      server.close();
    }
  });

  test('data arriving on an idle connection retires it', async () => {
    const server = await rawServer((socket) => {
      socket.write(head(['HTTP/1.1 200 OK', 'Content-Length: 2']) + 'ok');
      setTimeout(() => socket.write('unsolicited'), 20);
    });
    try {
      await run({ url: server.url('/') });
      await new Promise((r) => setTimeout(r, 80));
      assert.equal((await run({ url: server.url('/') })).body, 'ok');
      assert.equal(server.connections, 2);
    } finally {
      server.close();
    }
  });

  test('after a hand-over to node:http the connection is kept alive as node would keep it', async () => {
    const server = await rawServer((socket) => socket.write(head(['HTTP/1.1 100 Continue']) + head(['HTTP/1.1 200 OK', 'Content-Length: 2']) + 'ok'));
    try {
      for (let i = 0; i < 3; i++) assert.equal((await run({ url: server.url('/') })).body, 'ok');
      assert.equal(server.connections, 1);
    } finally {
      server.close();
    }
  });

  test('abort inside the body closes the connection and rejects with the reason', async () => {
    const server = await rawServer((socket) => socket.write(head(['HTTP/1.1 200 OK', 'Content-Length: 10']) + 'abc'));
    try {
      const controller = new AbortController();
      const reason = new ChaosError('interrupted');
      const pending = run({ url: server.url('/') }, {}, controller.signal);
      setTimeout(() => controller.abort(reason), 50);
      await assert.rejects(pending, (e) => e === reason);
      // the aborted connection is not reused
      await assert.rejects(run({ url: server.url('/') }, {}, AbortSignal.timeout(100)));
      assert.equal(server.connections, 2);
    } finally {
      server.close();
    }
  });
});

describe('https', () => {
  const dir = mkdtempSync(join(tmpdir(), 'turbulence-tls-'));
  let tls: TestServer;
  before(async () => {
    const r = spawnSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    ]);
    assert.equal(r.status, 0, String(r.stderr));
    tls = await new TestServer({ key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') }).start();
  });
  after(() => {
    tls?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a self-signed certificate fails verification, each retry a new connection the server sees', async () => {
    const url = tls.url('/echo');
    const before = tls.connections;
    const err = await failure({ url, max_retries: 2 });
    assert.ok(err instanceof ActivityFailed);
    assert.equal(
      err.message,
      `failed to connect to ${url}: HTTPSConnectionPool(host='127.0.0.1', port=${tls.port}): Max retries exceeded with url: /echo ` +
        "(Caused by SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate')))",
    );
    assert.equal(tls.connections - before, 3);
  });

  test('verify_tls false skips verification for that request only; a CA path verifies against it', async () => {
    assert.equal((await run({ url: tls.url('/echo'), verify_tls: false })).status, 200);
    assert.ok((await failure({ url: tls.url('/echo') })) instanceof ActivityFailed);
    assert.equal((await run({ url: tls.url('/echo'), verify_tls: join(dir, 'cert.pem') })).status, 200);
  });
});

describe('http against the reference', () => {
  test('same request on the wire and same outputs for a table of activities', async () => {
    const u = (p: string) => server.url(p);
    const hex = (s: string, enc: BufferEncoding = 'utf8') => Buffer.from(s, enc).toString('hex');
    const cases = [
      { provider: { url: u('/echo?x=1') } },
      { provider: { url: u("/echo?x='y'&z=a|b"), arguments: { q: [[1, 2], { k: 1 }], n: null, s: "a b+c/é~!*'()" } } },
      { provider: { url: u('/echo'), method: 'post', arguments: { a: 1.5, b: 'é', c: [true, null] } } },
      { provider: { url: u('/echo'), method: 'post', arguments: [['a', 1], ['b', true]] } },
      { provider: { url: u('/echo'), method: 'post', arguments: 'raw=é' } },
      { provider: { url: u('/echo'), method: 'patch', headers: { 'Content-Type': 'application/json' }, arguments: { a: [1, 2.5, null, true, 'é😀'], b: {} } } },
      { provider: { url: u('/echo'), method: 'post', headers: { 'content-type': 'application/json' }, arguments: { a: 1 } } },
      { provider: { url: u('/echo'), method: 'put', headers: { 'Content-Type': 'application/json' }, arguments: [] } },
      { provider: { url: u('/echo'), method: 'delete' } },
      { provider: { url: u('/echo'), headers: { 'User-Agent': null, Accept: 'text/html', 'X-A': 'b' } } },
      { provider: { url: 'http://127.0.0.1:${port}/echo', arguments: { a: '${a}', b: '$$x' }, timeout: '${t}' }, configuration: { port: server.port, a: [1, 2], t: 3 } },
      { provider: { url: u('/echo?status=500') } },
      { provider: { url: u(`/redirect?code=303&to=${encodeURIComponent('/echo?r=1')}`), method: 'POST', arguments: { a: 1 } } },
      { provider: { url: u(`/bytes?ct=text/plain&hex=${hex('café')}`) } },
      { provider: { url: u(`/bytes?ct=text/html;%20charset=%22utf-8%22&hex=${hex('café')}`) } },
      { provider: { url: u(`/bytes?ct=application/json&hex=${hex('{"a": [1, "é"]}')}`) } },
      { provider: { url: u(`/bytes?ct=application/json;charset=utf-8&hex=${hex('{"a": 1}')}`) } },
      { provider: { url: u('/bytes?ct=application/json&hex=') } },
      { provider: { url: u('/gzip') } },
      { provider: { url: u('/never'), timeout: 0.2 } },
      { provider: { url: u('/stall'), timeout: 0.2 } },
      { provider: { url: u('/hangup') } },
      { provider: { url: u('/echo'), timeout: [1, 2, 3] } },
      { provider: { url: 'localhost/echo' } },
    ];
    const theirs = await reference(cases);
    const mine = await ours(cases);
    // Errors that abort the run only need to agree on that; their texts are Python exception strings.
    const kinds = (xs: unknown[]) =>
      comparable(xs).map((x) => (x && typeof x === 'object' && 'error' in x && (x.error as string[])[0] === 'other' ? 'aborts' : x));
    assert.deepEqual(kinds(mine), kinds(theirs));
  });
});

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/**
 * A listener that never accepts: a child process listens with a backlog of 1 and blocks its event loop; we fill the
 * accept queue until a connection hangs, so the kernel drops further SYNs and connects time out.
 */
async function blackhole(): Promise<{ port: number; close(): void } | null> {
  const code = `require('net').createServer().listen({ port: 0, host: '127.0.0.1', backlog: 1 }, function () {
    console.log(this.address().port); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); })`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((r) => child.stdout.once('data', (d) => r(Number(String(d)))));
  const fillers: net.Socket[] = [];
  const close = () => {
    fillers.forEach((s) => s.destroy());
    child.kill('SIGKILL');
  };
  for (let i = 0; i < 64; i++) {
    const s = net.connect(port, '127.0.0.1');
    s.on('error', () => {});
    fillers.push(s);
    const connected = await new Promise<boolean>((r) => {
      s.once('connect', () => r(true));
      setTimeout(() => r(false), 200);
    });
    if (!connected) return { port, close };
  }
  close();
  return null;
}

// The http provider against real servers on 127.0.0.1 (plain and TLS), and against the reference's
// run_http_activity on the same servers where it is the oracle (request encoding, response decoding, errors).
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { ActivityFailed, ChaosError } from '../../src/errors.ts';
import type { Activity, Configuration } from '../../src/experiment/types.ts';
import type { HttpOutput } from '../../src/providers/http.ts';
import '../../src/providers/index.ts';
import { getProvider } from '../../src/providers/registry.ts';

const PYTHON = fileURLToPath(new URL('../../.peers/venv/bin/python', import.meta.url));
const hasReference = spawnSync(PYTHON, ['-c', 'import chaoslib']).status === 0;
const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
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

describe('http failures', () => {
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

describe('https', { skip: !hasOpenssl && 'no openssl' }, () => {
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

describe('http against the reference', { skip: !hasReference && 'no reference venv' }, () => {
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

// https through node:tls against a node:https server with a self-signed certificate (made by openssl): refused as
// a tls error unless insecure.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateLoad } from '../../src/load/generator.ts';
import { type TestServer, startServer } from './server.ts';

const dir = mkdtempSync(join(tmpdir(), 'turbulence-load-tls-'));
let server: TestServer;
before(async () => {
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1',
  ], { stdio: 'ignore' });
  server = await startServer(createServer as never, { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) });
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const load = (insecure: boolean, requests: number) =>
  generateLoad({ url: `${server.url}/`, connections: 3, rate: null, duration: 2, requests, method: 'GET', headers: {}, body: null, timeout: 2, allowRemote: false, insecure });

describe('load over https', () => {
  it('keeps connections alive over TLS when the certificate is accepted', async () => {
    server.seen.requests = 0;
    const s = await load(true, 60);
    assert.equal(s.requests.completed, 60);
    assert.equal(s.errors.total, 0);
    assert.equal(server.seen.requests, 60);
  });

  it('counts an unverifiable certificate as a tls error', async () => {
    // a handshake that fails is retried with a growing pause, like a refused connection
    const s = await load(false, 6);
    assert.equal(s.requests.completed, 0);
    assert.deepEqual(s.errors, { total: 6, tls: 6 });
    assert.equal(s.stopped_by, 'requests');
  });
});

// Black-box differential test of the Toxiproxy HTTP API: every scenario of api-scenarios.ts runs against the real
// toxiproxy-server 2.12.0 and against Turbulence's proxy, and each step's answer must be the same: status code,
// Content-Type, presence of X-Toxiproxy-Request-Id and X-Content-Type-Options, and the body byte for byte.
//
// What is normalized, and why (nothing else is):
// - `$P1`..`$P4`: free ports picked at run time; both servers get the same ones (scenarios run one server after
//   the other, each ending with every proxy deleted), and answers have them written back as `$P1`..`$P4`.
// - The port of a `"listen":"host:N"` value that no scenario chose (listen port 0, so the OS picks it) becomes
//   `<ephemeral-K>`, K counting distinct ports in order of appearance, so a proxy keeping or changing its port
//   still shows.
// - The X-Toxiproxy-Request-Id value (random per request): only its presence is compared.
// - Steps marked `version`: the version string (the reference binary is built without -ldflags and says "git").
// - Steps marked `decodeError`: the text after `bad request body: ` (Go's json errors name Go types).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { scenarios, type Scenario, type Step } from './api-scenarios.ts';
import { type ApiServer, clearProxies, freePorts, probe, request, startToxiproxy, startTurbulence } from './servers.ts';

interface Observation {
  status?: number;
  contentType?: string;
  requestId?: boolean;
  nosniff?: boolean;
  body?: string;
  connect?: string;
}

let ports: number[] = [];

function fill(text: string): string {
  return text.replace(/\$P(\d)/g, (_, i: string) => String(ports[Number(i) - 1]));
}

function normalize(body: string, step: Step, ephemeral: Map<string, string>): string {
  let out = body.replace(/:(\d+)/g, (m, n: string) => {
    const i = ports.indexOf(Number(n));
    return i >= 0 ? `:$P${i + 1}` : m;
  });
  out = out.replace(/("listen":"(?:[^"\\]|\\.)*?:)(\d+)"/g, (m, head: string, n: string) => {
    if (n === '0') return m;
    if (!ephemeral.has(n)) ephemeral.set(n, `<ephemeral-${ephemeral.size + 1}>`);
    return `${head}${ephemeral.get(n)}"`;
  });
  if (step.normalize?.includes('version')) out = out.replace(/^\{"version": "[^"]*"\}\n$/, '{"version": "<version>"}\n');
  if (step.normalize?.includes('decodeError')) out = out.replace(/("error":"bad request body: )(?:[^"\\]|\\.)*"/, '$1<decode error>"');
  return out;
}

async function observe(server: ApiServer, step: Step, ephemeral: Map<string, string>): Promise<Observation> {
  if (step.connect) return { connect: await probe(Number(fill(step.connect))) };
  const headers: Record<string, string> = {};
  if (step.userAgent) headers['User-Agent'] = step.userAgent;
  const body = step.raw !== undefined ? step.raw : step.body !== undefined ? fill(JSON.stringify(step.body)) : undefined;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const reply = await request(server.url, step.method ?? 'GET', fill(step.path!), body, headers);
  return {
    status: reply.status,
    contentType: reply.headers['content-type'],
    requestId: reply.headers['x-toxiproxy-request-id'] !== undefined,
    nosniff: reply.headers['x-content-type-options'] === 'nosniff',
    body: normalize(reply.body, step, ephemeral),
  };
}

async function play(server: ApiServer, scenario: Scenario): Promise<Observation[]> {
  const ephemeral = new Map<string, string>();
  const seen: Observation[] = [];
  try {
    for (const step of scenario.steps) seen.push(await observe(server, step, ephemeral));
  } finally {
    await clearProxies(server.url);
  }
  return seen;
}

describe('Toxiproxy API: Turbulence answers like toxiproxy-server 2.12.0', () => {
  let toxiproxy: ApiServer;
  let turbulence: ApiServer;
  before(async () => {
    ports = await freePorts(4);
    [toxiproxy, turbulence] = await Promise.all([startToxiproxy(), startTurbulence()]);
  });
  after(async () => {
    await Promise.all([toxiproxy?.close(), turbulence?.close()]);
  });

  for (const scenario of scenarios) {
    test(`${scenario.name} (${scenario.source})`, async () => {
      const expected = await play(toxiproxy, scenario);
      const actual = await play(turbulence, scenario);
      const diffs: string[] = [];
      scenario.steps.forEach((step, i) => {
        for (const key of Object.keys(expected[i]) as (keyof Observation)[]) {
          if (expected[i][key] !== actual[i][key]) {
            diffs.push(`step ${i + 1} "${step.name}": ${key}\n    toxiproxy:  ${JSON.stringify(expected[i][key])}\n    turbulence: ${JSON.stringify(actual[i][key])}`);
          }
        }
      });
      assert.equal(diffs.length, 0, `${scenario.name}:\n  ${diffs.join('\n  ')}`);
    });
  }

  // The request id is a random token per request; it must at least differ between requests.
  test('request ids differ between requests', async () => {
    const a = await request(turbulence.url, 'GET', '/version');
    const b = await request(turbulence.url, 'GET', '/version');
    assert.ok(a.headers['x-toxiproxy-request-id']);
    assert.notEqual(a.headers['x-toxiproxy-request-id'], b.headers['x-toxiproxy-request-id']);
    assert.match(a.body, /^\{"version": "\d+\.\d+\.\d+[^"]*"\}\n$/);
  });
});

describe('turbulence proxy CLI', () => {
  test('prints its address once ready and serves the API there', async () => {
    const bin = fileURLToPath(new URL('../../bin/turbulence.js', import.meta.url));
    const child = spawn(process.execPath, [bin, 'proxy', '--host', '127.0.0.1', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        let err = '';
        const timer = setTimeout(() => reject(new Error(`no "listening on" line in 10 s: ${out} ${err}`)), 10_000);
        child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
        child.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /^listening on (http:\/\/127\.0\.0\.1:(\d+))\n/.exec(out);
          if (m && Number(m[2]) > 0) { clearTimeout(timer); resolve(m[1]); }
        });
        child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`exited ${code}: ${out} ${err}`)); });
      });
      const created = await request(url, 'POST', '/proxies', JSON.stringify({ name: 'cli', listen: '127.0.0.1:0', upstream: 'localhost:20001' }));
      assert.equal(created.status, 201, created.body);
      const shown = await request(url, 'GET', '/proxies/cli');
      assert.equal(JSON.parse(shown.body).name, 'cli');
    } finally {
      child.kill('SIGTERM');
    }
  });
});

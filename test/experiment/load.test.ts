import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { InvalidExperiment, InvalidSource } from '../../src/errors.ts';
import { redactUrl } from '../../src/experiment/fetch.ts';
import { loadExperiment, locateProblems, type LoadOptions } from '../../src/experiment/load.ts';
import { anyUserCli } from '../any-user-cli.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PYTHON = join(ROOT, '.peers/venv/bin/python');
const dir = mkdtempSync(join(tmpdir(), 'turbulence-load-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const EXPERIMENT = { title: 't', description: 'd', method: [{ type: 'action', name: 'a', provider: { type: 'process', path: 'true' } }] };
const YAML_EXPERIMENT = 'title: t\ndescription: d\nmethod:\n  - type: action\n    name: a\n    provider:\n      type: process\n      path: "true"\n';

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** The InvalidSource (or other error class) a load must fail with. */
async function failure(source: string, opts?: LoadOptions, cls: new (...a: never[]) => Error = InvalidSource): Promise<string> {
  try {
    await loadExperiment(source, opts);
  } catch (err) {
    assert.ok(err instanceof cls, `expected ${cls.name}, got ${String(err)}`);
    assert.equal((err as Error).message.split('\n').length, 1, 'one line');
    return (err as Error).message;
  }
  assert.fail(`loading ${source} did not fail`);
}

describe('loading files', () => {
  it('loads JSON, YAML and YML with their format and text', async () => {
    const j = await loadExperiment(file('exp.json', JSON.stringify(EXPERIMENT, null, 2)));
    assert.deepEqual(j.experiment, EXPERIMENT);
    assert.equal(j.source.format, 'json');
    assert.equal(j.source.id, join(dir, 'exp.json'));
    for (const ext of ['yaml', 'yml']) {
      const y = await loadExperiment(file(`exp.${ext}`, YAML_EXPERIMENT));
      assert.deepEqual(y.experiment, EXPERIMENT);
      assert.equal(y.source.format, 'yaml');
      assert.equal(y.source.text, YAML_EXPERIMENT);
    }
  });

  it('locates problems in the source, keeping locations already set', async () => {
    const p = file('loc.yaml', YAML_EXPERIMENT);
    const { source } = await loadExperiment(p);
    const given = { source: 'elsewhere', line: 9, column: 9 };
    const out = locateProblems(
      [
        { message: 'bad path', path: ['method', 0, 'provider', 'path'] },
        { message: 'missing', path: ['method', 0, 'provider', 'arguments'] },
        { message: 'kept', path: ['title'], location: given },
      ],
      source,
    );
    assert.deepEqual(out[0]!.location, { source: p, line: 8, column: 13 });
    assert.deepEqual(out[1]!.location, { source: p, line: 7, column: 7 });
    assert.equal(out[2]!.location, given);
  });

  it('returns duplicate keys as warnings with their location, last value winning', async () => {
    const p = file('dup.yaml', `${YAML_EXPERIMENT}title: second\n`);
    const { experiment, warnings } = await loadExperiment(p);
    assert.equal(experiment.title, 'second');
    assert.equal(warnings.length, 1);
    assert.deepEqual(warnings[0]!.path, ['title']);
    assert.deepEqual(warnings[0]!.location, { source: p, line: 9, column: 1 });
  });

  it('rejects other extensions, even when the file exists', async () => {
    for (const name of ['exp.txt', 'exp.JSON', '.json', 'exp']) {
      const message = await failure(file(name, JSON.stringify(EXPERIMENT)));
      assert.equal(message, 'only files with json, yaml or yml extensions are supported');
    }
  });

  it('reports a missing file and an unsupported scheme as the reference does', async () => {
    const sources = ['missing.json', 'sub/missing.yaml', 'nope.json#frag', 'nope.json?x=1', 'a;b/c;d.json', ' missing.json', ''];
    const schemes = ['ftp://h/x.json', 'C:\\x.json', 'file:///tmp/x.json', 'localhost:8080/x.json'];
    const expected = [
      ...['missing.json', 'sub/missing.yaml', 'nope.json', 'nope.json', 'a;b/c', 'missing.json', ''].map((p) => `Path "${p}" does not exist.`),
      ...['ftp', 'c', 'file', 'localhost'].map((s) => `'${s}' is not a supported source scheme.`),
    ];
    const ours = [];
    for (const s of [...sources, ...schemes]) ours.push(await failure(s));
    assert.deepEqual(ours, expected);
  });

  it('matches the reference loader on those messages', async () => {
    assert.ok(existsSync(PYTHON), 'the reference venv is missing: run scripts/setup-test-peers.sh');
    const script = `
import json, sys
from chaoslib.loader import load_experiment
out = []
for s in json.load(sys.stdin):
    try:
        load_experiment(s); out.append(None)
    except Exception as e:
        out.append(str(e))
print(json.dumps(out))`;
    const sources = ['missing.json', 'nope.json#frag', 'a;b/c;d.json', 'ftp://h/x.json', 'C:\\x.json', 'localhost:8080/x.json'];
    sources.push(file('exp.txt', '{}'));
    const ref = JSON.parse(execFileSync(PYTHON, ['-c', script], { input: JSON.stringify(sources), encoding: 'utf8' })) as string[];
    for (const [i, s] of sources.entries()) assert.equal(await failure(s), ref[i], s);
  });

  it('says clearly when the path is a directory or cannot be read', async () => {
    const d = join(dir, 'folder.json');
    mkdirSync(d);
    assert.equal(await failure(d), `Cannot read the experiment "${d}": it is a directory.`);
  });

  it('says clearly when the file is not readable', async () => {
    const p = file('secret.json', '{}');
    chmodSync(p, 0o000);
    const expected = `Cannot read the experiment "${p}": permission denied.`;
    if (process.getuid?.() !== 0) {
      assert.equal(await failure(p), expected);
      return;
    }
    // root reads any file: load it with the built CLI running as nobody
    chmodSync(dir, 0o755);
    const r = spawnSync(process.execPath, [anyUserCli(), '--no-log-file', 'validate', p], { cwd: dir, uid: 65534, gid: 65534, env: { PATH: process.env.PATH, HOME: dir, NO_COLOR: '1' }, encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stderr.trim().replace(/^\[[^\]]*\] /, ''), expected, r.stderr);
  });

  it('reports malformed JSON and YAML with file:line:col', async () => {
    const j = file('bad.json', '{\n  "title": "t",\n  "description": 1,,\n}\n');
    assert.equal(await failure(j), `${j}:3:20: Failed parsing JSON experiment: Expecting property name enclosed in double quotes`);
    const y = file('bad.yaml', 'title: t\ndescription: [a\n');
    assert.match(await failure(y), new RegExp(`^${escape(y)}:\\d+:\\d+: Failed parsing YAML experiment: \\S`));
  });

  it('rejects an unsafe tag, naming it and where it is, without running anything', async () => {
    const marker = join(dir, 'pwned');
    const p = file('unsafe.yaml', `title: t\ndescription: !!python/object/apply:os.system ["touch ${marker}"]\n`);
    const message = await failure(p);
    assert.match(message, new RegExp(`^${escape(p)}:2:14: Failed parsing YAML experiment: could not determine a constructor for the tag 'tag:yaml.org,2002:python/object/apply:os.system'`));
    assert.equal(existsSync(marker), false);
  });

  it('refuses documents that are not a mapping', async () => {
    for (const [name, text] of [['empty.yaml', ''], ['null.json', 'null'], ['emptylist.yaml', '[]']]) {
      assert.match(await failure(file(name, text), {}, InvalidExperiment), /an empty experiment is not an experiment/);
    }
    assert.match(await failure(file('list.yaml', '- a\n'), {}, InvalidExperiment), /an experiment must be a mapping, not a list/);
    assert.match(await failure(file('str.json', '"x"'), {}, InvalidExperiment), /an experiment must be a mapping, not a string/);
  });
});

// --- http(s) ---------------------------------------------------------------------------------------------------

interface Seen {
  url: string;
  headers: http.IncomingHttpHeaders;
}
const seen: Seen[] = [];
const JSON_BODY = JSON.stringify(EXPERIMENT);

function handler(port: () => number, other: () => number): http.RequestListener {
  return (req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    const send = (status: number, type: string | undefined, body: string | Buffer, extra: Record<string, string> = {}) => {
      res.writeHead(status, { ...(type ? { 'Content-Type': type } : {}), ...extra });
      res.end(body);
    };
    switch (req.url) {
      case '/exp.json':
        return send(200, 'application/json; charset=utf-8', JSON_BODY);
      case '/exp.yaml':
        return send(200, 'application/x-yaml', YAML_EXPERIMENT);
      case '/text-yaml':
        return send(200, 'text/yaml', YAML_EXPERIMENT);
      case '/plain-json':
        return send(200, 'text/plain', JSON_BODY);
      case '/plain-yaml':
        return send(200, 'text/plain; charset=utf-8', YAML_EXPERIMENT);
      case '/plain-bad':
        return send(200, 'text/plain', 'title: t\ndescription: [a\n');
      case '/html':
        return send(200, 'text/html', '<html></html>');
      case '/untyped':
        return send(200, undefined, JSON_BODY);
      case '/bad-json':
        return send(200, 'application/json', '{"title": "t",\n "x": }');
      case '/latin1':
        return send(200, 'text/yaml; charset=iso-8859-1', Buffer.from('title: caf\xe9\ndescription: d\n', 'latin1'));
      case '/gzip':
        return send(200, 'application/json', gzipSync(JSON_BODY), { 'Content-Encoding': 'gzip' });
      case '/missing':
        return send(404, 'text/plain', 'no such experiment');
      case '/denied':
        return send(401, 'text/plain', 'denied');
      case '/redirect':
        return send(302, undefined, '', { Location: '/exp.json' });
      case '/redirect-port':
        return send(307, undefined, '', { Location: `http://127.0.0.1:${other()}/exp.json` });
      case '/loop':
        return send(302, undefined, '', { Location: `http://127.0.0.1:${port()}/loop` });
      case '/slow':
        return; // never answers
      default:
        return send(500, 'text/plain', 'unexpected');
    }
  };
}

async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('loading over http', () => {
  let port = 0;
  let otherPort = 0;
  const server = http.createServer(handler(() => port, () => otherPort));
  const other = http.createServer(handler(() => otherPort, () => port));
  const url = (path: string) => `http://127.0.0.1:${port}${path}`;
  const noEnv = { env: {} };
  before(async () => {
    port = await listen(server);
    otherPort = await listen(other);
  });
  after(() => {
    server.closeAllConnections();
    other.closeAllConnections();
    server.close();
    other.close();
  });
  const last = () => seen[seen.length - 1]!;

  it('parses by Content-Type and sends the reference Accept header', async () => {
    for (const [path, format] of [
      ['/exp.json', 'json'],
      ['/exp.yaml', 'yaml'],
      ['/text-yaml', 'yaml'],
      ['/plain-json', 'json'],
      ['/plain-yaml', 'yaml'],
      ['/gzip', 'json'],
    ] as const) {
      const r = await loadExperiment(url(path), noEnv);
      assert.deepEqual(r.experiment, EXPERIMENT, path);
      assert.equal(r.source.format, format, path);
      assert.equal(r.source.id, url(path));
      assert.equal(last().headers.accept, 'application/json, application/x-yaml');
    }
  });

  it('decodes the body with the charset of the Content-Type', async () => {
    assert.equal((await loadExperiment(url('/latin1'), noEnv)).experiment.title, 'café');
  });

  it('refuses other or missing content types with the reference message', async () => {
    const html = await failure(url('/html'), noEnv);
    assert.match(html, /^only files with json, yaml or yml extensions are supported \(.*"text\/html"\)$/);
    assert.match(await failure(url('/untyped'), noEnv), /^only files with json, yaml or yml extensions are supported \(.* answered without a Content-Type\)$/);
  });

  it('reports malformed content with the URL, line and column', async () => {
    assert.equal(await failure(url('/bad-json'), noEnv), `${url('/bad-json')}:2:7: Failed parsing JSON experiment: Expecting value`);
    assert.match(await failure(url('/plain-bad'), noEnv), new RegExp(`^${escape(url('/plain-bad'))}:\\d+:\\d+: Failed parsing YAML experiment: `));
  });

  it('gives the body of a non-200 answer', async () => {
    assert.equal(await failure(url('/missing'), noEnv), 'Failed to fetch the experiment: no such experiment');
    assert.equal(await failure(url('/nowhere'), noEnv), 'Failed to fetch the experiment: unexpected');
  });

  it('sends the bearer token from CHAOSTOOLKIT_LOADER_AUTH_BEARER_TOKEN, trimmed, before any settings auth', async () => {
    const auths = { [`127.0.0.1:${port}`]: { type: 'basic', value: 'XYZ' } };
    await loadExperiment(url('/exp.json'), { env: { CHAOSTOOLKIT_LOADER_AUTH_BEARER_TOKEN: '  tok-123 \n' }, auths });
    assert.equal(last().headers.authorization, 'bearer tok-123');
  });

  it('sends the settings auth keyed by host:port', async () => {
    await loadExperiment(url('/exp.json'), { env: {}, auths: { [`127.0.0.1:${port}`]: { type: 'basic', value: 'XYZ' } } });
    assert.equal(last().headers.authorization, 'basic XYZ');
    await loadExperiment(url('/exp.json'), { env: {}, auths: { '127.0.0.1': { type: 'basic', value: 'XYZ' }, 'example.com': { type: 'bearer', value: 'no' } } });
    assert.equal(last().headers.authorization, undefined);
  });

  it('reads the bearer token from opts.env when given, else from the process environment', async () => {
    process.env.CHAOSTOOLKIT_LOADER_AUTH_BEARER_TOKEN = 'from-process';
    try {
      await loadExperiment(url('/exp.json'), { env: {} });
      assert.equal(last().headers.authorization, undefined);
      await loadExperiment(url('/exp.json'));
      assert.equal(last().headers.authorization, 'bearer from-process');
    } finally {
      delete process.env.CHAOSTOOLKIT_LOADER_AUTH_BEARER_TOKEN;
    }
  });

  it('never shows the credentials in messages', async () => {
    const message = await failure(url('/denied'), { env: { CHAOSTOOLKIT_LOADER_AUTH_BEARER_TOKEN: 'sekret-token' } });
    assert.equal(message, 'Failed to fetch the experiment: denied');
    const refused = await failure('http://user:hunter2@127.0.0.1:1/exp.json', noEnv);
    assert.doesNotMatch(refused, /hunter2/);
    assert.match(refused, /user:\*\*\*@/);
  });

  it('hides any password in a URL, even one holding @ or :', () => {
    assert.equal(redactUrl('http://u:p@ss:w@host:8080/x?a=b@c'), 'http://u:***@host:8080/x?a=b@c');
    assert.equal(redactUrl('https://user@host/x'), 'https://user@host/x');
    assert.equal(redactUrl('https://host/x@y'), 'https://host/x@y');
  });

  it('refuses a settings auth without type or value instead of sending half a header', async () => {
    const auths = { [`127.0.0.1:${port}`]: { type: 'bearer' } };
    assert.equal(await failure(url('/exp.json'), { env: {}, auths }), `the settings entry auths["127.0.0.1:${port}"] needs both a "type" and a "value"`);
  });

  it('sends credentials in the URL as basic auth', async () => {
    await loadExperiment(`http://user:pa%40ss@127.0.0.1:${port}/exp.json`, noEnv);
    assert.equal(last().headers.authorization, `Basic ${Buffer.from('user:pa@ss').toString('base64')}`);
  });

  it('follows redirects, keeping Authorization on the same host and port only', async () => {
    const env = { CHAOSTOOLKIT_LOADER_AUTH_BEARER_TOKEN: 'tok' };
    assert.deepEqual((await loadExperiment(url('/redirect'), { env })).experiment, EXPERIMENT);
    assert.equal(last().url, '/exp.json');
    assert.equal(last().headers.authorization, 'bearer tok');
    await loadExperiment(url('/redirect-port'), { env });
    assert.equal(last().headers.host, `127.0.0.1:${otherPort}`);
    assert.equal(last().headers.authorization, undefined);
    assert.match(await failure(url('/loop'), noEnv), /exceeded 30 redirects/);
  });

  it('gives up on a silent server after the timeout, naming the URL', async () => {
    const started = Date.now();
    const message = await failure(url('/slow'), { env: {}, timeoutMs: 300 });
    assert.equal(message, `Failed to fetch the experiment from ${url('/slow')}: no answer within 0.3 s`);
    assert.ok(Date.now() - started < 5000);
  });

  it('reports an unreachable host in one line naming the URL', async () => {
    const closed = http.createServer();
    const p = await listen(closed);
    await new Promise((r) => closed.close(r));
    const target = `http://127.0.0.1:${p}/exp.json`;
    assert.equal(await failure(target, noEnv), `Failed to fetch the experiment from ${target}: connect ECONNREFUSED 127.0.0.1:${p}`);
  });
});

describe('loading over https', () => {
  const haveOpenssl = spawnSync('openssl', ['version']).status === 0;
  let port = 0;
  let server: https.Server | undefined;
  const cert = join(dir, 'cert.pem');
  const url = () => `https://127.0.0.1:${port}/exp.json`;
  before(async () => {
    if (!haveOpenssl) return;
    const key = join(dir, 'key.pem');
    // a self-signed certificate for 127.0.0.1, made for this run
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert,
      '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    ], { stdio: 'ignore' });
    server = https.createServer({ key: readFileSync(key), cert: readFileSync(cert) }, handler(() => port, () => port));
    port = await listen(server);
  });
  after(() => {
    server?.closeAllConnections();
    server?.close();
  });
  const skip = !haveOpenssl && 'the openssl CLI is missing';

  it('verifies certificates by default, saying how to skip verification', { skip }, async () => {
    const message = await failure(url(), { env: {} });
    assert.match(message, new RegExp(`^Failed to fetch the experiment from ${escape(url())}: self[- ]signed certificate.*--no-verify-tls`));
  });

  it('skips verification for that request only with verifyTls: false', { skip }, async () => {
    assert.deepEqual((await loadExperiment(url(), { env: {}, verifyTls: false })).experiment, EXPERIMENT);
    await failure(url(), { env: {} });
  });

  it('trusts the authorities in REQUESTS_CA_BUNDLE, as requests does', { skip }, async () => {
    assert.deepEqual((await loadExperiment(url(), { env: { REQUESTS_CA_BUNDLE: cert } })).experiment, EXPERIMENT);
    const missing = join(dir, 'nope.pem');
    assert.match(await failure(url(), { env: { REQUESTS_CA_BUNDLE: missing } }), /Cannot read the CA bundle named by REQUESTS_CA_BUNDLE/);
  });
});

describe('start-up cost', () => {
  it('loads a JSON experiment without importing the yaml package, and a YAML one with it', () => {
    const hooks = file('hooks.mjs', [
      "import { appendFileSync } from 'node:fs';",
      'export async function resolve(specifier, context, next) {',
      '  const result = await next(specifier, context);',
      "  appendFileSync(process.env.TRACE, result.url + '\\n');",
      '  return result;',
      '}',
    ].join('\n'));
    const register = file('register.mjs', `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
    const main = file('main.mjs', [
      'const { loadExperiment } = await import(process.env.LOAD_TS);',
      'const r = await loadExperiment(process.argv[2]);',
      'console.log(r.experiment.title);',
    ].join('\n'));
    const load = pathToFileURL(join(ROOT, 'src/experiment/load.ts')).href;
    const trace = (source: string) => {
      const out = join(dir, `trace-${Math.random()}`);
      writeFileSync(out, '');
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', pathToFileURL(register).href, main, source], {
        cwd: ROOT,
        env: { ...process.env, TRACE: out, LOAD_TS: load },
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout.trim(), 't');
      return readFileSync(out, 'utf8');
    };
    const jsonTrace = trace(file('fast.json', JSON.stringify(EXPERIMENT)));
    assert.match(jsonTrace, /src\/document\/json\.ts/);
    assert.doesNotMatch(jsonTrace, /node_modules\/yaml\/|src\/document\/yaml\.ts/);
    assert.match(trace(file('slow.yaml', YAML_EXPERIMENT)), /node_modules\/yaml\//);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// validateExperiment: one test per rule of chaoslib's ensure_experiment_is_valid (its exact messages), JSON paths,
// every problem at once (with file:line:col for JSON and YAML), warnings, and the provider validate hook.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseDocument } from '../../src/document/index.ts';
import type { Problem } from '../../src/errors.ts';
import type { JsonPath } from '../../src/experiment/types.ts';
import { validateExperiment } from '../../src/experiment/validate.ts';
import { getProvider, registerProvider } from '../../src/providers/registry.ts';
import '../../src/providers/index.ts';

const FIXTURES = new URL('../fixtures/experiments/', import.meta.url);
const ENV = { PATH: process.env.PATH };

const TOLERANCE_TYPE =
  'hypothesis probe tolerance must either be an integer, a string, a boolean or a pair of values for boundaries. ' +
  'It can also be a dictionary which is a probe activity definition that takes an argument called `value` with ' +
  'the value of the probe itself to be validated';
const NO_METHOD = 'an experiment requires a method, which can be empty for only checking steady state hypothesis ';

type Obj = Record<string, unknown>;

const process_ = (extra: Obj = {}) => ({ type: 'process', path: 'true', ...extra });
const action = (extra: Obj = {}): Obj => ({ type: 'action', name: 'a', provider: process_(), ...extra });
const base = (extra: Obj = {}): Obj => ({ title: 't', description: 'd', method: [action()], ...extra });
const withProbe = (probe: Obj): Obj => base({ 'steady-state-hypothesis': { title: 'h', probes: [probe] } });
const probe = (tolerance: unknown, provider: Obj = process_()): Obj => ({ type: 'probe', name: 'p', tolerance, provider });
const P = ['steady-state-hypothesis', 'probes', 0];

async function problems(e: unknown, env: NodeJS.ProcessEnv = ENV): Promise<{ message: string; path: JsonPath }[]> {
  const r = await validateExperiment(e, { env });
  return r.problems.map(({ message, path }) => ({ message, path }));
}

async function warnings(e: unknown): Promise<{ message: string; path: JsonPath }[]> {
  const r = await validateExperiment(e, { env: ENV });
  assert.deepEqual(r.problems, [], 'expected a valid experiment');
  return r.warnings.map(({ message, path }) => ({ message, path }));
}

/** Each case: an experiment and the one problem it must report. */
async function expectOne(e: unknown, message: string, path: JsonPath): Promise<void> {
  assert.deepEqual(await problems(e), [{ message, path }]);
}

describe('validateExperiment: experiment level (§8.1)', () => {
  it('accepts a minimal experiment with an empty method', async () => {
    assert.deepEqual(await problems({ title: 't', description: 'd', method: [] }), []);
  });
  it('rejects an empty or missing experiment', async () => {
    for (const e of [{}, null, [], '']) await expectOne(e, 'an empty experiment is not an experiment', []);
    await expectOne('text', 'an experiment must be a mapping', []);
  });
  it('requires a title and a description (missing or empty)', async () => {
    await expectOne({ description: 'd', method: [] }, 'experiment requires a title', []);
    await expectOne({ title: '', description: 'd', method: [] }, 'experiment requires a title', ['title']);
    await expectOne({ title: 't', method: [] }, 'experiment requires a description', []);
    await expectOne({ title: 't', description: null, method: [] }, 'experiment requires a description', ['description']);
    await expectOne(base({ title: 42 }), 'experiment title must be a string', ['title']);
  });
  it('requires tags to be non-empty strings (null and [] mean none)', async () => {
    await expectOne(base({ tags: ['a', ''] }), 'experiment tags must be a non-empty string', ['tags', 1]);
    await expectOne(base({ tags: [3] }), 'experiment tags must be a non-empty string', ['tags', 0]);
    await expectOne(base({ tags: 'a' }), 'experiment tags must be a list of non-empty strings', ['tags']);
    assert.deepEqual(await problems(base({ tags: null })), []);
    assert.deepEqual(await problems(base({ tags: [] })), []);
  });
  it('requires extension names that are not blank', async () => {
    await expectOne(base({ extensions: [{ name: 'ok' }, {}] }), 'All extensions require a non-empty name', ['extensions', 1]);
    await expectOne(base({ extensions: [{ name: ' \t' }] }), 'All extensions require a non-empty name', ['extensions', 0, 'name']);
    assert.deepEqual(await problems(base({ extensions: [{ name: 'x', anything: [1] }] })), []);
  });
  it('keeps unknown keys and never validates contributions, version or dry', async () => {
    assert.deepEqual(await problems(base({ 'x-custom': { a: 1 }, contributions: 'whatever', version: 3, dry: 'x' })), []);
  });
  it('requires the method key; it may be empty but must be a list', async () => {
    await expectOne({ title: 't', description: 'd' }, NO_METHOD, []);
    await expectOne({ title: 't', description: 'd', method: null }, NO_METHOD, ['method']);
    await expectOne({ title: 't', description: 'd', method: 'go' }, 'method must be a list of activities', ['method']);
  });
  it('requires rollbacks to be a list', async () => {
    await expectOne(base({ rollbacks: {} }), 'rollbacks must be a list of activities', ['rollbacks']);
  });
});

describe('validateExperiment: configuration and secrets load (§8.2)', () => {
  it('reports a missing environment variable of a configuration entry, at its key', async () => {
    const e = base({ configuration: { url: { type: 'env', key: 'TURBULENCE_TEST_UNSET' } } });
    await expectOne(e, 'Configuration makes reference to an environment key that does not exist: TURBULENCE_TEST_UNSET', ['configuration', 'url']);
    assert.deepEqual(await problems(e, { ...ENV, TURBULENCE_TEST_UNSET: 'x' }), []);
    assert.deepEqual(await problems(base({ configuration: { url: { type: 'env', key: 'NOPE', default: 'd' } } })), []);
  });
  it('reports a missing environment variable of a secret, at scope and key', async () => {
    const e = base({ secrets: { api: { token: { type: 'env', key: 'TURBULENCE_TEST_UNSET' } } } });
    await expectOne(e, 'Secrets make reference to an environment key that does not exist: TURBULENCE_TEST_UNSET', ['secrets', 'api', 'token']);
  });
  it('checks env_var_type and the shape of entries', async () => {
    await expectOne(
      base({ configuration: { n: { type: 'env', key: 'PATH', env_var_type: 'decimal' } } }),
      'variable type can only be: bool, str, int, float, bytes or json',
      ['configuration', 'n', 'env_var_type'],
    );
    await expectOne(base({ configuration: { n: { type: 'env' } } }), 'a configuration env entry requires a `key`', ['configuration', 'n']);
    await expectOne(base({ configuration: [] }), 'experiment configuration must be a mapping', ['configuration']);
    await expectOne(base({ secrets: { api: 'x' } }), 'a secret scope must be a mapping of keys to secrets', ['secrets', 'api']);
  });
  it('reports every configuration problem, not only the first', async () => {
    const e = base({ configuration: { a: { type: 'env', key: 'UNSET_A' }, b: 1, c: { type: 'env', key: 'UNSET_C' } } });
    assert.deepEqual(
      (await problems(e)).map((p) => p.path),
      [
        ['configuration', 'a'],
        ['configuration', 'c'],
      ],
    );
  });
});

describe('validateExperiment: hypothesis and tolerances (§8.3, §4)', () => {
  it('requires a hypothesis title', async () => {
    await expectOne(base({ 'steady-state-hypothesis': {} }), 'hypothesis requires a title', ['steady-state-hypothesis']);
    await expectOne(base({ 'steady-state-hypothesis': null }), 'steady-state-hypothesis must be a mapping', ['steady-state-hypothesis']);
  });
  it('accepts a hypothesis without probes', async () => {
    assert.deepEqual(await problems(base({ 'steady-state-hypothesis': { title: 'h' } })), []);
    assert.deepEqual(await problems(base({ 'steady-state-hypothesis': { title: 'h', probes: [] } })), []);
  });
  it('requires a tolerance on hypothesis probes (and refs), but not in the method', async () => {
    const { tolerance: _, ...noTolerance } = probe(0);
    await expectOne(withProbe(noTolerance), 'hypothesis probe must have a tolerance entry', P);
    await expectOne(withProbe({ ref: 'a' }), 'hypothesis probe must have a tolerance entry', P);
    assert.deepEqual(await problems(withProbe({ ref: 'a', tolerance: 0 })), []);
    assert.deepEqual(await problems(base({ method: [{ ...action(), tolerance: 1.5 }] })), []);
  });
  it('accepts bool, int, str, list and the four mapping forms', async () => {
    const http = { type: 'http', url: 'http://127.0.0.1:1/' };
    for (const t of [
      0,
      [200, 503],
      '${expected}',
      { type: 'regex', pattern: '^ok$', target: 'stdout' },
      { type: 'jsonpath', path: '$.a', target: 'stdout', expect: 1, count: 1 },
      { type: 'range', range: [0, 1.5], target: 'stdout' },
      { type: 'probe', name: 'check', provider: process_({ arguments: {} }) },
    ]) {
      assert.deepEqual(await problems(withProbe(probe(t))), [], JSON.stringify(t));
    }
    assert.deepEqual(await problems(withProbe(probe(true, { type: 'python', module: 'os.path', func: 'exists', arguments: { path: '.' } }))), []);
    assert.deepEqual(await problems(withProbe(probe([200], http))), []);
  });
  it('rejects a float or null tolerance', async () => {
    await expectOne(withProbe(probe(0.5)), TOLERANCE_TYPE, [...P, 'tolerance']);
    await expectOne(withProbe(probe(null)), TOLERANCE_TYPE, [...P, 'tolerance']);
  });
  it('rejects an unsupported tolerance type', async () => {
    await expectOne(withProbe(probe({ type: 'between' })), "hypothesis probe tolerance type 'between' is unsupported", [...P, 'tolerance']);
    await expectOne(withProbe(probe({ pattern: 'x' })), "hypothesis probe tolerance type 'None' is unsupported", [...P, 'tolerance']);
  });
  it('regex: needs a pattern of type string that compiles', async () => {
    const at = [...P, 'tolerance'];
    await expectOne(withProbe(probe({ type: 'regex', target: 'stdout' })), 'hypothesis regex probe tolerance must have a `pattern` key', at);
    await expectOne(withProbe(probe({ type: 'regex', pattern: 5, target: 'stdout' })), 'hypothesis probe tolerance pattern 5 has an invalid type', [...at, 'pattern']);
    await expectOne(
      withProbe(probe({ type: 'regex', pattern: '(unclosed', target: 'stdout' })),
      'hypothesis probe tolerance pattern (unclosed seems invalid: missing ), unterminated subpattern',
      [...at, 'pattern'],
    );
    // Python syntax that JavaScript spells differently is still valid
    for (const pattern of ['(?P<word>\\w+) (?P=word)', '(?i)^OK', '\\Aok\\Z', '[]a]', 'a{2']) {
      assert.deepEqual(await problems(withProbe(probe({ type: 'regex', pattern, target: 'stdout' }))), [], pattern);
    }
  });
  it('jsonpath: needs a non-empty string path', async () => {
    const at = [...P, 'tolerance'];
    await expectOne(withProbe(probe({ type: 'jsonpath', target: 'stdout' })), 'hypothesis jsonpath probe tolerance must have a `path` key', at);
    await expectOne(withProbe(probe({ type: 'jsonpath', path: '  ', target: 'stdout' })), 'hypothesis probe tolerance JSON path cannot be empty', [...at, 'path']);
    await expectOne(withProbe(probe({ type: 'jsonpath', path: 3, target: 'stdout' })), 'hypothesis probe tolerance JSON path 3 has an invalid type', [...at, 'path']);
  });
  it('jsonpath: the path must parse in the jsonpath2 dialect (raw, before substitution)', async () => {
    const at = [...P, 'tolerance', 'path'];
    await expectOne(withProbe(probe({ type: 'jsonpath', path: 'items', target: 'stdout' })), 'hypothesis probe tolerance JSON path items is invalid', at);
    await expectOne(withProbe(probe({ type: 'jsonpath', path: ' ${p} ', target: 'stdout' })), 'hypothesis probe tolerance JSON path ${p} is invalid', at);
    assert.deepEqual(await problems(withProbe(probe({ type: 'jsonpath', path: '$.items[*][?(@.kind = "b")]', target: 'stdout' }))), []);
  });
  it('range: needs a sequence of two numbers', async () => {
    const at = [...P, 'tolerance'];
    const range = (r: unknown) => withProbe(probe({ type: 'range', range: r, target: 'stdout' }));
    await expectOne(withProbe(probe({ type: 'range', target: 'stdout' })), 'hypothesis range probe tolerance must have a `range` key', at);
    await expectOne(range('1-2'), 'hypothesis range must be a sequence', [...at, 'range']);
    await expectOne(range([1, 2, 3]), 'hypothesis range sequence must be made of two values', [...at, 'range']);
    await expectOne(range(['a', 2]), 'hypothesis range lower boundary must be a number', [...at, 'range', 0]);
    await expectOne(range([1, null]), 'hypothesis range upper boundary must be a number', [...at, 'range', 1]);
  });
  it('probe tolerance: a valid activity whose provider takes `arguments` as a mapping', async () => {
    const at = [...P, 'tolerance'];
    await expectOne(withProbe(probe({ type: 'probe', name: 'check' })), 'an activity requires a provider', at);
    await expectOne(withProbe(probe({ type: 'probe', name: 'check', provider: { type: 'ftp' } })), "unknown provider type 'ftp'", [...at, 'provider', 'type']);
    await expectOne(
      withProbe(probe({ type: 'probe', name: 'check', provider: process_() })),
      'a probe tolerance needs provider `arguments` (a mapping): the checked value is passed as its `value` argument',
      [...at, 'provider'],
    );
    await expectOne(
      withProbe(probe({ type: 'probe', name: 'check', provider: process_({ arguments: ['--x'] }) })),
      'a probe tolerance needs its provider arguments as a mapping, which receives the checked value as `value`',
      [...at, 'provider', 'arguments'],
    );
  });
  it('Correction 3: regex and range need a target on http and process probes', async () => {
    const http = { type: 'http', url: 'http://127.0.0.1:1/' };
    await expectOne(
      withProbe(probe({ type: 'regex', pattern: 'ok' }, http)),
      'a regex tolerance on a http probe needs a `target` (e.g. "body"): the probe\'s output is a mapping with a status',
      [...P, 'tolerance'],
    );
    await expectOne(
      withProbe(probe({ type: 'range', range: [0, 1] })),
      'a range tolerance on a process probe needs a `target` (e.g. "stdout"): the probe\'s output is a mapping with a status',
      [...P, 'tolerance'],
    );
    // python outputs can be plain strings or numbers
    const python = { type: 'python', module: 'os.path', func: 'getsize', arguments: { filename: '.' } };
    assert.deepEqual(await problems(withProbe(probe({ type: 'range', range: [0, 1] }, python))), []);
  });
  it('Correction 3: warns that true and literal strings never match http/process outputs', async () => {
    assert.deepEqual(await warnings(withProbe(probe(true))), [
      { message: 'tolerance true never matches a process probe, whose output is a mapping with a status', path: [...P, 'tolerance'] },
    ]);
    assert.equal((await warnings(withProbe(probe('ok')))).length, 1);
    assert.deepEqual(await warnings(withProbe(probe('${status}'))), []);
  });
});

describe('validateExperiment: activities (§8.4)', () => {
  const m0 = ['method', 0];
  it('rejects empty and non-mapping activities', async () => {
    await expectOne(base({ method: [{}] }), 'empty activity is no activity', m0);
    await expectOne(base({ method: [null] }), 'empty activity is no activity', m0);
    await expectOne(base({ method: ['a'] }), 'an activity must be a mapping', m0);
  });
  it('requires a supported type', async () => {
    const { type: _, ...noType } = action();
    await expectOne(base({ method: [noType] }), 'an activity must have a type', m0);
    await expectOne(base({ method: [action({ type: 'step' })] }), "'step' is not a supported activity type", [...m0, 'type']);
  });
  it('requires a name', async () => {
    await expectOne(base({ method: [action({ name: '' })] }), 'an activity must have a name', [...m0, 'name']);
    const { name: _, ...noName } = action();
    await expectOne(base({ method: [noName] }), 'an activity must have a name', m0);
  });
  it('requires a provider with a known type', async () => {
    const { provider: _, ...noProvider } = action();
    await expectOne(base({ method: [noProvider] }), 'an activity requires a provider', m0);
    await expectOne(base({ method: [action({ provider: {} })] }), 'an activity requires a provider', [...m0, 'provider']);
    await expectOne(base({ method: [action({ provider: 'http' })] }), 'an activity provider must be a mapping', [...m0, 'provider']);
    await expectOne(base({ method: [action({ provider: { path: 'ls' } })] }), 'a provider must have a type', [...m0, 'provider']);
    await expectOne(base({ method: [action({ provider: { type: 'shell' } })] }), "unknown provider type 'shell'", [...m0, 'provider', 'type']);
  });
  it('http: url required, headers a mapping (or null), timeout a number, a pair or a placeholder', async () => {
    const http = (extra: Obj) => base({ method: [action({ provider: { type: 'http', url: 'http://127.0.0.1:1/', ...extra } })] });
    await expectOne(base({ method: [action({ provider: { type: 'http' } })] }), 'a HTTP activity must have a URL', [...m0, 'provider']);
    await expectOne(http({ headers: ['a'] }), 'a HTTP activities expect headers as a mapping', [...m0, 'provider', 'headers']);
    for (const ok of [{ headers: null }, { timeout: 1.5 }, { timeout: [1, 2] }, { timeout: '${t}' }, { method: 'post', arguments: 'raw' }]) {
      assert.deepEqual(await problems(http(ok)), [], JSON.stringify(ok));
    }
    assert.equal((await problems(http({ timeout: [1] }))).length, 1);
    assert.equal((await problems(http({ timeout: 'soon' }))).length, 1);
  });
  it('process: path required; arguments a string, a list or a mapping', async () => {
    await expectOne(base({ method: [action({ provider: { type: 'process', arguments: 'x' } })] }), 'a process activity must have a path', [...m0, 'provider']);
    await expectOne(
      base({ method: [action({ provider: process_({ arguments: 3 }) })] }),
      'process arguments must be a string, a list or (deprecated) a mapping',
      [...m0, 'provider', 'arguments'],
    );
    for (const args of ['-l', ['-l', 1], { '-l': 1 }]) assert.deepEqual(await problems(base({ method: [action({ provider: process_({ arguments: args }) })] })), []);
  });
  it('python: module and function required, arguments a mapping, bound to the function (native os here)', async () => {
    const py = (extra: Obj) => base({ method: [action({ provider: { type: 'python', ...extra } })] });
    await expectOne(py({ func: 'f' }), 'a Python activity must have a module path', [...m0, 'provider']);
    await expectOne(py({ module: 'm' }), 'a Python activity must have a function name', [...m0, 'provider']);
    await expectOne(py({ module: 'm', func: 'f', arguments: [] }), 'a Python activity expects arguments as a mapping', [...m0, 'provider', 'arguments']);
    await expectOne(py({ module: 'os', func: 'rename', arguments: { src: 'a' } }), "required argument 'dst' is missing from activity 'rename'", [...m0, 'provider', 'arguments']);
    assert.deepEqual(await problems(py({ module: 'os', func: 'rename', arguments: { src: 'a', dst: 'b' } })), []);
    const [notInstalled] = await problems(py({ module: 'not.installed', func: 'f', arguments: { a: 1 } }));
    assert.match(notInstalled!.message, /^could not find Python module 'not\.installed' in activity 'a'/);
  });
  it('pauses: numbers or exactly a ${var} placeholder', async () => {
    for (const pauses of [{ before: 0, after: 1.5 }, { after: '${wait}' }, { before: null }, null]) {
      assert.deepEqual(await problems(base({ method: [action({ pauses })] })), [], JSON.stringify(pauses));
    }
    await expectOne(
      base({ method: [action({ pauses: { before: '5s' } })] }),
      'activity before pause must be a number or a pattern to a variable from the configuration or secrets',
      [...m0, 'pauses', 'before'],
    );
    await expectOne(
      base({ method: [action({ pauses: { after: 'wait ${x}' } })] }),
      'activity after pause must be a number or a pattern to a variable from the configuration or secrets',
      [...m0, 'pauses', 'after'],
    );
  });
  it('background must be a boolean; timeout a number (or null)', async () => {
    await expectOne(base({ method: [action({ background: 'yes' })] }), 'activity background must be a boolean', [...m0, 'background']);
    await expectOne(base({ method: [action({ background: null })] }), 'activity background must be a boolean', [...m0, 'background']);
    await expectOne(base({ method: [action({ timeout: '10' })] }), 'activity timeout must be a number', [...m0, 'timeout']);
    assert.deepEqual(await problems(base({ method: [action({ timeout: null, background: true })] })), []);
  });
  it('validates rollbacks as activities', async () => {
    await expectOne(base({ rollbacks: [action({ type: 'undo' })] }), "'undo' is not a supported activity type", ['rollbacks', 0, 'type']);
  });
});

describe('validateExperiment: refs (§7)', () => {
  it('resolves method refs against the method and the hypothesis probes', async () => {
    const e = withProbe(probe(0));
    (e.method as unknown[]).push({ ref: 'a' }, { ref: 'p' });
    assert.deepEqual(await problems(e), []);
    (e.method as unknown[]).push({ ref: 'missing' });
    await expectOne(e, "referenced activity 'missing' could not be found in the experiment", ['method', 3, 'ref']);
  });
  it('does not resolve rollback refs, but requires non-empty strings', async () => {
    assert.deepEqual(await problems(base({ rollbacks: [{ ref: 'anything' }] })), []);
    await expectOne(base({ rollbacks: [{ ref: '' }] }), 'reference to activity must be non-empty strings', ['rollbacks', 0, 'ref']);
    await expectOne(base({ rollbacks: [{ ref: 7 }] }), 'reference to activity must be non-empty strings', ['rollbacks', 0, 'ref']);
  });
  it('treats {"ref": null} as an activity', async () => {
    const [first] = await problems(base({ method: [{ ref: null }] }));
    assert.deepEqual(first, { message: 'an activity must have a type', path: ['method', 0] });
  });
});

describe('validateExperiment: deprecations (§8.6)', () => {
  it('warns once about dict process arguments', async () => {
    const e = base({ method: [action({ provider: process_({ arguments: { a: 1 } }) }), action({ name: 'b', provider: process_({ arguments: { b: 2 } }) })] });
    const w = await warnings(e);
    assert.equal(w.length, 1);
    assert.match(w[0]!.message, /^Process arguments should now be a list to keep the ordering of the arguments/);
    assert.deepEqual(w[0]!.path, ['method', 0, 'provider', 'arguments']);
  });
  it('warns about a vault secret with a key but no path', async () => {
    // loading vault secrets is not ours to test here: the warning comes from the declaration alone
    const r = await validateExperiment(base({ secrets: { k8s: { token: { type: 'vault', key: 'foo' } } } }), { env: ENV });
    assert.deepEqual(
      r.warnings.map((w) => w.path),
      [['secrets', 'k8s', 'token']],
    );
    assert.match(r.warnings[0]!.message, /^Vault secrets must now specify the `path` property/);
  });
});

describe('validateExperiment: controls (§8.7, §13)', () => {
  const ctl = (extra: Obj = {}) => ({ name: 'tracing', provider: { type: 'python', module: 'my.control' }, ...extra });
  it('accepts controls at every level', async () => {
    const e = base({ controls: [ctl()], method: [action({ controls: [ctl({ name: 'local', scope: 'before' })] })] });
    e['steady-state-hypothesis'] = { title: 'h', controls: [ctl({ name: 'h', automatic: false })] };
    assert.deepEqual(await problems(e), []);
  });
  it('requires a name and a provider', async () => {
    await expectOne(base({ controls: [{ provider: { type: 'python', module: 'm' } }] }), 'A control must have a `name` property', ['controls', 0]);
    await expectOne(base({ controls: [{ name: 'tracing' }] }), "Control 'tracing' must have a `provider` property", ['controls', 0]);
  });
  it('requires the scope to be before or after', async () => {
    await expectOne(base({ controls: [ctl({ scope: 'post' })] }), "Control 'tracing' scope property must be 'before' or 'after' only", ['controls', 0, 'scope']);
  });
  it('requires a module for python controls', async () => {
    await expectOne(base({ controls: [ctl({ provider: { type: 'python' } })] }), "Control 'tracing' must have a module path", ['controls', 0, 'provider']);
  });
  it('resolves control refs across levels, with the literal {} message', async () => {
    const ok = base({ controls: [ctl()], method: [action({ controls: [ctl({ name: 'x', ref: 'tracing' })] })] });
    assert.deepEqual(await problems(ok), []);
    const bad = base({ method: [action({ controls: [ctl({ name: 'x', ref: 'nowhere' })] })] });
    await expectOne(bad, "Control reference '{}' declaration cannot be found", ['method', 0, 'controls', 0, 'ref']);
  });
  it('checks hypothesis-level and activity-level controls', async () => {
    const e = base({ 'steady-state-hypothesis': { title: 'h', controls: [ctl({ scope: 'x' })] } });
    await expectOne(e, "Control 'tracing' scope property must be 'before' or 'after' only", ['steady-state-hypothesis', 'controls', 0, 'scope']);
    await expectOne(base({ method: [action({ controls: [{ name: 'c' }] })] }), "Control 'c' must have a `provider` property", ['method', 0, 'controls', 0]);
  });
});

describe('validateExperiment: runtime', () => {
  it('rejects an unknown hypothesis strategy and warns about an unknown rollbacks strategy', async () => {
    await expectOne(base({ runtime: { hypothesis: { strategy: 'sometimes' } } }), "unknown hypothesis strategy 'sometimes'", ['runtime', 'hypothesis', 'strategy']);
    assert.deepEqual(await warnings(base({ runtime: { rollbacks: { strategy: 'maybe' } } })), [
      { message: "unknown rollbacks strategy 'maybe': rollbacks will never be played", path: ['runtime', 'rollbacks', 'strategy'] },
    ]);
    assert.deepEqual(await problems(base({ runtime: { hypothesis: { strategy: 'continously' }, rollbacks: { strategy: 'deviated' } } })), []);
  });
});

describe('validateExperiment: provider checks', () => {
  it("runs the process provider's check (binary on PATH) after the structure passed", async () => {
    const e = base({ method: [action({ provider: process_({ path: 'turbulence-no-such-binary' }) })] });
    await expectOne(e, "path 'turbulence-no-such-binary' cannot be found, in activity 'a'", ['method', 0, 'provider', 'path']);
  });
  it('calls validate(activity, path) of the registered type only for structurally sound activities', async () => {
    const original = getProvider('http')!;
    const seen: JsonPath[] = [];
    registerProvider({
      ...original,
      type: 'http',
      validate(_activity, path) {
        seen.push(path);
        return [{ message: 'unreachable', path }];
      },
    });
    try {
      const http = { type: 'http', url: 'http://127.0.0.1:1/' };
      const e = withProbe(probe({ type: 'probe', name: 't', provider: { ...http, arguments: {} } }, http));
      e.method = [action({ provider: http }), action({ name: 'b', provider: http, timeout: 'x' }), { ref: 'a' }];
      e.rollbacks = [action({ name: 'r', provider: http })];
      const r = await problems(e);
      assert.deepEqual(seen, [
        ['steady-state-hypothesis', 'probes', 0],
        ['method', 0],
        ['rollbacks', 0],
        ['steady-state-hypothesis', 'probes', 0, 'tolerance'],
      ]);
      assert.equal(r.filter((p) => p.message === 'unreachable').length, 4);
    } finally {
      registerProvider(original);
    }
  });
});

describe('validateExperiment: every problem at once', () => {
  const expected = [
    { message: 'experiment requires a description', path: [] },
    { message: 'experiment tags must be a non-empty string', path: ['tags', 1] },
    { message: 'hypothesis probe must have a tolerance entry', path: ['steady-state-hypothesis', 'probes', 0] },
    { message: "'step' is not a supported activity type", path: ['method', 0, 'type'] },
    { message: "referenced activity 'not-declared' could not be found in the experiment", path: ['method', 1, 'ref'] },
  ];
  for (const [file, format, lines] of [
    ['five-problems.json', 'json', ['1:1', '3:18', '7:7', '11:14', '12:13']],
    ['five-problems.yaml', 'yaml', ['1:1', '4:5', '8:7', '14:11', '19:10']],
  ] as const) {
    it(`reports the 5 problems of ${file} with paths and line:col`, async () => {
      const url = new URL(`multi/${file}`, FIXTURES);
      const doc = await parseDocument(readFileSync(url, 'utf8'), url.pathname, format);
      const r = await validateExperiment(doc.value, { env: ENV });
      assert.deepEqual(
        r.problems.map(({ message, path }) => ({ message, path })),
        expected,
      );
      const where = (p: Problem) => {
        const l = doc.locate(p.path);
        return `${l?.line}:${l?.column}`;
      };
      assert.deepEqual(r.problems.map(where), lines);
    });
  }
});

// Tolerances: chaoslib's tests/test_tolerance.py ported (case names in comments), a differential table checked
// against the real chaoslib within_tolerance in .peers/venv, and probe tolerances run through real processes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runProvider } from '../../src/engine/activity.ts';
import { withinTolerance, type ToleranceContext } from '../../src/engine/tolerance.ts';
import { ActivityFailed, ChaosError } from '../../src/errors.ts';
import { substitute } from '../../src/experiment/substitute.ts';
import type { Activity, Configuration } from '../../src/experiment/types.ts';
import '../../src/providers/index.ts';
import { chaoslib, type OracleResult } from '../experiment/chaoslib-oracle.ts';

function context(configuration: Configuration = {}, runProbe?: ToleranceContext['runProbe']): ToleranceContext {
  return {
    configuration,
    secrets: {},
    runProbe: runProbe ?? (() => Promise.reject(new Error('no probe expected'))),
  };
}

/** within_tolerance(t, value, configuration=…) as the ported tests call it. */
const within = (t: unknown, value: unknown, configuration: Configuration = {}) => withinTolerance(t, value, context(configuration));

const http = (body: unknown) => ({ status: 200, headers: { 'Content-Type': 'text/plain' }, body });

describe('tolerance: chaoslib tests/test_tolerance.py', () => {
  it('int', async () => {
    assert.equal(await within(6, 6), true); // test_tolerance_int
    assert.equal(await within(6, 7), false); // test_tolerance_int_returns_false_when_different
    assert.equal(await within(6, { status: 6 }), true); // test_tolerance_int_from_process_status
    assert.equal(await within(6, { status: 7 }), false); // test_tolerance_int_from_process_status_returns_false_when_different
    assert.equal(await within(6, { status: 6 }), true); // test_tolerance_int_from_http_status
    assert.equal(await within(6, { status: 7 }), false); // test_tolerance_int_from_http_status_returns_false_when_different
  });

  it('list of statuses', async () => {
    assert.equal(await within([5, 6], { status: 6 }), true); // test_tolerance_list_int_from_process_status
    assert.equal(await within([5, 7], { status: 6 }), false); // test_tolerance_list_int_from_process_status_returns_false_when_different
    assert.equal(await within([5, 6], { status: 6 }), true); // test_tolerance_list_int_from_http_status
    assert.equal(await within([5, 7], { status: 6 }), false); // test_tolerance_list_int_from_http_status_returns_false_when_different
  });

  it('bool and string', async () => {
    assert.equal(await within(true, true), true); // test_tolerance_bool
    assert.equal(await within(true, false), false); // test_tolerance_bool_returns_false_when_different
    assert.equal(await within('hello', 'hello'), true); // test_tolerance_string
    assert.equal(await within('hello', 'not hello'), false); // test_tolerance_string_returns_false_when_different
  });

  it('regex', async () => {
    const t = { type: 'regex', pattern: '[0-9]{2}' };
    assert.equal(await within(t, 'you are number 87'), true); // test_tolerance_regex_true
    assert.equal(await within(t, 'you are number 8'), false); // test_tolerance_regex_false
    const out = (stdout: string, stderr: string) => ({ status: 0, stdout, stderr });
    const on = (target: string) => ({ type: 'regex', target, pattern: '[0-9]{2}' });
    assert.equal(await within(on('stdout'), out('you are number 87', '')), true); // test_tolerance_regex_stdout_process
    assert.equal(await within(on('stdout'), out('you are number 8', '')), false); // test_tolerance_regex_stdout_process_needs_to_match
    assert.equal(await within(on('stderr'), out('', 'you are number 87')), true); // test_tolerance_regex_stderr_process
    assert.equal(await within(on('stderr'), out('', 'you are number 8')), false); // test_tolerance_regex_stderr_process_needs_to_match
    assert.equal(await within(on('stdout'), out('you are number 87', 'you are number 8')), true); // test_tolerance_regex_process_only_match_stdout_or_stderr
    const body = { status: 200, headers: { 'Content-Type': 'application/json' }, body: 'you are number 87' };
    assert.equal(await within(on('body'), body), true); // test_tolerance_regex_body_http
  });

  it('regex with substitution', async () => {
    // test_tolerance_regex_can_contain_variable_to_be_substituted
    const t = { type: 'regex', pattern: '${msg}' };
    assert.equal(await within(t, 'jane said hello at sunrise', { msg: 'hello' }), true);
    assert.equal(await within(t, 'jane said hello at sunrise', { msg: 'bonjour' }), false);
    // test_tolerance_complex_regex_can_contain_variable_to_be_substituted
    const complex = { type: 'regex', pattern: '^[0-9] \\$\\{level\\} ${msg} - done$' };
    assert.equal(await within(complex, '1 ${level} hello - done', { msg: 'hello' }), true);
  });

  it('jsonpath', async () => {
    const foo = { foo: [{ baz: 1 }, { baz: 2 }] };
    assert.equal(await within({ type: 'jsonpath', path: '$.foo.*[?(@.baz)]' }, foo), true); // test_tolerance_jsonpath_from_dict
    assert.equal(await within({ type: 'jsonpath', path: '$.notsofoo.*[?(@.baz)].baz' }, foo), false); // test_tolerance_jsonpath_must_find_items_to_succeed

    // test_tolerance_jsonpath_must_match_expected_value
    const path = '$.foo[?(@.baz)].baz';
    assert.equal(await within({ type: 'jsonpath', path, expect: 'hello' }, { foo: { baz: 'hello' } }), true);
    assert.equal(await within({ type: 'jsonpath', path, expect: [['hello', 'bonjour']] }, { foo: { baz: ['hello', 'bonjour'] } }), true);
    assert.equal(await within({ type: 'jsonpath', path, expect: [[['hello'], ['bonjour']]] }, { foo: { baz: [['hello'], ['bonjour']] } }), true);
    assert.equal(await within({ type: 'jsonpath', path, expect: [] }, { foo: { jon: 'boom' } }), true);

    // test_tolerance_jsonpath_can_be_filter_by_value
    assert.equal(await within({ type: 'jsonpath', path: '$.foo[?(@.baz="hello")]', count: 1 }, { foo: { baz: 'hello' } }), true);
    assert.equal(await within({ type: 'jsonpath', path: '$.foo[?(@.baz="bonjour")]', count: 1 }, { foo: { baz: 'hello' } }), false);

    // test_tolerance_jsonpath_must_match_expected_values
    const t = { type: 'jsonpath', path: '$.foo.*[?(@.baz)].baz', expect: ['hello', 'bonjour'] };
    assert.equal(await within(t, { foo: [{ baz: 'hello' }, { baz: 'bonjour' }] }), true);

    // test_tolerance_jsonpath_must_find_items_with_a_given_value_to_succeed
    assert.equal(await within({ type: 'jsonpath', path: '$.foo.*[?(@.baz=2)]', count: 1 }, foo), true);
    assert.equal(await within({ type: 'jsonpath', path: '$.foo.*[?(@.baz)]', count: 2 }, foo), true);
    assert.equal(await within({ type: 'jsonpath', path: '$.foo.*[?(@.baz=4)]', count: 2 }, { foo: [{ baz: 4 }, { baz: 4 }] }), true);

    const text = '{"foo": [{"baz": 1}, {"baz": 2}]}';
    assert.equal(await within({ type: 'jsonpath', path: '$.foo[*].baz' }, text), true); // test_tolerance_jsonpath_from_jsonstring
    assert.equal(await within({ type: 'jsonpath', path: '$.foo[*].baz' }, new TextEncoder().encode(text)), true); // test_tolerance_jsonpath_from_bytes

    // test_tolerance_jsonpath_can_contain_variable_to_be_substituted
    const sub = { type: 'jsonpath', path: '$.foo[?(@.baz="${msg}")]', count: 1 };
    assert.equal(await within(sub, { foo: { baz: 'hello' } }, { msg: 'hello' }), true);
    assert.equal(await within(sub, { foo: { baz: 'hello' } }, { msg: 'bonjour' }), false);
  });

  it('range', async () => {
    // test_tolerance_range_integer
    assert.equal(await within({ type: 'range', target: 'body', range: [10, 800] }, http('580')), true);
    assert.equal(await within({ type: 'range', target: 'body', range: [10, 800] }, http('1230')), false);
    // test_tolerance_range_float
    assert.equal(await within({ type: 'range', target: 'body', range: [10.5, 800.89] }, http('580.5')), true);
    assert.equal(await within({ type: 'range', target: 'body', range: [10.5, 800.89] }, http('1230.7')), false);
    // test_tolerance_range_mix_integer_and_float
    assert.equal(await within({ type: 'range', target: 'body', range: [10, 800.8] }, http('580.4')), true);
    assert.equal(await within({ type: 'range', target: 'body', range: [10.5, 800] }, http('1230')), false);
    // test_tolerance_range_checked_value_must_be_a_number
    assert.equal(await within({ type: 'range', target: 'body', range: [6, 8] }, http('bad')), false);
  });

  it('probe', async () => {
    // test_tolerance_with_a_probe: fixtures.probes.must_be_in_range(a, b, value) raises ActivityFailed unless
    // a < int(value["body"]) < b (python providers run elsewhere; this stands in for that module function)
    const t = {
      type: 'probe',
      name: 'must-be-in-range',
      provider: { type: 'python', module: 'fixtures.probes', func: 'must_be_in_range', arguments: { a: 6, b: 8 } },
    };
    const mustBeInRange = async (activity: Activity) => {
      const { a, b, value } = activity.provider.arguments as { a: number; b: number; value: { body: string } };
      if (!(a < Number.parseInt(value.body, 10) && Number.parseInt(value.body, 10) < b)) throw new ActivityFailed('body is not in expected range');
      return true;
    };
    assert.equal(await withinTolerance(t, http('9'), context({}, mustBeInRange)), false);
    assert.equal(await withinTolerance(t, http('7'), context({}, mustBeInRange)), true);
  });
});

describe('tolerance: the compatibility reference §4 and Corrections 3 and 4', () => {
  it('bool uses Python equality: 1 == True, 1.0 == True, 0 == False', async () => {
    assert.equal(await within(true, 1), true);
    assert.equal(await within(true, 1.0), true);
    assert.equal(await within(false, 0), true);
    assert.equal(await within(true, 'True'), false);
    // Correction 3: a process/http output is a mapping, never equal to true
    assert.equal(await within(true, { status: 0, stdout: '', stderr: '' }), false);
  });

  it('a literal string never matches a mapping output; an exact "${x}" substituted by the caller keeps its type', async () => {
    assert.equal(await within('200', { status: 200, headers: {}, body: '' }), false);
    const tolerance = substitute('${code}', { code: 200 }, {});
    assert.equal(tolerance, 200);
    assert.equal(await within(tolerance, { status: 200, headers: {}, body: '' }), true);
    // compared as given: a "$$x" already substituted to "$x" is not substituted again
    assert.equal(await within('$x', '$x', { x: 'other' }), true);
  });

  it('a two-item list is membership against a status, an inclusive range otherwise', async () => {
    assert.equal(await within([200, 503], { status: 503, headers: {}, body: '' }), true);
    assert.equal(await within([200, 503], { status: 404, headers: {}, body: '' }), false);
    assert.equal(await within([1, 5], 5), true);
    assert.equal(await within([1, 5], 0), false);
    assert.equal(await within(['a', 'c'], 'b'), true);
    assert.equal(await within([1, 2, 3], 2), true);
    assert.equal(await within([1, 'a', null], null), true);
  });

  it('a float tolerance is never met', async () => {
    assert.equal(await within(1.5, 1.5), false);
  });

  it('where the reference crashes, a one-line ChaosError says why (Correction 3)', async () => {
    const out = { status: 0, stdout: 'x', stderr: '' };
    await assert.rejects(within({ type: 'regex', pattern: 'x' }, out), {
      name: 'ChaosError',
      message: `regex tolerance needs a string to search but the probe's output is a mapping: set "target" to one of its keys (status, stdout, stderr)`,
    });
    await assert.rejects(within({ type: 'range', range: [0, 1] }, out), {
      message: `range tolerance needs a number but the probe's output is a mapping: set "target" to one of its keys (status, stdout, stderr)`,
    });
    await assert.rejects(within({ type: 'regex', pattern: 'x', target: 'body' }, out), {
      message: `regex tolerance needs a string to search but the probe's output is a mapping: its target 'body' is not one of its keys (status, stdout, stderr)`,
    });
    await assert.rejects(within({ type: 'regex', pattern: 'x', target: 'stdout' }, 'plain'), {
      message: `regex tolerance has target 'stdout' but the probe's output is a str, not a mapping`,
    });
    await assert.rejects(within([1, 5], '3'), /tolerance \[1, 5\] \(a range\) cannot be compared with the probe's output '3': '<=' not supported between instances of 'int' and 'str'/);
    await assert.rejects(within({ type: 'regex', pattern: '[0-9' }, 'x'), /regex pattern \[0-9 is invalid: unterminated character set at position 0/);
    await assert.rejects(within({ type: 'jsonpath', path: '$.a.' }, {}), /JSON path \$\.a\. is invalid/);
    await assert.rejects(within({ type: 'range', range: [0, 1] }, 'nan'), /InvalidOperation/);
  });

  it('range compares exactly, as decimal.Decimal does', async () => {
    // Decimal(0.1) is 0.1000000000000000055…, above Decimal("0.1")
    assert.equal(await within({ type: 'range', range: [0.1, 1] }, '0.1'), false);
    assert.equal(await within({ type: 'range', range: [0.1, 1] }, 0.1), true);
    assert.equal(await within({ type: 'range', range: [10, 20] }, ' 1_2 '), true);
    assert.equal(await within({ type: 'range', range: [10, 20] }, '١٢'), true);
    assert.equal(await within({ type: 'range', range: [0, 1] }, true), true);
    assert.equal(await within({ type: 'range', range: [0, 10] }, 'inf'), false);
  });

  it('a jsonpath over a JSON text decodes it first, null and NaN included', async () => {
    assert.equal(await within({ type: 'jsonpath', path: '$', expect: null }, 'null'), true);
    assert.equal(await within({ type: 'jsonpath', path: '$[?(@.a > 1)]' }, '{"a": Infinity}'), true);
    assert.equal(await within({ type: 'jsonpath', path: '$', expect: 'not json' }, 'not json'), true);
  });
});

describe('tolerance: probe tolerances (Correction 4)', () => {
  const realProbe = (a: Activity) => runProvider({ configuration: {}, secrets: {} }, a);

  it('a process tolerance probe gets the output as its Python repr, passes on exit code 3, and keeps the value', async () => {
    const { mkdtemp, readFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'turbulence-tolerance-'));
    try {
      const file = join(dir, 'argv');
      // the arguments mapping flattens to: -c <script> value <repr of the output>, so $0 = "value" and $1 = the repr
      const tolerance = { type: 'probe', name: 'check', provider: { type: 'process', path: 'sh', arguments: { '-c': `printf %s "$1" > '${file}'; exit 3` } } };
      const output = { status: 0, stdout: "it's\n", stderr: '' };
      assert.equal(await withinTolerance(tolerance, output, context({}, realProbe)), true);
      assert.equal(await readFile(file, 'utf8'), `{'status': 0, 'stdout': "it's\\n", 'stderr': ''}`);
      // set in place, as in the reference, so the journal shows it
      assert.deepEqual(tolerance.provider.arguments, { '-c': `printf %s "$1" > '${file}'; exit 3`, value: output });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('only a failure of the tolerance probe misses (a timeout here)', async () => {
    const tolerance = { type: 'probe', name: 'slow', provider: { type: 'process', path: 'sh', arguments: { '-c': 'sleep 5' }, timeout: 0.2 } };
    assert.equal(await withinTolerance(tolerance, 1, context({}, realProbe)), false);
  });

  it('a falsy result misses, a truthy one passes; errors other than ActivityFailed propagate', async () => {
    const t = () => ({ type: 'probe', name: 'p', provider: { type: 'python', module: 'm', func: 'f', arguments: {} } });
    for (const [result, met] of [[0, false], [false, false], [null, false], ['', false], [{}, false], [[], false], [1, true], ['x', true], [{ a: 1 }, true]] as const) {
      assert.equal(await withinTolerance(t(), 'v', context({}, async () => result)), met, `result ${JSON.stringify(result)}`);
    }
    await assert.rejects(withinTolerance(t(), 'v', context({}, async () => { throw new ChaosError('boom'); })), /boom/);
  });

  it('needs provider arguments as a mapping (a list crashes the reference)', async () => {
    const noArgs = { type: 'probe', name: 'p', provider: { type: 'process', path: 'true' } };
    await assert.rejects(withinTolerance(noArgs, 1, context({}, realProbe)), /probe tolerance 'p' needs provider arguments as a mapping/);
    const listArgs = { type: 'probe', name: 'p', provider: { type: 'process', path: 'true', arguments: ['x'] } };
    await assert.rejects(withinTolerance(listArgs, 1, context({}, realProbe)), /needs provider arguments as a mapping/);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Differential: (tolerance, value, configuration) against chaoslib's within_tolerance; a string tolerance is
// substituted first on both sides, as run_steady_state_hypothesis does.

const bytes = (s: string) => ({ $bytes: [...new TextEncoder().encode(s)] });
const out = (stdout: string, status = 0) => ({ status, stdout, stderr: '' });
const resp = (body: unknown, status = 200) => ({ status, headers: { 'Content-Type': 'application/json' }, body });
const cfg = { x: 5, s: 'hello', l: [200, 503], code: 200, n: 3, msg: 'hello', v: 'b', neg: '$x' };

type Case = [tolerance: unknown, value: unknown, configuration?: Record<string, unknown>];

const CASES: Case[] = [
  // bool
  [true, true], [true, false], [true, 1], [true, 1.0], [false, 0], [true, 'True'], [true, out('')], [false, null], [true, [1]], [false, []],
  [true, 2], [false, ''],
  // int
  [6, 6], [6, 7], [6, { status: 6 }], [6, { status: '6' }], [1, true], [0, false], [6, '6'], [6, { a: 6 }], [200, resp('')],
  [0, null], [0, out('', 0)], [0, out('', 1)], [1, 1.0], [6, [6]], [6, { status: 6.0 }], [1, { status: true }],
  // str (substituted first)
  ['hello', 'hello'], ['hello', 'not'], ['1', 1], ['${x}', 5, cfg], ['${x}', '5', cfg], ['$${x}', '${x}', cfg], ['${missing}', '${missing}', cfg],
  ['${l}', resp('', 503), cfg], ['${code}', resp(''), cfg], ['ok', out('ok')], ['${s} world', 'hello world', cfg], ['$s', 'hello', cfg],
  ['${neg}', '$x', cfg], ['', ''], ['', null],
  // list
  [[5, 6], { status: 6 }], [[5, 7], { status: 6 }], [[200, 503], resp('', 503)], [[200, 503], resp('', 404)], [[1, 5], 3], [[1, 5], 5], [[1, 5], 0],
  [[1, 5], '3'], [[1, 5], null], [[1, 2, 3], 2], [[1, 2, 3], 4], [[1, 'a'], 'a'], [['a', 'c'], 'b'], [[[1], [3]], [2]], [[1, 5], true],
  [[1, 5], { a: 1 }], [[], 1], [[1], 1], [[1, 5], 2.5], [[0.5, 1.5], 1], [[1, 5], [1]], [['a', {}], 'b'], [[5, 1], 3], [[5, 'x'], 3],
  [[1, 5], { status: 3 }], [[1, null, 3], null], [[true, 'x', 2], 1], [[{ a: 1 }, 2, 3], { a: 1.0 }], [['a', 'b'], 'ab'], [['é', '😀'], '\uffff'],
  [[1, 5], out('')], [[1, 5], bytes('3')], [[[1, 2], [1, 3]], [1, 2, 9]],
  // float and unknown
  [1.5, 1.5], [0.5, { status: 0.5 }], [null, null], [{ type: 'boom' }, 1], [{}, 1], [{ type: null }, null],
  // regex
  [{ type: 'regex', pattern: '[0-9]{2}' }, 'you are number 87'], [{ type: 'regex', pattern: '[0-9]{2}' }, 'you are number 8'],
  [{ type: 'regex', target: 'stdout', pattern: '[0-9]{2}' }, out('87')], [{ type: 'regex', target: 'body', pattern: '^ok$' }, resp('ok\n')],
  [{ type: 'regex', pattern: 'x' }, out('x')], [{ type: 'regex', pattern: 'x', target: 'stdout' }, 'x'], [{ type: 'regex', pattern: 'x', target: 'nope' }, out('x')],
  [{ type: 'regex', pattern: '${msg}' }, 'say hello', cfg], [{ type: 'regex', pattern: '${n}' }, '3', cfg], [{ type: 'regex', pattern: '[0-9' }, 'x'],
  [{ type: 'regex', pattern: '^[0-9] \\$\\{level\\} ${msg} - done$' }, '1 ${level} hello - done', cfg],
  [{ type: 'regex', pattern: '(?P<w>o)(?P=w)' }, 'foo'], [{ type: 'regex', pattern: '(?i)HELLO' }, 'hello'], [{ type: 'regex', pattern: 'x' }, bytes('x')],
  [{ type: 'regex', pattern: 'x' }, null], [{ type: 'regex', pattern: 'x', target: '' }, 'x'], [{ type: 'regex', pattern: 'x', target: 0 }, 'x'],
  [{ type: 'regex', pattern: 'x', target: 'body' }, resp({ a: 'x' })], [{ type: 'regex', pattern: String.raw`\d+\Z` }, 'ab12\n'],
  [{ type: 'regex', pattern: String.raw`\d+$` }, 'ab12\n'], [{ type: 'regex', pattern: String.raw`\bword\b` }, 'a word.'],
  [{ type: 'regex', pattern: String.raw`\w+` }, 'été'], [{ type: 'regex', pattern: 'a{,2}b' }, 'aab'], [{ type: 'regex', pattern: '[]x]' }, ']'],
  [{ type: 'regex', pattern: String.raw`\A\s*\Z` }, ' \u2003\n'], [{ type: 'regex', pattern: '(?s)a.b' }, 'a\nb'], [{ type: 'regex', pattern: 'a.b' }, 'a\nb'],
  [{ type: 'regex', pattern: '(?m)^b' }, 'a\nb'], [{ type: 'regex', pattern: '(?x) a  b # c' }, 'ab'], [{ type: 'regex', pattern: 'a(?=b)*c' }, 'ac'],
  [{ type: 'regex', pattern: '(?>a+)b' }, 'aab'], [{ type: 'regex', pattern: 'a++a' }, 'aaa'], [{ type: 'regex', pattern: '(a)(?>b)\\1' }, 'aba'],
  [{ type: 'regex', pattern: '' }, ''], [{ type: 'regex' }, 'x'], [{ type: 'regex', pattern: '${missing}' }, '${missing}', cfg],
  // jsonpath
  [{ type: 'jsonpath', path: '$.foo.*[?(@.baz)]' }, { foo: [{ baz: 1 }, { baz: 2 }] }],
  [{ type: 'jsonpath', path: '$.items[*][?(@.kind = "b")]' }, { items: [{ kind: 'a' }, { kind: 'b' }] }],
  [{ type: 'jsonpath', path: '$.items[?(@.kind = "b")]' }, { items: [{ kind: 'a' }, { kind: 'b' }] }],
  [{ type: 'jsonpath', path: '$.items[*].kind', expect: ['a', 'b'] }, { items: [{ kind: 'a' }, { kind: 'b' }] }],
  [{ type: 'jsonpath', path: '$.items[*].kind', expect: 'a' }, { items: [{ kind: 'a' }, { kind: 'b' }] }],
  [{ type: 'jsonpath', path: '$.items[0].kind', expect: 'a' }, { items: [{ kind: 'a' }, { kind: 'b' }] }],
  [{ type: 'jsonpath', path: '$.items[0].kind', expect: '${v}' }, { items: [{ kind: 'b' }] }, cfg],
  [{ type: 'jsonpath', path: '$.items[*].n', expect: '${n}' }, { items: [{ n: 3 }] }, cfg],
  [{ type: 'jsonpath', path: '$.items[*].n', expect: [1, 2.0, true] }, { items: [{ n: 1 }, { n: 2 }, { n: 1 }] }],
  [{ type: 'jsonpath', path: '$.a', expect: null }, { a: null }], [{ type: 'jsonpath', path: '$.a', expect: null }, {}],
  [{ type: 'jsonpath', path: '$.a', expect: [] }, {}], [{ type: 'jsonpath', path: '$.a', count: 0 }, {}], [{ type: 'jsonpath', path: '$.a', count: null }, {}],
  [{ type: 'jsonpath', path: '$.a', count: '1' }, { a: 1 }], [{ type: 'jsonpath', path: '$.a', count: true }, { a: 1 }],
  [{ type: 'jsonpath', path: '$.a', count: 1, expect: 2 }, { a: 1 }], [{ type: 'jsonpath', path: '$[*]', count: 2 }, '[1, NaN]'],
  [{ type: 'jsonpath', path: '$.items[*]', count: 2 }, resp('{"items": [1, 2]}'), undefined], [{ type: 'jsonpath', path: '$.items[*]', target: 'body', count: 2 }, resp('{"items": [1, 2]}')],
  [{ type: 'jsonpath', path: '$.items[*]', target: 'body', count: 2 }, resp({ items: [1, 2] })], [{ type: 'jsonpath', path: '$.status', target: 'nope' }, resp('')],
  [{ type: 'jsonpath', path: '$.foo[*].baz' }, '{"foo": [{"baz": 1}, {"baz": 2}]}'], [{ type: 'jsonpath', path: '$.foo[*].baz' }, bytes('{"foo": [{"baz": 1}]}')],
  [{ type: 'jsonpath', path: '$' , expect: 'not json' }, 'not json'], [{ type: 'jsonpath', path: '$', expect: null }, 'null'],
  [{ type: 'jsonpath', path: '$[?(@.a > 1)]' }, '{"a": Infinity}'], [{ type: 'jsonpath', path: '$.a' }, '{"a": -Infinity}'],
  [{ type: 'jsonpath', path: '$.a' }, '{"a": -NaN}'], [{ type: 'jsonpath', path: '$' }, ''], [{ type: 'jsonpath', path: '$.a.' }, {}],
  [{ type: 'jsonpath', path: '$.a', target: 'x' }, 'str'], [{ type: 'jsonpath', path: '$.foo[?(@.baz="${msg}")]', count: 1 }, { foo: { baz: 'hello' } }, cfg],
  [{ type: 'jsonpath', path: '${x}' }, {}, cfg], [{ type: 'jsonpath', path: '$.l[::0]' }, { l: [1] }], [{ type: 'jsonpath', path: '$.l[::0]' }, { l: 'x' }],
  [{ type: 'jsonpath', path: '$..n', expect: [1, 2] }, { a: { n: 1 }, b: [{ n: 2 }] }], [{ type: 'jsonpath', path: '$.s.length()', expect: 3 }, { s: 'h😀é' }],
  // range
  [{ type: 'range', target: 'body', range: [10, 800] }, resp('580')], [{ type: 'range', target: 'body', range: [10, 800] }, resp('1230')],
  [{ type: 'range', range: [10.5, 800.89] }, '580.5'], [{ type: 'range', range: [10, 800.8] }, '800.8'], [{ type: 'range', range: [10, 800.8] }, 800.8],
  [{ type: 'range', range: [0.1, 1] }, '0.1'], [{ type: 'range', range: [0.1, 1] }, 0.1], [{ type: 'range', range: [0, 10] }, 5],
  [{ type: 'range', range: [0, 1] }, true], [{ type: 'range', range: [10, 20] }, ' 12 '], [{ type: 'range', range: [999, 1001] }, '1_000'],
  [{ type: 'range', range: [0, 10] }, 'abc'], [{ type: 'range', range: [0, 10] }, 'nan'], [{ type: 'range', range: [0, 10] }, 'inf'],
  [{ type: 'range', range: [0, 10] }, '-Infinity'], [{ type: 'range', range: [0, 10] }, null], [{ type: 'range', range: [0, 10] }, out('5')],
  [{ type: 'range', range: [0, 10] }, [1, 2]], [{ type: 'range', range: [10, 20] }, '١٢'], [{ type: 'range', range: ['1', '5'] }, 3],
  [{ type: 'range', range: [1, 'x'] }, 0], [{ type: 'range', range: [1, 'x'] }, 3], [{ type: 'range', range: [1] }, 0], [{ type: 'range', range: [0, 10] }, bytes('5')],
  [{ type: 'range', range: [0, 10] }, '1e1'], [{ type: 'range', range: [0, 10] }, '1e1000'], [{ type: 'range', range: [-1e-30, 1e-30] }, '0e5'],
  [{ type: 'range', range: [0, 10] }, '.5'], [{ type: 'range', range: [0, 10] }, '5.'], [{ type: 'range', range: [0, 10] }, '+5'], [{ type: 'range', range: [0, 10] }, '0x5'],
  [{ type: 'range', range: [0, 10] }, '5 5'], [{ type: 'range', range: [0, 10] }, '\ufeff5'], [{ type: 'range', range: [0, 10] }, '\u00a05\u3000'],
  [{ type: 'range', range: [1e308, 1.7976931348623157e308] }, '1.7976931348623157e308'], [{ type: 'range', range: [5e-324, 1] }, '4.9e-324'],
  [{ type: 'range', target: 'stdout', range: [0, 10] }, out('7\n')], [{ type: 'range', target: 'stdout', range: [0, 10] }, out('')],
];

const REFERENCE = `
import os, sys
sys.stderr = open(os.devnull, "w")  # ANTLR prints every syntax error besides raising it
from chaoslib import substitute
from chaoslib.hypothesis import within_tolerance
def dec(o):
    if isinstance(o, dict):
        if "$bytes" in o: return bytes(o["$bytes"])
        return {k: dec(v) for k, v in o.items()}
    if isinstance(o, list): return [dec(v) for v in o]
    return o
def run(case):
    tolerance, value, configuration = dec(case["tolerance"]), dec(case["value"]), case["configuration"]
    if isinstance(tolerance, str):
        tolerance = substitute(tolerance, configuration, {})
    return bool(within_tolerance(tolerance, value, configuration=configuration, secrets={}))
`;

function decode(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decode);
  if (v && typeof v === 'object') {
    if ('$bytes' in v) return new Uint8Array((v as { $bytes: number[] }).$bytes);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]));
  }
  return v;
}

describe('tolerance: differential against chaoslib within_tolerance', () => {
  it('agrees on every (tolerance, value) of the table, and fails where the reference raises', async () => {
    const expected = chaoslib(REFERENCE, CASES.map(([tolerance, value, configuration]) => ({ tolerance, value, configuration: configuration ?? {} })));
    const mismatches: string[] = [];
    let raised = 0;
    for (const [i, [tolerance, value, configuration]] of CASES.entries()) {
      const want: OracleResult = expected[i]!;
      let got: OracleResult;
      try {
        let t = decode(tolerance);
        if (typeof t === 'string') t = substitute(t, configuration ?? {}, {});
        got = { ok: await withinTolerance(t, decode(value), context(configuration ?? {})) };
      } catch (e) {
        if (!(e instanceof ChaosError)) throw e;
        got = { error: e.name, message: e.message };
      }
      if ('error' in want) raised++;
      const same = 'error' in want ? 'error' in got : 'ok' in got && got.ok === want.ok;
      if (!same) mismatches.push(`${JSON.stringify(tolerance)} / ${JSON.stringify(value)}: reference ${JSON.stringify(want)}, ours ${JSON.stringify(got)}`);
    }
    assert.deepEqual(mismatches, []);
    assert.ok(raised >= 20, `${raised} cases raise in the reference`);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pythonRepr, pythonStr } from '../../src/python/values.ts';
import { substitute } from '../../src/experiment/substitute.ts';
import type { Configuration, Secrets } from '../../src/experiment/types.ts';
import { chaoslib, normalize } from './chaoslib-oracle.ts';

const configuration: Configuration = {
  n: 7,
  name: 'x',
  t: true,
  f: false,
  none: null,
  d: { a: [1, 'b', null, true], "q'": 'it"s' },
  l: [1, 2.5, 's'],
  l2: ["it's", 'say "hi"', `both ' and "`, 'a\tb\nc\\d\x00\x7f', 'é\u200b\u2028😀'],
  fl: 2.5,
  small: 1e-5,
  big: 1e22,
  neg: -0.5,
  s: 'from-config',
  'dashed-key': 'D',
  empty: '',
  Upper: 'U',
  _u: 'under',
};
const secrets: Secrets = {
  first: { tok: 'one', s: 'from-secret', only1: 'o1' },
  second: { tok: 'two', only2: 'o2', nested: { deep: 1 } },
};

describe('substitute: §6 rules', () => {
  const sub = (v: unknown) => substitute(v, configuration, secrets);

  it('an exact "${x}" yields the typed value', () => {
    assert.equal(sub('${n}'), 7);
    assert.deepEqual(sub('${d}'), configuration.d);
    assert.deepEqual(sub('${l}'), [1, 2.5, 's']);
    assert.equal(sub('${t}'), true);
    assert.equal(sub('${none}'), null);
    assert.equal(sub('${empty}'), '');
    assert.deepEqual(sub('${nested}'), { deep: 1 });
  });

  it('an embedded ${x} is stringified like Python str()', () => {
    assert.equal(sub('x${n}y'), 'x7y');
    assert.equal(sub('${n}${n}'), '77');
    assert.equal(sub(' ${n}'), ' 7');
    assert.equal(sub('${t}/${f}/${none}'), 'True/False/None');
    assert.equal(sub('a ${d} b'), `a {'a': [1, 'b', None, True], "q'": 'it"s'} b`);
    assert.equal(sub('${l}!'), "[1, 2.5, 's']!");
    assert.equal(sub('${fl} ${small} ${big} ${neg}'), '2.5 1e-05 1e+22 -0.5');
  });

  it('$x works and is always a string', () => {
    assert.equal(sub('$n'), '7');
    assert.equal(sub('$t'), 'True');
    assert.equal(sub('$n-1'), '7-1');
    assert.equal(sub('$_u.$Upper'), 'under.U');
  });

  it('$$ is an escaped $', () => {
    assert.equal(sub('$$'), '$');
    assert.equal(sub('$$HOME'), '$HOME');
    assert.equal(sub('$${n}'), '${n}');
    assert.equal(sub('$$${n}'), '$7');
    assert.equal(sub('$$$n'), '$7');
  });

  it('unknown names and ill-formed placeholders stay verbatim', () => {
    assert.equal(sub('${undefined}'), '${undefined}');
    assert.equal(sub('$undefined'), '$undefined');
    assert.equal(sub('$MY_FILE'), '$MY_FILE');
    assert.equal(sub('$n1'), '$n1');
    assert.equal(sub('${N}'), '${N}', 'lookups are case-sensitive');
    assert.equal(sub('$'), '$');
    assert.equal(sub('${'), '${');
    assert.equal(sub('${n'), '${n');
    assert.equal(sub('$1 ${1}'), '$1 ${1}');
    assert.equal(sub('${constructor} ${toString}'), '${constructor} ${toString}');
  });

  it('${dashed-key} is never substituted (Python identifiers only)', () => {
    assert.equal(sub('${dashed-key}'), '${dashed-key}');
    assert.equal(sub('$dashed-key'), '$dashed-key');
    assert.equal(sub('${é}'), '${é}');
  });

  it('configuration beats secrets; the first declared secret scope wins', () => {
    assert.equal(sub('${s}'), 'from-config');
    assert.equal(sub('${tok}'), 'one');
    assert.equal(sub('${only1}-${only2}'), 'o1-o2');
    assert.equal(substitute('${tok}', {}, { second: { tok: 'two' }, first: { tok: 'one' } }), 'two');
  });

  it('recurses into dicts and lists, keys untouched, other values as they are', () => {
    const input = { '${n}': '${n}', b: ['${d}', { c: '$name', d: [['${t}']] }], e: 5, f: null, g: true, h: [], i: {} };
    assert.deepEqual(sub(input), {
      '${n}': 7,
      b: [configuration.d, { c: 'x', d: [[true]] }],
      e: 5,
      f: null,
      g: true,
      h: [],
      i: {},
    });
    assert.deepEqual(sub(['$$HOME', '${n}', '$name', '${undefined}']), ['$HOME', 7, 'x', '${undefined}']);
  });

  it('does not alter its input', () => {
    const input = { a: ['${n}'], b: { c: '$name' } };
    const copy = structuredClone(input);
    sub(input);
    assert.deepEqual(input, copy);
  });

  it('works with no configuration or secrets, and ignores a scope that is not a mapping', () => {
    assert.equal(substitute('${n}', undefined as unknown as Configuration, undefined as unknown as Secrets), '${n}');
    // the reference would crash (TypeError) on the first lookup through such a scope
    assert.equal(substitute('${a}', {}, { s: 'str' as unknown as Record<string, unknown>, t: { a: 1 } }), 1);
  });

  it('stringifies Python bytes as b\'…\'', () => {
    assert.equal(substitute('v=${b}', { b: Buffer.from("it's\n") }, {}), `v=b"it's\\n"`);
  });
});

describe('substitute: same results as chaoslib.substitute', () => {
  const values: unknown[] = [
    '${n}', '${d}', '${l}', '${l2}', '${t}', '${none}', '${fl}', '${empty}', '${nested}', '$n', '$t', '$$', '$$HOME',
    '$', '${', '${n', '${dashed-key}', '$dashed-key', '${undefined}', '$undefined', 'x${n}y', 'a ${d} b', '${l}!',
    '[${l2}]', '${t}/${f}/${none}', '${fl} ${small} ${big} ${neg}', '${s}', '${tok}', '${only1}${only2}', '$$${n}',
    '$${n}', '$$$n', '${Upper}', '$_u', '${_u}x', '${N}', '${n}${n}', ' ${n}', '$n1', '$n-1', '$1', '${1}', '€$n',
    '${é}', '${ n}', '${n }', 'x ${nested} y', '', 5, null, true, [], {},
    { '${n}': '${n}', b: ['${d}', { c: '$name', d: [['${t}']] }], e: 5, f: null, g: true, h: [], i: {} },
    ['$$HOME', '${n}', '$name', '${undefined}'],
  ];

  it('on a table of templates', () => {
    const cases = values.map((value) => ({ value, configuration, secrets }));
    const expected = chaoslib(
      'from chaoslib import substitute\ndef run(c): return substitute(c["value"], c["configuration"], c["secrets"])',
      cases,
    );
    values.forEach((value, i) => {
      assert.deepEqual({ ok: normalize(substitute(value, configuration, secrets)) }, expected[i], JSON.stringify(value));
    });
  });

  it('with empty or missing configuration and secrets', () => {
    const cases = [
      { value: '${n} $n', configuration: null, secrets: null },
      { value: '${tok}', configuration: {}, secrets: { a: {}, b: { tok: [1] } } },
      { value: 'x ${tok}', configuration: { tok: null }, secrets: { b: { tok: 1 } } },
    ];
    const expected = chaoslib(
      'from chaoslib import substitute\ndef run(c): return substitute(c["value"], c["configuration"], c["secrets"])',
      cases,
    );
    cases.forEach((c, i) => {
      const got = substitute(c.value, c.configuration as Configuration, c.secrets as Secrets);
      assert.deepEqual({ ok: got }, expected[i], c.value);
    });
  });
});

describe('pythonRepr / pythonStr: same as Python', () => {
  it('strings, numbers and containers', () => {
    const table: unknown[] = [
      '', 'a', "it's", 'say "hi"', `both ' and "`, 'tab\t nl\n cr\r bs\\ nul\x00 esc\x1b del\x7f',
      '\x85\xa0\xad é ü', '\u200b\u2028\u2029\u3000\ufeff\u00a0', '😀 \u{1F3FB}', '\ud800 lone', '\u{E000} private',
      '\u0378 unassigned', 'ǅ ß ﬀ',
      0.1, 2.5, 1e-5, 1.5e-7, 123456.789, 1e22, -1e-10, 1.7976931348623157e308, 5e-324, 0.0001, 0.00012345, 1e21,
      -7, 0, 9007199254740991, true, false, null,
      [1, 'a', [null, { k: 'v' }]], { a: 1, "b'": [true], c: {} }, [], {},
    ];
    const expected = chaoslib('def run(c): return [repr(c), str(c)]', table);
    table.forEach((v, i) => assert.deepEqual({ ok: [pythonRepr(v), pythonStr(v)] }, expected[i], JSON.stringify(v)));
  });

  it('bytes', () => {
    const table = [[], [97, 98], [0x27], [0x22], [0x27, 0x22], [0, 9, 10, 13, 0x5c, 0x7f, 0x80, 0xff], [0xc3, 0xa9]];
    const expected = chaoslib('def run(c): return [repr(bytes(c)), str(bytes(c))]', table);
    table.forEach((b, i) => {
      const buf = Buffer.from(b);
      assert.deepEqual({ ok: [pythonRepr(buf), pythonStr(buf)] }, expected[i], JSON.stringify(b));
    });
  });
});

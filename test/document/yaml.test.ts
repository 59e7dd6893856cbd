import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidSource } from '../../src/errors.ts';
import { DocumentSyntaxError, parseDocument } from '../../src/document/index.ts';
import { reference } from './pyyaml.ts';

const yaml = (text: string) => parseDocument(text, 'exp.yaml', 'yaml');
const value = async (text: string) => (await yaml(text)).value;
const scalar = async (text: string) => ((await value(`k: ${text}`)) as { k: unknown }).k;

/** Runs `fn` and returns the DocumentSyntaxError it must throw. */
async function syntaxError(text: string): Promise<DocumentSyntaxError> {
  try {
    await yaml(text);
  } catch (err) {
    assert.ok(err instanceof DocumentSyntaxError, `expected a DocumentSyntaxError, got ${String(err)}`);
    assert.ok(err instanceof InvalidSource);
    return err;
  }
  assert.fail(`no error for ${JSON.stringify(text)}`);
}

describe('YAML scalars follow PyYAML safe_load (YAML 1.1)', () => {
  // the rows of libraries.md §3.2, plus the neighbours where yaml@2's 1.1 schema differs from PyYAML
  const rows: [string, unknown][] = [
    ['yes', true],
    ['on', true],
    ['Off', false],
    ['NO', false],
    ['y', 'y'],
    ['n', 'n'],
    ['tRue', 'tRue'],
    ['010', 8],
    ['-010', -8],
    ['08', '08'],
    ['0o17', '0o17'],
    ['0x1F', 31],
    ['0b101', 5],
    ['1_000', 1000],
    ['1:30', 90],
    ['-1:30', -90],
    ['1:30.5', 90.5],
    ['1e3', '1e3'],
    ['1.0e3', '1.0e3'],
    ['1.0e+3', 1000],
    ['.5', 0.5],
    ['1.', 1],
    ['~', null],
    ['', null],
    ['2020-01-01', '2020-01-01'],
    ['2020-1-1', '2020-1-1'],
    ['2020-01-01 10:00:00', '2020-01-01T10:00:00'],
    ['2001-12-14t21:59:43.10-05:00', '2001-12-14T21:59:43.100000-05:00'],
    ['2001-12-14T21:59:43Z', '2001-12-14T21:59:43+00:00'],
    ['2001-12-14 21:59:43.1234567 +5', '2001-12-14T21:59:43.123456+05:00'],
    ['"yes"', 'yes'],
    ["'010'", '010'],
    ['!!str yes', 'yes'],
    ['!!int "010"', 8],
    ['!!float 1e3', 1000],
    ['! "12"', 12],
  ];
  for (const [text, expected] of rows) {
    it(`${JSON.stringify(text)} → ${JSON.stringify(expected)}`, async () => assert.deepEqual(await scalar(text), expected));
  }
  it('keeps .inf and .nan as numbers', async () => {
    assert.equal(await scalar('-.inf'), -Infinity);
    assert.ok(Number.isNaN(await scalar('.NaN')));
  });
});

// Documents whose value (as the reference journals it) must be identical here; compared with the real PyYAML below.
const SAME_VALUE = [
  ...['yes', 'Yes', 'YES', 'no', 'on', 'ON', 'off', 'true', 'True', 'FALSE', 'y', 'Y', 'n', 'N', 'tRue', 'oN'].map((s) => `k: ${s}`),
  ...['010', '-010', '08', '0o17', '0x1F', '0x_1f', '0b101', '-0b11', '1_000', '0', '-0', '+12', '0_', '00'].map((s) => `k: ${s}`),
  ...['1:30', '-1:30', '190:20:30', '1:30.5', '1:60', '1e3', '1.0e3', '1.0e+3', '12e3', '1E3', '1.5', '.5', '1.', '-1.'].map((s) => `k: ${s}`),
  ...['+1.5', '1_0.5', '1.5e-3', '3.14159', '-0.0', '1__2'].map((s) => `k: ${s}`),
  ...['~', 'null', 'Null', 'NULL', 'NuLL', '', '"null"', "''"].map((s) => `k: ${s}`),
  ...[
    '2020-01-01',
    '2020-1-1',
    '2020-02-29',
    '2020-01-01 10:00:00',
    '2020-1-1 1:00:00',
    '2001-12-14t21:59:43.10-05:00',
    '2001-12-14T21:59:43Z',
    '2001-12-14 21:59:43.1234567 +5',
    '2001-12-14T21:59:43.000000Z',
    '2020-01-01T00:00:00+05:30',
    '2001-12-14 21:59:43 -0:00',
    '2001-12-14 21:59:43 -5:99',
    '2020-01-01x',
  ].map((s) => `k: ${s}`),
  ...['"yes"', "'on'", '"010"', '!!str yes', '!!str 010', '!!int "010"', '!!int 0x10', '!!float 1e3', '!!float "  1_0 "'].map((s) => `k: ${s}`),
  ...['!!bool YES', '!!bool "off"', '! 12', '! "yes"', '!!null x', '!!timestamp 2020-01-01', '!<tag:yaml.org,2002:int> 5'].map((s) => `k: ${s}`),
  'k: yes\n  no',
  'k: |\n  yes\n  010\n',
  'k: >-\n  folded\n  text\n\n',
  'k: "\\x41\\u263A\\N\\_\\t"',
  "k: 'it''s'",
  '1: a\n1.0: b\ntrue: c\n~: d\nyes: e\n010: f\n"x": g\n',
  '? complex key\n: v\n',
  '? \n: v\n',
  '?\n',
  '=: 1',
  '"<<": 1',
  'a: &x {p: 1, q: [1, 2]}\nb: *x\nc: [*x, *x]\n',
  'base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  y: 3\n',
  'b: &b {x: 1, y: 2}\nc: &c {x: 3, z: 4}\nd:\n  <<: [*b, *c]\n  y: 9\n',
  'a: &a {x: 1}\nb: &b {<<: *a, y: 2}\nc: {<<: *b, z: 3}\n',
  'd:\n  <<: {x: 1}\n  <<: {x: 2, y: 2}\n',
  'k: !!omap [x: 1, y: 2]',
  'k: !!pairs [x: 1, x: 2]',
  '[a: 1, b]',
  '- a\n- - b\n  - c\n- {d: e}\n',
  'a: 1\na: 2\nb: {c: 1, c: 3}\n',
  '',
  '# only a comment\n',
  '---\na: 1\n...\n',
  '%YAML 1.1\n---\na: yes\n',
  'title: x\nmethod:\n- type: action\n  name: a\n  provider:\n    type: process\n    path: echo\n    arguments: "hello"\n',
  '\ufeffa: 1',
  'a: "multi\n  line"',
  'list: [1, 2.5, "3", yes, ~]',
  'a: "x\ty"',
  "a: 'x\ty'",
  'a: |\n  x\ty\n  \tz\n',
  '# \tcomment\na: 1 # x\ty\n',
];

// Documents the reference cannot load (a YAML error, or a crash), which must be rejected here too.
const REJECTED = [
  '!!python/object/apply:os.system ["echo pwned"]',
  'a: !!python/name:os.system',
  'a: !!python/object:__main__.X {}',
  'a: !foo 1',
  'a: !foo\n  b: 1',
  'a: &x 1\nb: &x 2',
  'a: *x',
  'c: &a [*a]',
  '? [a]\n: 1',
  '? {a: 1}\n: 1',
  'a: !!str [1]',
  'a: !!map x',
  'a: !!seq {b: 1}',
  'a: !!int abc',
  'a: !!int ""',
  'a: !!bool maybe',
  'a: !!float x',
  'a: !!timestamp yesterday',
  'a: !!set {x, y}',
  'a: !!binary aGVsbG8=',
  'a: !!omap {x: 1}',
  'a: !!omap [x]',
  'a: 1\n---\nb: 2',
  'a: 1\n---\n',
  'title: x\ndescription: [a\n',
  'a: b: c',
  'a: "x',
  'a:\n\t- b',
  'k: =',
  'k: <<',
  'd:\n  <<: 1\n',
  'd:\n  <<: [1]\n',
  'k: 2021-02-29',
  'k: 2020-13-01',
  'k: 0000-01-01',
  'k: 2020-01-01 24:00:00',
  'k: 2020-01-01 10:00:00 +24',
  'k: !!int 0x',
  ': v\n',
  'a: 1\n: 2\n',
  '{: v}',
  'a:\tb',
  'a: b\tc',
  'a: 1\t# c',
  'a: [1,\t2]',
  '- a\t\n- b',
  'a: |\n\tx\n',
  'k: v \t',
  'a: &x.y 1',
];

describe('YAML parity with the real PyYAML', () => {
  it('gives the same values as the reference journals them', async () => {
    const expected = reference('yaml', SAME_VALUE);
    for (const [i, text] of SAME_VALUE.entries()) {
      const ref = expected[i]!;
      assert.ok('ok' in ref, `the reference fails on ${JSON.stringify(text)}: ${JSON.stringify(ref)}`);
      assert.deepEqual(await value(text), ref.ok, `value of ${JSON.stringify(text)}`);
    }
  });

  it('rejects what the reference cannot load', async () => {
    const expected = reference('yaml', REJECTED);
    for (const [i, text] of REJECTED.entries()) {
      assert.ok('error' in expected[i]!, `the reference loads ${JSON.stringify(text)}`);
      await syntaxError(text);
    }
  });

  it('points at the same line and column as PyYAML for tags, aliases and anchors', async () => {
    const texts = [
      'a: 1\nb:\n  - x\n  - !!python/object/apply:os.system ["ls"]\n',
      'a:\n  b: !custom\n    c: 1\n',
      'a: 1\nb: [1, *nope]\n',
      'a: &x 1\nb:\n  c: &x 2\n',
    ];
    const expected = reference('yaml', texts);
    for (const [i, text] of texts.entries()) {
      const ref = expected[i]! as { line: number; column: number };
      const err = await syntaxError(text);
      assert.deepEqual([err.location.line, err.location.column], [ref.line, ref.column], JSON.stringify(text));
    }
  });
});

describe('YAML errors', () => {
  it('names an unsafe tag and where it is, and builds nothing', async () => {
    const err = await syntaxError('title: t\nmethod:\n  - !!python/object/apply:os.system ["touch /tmp/pwned"]\n');
    assert.equal(err.location.line, 3);
    assert.equal(err.location.column, 5);
    assert.match(err.message, /^exp\.yaml:3:5: could not determine a constructor for the tag 'tag:yaml\.org,2002:python\/object\/apply:os\.system'/);
  });
  it('rejects local tags, also where they are never used as values', async () => {
    const err = await syntaxError('unused: &u !secret x\na: 1\n');
    assert.match(err.message, /^exp\.yaml:1:12: could not determine a constructor for the tag '!secret'/);
  });
  it('reports malformed YAML as one line with line and column', async () => {
    const err = await syntaxError('title: x\ndescription: "unterminated\n');
    assert.equal(err.message.split('\n').length, 1);
    assert.match(err.message, /^exp\.yaml:\d+:\d+: /);
    assert.equal(err.detail, err.message.replace(/^exp\.yaml:\d+:\d+: /, ''));
  });
  it('reports several documents as PyYAML does', async () => {
    const err = await syntaxError('a: 1\n---\nb: 2\n');
    assert.equal(err.message, 'exp.yaml:2:1: expected a single document in the stream, but found another document');
  });
  it('refuses anchor names that PyYAML would split (it reads `&a:` as an anchored empty key)', async () => {
    const err = await syntaxError('attributes:\n  - &image:\n    name: x\n');
    assert.match(err.message, /^exp\.yaml:2:5: anchor '&image:': the Chaos Toolkit \(PyYAML\) ends the name at ':'/);
    assert.deepEqual(await value('a: &x-1_é 1\nb: *x-1_é\n'), { a: 1, b: 1 });
  });
  it('reports an invalid date with its reason', async () => {
    const err = await syntaxError('when: 2021-02-29\n');
    assert.equal(err.message, 'exp.yaml:1:7: invalid timestamp "2021-02-29": day is out of range for month');
  });
});

describe('YAML warnings and locations', () => {
  it('keeps the last duplicate key and warns with its line and column', async () => {
    const doc = await yaml('title: first\nmethod:\n  - name: a\n    name: b\ntitle: second\n');
    assert.deepEqual(doc.value, { title: 'second', method: [{ name: 'b' }] });
    assert.deepEqual(
      doc.warnings.map((w) => [w.path, w.location]),
      [
        [['method', 0, 'name'], { source: 'exp.yaml', line: 4, column: 5 }],
        [['title'], { source: 'exp.yaml', line: 5, column: 1 }],
      ],
    );
    assert.match(doc.warnings[1]!.message, /duplicate key "title" \(first at line 1, column 1\); the last value wins/);
  });
  it('does not warn when a merge key is overridden', async () => {
    const doc = await yaml('b: &b {x: 1}\nc:\n  <<: *b\n  x: 2\n');
    assert.deepEqual(doc.warnings, []);
  });

  const text = [
    'title: t', //                             1
    'defaults: &prov', //                      2
    '  type: process', //                      3
    '  path: echo', //                         4
    'method:', //                              5
    '  - type: action', //                     6
    '    name: first', //                      7
    '    provider: *prov', //                  8
    '  - type: probe', //                      9
    '    name: second', //                     10
    '    provider:', //                        11
    '      <<: *prov', //                      12
    '      arguments: [a, {deep: yes}]', //    13
    '    tolerance:', //                       14
    '',
  ].join('\n');
  const cases: [(string | number)[], number, number][] = [
    [[], 1, 1],
    [['title'], 1, 8],
    [['method'], 6, 3],
    [['method', 0], 6, 5],
    [['method', 0, 'name'], 7, 11],
    [['method', 0, 'provider'], 8, 15], // the alias, where it is used
    [['method', 0, 'provider', 'path'], 4, 9], // inside the anchored mapping
    [['method', 1, 'provider', 'type'], 3, 9], // merged from the anchor
    [['method', 1, 'provider', 'arguments', 1, 'deep'], 13, 29],
    [['method', 1, 'tolerance'], 14, 5], // empty value: its key
    [['method', 1, 'provider', 'missing', 'deeper'], 12, 7], // nearest existing ancestor
    [['method', 7], 6, 3],
  ];
  for (const [path, line, column] of cases) {
    it(`locates ${JSON.stringify(path)} at ${line}:${column}`, async () => {
      const doc = await yaml(text);
      assert.deepEqual(doc.locate(path), { source: 'exp.yaml', line, column });
    });
  }
});

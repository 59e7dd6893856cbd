import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DocumentSyntaxError, parseDocument } from '../../src/document/index.ts';
import { InvalidSource } from '../../src/errors.ts';
import { reference } from './pyyaml.ts';

const json = (text: string) => parseDocument(text, 'exp.json', 'json');

async function syntaxError(text: string): Promise<DocumentSyntaxError> {
  try {
    await json(text);
  } catch (err) {
    assert.ok(err instanceof DocumentSyntaxError && err instanceof InvalidSource, String(err));
    return err;
  }
  assert.fail(`no error for ${JSON.stringify(text)}`);
}

const MALFORMED = [
  '',
  '   ',
  '{',
  '{"a" 1}',
  '{"a": 1,}',
  '[1,]',
  '{"a": 1 "b": 2}',
  '{"a": "x\\qy"}',
  '{"a": "\\u12"}',
  '{"a": "\\u12zz"}',
  '{"a": "x',
  '{"a": "x\\',
  '{"a": "x\ty"}',
  '{} x',
  '\ufeff{}',
  '{"a": 01}',
  '{a: 1}',
  "{'a': 1}",
  '[1 2]',
  '{"a": tru}',
  '-',
  '{"a":1}}',
  '{\n  "title": "t",\n  "method": [\n    {"name": "x",}\n  ]\n}',
  '{\n  "title": "t"\n  "description": "d"\n}',
  '[1.]',
  '[.5]',
  '[+1]',
  '[1e]',
  '{"a": [1, 2}',
];

describe('JSON as Python reads it', () => {
  it('parses valid JSON with JSON.parse semantics', async () => {
    const doc = await json('{"title": "t", "n": 1.5, "list": [true, null, "x"], "__proto__": {"p": 1}}');
    assert.equal(doc.format, 'json');
    assert.deepEqual(doc.warnings, []);
    assert.deepEqual(Object.keys(doc.value as object), ['title', 'n', 'list', '__proto__']);
    assert.equal(Object.getPrototypeOf(doc.value), Object.prototype);
  });

  it('accepts NaN and Infinity as Python does', async () => {
    const doc = await json('{"a": NaN, "b": [Infinity, -Infinity]}');
    const v = doc.value as { a: number; b: number[] };
    assert.ok(Number.isNaN(v.a));
    assert.deepEqual(v.b, [Infinity, -Infinity]);
    assert.deepEqual(doc.locate(['b', 1]), { source: 'exp.json', line: 1, column: 28 });
  });

  it('reports malformed JSON as one line: file:line:col: reason', async () => {
    const err = await syntaxError('{\n  "title": "t",\n  "description": 1,,\n}');
    assert.equal(err.message, "exp.json:3:20: Expecting property name enclosed in double quotes");
    assert.equal(err.detail, 'Expecting property name enclosed in double quotes');
    assert.deepEqual(err.location, { source: 'exp.json', line: 3, column: 20 });
  });

  it('gives Python json\'s reason and position for malformed input', async () => {
    const expected = reference('json', MALFORMED);
    for (const [i, text] of MALFORMED.entries()) {
      const ref = expected[i]! as { error: string; message: string; line: number; column: number };
      assert.equal(ref.error, 'JSONDecodeError', JSON.stringify(text));
      const err = await syntaxError(text);
      assert.deepEqual(
        [err.detail, err.location.line, err.location.column],
        [ref.message, ref.line, ref.column],
        `for ${JSON.stringify(text)}`,
      );
    }
  });
});

describe('JSON locations', () => {
  const text = [
    '{', //                                                  1
    '  "title": "t",', //                                    2
    '  "method": [', //                                      3
    '    {"type": "action", "name": "a",', //                4
    '     "provider": {"type": "process", "path": "x"}},', // 5
    '    {"type": "probe",', //                              6
    '     "tolerance": [1, {"k": "é\\"}"}]}', //             7
    '  ],', //                                               8
    '  "title": "last"', //                                  9
    '}',
  ].join('\n');
  const cases: [(string | number)[], number, number][] = [
    [[], 1, 1],
    [['method'], 3, 13],
    [['method', 0], 4, 5],
    [['method', 0, 'name'], 4, 32],
    [['method', 0, 'provider', 'path'], 5, 46],
    [['method', 1, 'tolerance', 1, 'k'], 7, 29],
    [['title'], 9, 12], // the duplicate that wins, as in JSON.parse and Python
    [['method', 0, 'provider', 'missing'], 5, 18], // nearest existing ancestor
    [['method', 9], 3, 13],
    [['nope', 'deeper'], 1, 1],
  ];
  for (const [path, line, column] of cases) {
    it(`locates ${JSON.stringify(path)} at ${line}:${column}`, async () => {
      const doc = await json(text);
      assert.deepEqual((doc.value as { title: string }).title, 'last');
      assert.deepEqual(doc.locate(path), { source: 'exp.json', line, column });
    });
  }
});

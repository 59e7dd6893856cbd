// The jsonpath2 dialect, checked against the real jsonpath2 in .peers/venv: documents × paths (hand-written,
// generated from the grammar, and token soup) are evaluated by both, in one python process; matches must be equal
// and every path the reference rejects must be rejected here.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JsonPathError, matchJsonPath, parseJsonPath } from '../../src/python/jsonpath2.ts';
import { chaoslib, normalize, type OracleResult } from '../experiment/chaoslib-oracle.ts';

const DOCS: Record<string, unknown> = {
  mixed: {
    a: { b: 1, length: 3, and: 4, 'x y': 'spaced', 'a\\"b': 'raw-escape' },
    items: [
      { kind: 'a', n: 1, tags: ['x'] },
      { kind: 'b', n: 2, tags: [] },
      { kind: 'c', n: 3, tags: ['x', 'y'], nested: { kind: 'd', n: 4 } },
    ],
    s: 'héllo😀',
    k: 'kind',
    i: 1,
    t: true,
    f: 2.5,
    z: null,
    e: {},
    l: [],
  },
  store: {
    store: {
      book: [
        { category: 'reference', author: 'Nigel Rees', title: 'Sayings of the Century', price: 8.95 },
        { category: 'fiction', author: 'Evelyn Waugh', title: 'Sword of Honour', price: 12.99 },
        { category: 'fiction', author: 'Herman Melville', title: 'Moby Dick', isbn: '0-553-21311-3', price: 8.99 },
        { category: 'fiction', author: 'J. R. R. Tolkien', title: 'The Lord of the Rings', isbn: '0-395-19395-8', price: 22.99 },
      ],
      bicycle: { color: 'red', price: 19.95 },
    },
    expensive: 10,
  },
  array: [1, 'two', [3, 4, [5]], { five: 5, six: [6] }, null, true, false, 2.5, '', 0, -1],
  deep: { a: { a: { a: 1 } }, b: [{ a: 2 }, [{ a: 3 }, { b: { a: 4 } }]] },
  scalar: 'just a string',
  http: { status: 200, headers: { 'Content-Type': 'application/json' }, body: { items: [{ kind: 'a' }, { kind: 'b' }] } },
};

const PATHS = [
  // basics
  '$', '  $  ', '$.a', '$.a.b', '$ . a . b', '$["a"]["b"]', '$["a","s"]', '$.a["x y"]', '$.a["a\\"b"]', '$.a.length',
  '$.a.and', '$.a["and"]', '$.null', '$.nulls', '$.android', '$.true1', '$.*', '$.a[*]', '$.a.*', '$.items[ * ]',
  '$..*', '$..n', '$..a', '$..kind', '$..[0]', '$..["a"]', '$..*.n', '$.items..n', '$..a..a', '$...a', '$..',
  // indexes and slices
  '$.items[0]', '$.items[2]', '$.items[3]', '$.items[-1]', '$.items[-3]', '$.items[-4]', '$[-0]', '$[0]', '$[10]',
  '$.items[0,2]', '$.items[0,0]', '$.items[0:2,2]', '$.items[1:]', '$.items[:2]', '$.items[:]', '$.items[::]',
  '$.items[1::]', '$.items[:-1]', '$.items[-2:]', '$.items[::2]', '$.items[::-1]', '$.items[2:0:-1]',
  '$.items[-1:-5:-1]', '$.items[5::-1]', '$.items[-10:]', '$.items[0:100000]', '$.items[-100000000:2]', '$.items[100000:0:-7]',
  '$.items[1:2:3]', '$.items[:1:]', '$.items[::0]', '$.s[0]', '$.a[0]', '$[1:3]', '$[-3:-1]', '$[::3]',
  // filters
  '$.items[*][?(@.kind = "b")]', '$.items[?(@.kind = "b")]', '$.items[?(@.kind)]', '$[?(@.a)]', '$[?(@.nope)]',
  '$.items[*][?(@.kind="b")]', '$.items[*][?(@.n > 1 and @.n < 3)]', '$.items[*][?(@.n = 1 or @.n = 3 and @.kind = "c")]',
  '$.items[*][?(@.n = 1 or @.n = 3)]', '$.items[*][?((@.n = 1 or @.n = 3) and @.kind = "c")]',
  '$.items[*][?(@.n = 1 or (@.n = 3 and @.kind = "a"))]', '$.items[*][?(not @.n = 1)]', '$.items[*][?(not not @.n = 1)]',
  '$.items[*][?(not (@.n = 1 or @.n = 2))]', '$.items[*][?(@.n = true)]', '$.items[*][?(@.n = 1.0)]', '$.items[*][?(@.n = 1e0)]',
  '$.items[*][?(@.n != 2)]', '$.items[*][?(@.kind < "b")]', '$.items[*][?(@.n <= 2)]', '$.items[*][?(@.n >= 2)].kind',
  '$.items[*][?(@.n > true)]', '$.items[*][?(@.tags = ["x"])]', '$.items[*][?(@.tags = [])]', '$.items[*][?(@.nested = {"kind": "d", "n": 4})]',
  '$.items[*][?(@.tags[*] = "y")]', '$.items[*][?(@.tags[*] = @.tags[*])]', '$[?(@.items[*].n = 3)]',
  '$[?(@.items[*].n = @.items[*].n)]', '$[?(@.items[*].n = @.items[2].n)]', '$[?(@.items[2].n = @.items[*].n)]',
  '$.items[*][?(@.n = $.i)]', '$.items[*][?($.i = @.n)]', '$.items[*][?(@.n=1and@.kind="a")]', '$[?(true)]', '$[?(false)]',
  '$[?(0)]', '$[?(1)]', '$[?("")]', '$[?("x")]', '$[?({})]', '$[?({"a": 1})]', '$[?([])]', '$[?([1])]', '$[?(null)]',
  '$[?(@)]', '$.z[?(@)]', '$.items[*].n[?(@ > 1)]', '$..[?(@.n = 2)]', '$..[?(@.kind)]', '$..[?(@.a = 1)]',
  '$.items[*][?((@.n = 1))]', '$.items[*][?(@.kind = "a" and @.n = 1 and @.tags[0] = "x")]', '$.items[*][?(@.n = [1])]',
  '$.items[*][?(@.n = null)]', '$[*][?(@ = null)]', '$[*][?(@ = false)]', '$[*][?(@ = 0)]', '$[*][?(@ = "")]',
  '$.items[*][?(@.kind = "a\\"")]', '$.store.book[*][?(@.price < 10)].title', '$.store.book[*][?(@.isbn)].author',
  '$..book[*][?(@.price > $.expensive)].title', '$..price', '$.store..price', '$..book[-1:]', '$..book[0,1]',
  '$.store.*', '$.store.book[*].author', '$..author', '$.body.items[*][?(@.kind = "b")]', '$.status',
  // node subscripts and callables
  '$.items[$.i]', '$.items[$.t]', '$.items[0][$.k]', '$.items[@.i]', '$[$.k]', '$[$.f]', '$.items[$.z]',
  '$.a.length()', '$.items.length()', '$.s.length()', '$.a.keys()', '$.items.keys()', '$.a.values()', '$.items.values()',
  '$.a.entries()', '$.items[0].entries()', '$.items.entries()', '$.s.charAt(1)', '$.s.charAt(-1)', '$.s.charAt(10)',
  '$.s.charAt(true)', '$.s.charAt(1.0)', '$.s.charAt(5)', '$.s.substring(1,3)', '$.s.substring(-3)', '$.s.substring(1,-1)',
  '$.s.substring(4, 1)', '$.s.substring(1.0)', '$.s.substring()', '$.s.charAt()', '$.s.charAt(1, 2)', '$.a.length(1)',
  '$.s.charAt($.i)', '$.s.charAt(@.i)', '$.s.substring($.items[*].n)', '$.s.substring($.items[*].n, $.items[*].n)',
  '$[length()]', '$.items[length()]', '$.items[keys()]', '$.items.length().x', '$.items.keys()[1]', '$.a.foo()', '$.a.foo',
  '$..length()', '$.items[*].tags.length()', '$[?(@.items.length() = 3)]', '$.items[*][?(@.tags.length() > 0)].kind',
  // invalid
  '', ' ', '@.a', '$.a.', '$.a b', "$['a']", '$[01]', '$[1.0]', '$[1e1]', '$[1:2.5]', '$.1', '$.a-b', '$[]', '$.é', '$*',
  '$.items[*][?(@.kind="a"]', '$.items[0:1:2:3]', '$[?(@.a == 1)]', '$[?(@.a === 1)]', '$[?(@.a = )]', '$[?()]',
  '$[?(@.a &&  @.b)]', '$[?(@.a and)]', '$[?(and)]', '$[(@.a)]', '$[?@.a]', '$[@.a = 1]', '$[?(@.a)', '$[?(@.a)]]',
  '$.a[', '$.a]', '$["a]', '$["a\\x"]', '$["\\u00e9"]', '$[- 1]', '$[--1]', '$[+1]', '$[1,]', '$[,1]', '$..a.', '$$',
  '$.$', '$.@', '$[$]', '$[@]', '$ $', '$.a.b.c.d.e', '$[*,*]', '$[?(@.a = {"a"})]', '$[?(@.a = {1: 2})]', '$[?(@.a = [1,])]',
  '$[?(not)]', '$[?(not @.a = )]', '$[?(@.a = "x" or)]', '$.items[*][?(@.n = -1.5e+3)]', '$.items[*][?(@.n = 1E2)]',
  '$.items[*][?(@.n = 01)]', '$.items[*][?(@.n = .5)]', '$[?(@.a = 1.)]', '$.a\n.b', '$.a\t[ "b" ]',
];

/** A seeded generator (mulberry32) of integers in [0, n). */
function random(seed: number): (n: number) => number {
  return (n) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) % n);
  };
}

/** Random paths from the grammar, some mutated: reproducible (fixed seed). */
function generated(count: number): string[] {
  const rand = random(42);
  const pick = <T>(xs: T[]): T => xs[rand(xs.length)]!;
  const names = ['a', 'b', 'items', 'kind', 'n', 'tags', 'store', 'book', 'price', 'length', 'nested', 's'];
  const value = () => pick(['1', '2', '3', '"a"', '"b"', '"x"', 'true', 'false', 'null', '2.5', '[]', '["x"]', '{}', '-1', '"fiction"', '10', '8.95']);
  const field = () => pick(['kind', 'n', 'tags', 'price', 'category', 'isbn', 'a', 'nested']);
  const op = () => pick(['=', '!=', '<', '<=', '>', '>=']);
  const rel = (depth: number): string => (depth > 1 ? '@.' + field() : pick(['@', '@.' + field(), '@.' + field(), '@.' + field() + '[*]', '$.' + pick(names), '@[0]']));
  const expr = (depth: number): string => {
    switch (rand(depth > 1 ? 2 : 6)) {
      case 0:
        return `${rel(depth)} ${op()} ${value()}`;
      case 1:
        return rel(depth);
      case 2:
        return `${expr(depth + 1)} ${pick(['and', 'or'])} ${expr(depth + 1)}`;
      case 3:
        return `not ${expr(depth + 1)}`;
      case 4:
        return `(${expr(depth + 1)})`;
      default:
        return `${rel(depth)} ${op()} ${rel(depth)}`;
    }
  };
  const int = () => String(rand(7) - 3);
  const sub = (): string => {
    switch (rand(9)) {
      case 0:
      case 1:
        return '.' + pick(names);
      case 2:
        return '..' + pick(names);
      case 3:
        return pick(['.*', '[*]', '..*']);
      case 4:
        return `[${int()}]`;
      case 5:
        return `[${pick(['', int()])}:${pick(['', int()])}${pick(['', ':', ':' + pick(['1', '2', '-1', '-2'])])}]`;
      case 6:
        return `${pick(['', '[*]', '.*'])}[?(${expr(0)})]`;
      case 7:
        return `["${pick(names)}"${pick(['', ',"n"', ',0'])}]`;
      default:
        return pick(['.length()', '.keys()', '.values()', '.entries()', '.charAt(1)', '.substring(1)', '[$.i]']);
    }
  };
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    let p = pick(['$', '$', '$.items', '$.items[*]', '$.store.book', '$..book[*]', '$.store', '$..*', '$.b[*]']);
    const n = rand(4);
    for (let j = 0; j < n; j++) p += sub();
    if (rand(6) === 0) {
      // mutate: drop or duplicate one character
      const at = rand(p.length);
      p = rand(2) ? p.slice(0, at) + p.slice(at + 1) : p.slice(0, at) + p[at] + p.slice(at);
    }
    out.push(p);
  }
  return out;
}

/** Random filters over the items of the documents, so that many of them match something. */
function filters(count: number): string[] {
  const rand = random(11);
  const pick = <T>(xs: T[]): T => xs[rand(xs.length)]!;
  const field = () => pick(['@.kind', '@.n', '@.tags', '@.tags[*]', '@.price', '@.category', '@.isbn', '@.nested.n', '@', '$.i', '$.expensive']);
  const value = () => pick(['1', '2', '3', '"a"', '"b"', '"c"', '"x"', 'true', 'false', 'null', '[]', '["x"]', '"fiction"', '10', '8.95', '12.99', '1.0', '2e0']);
  const op = () => pick(['=', '!=', '<', '<=', '>', '>=']);
  const atom = (): string => pick([`${field()} ${op()} ${value()}`, `${field()} ${op()} ${value()}`, field(), `${value()} ${op()} ${field()}`, `${field()} ${op()} ${field()}`]);
  const expr = (depth: number): string => {
    if (depth > 2) return atom();
    switch (rand(5)) {
      case 0:
        return `${expr(depth + 1)} and ${expr(depth + 1)}`;
      case 1:
        return `${expr(depth + 1)} or ${expr(depth + 1)}`;
      case 2:
        return `not ${expr(depth + 1)}`;
      case 3:
        return `(${expr(depth + 1)})`;
      default:
        return atom();
    }
  };
  const base = () => pick(['$.items[*]', '$.store.book[*]', '$..book[*]', '$..*', '$.items.*', '$..[*]', '$.items[0:2]']);
  const tail = () => pick(['', '', '.kind', '.n', '.price', '.title', '[*]', '..n']);
  return Array.from({ length: count }, () => `${base()}[?(${expr(0)})]${tail()}`);
}

/** Token soup: mostly invalid paths, to compare what each side rejects. */
function soup(count: number): string[] {
  const rand = random(7);
  const tokens = ['$', '@', '.', '..', '[', ']', '*', '?', '(', ')', ',', ':', '"a"', '"n"', '0', '1', '-1', '1.5', 'a', 'n', 'items', 'length', '=', '<', 'and', 'or', 'not', 'true', ' '];
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    let p = rand(5) ? '$' : '';
    const n = 1 + rand(8);
    for (let j = 0; j < n; j++) p += tokens[rand(tokens.length)];
    out.push(p);
  }
  return out;
}

const REFERENCE = `
import os, sys
sys.stderr = open(os.devnull, "w")  # ANTLR prints every syntax error besides raising it
from jsonpath2.path import Path
def run(case):
    return [m.current_value for m in Path.parse_str(case["path"]).match(case["doc"])]
`;

function ours(path: string, doc: unknown): OracleResult {
  try {
    return { ok: normalize(matchJsonPath(path, doc)) };
  } catch (e) {
    assert.ok(e instanceof JsonPathError, `${path}: expected a JsonPathError, got ${(e as Error).stack}`);
    return { error: 'JsonPathError', message: e.message };
  }
}

function differential(paths: string[], docNames = Object.keys(DOCS)) {
  const cases = paths.flatMap((path) => docNames.map((doc) => ({ path, doc })));
  const expected = chaoslib(REFERENCE, cases.map((c) => ({ path: c.path, doc: DOCS[c.doc] })));
  const mismatches: string[] = [];
  let errors = 0;
  cases.forEach((c, i) => {
    const want = expected[i]!;
    const got = ours(c.path, DOCS[c.doc]);
    if ('error' in want) errors++;
    const same = 'error' in want ? 'error' in got : 'ok' in got && JSON.stringify(got.ok) === JSON.stringify(want.ok);
    if (!same) mismatches.push(`${JSON.stringify(c.path)} on ${c.doc}: reference ${JSON.stringify(want)}, ours ${JSON.stringify(got)}`);
  });
  assert.deepEqual(mismatches, []);
  return { total: cases.length, errors };
}

describe('jsonpath: differential against the real jsonpath2', () => {
  it('hand-written paths on every document', () => {
    const { total, errors } = differential(PATHS);
    // the table exercises both matching and rejection
    assert.ok(errors > 50 && total - errors > 500, `${total} cases, ${errors} errors`);
  });

  it('paths generated from the grammar (some mutated)', () => {
    differential(generated(400), ['mixed', 'store', 'deep']);
  });

  it('generated filters', () => {
    differential(filters(300), ['mixed', 'store']);
  });

  it('token soup', () => {
    const { errors } = differential(soup(400), ['mixed']);
    assert.ok(errors > 200);
  });
});

describe('jsonpath: the dialect points of the compatibility reference', () => {
  const doc = { items: [{ kind: 'a' }, { kind: 'b' }, { kind: 'c' }] };

  it('a filter applies to the current node (Correction 2)', () => {
    assert.deepEqual(matchJsonPath('$.items[*][?(@.kind = "b")]', doc), [{ kind: 'b' }]);
    assert.deepEqual(matchJsonPath('$.items[?(@.kind = "b")]', doc), []);
  });

  it('`and` binds looser than `or`', () => {
    const d = { xs: [{ n: 1, k: 'a' }, { n: 3, k: 'c' }] };
    assert.deepEqual(matchJsonPath('$.xs[*][?(@.n = 1 or @.n = 3 and @.k = "c")]', d), [{ n: 3, k: 'c' }]);
  });

  it('matches are references into the document, in document order', () => {
    const d = { a: [{ x: 1 }, { x: 2 }] };
    const [first] = matchJsonPath('$.a[*]', d);
    assert.equal(first, d.a[0]);
  });

  it('invalid paths give a one-line JsonPathError naming the path and the place', () => {
    assert.throws(() => parseJsonPath('$.a.'), (e: Error) => e instanceof JsonPathError && e.message === 'JSON path $.a. is invalid: unexpected end of path at column 5 (a name or * expected)');
    assert.throws(() => parseJsonPath("$['a']"), /JSON path \$\['a'\] is invalid: unexpected character "'" at column 3/);
    assert.throws(() => parseJsonPath('$.a.foo()'), /callable subscript 'foo' not found/);
    assert.throws(() => parseJsonPath('$[1.5]'), /an integer expected/);
  });

  it('a zero slice step fails only when it meets an array, as in the reference', () => {
    assert.deepEqual(matchJsonPath('$.a[::0]', { a: 'str' }), []);
    assert.throws(() => matchJsonPath('$.a[::0]', { a: [1] }), /slice step cannot be zero/);
  });
});

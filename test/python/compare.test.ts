// Python equality and ordering of plain data, checked against Python itself (.peers/venv) on every pair of a
// table of values; plus the exact Decimal comparisons the range tolerance relies on.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareDecimal, toDecimal } from '../../src/python/decimal.ts';
import { pyCompare, pyContains, pyEquals, type CompareOp } from '../../src/python/compare.ts';
import { ChaosError } from '../../src/errors.ts';
import { chaoslib } from '../experiment/chaoslib-oracle.ts';

const VALUES: unknown[] = [
  null, true, false, 0, 1, -1, 2, 1.5, -0.5, 1e300, '', 'a', 'b', 'ab', 'B', 'é', '😀', '\uffff', '\ud7ff',
  [], [1], [1, 2], [1, 'a'], ['a'], [true], [[1]], [null], {}, { a: 1 }, { a: true }, { b: 1 }, { a: [1] },
];
const OPS: CompareOp[] = ['<', '<=', '>', '>='];

const REFERENCE = `
import operator
OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
def run(case):
    a, b = case["a"], case["b"]
    out = {"eq": a == b, "in": a in [b]}
    for name, op in OPS.items():
        try:
            out[name] = op(a, b)
        except TypeError as e:
            out[name] = "TypeError: " + str(e)
    return out
`;

describe('python comparisons: differential against Python', () => {
  it('==, in and the orderings agree on every pair of values, TypeErrors included', () => {
    const pairs = VALUES.flatMap((a) => VALUES.map((b) => ({ a, b })));
    const expected = chaoslib(REFERENCE, pairs);
    const mismatches: string[] = [];
    pairs.forEach(({ a, b }, i) => {
      const want = (expected[i] as { ok: Record<string, unknown> }).ok;
      const got: Record<string, unknown> = { eq: pyEquals(a, b), in: pyContains([b], a) };
      for (const op of OPS) {
        try {
          got[op] = pyCompare(a, op, b);
        } catch (e) {
          assert.ok(e instanceof ChaosError);
          got[op] = `TypeError: ${e.message}`;
        }
      }
      if (JSON.stringify(got) !== JSON.stringify(want)) mismatches.push(`${JSON.stringify(a)} vs ${JSON.stringify(b)}: python ${JSON.stringify(want)}, ours ${JSON.stringify(got)}`);
    });
    assert.deepEqual(mismatches, []);
  });
});

describe('python Decimal', () => {
  const cmp = (a: unknown, b: unknown) => compareDecimal(toDecimal(a)!, toDecimal(b)!);

  it('a float is its exact binary value', () => {
    assert.equal(cmp(0.1, '0.1'), 1);
    assert.equal(cmp(0.5, '0.5'), 0);
    assert.equal(cmp(800.8, '800.8'), -1);
    assert.equal(cmp(5e-324, '4.9e-324'), 1);
    assert.equal(cmp(2 ** 70, '1180591620717411303424'), 0);
  });

  it('parses strings as CPython does, or null for InvalidOperation', () => {
    assert.equal(cmp(' 1_0 ', 10), 0);
    assert.equal(cmp('١٢', 12), 0);
    assert.equal(cmp('\uff11\uff12', 12), 0);
    assert.equal(cmp('1e1000', 1e308), 1);
    assert.equal(cmp('-inf', -1e308), -1);
    assert.equal(cmp('-0', 0), 0);
    for (const bad of ['', '0x10', '1 0', '\ufeff1', 'e5', '.', '-nan1x']) assert.equal(toDecimal(bad), null, bad);
  });

  it('TypeError for non-numbers, InvalidOperation for NaN comparisons', () => {
    assert.throws(() => toDecimal(null), /conversion from NoneType to Decimal is not supported/);
    assert.throws(() => toDecimal({}), /conversion from dict to Decimal is not supported/);
    assert.throws(() => cmp('nan', 1), /InvalidOperation/);
  });
});

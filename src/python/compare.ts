// Python's equality and ordering of plain data, wherever the reference compares a probe's output: 1 == True == 1.0,
// deep list and dict equality, strings ordered by code point, and TypeError for orderings Python refuses.
// (str(), repr(), truthiness and type names are in values.ts.)
import { ChaosError } from '../errors.ts';
import { isPlainObject, pythonTypeName } from './values.ts';

function isNumeric(v: unknown): v is number | boolean | bigint {
  return typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint';
}

function numericCompare(a: number | boolean | bigint, b: number | boolean | bigint): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  const x = Number(a);
  const y = Number(b);
  return x < y ? -1 : x > y ? 1 : x === y ? 0 : NaN;
}

/** Python `a == b` (True == 1 == 1.0, NaN != NaN, deep lists and dicts). */
export function pyEquals(a: unknown, b: unknown): boolean {
  if (isNumeric(a) && isNumeric(b)) return numericCompare(a, b) === 0;
  if (a === null || a === undefined) return b === null || b === undefined;
  if (typeof a === 'string') return a === b;
  if (a instanceof Uint8Array) return b instanceof Uint8Array && compareBytes(a, b) === 0;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => pyEquals(x, b[i]));
  }
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return false;
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && pyEquals(a[k], b[k]));
  }
  return a === b;
}

/** Python `item in list`. */
export function pyContains(list: readonly unknown[], item: unknown): boolean {
  return list.some((x) => pyEquals(x, item));
}

export type CompareOp = '<' | '<=' | '>' | '>=';

/**
 * Python ordering `a op b`. Numbers and bools compare numerically, strings by code point, lists and bytes
 * lexicographically; anything else is Python's TypeError, raised here as a ChaosError with Python's wording.
 */
export function pyCompare(a: unknown, op: CompareOp, b: unknown): boolean {
  const c = order(a, op, b);
  if (Number.isNaN(c)) return false;
  switch (op) {
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
  }
}

function order(a: unknown, op: CompareOp, b: unknown): number {
  if (isNumeric(a) && isNumeric(b)) return numericCompare(a, b);
  if (typeof a === 'string' && typeof b === 'string') return compareCodePoints(a, b);
  if (a instanceof Uint8Array && b instanceof Uint8Array) return compareBytes(a, b);
  if (Array.isArray(a) && Array.isArray(b)) {
    // Python compares the first pair of items that differ, then the lengths
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      if (!pyEquals(a[i], b[i])) return order(a[i], op, b[i]);
    }
    return a.length - b.length;
  }
  throw new ChaosError(`'${op}' not supported between instances of '${pythonTypeName(a)}' and '${pythonTypeName(b)}'`);
}

/** Compares strings by Unicode code point, as Python does (JS `<` compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(j)!;
    if (x !== y) return x < y ? -1 : 1;
    i += x > 0xffff ? 2 : 1;
    j += y > 0xffff ? 2 : 1;
  }
  return (i < a.length ? 1 : 0) - (j < b.length ? 1 : 0);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

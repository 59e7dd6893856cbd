// Python's decimal.Decimal, only as far as the range tolerance needs: building one from a value and comparing
// two exactly. Decimal(0.1) is the float's exact binary value (0.1000000000000000055…), so a range [0.1, 1]
// rejects the string "0.1" in the reference, and must here too.
import { ChaosError } from '../errors.ts';
import { pythonTypeName } from './values.ts';

export type Decimal =
  | { kind: 'finite'; negative: boolean; coefficient: bigint; exponent: number }
  | { kind: 'infinity'; negative: boolean }
  | { kind: 'nan' };

/**
 * `Decimal(v)`: null when Python raises InvalidOperation (a string that is not a number), a ChaosError where
 * Python raises TypeError (None, dict, list…).
 */
export function toDecimal(v: unknown): Decimal | null {
  if (typeof v === 'boolean') return finite(false, v ? 1n : 0n, 0);
  if (typeof v === 'bigint') return finite(v < 0n, v < 0n ? -v : v, 0);
  if (typeof v === 'number') return fromNumber(v);
  if (typeof v === 'string') return fromString(v);
  throw new ChaosError(`conversion from ${pythonTypeName(v)} to Decimal is not supported`);
}

function finite(negative: boolean, coefficient: bigint, exponent: number): Decimal {
  return { kind: 'finite', negative, coefficient, exponent };
}

/** The exact value of a double: mantissa·2^e, written as coefficient·10^exponent. */
function fromNumber(x: number): Decimal {
  if (Number.isNaN(x)) return { kind: 'nan' };
  if (!Number.isFinite(x)) return { kind: 'infinity', negative: x < 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const negative = bits >> 63n === 1n;
  const biased = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & ((1n << 52n) - 1n);
  if (biased !== 0) mantissa |= 1n << 52n;
  const e = (biased === 0 ? 1 : biased) - 1075;
  // m·2^e with e < 0 is m·5^-e / 10^-e
  return e >= 0 ? finite(negative, mantissa << BigInt(e), 0) : finite(negative, mantissa * 5n ** BigInt(-e), e);
}

const NUMBER = /^([+-])?(?:(\d+)(?:\.(\d*))?|\.(\d+))(?:e([+-]?\d+))?$/i;
const SPECIAL = /^([+-])?(?:(inf(?:inity)?)|(s?nan)\d*)$/i;
const DIGIT = /\p{Nd}/u;
// Python's str.isspace()
const SPACE = /[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;

function fromString(raw: string): Decimal | null {
  // CPython strips whitespace, drops every underscore and reads any Unicode decimal digit
  let s = '';
  for (const ch of raw) s += DIGIT.test(ch) ? String(digitValue(ch)) : SPACE.test(ch) ? ' ' : ch;
  s = s.replace(/^ +| +$/g, '').replaceAll('_', '');
  const special = SPECIAL.exec(s);
  if (special) return special[2] ? { kind: 'infinity', negative: special[1] === '-' } : { kind: 'nan' };
  const m = NUMBER.exec(s);
  if (!m) return null;
  const int = m[2] ?? '';
  const frac = m[3] ?? m[4] ?? '';
  return finite(m[1] === '-', BigInt(int + frac || '0'), Number(m[5] ?? 0) - frac.length);
}

/** Unicode keeps each set of decimal digits contiguous from 0 to 9, so a digit's value is its offset in its run. */
function digitValue(ch: string): number {
  const cp = ch.codePointAt(0)!;
  let start = cp;
  while (DIGIT.test(String.fromCodePoint(start - 1))) start--;
  return (cp - start) % 10;
}

/** -1, 0 or 1; comparing a NaN raises InvalidOperation in Python, a ChaosError here. */
export function compareDecimal(a: Decimal, b: Decimal): number {
  if (a.kind === 'nan' || b.kind === 'nan') throw new ChaosError('InvalidOperation: cannot compare a Decimal NaN');
  const sa = sign(a);
  const sb = sign(b);
  if (sa !== sb || sa === 0) return Math.sign(sa - sb);
  if (a.kind === 'infinity' || b.kind === 'infinity') {
    if (a.kind === b.kind) return 0;
    return a.kind === 'infinity' ? sa : -sa;
  }
  return sa * compareMagnitude(a as FiniteDecimal, b as FiniteDecimal);
}

type FiniteDecimal = Extract<Decimal, { kind: 'finite' }>;

function sign(d: Decimal): number {
  if (d.kind === 'finite' && d.coefficient === 0n) return 0;
  return d.kind !== 'nan' && d.negative ? -1 : 1;
}

function compareMagnitude(a: FiniteDecimal, b: FiniteDecimal): number {
  const da = a.coefficient.toString().length;
  const db = b.coefficient.toString().length;
  // the position of the leading digit decides, unless it is the same; then scaling is bounded by the digit counts
  const adjusted = a.exponent + da - (b.exponent + db);
  if (adjusted !== 0) return Math.sign(adjusted);
  let x = a.coefficient;
  let y = b.coefficient;
  if (a.exponent > b.exponent) x *= 10n ** BigInt(a.exponent - b.exponent);
  else y *= 10n ** BigInt(b.exponent - a.exponent);
  return x < y ? -1 : x > y ? 1 : 0;
}

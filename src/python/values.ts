// The bits of Python semantics the reference exposes to users: str()/repr() of plain data (an embedded `${x}` is
// stringified with str(), so True, None and {'a': [1]} are what experiments see), str.strip(), and int()/float()
// parsing of strings (--var k:int=…, env_var_type). Python bytes are represented as Uint8Array (Buffer).

/** Characters Python's str.isprintable() rejects beyond ASCII: repr() escapes them. */
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/** Python's str.isspace() set, which differs from JS trim() (\x1c-\x1f and \x85 yes, \ufeff no). */
const WS = '\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const STRIP = new RegExp(`^[${WS}]+|[${WS}]+$`, 'g');

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Python truthiness of plain data: None, False, 0, "", [] and {} are false. */
export function pythonTruthy(v: unknown): boolean {
  if (Array.isArray(v) || typeof v === 'string') return v.length > 0;
  if (v instanceof Uint8Array) return v.length > 0;
  if (isPlainObject(v)) return Object.keys(v).length > 0;
  return Boolean(v);
}

/** str.strip() */
export function pythonStrip(s: string): string {
  return s.replace(STRIP, '');
}

/** str(v): strings as they are, everything else as repr(). */
export function pythonStr(v: unknown): string {
  return typeof v === 'string' ? v : pythonRepr(v);
}

/** repr(v) for the values JSON/YAML documents and providers produce. */
export function pythonRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return numberRepr(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'string') return stringRepr(v);
  if (v instanceof Uint8Array) return bytesRepr(v);
  if (Array.isArray(v)) return `[${v.map(pythonRepr).join(', ')}]`;
  if (isPlainObject(v)) {
    return `{${Object.entries(v)
      .map(([k, x]) => `${stringRepr(k)}: ${pythonRepr(x)}`)
      .join(', ')}}`;
  }
  return String(v);
}

/** The Python type name used in error messages (`not 'NoneType'`). */
export function pythonTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isSafeInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'str';
  if (v instanceof Uint8Array) return 'bytes';
  if (Array.isArray(v)) return 'list';
  return isPlainObject(v) ? 'dict' : typeof v;
}

/**
 * JS has one number type: a safe integer prints as a Python int, anything else as a Python float (shortest
 * round-trip digits, exponent below 1e-4 or from 1e16). An integral float such as 5.0 therefore prints "5".
 */
function numberRepr(n: number): string {
  if (Number.isSafeInteger(n)) return String(n);
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  const [mantissa, expText] = n.toExponential().split('e');
  const exp = Number(expText);
  const digits = mantissa.replace('-', '').replace('.', '');
  const sign = n < 0 ? '-' : '';
  if (exp >= -4 && exp < 16) {
    if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
    const int = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
    return `${sign}${int}.${digits.slice(exp + 1) || '0'}`;
  }
  const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

function hex(cp: number, width: number): string {
  return cp.toString(16).padStart(width, '0');
}

function stringRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${hex(cp, 2)}`;
    else if (cp < 0x7f || !NON_PRINTABLE.test(ch)) out += ch;
    else if (cp <= 0xff) out += `\\x${hex(cp, 2)}`;
    else if (cp <= 0xffff) out += `\\u${hex(cp, 4)}`;
    else out += `\\U${hex(cp, 8)}`;
  }
  return out + quote;
}

function bytesRepr(b: Uint8Array): string {
  const quote = b.includes(0x27) && !b.includes(0x22) ? '"' : "'";
  let out = `b${quote}`;
  for (const c of b) {
    const ch = String.fromCharCode(c);
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c >= 0x7f) out += `\\x${hex(c, 2)}`;
    else out += ch;
  }
  return out + quote;
}

const INT = /^[+-]?\d+(?:_\d+)*$/;
const FLOAT = /^[+-]?(?:(?:\d+(?:_\d+)*)?\.\d+(?:_\d+)*|\d+(?:_\d+)*\.?)(?:[eE][+-]?\d+(?:_\d+)*)?$/;
const FLOAT_WORD = /^([+-]?)(inf|infinity|nan)$/i;

/** int(v): strings in base 10 (surrounding whitespace, sign and digit underscores allowed), numbers truncated. */
export function pythonInt(v: unknown): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') {
    if (Number.isNaN(v)) throw new Error('cannot convert float NaN to integer');
    if (!Number.isFinite(v)) throw new Error('cannot convert float infinity to integer');
    return Math.trunc(v) || 0;
  }
  if (typeof v === 'string') {
    const s = pythonStrip(v);
    if (INT.test(s)) return Number(s.replace(/_/g, '')) || 0;
    throw new Error(`invalid literal for int() with base 10: ${stringRepr(v)}`);
  }
  throw new Error(`int() argument must be a string, a bytes-like object or a real number, not '${pythonTypeName(v)}'`);
}

/** float(v): decimal or exponent notation, inf/infinity/nan in any case, digit underscores. */
export function pythonFloat(v: unknown): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const s = pythonStrip(v);
    if (FLOAT.test(s)) return Number(s.replace(/_/g, ''));
    const word = FLOAT_WORD.exec(s);
    if (word) return word[2].toLowerCase() === 'nan' ? NaN : word[1] === '-' ? -Infinity : Infinity;
    throw new Error(`could not convert string to float: ${stringRepr(v)}`);
  }
  throw new Error(`float() argument must be a string or a real number, not '${pythonTypeName(v)}'`);
}

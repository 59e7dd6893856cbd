// Scalars as PyYAML's SafeLoader reads them (YAML 1.1): its implicit resolvers and its constructors, so that an
// experiment means the same here as in the Chaos Toolkit (`yes` is true, `010` is 8, `1e3` stays a string).

export type ScalarTag = 'bool' | 'float' | 'int' | 'merge' | 'null' | 'timestamp' | 'value' | 'str';

// PyYAML's resolver table, in its order (resolver.py); the first match wins, otherwise the scalar is a string.
const IMPLICIT: [ScalarTag, RegExp][] = [
  ['bool', /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/],
  [
    'float',
    /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  ],
  ['int', /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/],
  ['merge', /^<<$/],
  ['null', /^(?:~|null|Null|NULL|)$/],
  [
    'timestamp',
    /^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$/,
  ],
  ['value', /^=$/],
];

/** The tag PyYAML gives a plain (or `!`-tagged) scalar. */
export function resolveImplicit(text: string): ScalarTag {
  for (const [tag, re] of IMPLICIT) if (re.test(text)) return tag;
  return 'str';
}

/** The value of a scalar with this tag; throws an Error with a one-line reason when PyYAML would fail on it. */
export function constructScalar(tag: ScalarTag, text: string): unknown {
  switch (tag) {
    case 'str':
      return text;
    case 'null':
      return null;
    case 'bool': {
      const v = BOOLS[text.toLowerCase()];
      if (v === undefined) throw new Error(`invalid boolean ${JSON.stringify(text)}`);
      return v;
    }
    case 'int':
      return constructInt(text);
    case 'float':
      return constructFloat(text);
    case 'timestamp':
      return constructTimestamp(text);
    case 'merge':
    case 'value':
      throw new Error(`could not determine a constructor for the tag 'tag:yaml.org,2002:${tag}'`);
  }
}

const BOOLS: Record<string, boolean> = { yes: true, no: false, true: true, false: false, on: true, off: false };

function constructInt(text: string): number {
  let v = text.replaceAll('_', '');
  const sign = v.startsWith('-') ? -1 : 1;
  if (v.startsWith('-') || v.startsWith('+')) v = v.slice(1);
  const bad = () => new Error(`invalid int ${JSON.stringify(text)}`);
  let n: number;
  if (v === '0') return 0;
  if (v.startsWith('0b')) {
    if (!/^[01]+$/.test(v.slice(2))) throw bad();
    n = parseInt(v.slice(2), 2);
  } else if (v.startsWith('0x')) {
    if (!/^[0-9a-fA-F]+$/.test(v.slice(2))) throw bad();
    n = parseInt(v.slice(2), 16);
  } else if (v.startsWith('0')) {
    if (!/^[0-7]+$/.test(v)) throw bad();
    n = parseInt(v, 8);
  } else if (v.includes(':')) {
    if (!/^\d+(?::\d+)+$/.test(v)) throw bad();
    n = sexagesimal(v);
  } else {
    // Python's int() also takes surrounding whitespace
    if (!/^\s*\d+\s*$/.test(v)) throw bad();
    n = Number(v);
  }
  return sign * n;
}

function constructFloat(text: string): number {
  let v = text.replaceAll('_', '').toLowerCase();
  const sign = v.startsWith('-') ? -1 : 1;
  if (v.startsWith('-') || v.startsWith('+')) v = v.slice(1);
  if (v === '.inf') return sign * Infinity;
  if (v === '.nan') return NaN;
  if (v.includes(':')) {
    if (!/^\d+(?:\.\d*)?(?::\d+(?:\.\d*)?)+$/.test(v)) throw new Error(`invalid float ${JSON.stringify(text)}`);
    return sign * sexagesimal(v);
  }
  // Python's float(): decimal forms, inf, infinity and nan, with surrounding whitespace
  const t = v.trim();
  if (t === 'inf' || t === 'infinity') return sign * Infinity;
  if (t === 'nan') return NaN;
  if (!/^[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?$/.test(t)) throw new Error(`invalid float ${JSON.stringify(text)}`);
  return sign * Number(t);
}

function sexagesimal(v: string): number {
  return v.split(':').reduce((acc, part) => acc * 60 + Number(part), 0);
}

const TIMESTAMP =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt]|[ \t]+)(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d*))?(?:[ \t]*(Z|([-+])(\d{1,2})(?::(\d{2}))?))?)?$/;

/**
 * PyYAML makes a date or a datetime; the Chaos Toolkit journals it with isoformat(), so that string is the value:
 * `2020-01-01`, `2001-12-14T21:59:43.100000-05:00`, `2001-12-14T21:59:43+00:00` for Z, no offset when none is given.
 */
function constructTimestamp(text: string): string {
  const m = TIMESTAMP.exec(text);
  if (!m) throw new Error(`invalid timestamp ${JSON.stringify(text)}`);
  const [, y, mo, d, h, mi, s, frac, tz, tzSign, tzH, tzM] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const bad = (why: string) => new Error(`invalid timestamp ${JSON.stringify(text)}: ${why}`);
  if (year < 1) throw bad('year 0 is out of range');
  if (month < 1 || month > 12) throw bad('month must be in 1..12');
  if (day < 1 || day > daysInMonth(year, month)) throw bad('day is out of range for month');
  const date = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
  if (h === undefined) return date;
  const [hour, minute, second] = [Number(h), Number(mi), Number(s)];
  if (hour > 23) throw bad('hour must be in 0..23');
  if (minute > 59) throw bad('minute must be in 0..59');
  if (second > 59) throw bad('second must be in 0..59');
  const micro = frac ? Number(frac.slice(0, 6).padEnd(6, '0')) : 0;
  let out = `${date}T${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}${micro ? `.${pad(micro, 6)}` : ''}`;
  if (tzSign) {
    const minutes = (Number(tzH) * 60 + Number(tzM ?? 0)) * (tzSign === '-' ? -1 : 1);
    if (Math.abs(minutes) >= 24 * 60) throw bad('the UTC offset must be strictly between -24 and 24 hours');
    out += `${minutes < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(minutes) / 60), 2)}:${pad(Math.abs(minutes) % 60, 2)}`;
  } else if (tz) {
    out += '+00:00';
  }
  return out;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** A mapping key as the journal (Python's json.dumps) writes it: True → "true", None → "null", 1.0 → "1.0". */
export function keyString(tag: ScalarTag, value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number' && tag === 'float') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
    if (Number.isInteger(value) && Math.abs(value) < 1e16) return value.toFixed(1);
  }
  return String(value);
}

/** Which keys a Python dict holds as one: 1, 1.0 and true are equal there, a date and its string are not. */
export function keyIdentity(tag: ScalarTag, value: unknown): string {
  if (typeof value === 'boolean' || typeof value === 'number') return `n:${Number(value)}`;
  if (value === null) return 'null';
  return `${tag === 'timestamp' ? 't' : 's'}:${String(value)}`;
}

// How the reference (python requests) puts http activity data on the wire: query strings and form bodies
// (`_encode_params` + `urlencode`), JSON bodies (`json.dumps`) and URL re-quoting (`requote_uri`).
import { ChaosError } from '../errors.ts';
import { isPlainObject, pythonStr, pythonTypeName } from '../python/values.ts';

/** `_encode_params`: a string (or scalar) is used as it is; a mapping or a list of pairs becomes `k=v&…`, None dropped. */
export function encodeParams(data: unknown): string {
  if (data === null || data === undefined) return '';
  if (!isIterable(data)) return pythonStr(data);
  const out: string[] = [];
  for (const [k, vs] of keyValuePairs(data)) {
    const key = quotePlus(pythonStr(k));
    // A string or a scalar is one value; a list gives one pair per item, a mapping one per key.
    const values = typeof vs === 'string' || !isIterable(vs) ? [vs] : iterate(vs);
    for (const v of values) {
      if (v === null || v === undefined) continue;
      // urlencode(doseq=True) expands one more level of sequences, stringifying what it finds there.
      if (typeof v !== 'string' && isIterable(v)) for (const item of iterate(v)) out.push(`${key}=${quotePlus(pythonStr(item))}`);
      else out.push(`${key}=${quotePlus(pythonStr(v))}`);
    }
  }
  return out.join('&');
}

function isIterable(v: unknown): v is unknown[] | Record<string, unknown> {
  return Array.isArray(v) || isPlainObject(v);
}

function iterate(v: unknown[] | Record<string, unknown>): unknown[] {
  return Array.isArray(v) ? v : Object.keys(v);
}

function keyValuePairs(data: unknown[] | Record<string, unknown>): [unknown, unknown][] {
  if (isPlainObject(data)) return Object.entries(data);
  return data.map((pair): [unknown, unknown] => {
    const items = typeof pair === 'string' ? [...pair] : Array.isArray(pair) ? pair : isPlainObject(pair) ? Object.keys(pair) : null;
    if (items === null) throw new ChaosError(`cannot unpack non-iterable ${pythonTypeName(pair)} object`);
    if (items.length > 2) throw new ChaosError('too many values to unpack (expected 2)');
    if (items.length < 2) throw new ChaosError(`not enough values to unpack (expected 2, got ${items.length})`);
    return [items[0], items[1]];
  });
}

/** `quote_plus(s, safe='')`: UTF-8 percent-encoding of all but `A-Za-z0-9_.-~`, spaces as `+`. */
export function quotePlus(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/** `requote_uri`: decode escapes of unreserved characters, then escape what is neither safe nor already escaped. */
export function requoteUri(uri: string): string {
  try {
    return quote(unquoteUnreserved(uri), "!#$%&'()*+,/:;=?@[]~");
  } catch {
    return quote(uri, "!#$&'()*+,/:;=?@[]~");
  }
}

function unquoteUnreserved(uri: string): string {
  const parts = uri.split('%');
  for (let i = 1; i < parts.length; i++) {
    const h = parts[i].slice(0, 2);
    if (/^[A-Za-z0-9]{2}$/.test(h)) {
      if (!/^[0-9A-Fa-f]{2}$/.test(h)) throw new Error(`Invalid percent-escape sequence: '${h}'`);
      const c = String.fromCharCode(parseInt(h, 16));
      parts[i] = UNRESERVED.test(c) ? c + parts[i].slice(2) : `%${parts[i]}`;
    } else parts[i] = `%${parts[i]}`;
  }
  return parts.join('');
}

function quote(s: string, safe: string): string {
  let out = '';
  for (const ch of s) {
    if (UNRESERVED.test(ch) || (ch.length === 1 && safe.includes(ch))) out += ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** `json.dumps(v)` with Python's defaults: `", "` and `": "` separators, ASCII only, Python number forms. */
export function pyJsonDumps(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (v === true) return 'true';
  if (v === false) return 'false';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new ChaosError('Out of range float values are not JSON compliant');
    return pythonStr(v);
  }
  if (typeof v === 'string') return jsonString(v);
  if (Array.isArray(v)) return `[${v.map(pyJsonDumps).join(', ')}]`;
  return `{${Object.entries(v as object)
    .map(([k, x]) => `${jsonString(k)}: ${pyJsonDumps(x)}`)
    .join(', ')}}`;
}

const JSON_SHORT: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

function jsonString(s: string): string {
  // Each UTF-16 unit outside printable ASCII becomes \uXXXX (lower-case hex), so astral characters give surrogate pairs.
  return `"${s.replace(/[\\"]|[^ -~]/g, (c) => JSON_SHORT[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}

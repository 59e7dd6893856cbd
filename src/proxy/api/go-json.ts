// Go encoding/json behaviour for request bodies, so error bodies match Toxiproxy's byte for byte: json.Decoder reads
// the first JSON value only (trailing bytes are ignored), syntax errors carry the scanner's wording, and decoding
// into a struct matches keys case-insensitively, ignores unknown keys and null, and reports the first type mismatch.
import type { FieldKind } from '../toxics/registry.ts';

export class GoJsonError extends Error {}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

function quoteByte(b: number): string {
  if (b === 0x27) return "'\\''";
  if (b === 0x22) return "'\"'";
  const esc: Record<number, string> = { 7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v', 0x5c: '\\\\' };
  if (esc[b]) return `'${esc[b]}'`;
  if (b >= 0x20 && b < 0x7f) return `'${String.fromCharCode(b)}'`;
  return `'\\x${b.toString(16).padStart(2, '0')}'`;
}

/** Returns the end offset of the first JSON value in `buf`, or throws Go's Decoder error. */
function scanFirstValue(buf: Buffer): number {
  let i = 0;
  const eof = (): never => {
    throw new GoJsonError('unexpected EOF');
  };
  const bad = (context: string): never => {
    throw new GoJsonError(`invalid character ${quoteByte(buf[i]!)} ${context}`);
  };
  const ws = () => {
    while (i < buf.length && WS.has(buf[i]!)) i++;
  };
  const digits = () => {
    while (i < buf.length && buf[i]! >= 0x30 && buf[i]! <= 0x39) i++;
  };
  const string = () => {
    i++;
    for (;;) {
      if (i >= buf.length) eof();
      const c = buf[i]!;
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) bad('in string literal');
      if (c === 0x5c) {
        i++;
        if (i >= buf.length) eof();
        const e = buf[i]!;
        if (e === 0x75) {
          for (let k = 0; k < 4; k++) {
            i++;
            if (i >= buf.length) eof();
            if (!/[0-9a-fA-F]/.test(String.fromCharCode(buf[i]!))) bad('in \\u hexadecimal character escape');
          }
        } else if (!'"\\/bfnrt'.includes(String.fromCharCode(e))) bad('in string escape code');
      }
      i++;
    }
  };
  const number = () => {
    if (buf[i] === 0x2d) {
      i++;
      if (i >= buf.length) eof();
      if (!(buf[i]! >= 0x30 && buf[i]! <= 0x39)) bad('in numeric literal');
    }
    if (buf[i] === 0x30) i++;
    else digits();
    if (buf[i] === 0x2e) {
      i++;
      if (i >= buf.length) eof();
      if (!(buf[i]! >= 0x30 && buf[i]! <= 0x39)) bad('after decimal point in numeric literal');
      digits();
    }
    if (buf[i] === 0x65 || buf[i] === 0x45) {
      i++;
      if (buf[i] === 0x2b || buf[i] === 0x2d) i++;
      if (i >= buf.length) eof();
      if (!(buf[i]! >= 0x30 && buf[i]! <= 0x39)) bad('in exponent of numeric literal');
      digits();
    }
  };
  const literal = (word: string) => {
    for (let k = 1; k < word.length; k++) {
      i++;
      if (i >= buf.length) eof();
      if (buf[i] !== word.charCodeAt(k)) bad(`in literal ${word} (expecting '${word[k]}')`);
    }
    i++;
  };
  const value = (): void => {
    ws();
    if (i >= buf.length) eof();
    const c = buf[i]!;
    if (c === 0x7b) {
      i++;
      ws();
      if (i >= buf.length) eof();
      if (buf[i] === 0x7d) {
        i++;
        return;
      }
      for (;;) {
        if (buf[i] !== 0x22) bad('looking for beginning of object key string');
        string();
        ws();
        if (i >= buf.length) eof();
        if (buf[i] !== 0x3a) bad('after object key');
        i++;
        value();
        ws();
        if (i >= buf.length) eof();
        if (buf[i] === 0x7d) {
          i++;
          return;
        }
        if (buf[i] !== 0x2c) bad('after object key:value pair');
        i++;
        ws();
        if (i >= buf.length) eof();
      }
    } else if (c === 0x5b) {
      i++;
      ws();
      if (i >= buf.length) eof();
      if (buf[i] === 0x5d) {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (i >= buf.length) eof();
        if (buf[i] === 0x5d) {
          i++;
          return;
        }
        if (buf[i] !== 0x2c) bad('after array element');
        i++;
      }
    } else if (c === 0x22) string();
    else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) number();
    else if (c === 0x74) literal('true');
    else if (c === 0x66) literal('false');
    else if (c === 0x6e) literal('null');
    else bad('looking for beginning of value');
  };
  ws();
  if (i >= buf.length) throw new GoJsonError('EOF');
  value();
  return i;
}

/** json.NewDecoder(body).Decode(&v)'s parsing step. */
export function decodeFirst(body: Buffer): unknown {
  return JSON.parse(body.subarray(0, scanFirstValue(body)).toString('utf8'));
}

export function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  if (typeof v === 'boolean') return 'bool';
  return typeof v;
}

export interface GoField {
  json: string;
  kind: FieldKind;
}

export interface GoStruct {
  /** "Proxy", "ToxicWrapper", "LatencyToxic": the struct named in "Go struct field X.path" */
  name: string;
  fields: GoField[];
}

/** Finds the struct field a JSON key sets: exact name first, then case-insensitive, as encoding/json does. */
export function fieldFor(fields: GoField[], key: string): GoField | undefined {
  return fields.find((f) => f.json === key) ?? fields.find((f) => f.json.toLowerCase() === key.toLowerCase());
}

/** "json: cannot unmarshal <what> into Go struct field <Struct>.<path> of type <type>" */
export function typeError(what: string, structName: string, path: string, type: string): GoJsonError {
  return new GoJsonError(`json: cannot unmarshal ${what} into Go struct field ${structName}.${path} of type ${type}`);
}

/** Converts one JSON value for a Go field, or returns the "cannot unmarshal" subject (`string`, `number 1.5`). */
export function convertScalar(v: unknown, kind: FieldKind): { ok: true; value: unknown } | { ok: false; what: string } {
  const what = jsonKind(v);
  switch (kind) {
    case 'string':
      return typeof v === 'string' ? { ok: true, value: v } : { ok: false, what: what === 'string' ? 'string' : what };
    case 'bool':
      return typeof v === 'boolean' ? { ok: true, value: v } : { ok: false, what };
    case 'int64':
    case 'int':
      if (typeof v !== 'number') return { ok: false, what };
      if (!Number.isInteger(v) || Math.abs(v) > 9.223372036854776e18) return { ok: false, what: `number ${v}` };
      return { ok: true, value: v };
    case 'float32':
      if (typeof v !== 'number') return { ok: false, what };
      if (Math.abs(v) > 3.4028234663852886e38) return { ok: false, what: `number ${v}` };
      return { ok: true, value: v };
  }
}

/**
 * Decodes a JSON object into `target` like Go's Unmarshal into a struct: known fields are set (null leaves them),
 * unknown keys are ignored, and the first type mismatch is thrown after the whole object was applied.
 */
export function decodeStruct(value: Record<string, unknown>, struct: GoStruct, target: Record<string, unknown>, prefix = ''): void {
  let first: GoJsonError | null = null;
  for (const [key, v] of Object.entries(value)) {
    const field = fieldFor(struct.fields, key);
    if (!field || v === null) continue;
    const r = convertScalar(v, field.kind);
    if (r.ok) target[field.json] = r.value;
    else first ??= typeError(r.what, struct.name, prefix + field.json, field.kind);
  }
  if (first) throw first;
}

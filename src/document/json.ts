// JSON documents as Python's json module reads them. JSON.parse is the fast path; a small position-tracking
// parser runs only when something needs it: a location (source map) or a syntax error (message and line:col).
import type { ParsedDocument } from './index.ts';
import { DocumentSyntaxError, LineIndex, offsetAt, type SourceNode } from './source-map.ts';

export function parseJson(text: string, id: string): ParsedDocument {
  const lines = new LineIndex(text, id);
  let value: unknown;
  let tree: SourceNode | undefined;
  try {
    value = JSON.parse(text);
  } catch {
    // Python also accepts NaN and ±Infinity; anything else gets Python's message at Python's position
    try {
      ({ value, tree } = new JsonScanner(text).document());
    } catch (err) {
      if (!(err instanceof JsonSyntax)) throw err;
      throw new DocumentSyntaxError(err.message, lines.location(err.offset));
    }
  }
  return {
    value,
    format: 'json',
    warnings: [],
    locate: (path) => lines.location(offsetAt((tree ??= new JsonScanner(text).document().tree), path)),
  };
}

class JsonSyntax extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y;
const SPACE = /[ \t\n\r]*/y;
const STRING_RUN = /[^"\\\x00-\x1f]*/y;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const LITERALS: [string, unknown][] = [
  ['null', null],
  ['true', true],
  ['false', false],
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
];

/** Recursive descent with the checks, messages and error offsets of CPython 3.11's json scanner. */
class JsonScanner {
  private pos = 0;
  constructor(private readonly s: string) {}

  document(): { value: unknown; tree: SourceNode } {
    if (this.s.startsWith('\ufeff')) throw new JsonSyntax('Unexpected UTF-8 BOM (decode using utf-8-sig)', 0);
    this.space();
    const result = this.value();
    this.space();
    if (this.pos !== this.s.length) throw new JsonSyntax('Extra data', this.pos);
    return result;
  }

  private space(): void {
    SPACE.lastIndex = this.pos;
    SPACE.test(this.s);
    this.pos = SPACE.lastIndex;
  }

  private value(): { value: unknown; tree: SourceNode } {
    const start = this.pos;
    const c = this.s[start];
    if (c === '"') return { value: this.string(), tree: { offset: start } };
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    for (const [word, value] of LITERALS) {
      if (this.s.startsWith(word, start)) {
        this.pos += word.length;
        return { value, tree: { offset: start } };
      }
    }
    NUMBER.lastIndex = start;
    const m = NUMBER.exec(this.s);
    if (!m) throw new JsonSyntax('Expecting value', start);
    this.pos = NUMBER.lastIndex;
    return { value: Number(m[0]), tree: { offset: start } };
  }

  private object(): { value: unknown; tree: SourceNode } {
    const start = this.pos++;
    const value: Record<string, unknown> = {};
    const children = new Map<string, { at: number; node: SourceNode }>();
    this.space();
    if (this.s[this.pos] === '}') {
      this.pos++;
      return { value, tree: { offset: start, children } };
    }
    for (;;) {
      if (this.s[this.pos] !== '"') throw new JsonSyntax('Expecting property name enclosed in double quotes', this.pos);
      const key = this.string();
      this.space();
      if (this.s[this.pos] !== ':') throw new JsonSyntax("Expecting ':' delimiter", this.pos);
      this.pos++;
      this.space();
      const member = this.value();
      setOwn(value, key, member.value);
      children.set(key, { at: member.tree.offset, node: member.tree });
      this.space();
      const next = this.s[this.pos++];
      if (next === '}') return { value, tree: { offset: start, children } };
      if (next !== ',') throw new JsonSyntax("Expecting ',' delimiter", this.pos - 1);
      this.space();
    }
  }

  private array(): { value: unknown; tree: SourceNode } {
    const start = this.pos++;
    const value: unknown[] = [];
    const children = new Map<number, { at: number; node: SourceNode }>();
    this.space();
    if (this.s[this.pos] === ']') {
      this.pos++;
      return { value, tree: { offset: start, children } };
    }
    for (;;) {
      const item = this.value();
      children.set(value.length, { at: item.tree.offset, node: item.tree });
      value.push(item.value);
      this.space();
      const next = this.s[this.pos++];
      if (next === ']') return { value, tree: { offset: start, children } };
      if (next !== ',') throw new JsonSyntax("Expecting ',' delimiter", this.pos - 1);
      this.space();
    }
  }

  private string(): string {
    const begin = this.pos++;
    let out = '';
    for (;;) {
      STRING_RUN.lastIndex = this.pos;
      STRING_RUN.test(this.s);
      out += this.s.slice(this.pos, STRING_RUN.lastIndex);
      this.pos = STRING_RUN.lastIndex;
      const c = this.s[this.pos];
      if (c === undefined) throw new JsonSyntax('Unterminated string starting at', begin);
      if (c === '"') {
        this.pos++;
        return out;
      }
      if (c !== '\\') throw new JsonSyntax('Invalid control character at', this.pos);
      const esc = this.s[this.pos + 1];
      if (esc === undefined) throw new JsonSyntax('Unterminated string starting at', begin);
      if (esc === 'u') {
        const hex = this.s.slice(this.pos + 2, this.pos + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new JsonSyntax('Invalid \\uXXXX escape', this.pos + 1);
        out += String.fromCharCode(parseInt(hex, 16));
        this.pos += 6;
      } else {
        const ch = ESCAPES[esc];
        if (ch === undefined) throw new JsonSyntax('Invalid \\escape', this.pos);
        out += ch;
        this.pos += 2;
      }
    }
  }
}

/** obj[key] = value, also for "__proto__", which must stay an ordinary key as with JSON.parse. */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

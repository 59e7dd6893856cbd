// Python `re` patterns run on the JS regex engine. Regex tolerances are written for Python's re.search, whose
// syntax and meaning differ from JS: (?P<n>…), (?P=n), inline flags, \A, \Z, a literal `{`, a first `]` in a set,
// Unicode-aware \d \w \s \b, `$` before a final newline, `.` that only excludes \n. This translator parses the
// pattern as Python's re/_parser.py does (same errors for the same mistakes) and emits an equivalent JS pattern
// under the `v` flag; atomic groups and possessive quantifiers are emulated. Not supported (a ChaosError says so):
// \N{…} names, conditional groups (?(1)…), and a scoped (?i:…) / (?-i:…) that differs from the global case
// flag. Python's fixed-width rule for look-behinds is not checked (JS accepts any width).
import { ChaosError } from '../errors.ts';

/** A pattern Python rejects, or one we cannot translate; `reason` is Python's wording where there is one. */
export class RegexPatternError extends ChaosError {
  override name = 'RegexPatternError';
  constructor(
    readonly pattern: string,
    readonly reason: string,
  ) {
    super(`regex pattern ${pattern} ${reason.startsWith('uses ') ? reason : `is invalid: ${reason}`}`);
  }
}

/** `re.compile(pattern)`, as a JS RegExp whose `.test(s)` is `re.search(pattern, s) is not None`. */
export function compilePythonRegex(pattern: string): RegExp {
  const { source, flags } = translatePythonRegex(pattern);
  try {
    return new RegExp(source, flags);
  } catch (e) {
    throw new RegexPatternError(pattern, `uses a construct the JS engine rejects (${(e as Error).message})`);
  }
}

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
  x: boolean;
  a: boolean;
}

const PY_WHITESPACE = ' \t\n\r\v\f';
const ASCII_LETTER = /^[A-Za-z]$/;
const DIGIT = /^[0-9]$/;
const OCT = /^[0-7]$/;
const HEX = /^[0-9A-Fa-f]$/;
const IDENTIFIER = /^[\p{ID_Start}_][\p{ID_Continue}]*$/u;
const FLAG_CHARS = 'aiLmsux';

// \w and \s as Python sees them in a str pattern (str.isalnum() or _, str.isspace()), or with the ASCII flag
const WORD = { unicode: '\\p{L}\\p{N}_', ascii: 'a-zA-Z0-9_' };
const SPACE = {
  unicode: '\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000',
  ascii: '\\t-\\r\\x20',
};

type Item = 'none' | 'anchor' | 'atom' | 'repeat';

/** Python pattern → JS source and flags (`v`, plus `i` when the pattern is globally case-insensitive). */
export function translatePythonRegex(pattern: string): { source: string; flags: string } {
  return new Translator(pattern).run();
}

class Translator {
  private pos = 0;
  /** groups opened so far, and those still open (a backreference to an open group is an error) */
  private groups = 0;
  private readonly open = new Set<number>();
  private readonly names = new Map<string, number>();
  /**
   * Every JS group is named (`$3` for Python's unnamed group 3; `$` is not valid in a Python name), so that the
   * helper groups of the atomic emulation do not shift the numbers backreferences use.
   */
  private readonly jsNames: string[] = [];
  private atomics = 0;
  private ignoreCase = false;

  constructor(private readonly p: string) {}

  run(): { source: string; flags: string } {
    const flags: Flags = { i: false, m: false, s: false, x: false, a: false };
    const source = this.alternation(flags, true);
    if (this.pos < this.p.length) this.fail('unbalanced parenthesis');
    return { source, flags: this.ignoreCase ? 'vi' : 'v' };
  }

  private fail(reason: string, at = this.pos): never {
    throw new RegexPatternError(this.p, `${reason} at position ${at}`);
  }

  private unsupported(what: string): never {
    throw new RegexPatternError(this.p, `uses ${what}, which Turbulence's regex engine does not support`);
  }

  private peek(offset = 0): string | undefined {
    return this.p[this.pos + offset];
  }

  /** One code point (a surrogate pair stays whole). */
  private next(): string | undefined {
    const cp = this.p.codePointAt(this.pos);
    if (cp === undefined) return undefined;
    const ch = String.fromCodePoint(cp);
    this.pos += ch.length;
    return ch;
  }

  private match(s: string): boolean {
    if (this.p.startsWith(s, this.pos)) {
      this.pos += s.length;
      return true;
    }
    return false;
  }

  /** Branches separated by `|`, up to a `)` or the end. */
  private alternation(flags: Flags, top = false): string {
    const branches = [this.sequence(flags, top)];
    while (this.match('|')) branches.push(this.sequence(flags, false));
    return branches.join('|');
  }

  private sequence(flags: Flags, first: boolean): string {
    let out = '';
    let last: Item = 'none';
    let lastStart = 0;
    for (;;) {
      const ch = this.peek();
      if (ch === undefined || ch === '|' || ch === ')') return out;
      const start = this.pos;
      this.next();
      if (flags.x && PY_WHITESPACE.includes(ch)) continue;
      if (flags.x && ch === '#') {
        while (this.pos < this.p.length && this.next() !== '\n');
        continue;
      }
      if ('*+?{'.includes(ch)) {
        const q = this.quantifier(ch, start);
        if (q === null) {
          out += '\\{';
          last = 'atom';
          lastStart = out.length - 2;
          continue;
        }
        if (last === 'none' || last === 'anchor') this.fail('nothing to repeat', start);
        if (last === 'repeat') this.fail('multiple repeat', start);
        const repeated = `(?:${out.slice(lastStart)})${q}`;
        if (this.match('?')) out = out.slice(0, lastStart) + repeated + '?';
        else if (this.match('+')) out = out.slice(0, lastStart) + this.atomic(repeated);
        else out = out.slice(0, lastStart) + repeated;
        last = 'repeat';
        continue;
      }
      let piece: string;
      let kind: Item = 'atom';
      if (ch === '\\') {
        [piece, kind] = this.escape(flags);
      } else if (ch === '[') {
        piece = this.set(flags, start);
      } else if (ch === '(') {
        const group = this.group(flags, first && out === '' && last === 'none', start);
        if (group === null) continue; // a comment or global flags: no item
        piece = group;
      } else if (ch === '.') {
        piece = flags.s ? '[\\s\\S]' : '[^\\n]';
      } else if (ch === '^') {
        piece = flags.m ? '(?<![^\\n])' : '(?<![\\s\\S])';
        kind = 'anchor';
      } else if (ch === '$') {
        piece = flags.m ? '(?![^\\n])' : '(?=\\n?(?![\\s\\S]))';
        kind = 'anchor';
      } else {
        piece = literal(ch.codePointAt(0)!);
      }
      lastStart = out.length;
      out += piece;
      last = kind;
    }
  }

  /** `*`, `+`, `?` or a valid `{m,n}`; null when `{` is a literal, as Python decides. */
  private quantifier(ch: string, start: number): string | null {
    if (ch !== '{') return ch;
    if (this.peek() === '}') return null;
    const here = this.pos;
    let lo = '';
    let hi = '';
    while (DIGIT.test(this.peek() ?? '')) lo += this.next();
    if (this.match(',')) {
      while (DIGIT.test(this.peek() ?? '')) hi += this.next();
    } else hi = lo;
    if (!this.match('}')) {
      this.pos = here;
      return null;
    }
    if (hi !== '' && Number(hi) < Number(lo || '0')) this.fail('min repeat greater than max repeat', start + 1);
    return `{${lo === '' ? 0 : Number(lo)},${hi === '' ? '' : Number(hi)}}`;
  }

  /** After `\` outside a set. */
  private escape(flags: Flags): [string, Item] {
    const at = this.pos - 1;
    const c = this.next();
    if (c === undefined) this.fail('bad escape (end of pattern)', at);
    const w = flags.a ? WORD.ascii : WORD.unicode;
    const s = flags.a ? SPACE.ascii : SPACE.unicode;
    switch (c) {
      case 'A':
        return ['(?<![\\s\\S])', 'anchor'];
      case 'Z':
        return ['(?![\\s\\S])', 'anchor'];
      case 'b':
        // Python finds no boundary in an empty string
        return [`(?:(?<=[${w}])(?![${w}])|(?<![${w}])(?=[${w}]))`, 'anchor'];
      case 'B':
        return [`(?:(?<=[${w}])(?=[${w}])|(?<![${w}])(?![${w}])(?:(?<=[\\s\\S])|(?=[\\s\\S])))`, 'anchor'];
      case 'd':
        return [flags.a ? '[0-9]' : '\\p{Nd}', 'atom'];
      case 'D':
        return [flags.a ? '[^0-9]' : '\\P{Nd}', 'atom'];
      case 'w':
        return [`[${w}]`, 'atom'];
      case 'W':
        return [`[^${w}]`, 'atom'];
      case 's':
        return [`[${s}]`, 'atom'];
      case 'S':
        return [`[^${s}]`, 'atom'];
    }
    if (c === '0') {
      let digits = '';
      while (digits.length < 2 && OCT.test(this.peek() ?? '')) digits += this.next();
      return [literal(parseInt(digits || '0', 8)), 'atom'];
    }
    if (DIGIT.test(c)) {
      let ref = c;
      if (DIGIT.test(this.peek() ?? '')) {
        ref += this.next();
        if (OCT.test(ref[0]!) && OCT.test(ref[1]!) && OCT.test(this.peek() ?? '')) {
          const code = parseInt(ref + this.next(), 8);
          if (code > 0o377) this.fail(`octal escape value \\${ref}${this.p[this.pos - 1]} outside of range 0-0o377`, at);
          return [literal(code), 'atom'];
        }
      }
      const group = Number(ref);
      if (group > this.groups) this.fail(`invalid group reference ${group}`, at + 1);
      if (this.open.has(group)) this.fail('cannot refer to an open group', at);
      return [`\\k<${this.jsNames[group]}>`, 'atom'];
    }
    return [literal(this.commonEscape(c, at)), 'atom'];
  }

  /** Escapes that mean one character, in or out of a set. */
  private commonEscape(c: string, at: number): number {
    const simple: Record<string, number> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92 };
    if (c in simple) return simple[c]!;
    if (c === 'x' || c === 'u' || c === 'U') {
      const width = c === 'x' ? 2 : c === 'u' ? 4 : 8;
      let digits = '';
      while (digits.length < width && HEX.test(this.peek() ?? '')) digits += this.next();
      if (digits.length !== width) this.fail(`incomplete escape \\${c}${digits}`, at);
      const code = parseInt(digits, 16);
      if (code > 0x10ffff) this.fail(`bad escape \\${c}${digits}`, at);
      return code;
    }
    if (c === 'N') this.unsupported('a named character escape \\N{...}');
    if (ASCII_LETTER.test(c)) this.fail(`bad escape \\${c}`, at);
    return c.codePointAt(0)!;
  }

  /** After `[`: a Python set, emitted as a JS `v`-mode class. */
  private set(flags: Flags, start: number): string {
    const negate = this.match('^');
    const items: string[] = [];
    for (;;) {
      const itemStart = this.pos;
      const ch = this.next();
      if (ch === undefined) this.fail('unterminated character set', start);
      if (ch === ']' && items.length > 0) break;
      const first = ch === '\\' ? this.setEscape(flags) : ch.codePointAt(0)!;
      if (this.match('-')) {
        const that = this.next();
        if (that === undefined) this.fail('unterminated character set', start);
        if (that === ']') {
          items.push(typeof first === 'number' ? literal(first) : first, literal(0x2d));
          break;
        }
        const second = that === '\\' ? this.setEscape(flags) : that.codePointAt(0)!;
        if (typeof first !== 'number' || typeof second !== 'number' || second < first) {
          this.fail(`bad character range ${this.p.slice(itemStart, this.pos)}`, itemStart);
        }
        items.push(`${literal(first)}-${literal(second)}`);
      } else {
        items.push(typeof first === 'number' ? literal(first) : first);
      }
    }
    return `[${negate ? '^' : ''}${items.join('')}]`;
  }

  /** After `\` in a set: a code point, or a class (already in JS class syntax). */
  private setEscape(flags: Flags): number | string {
    const at = this.pos - 1;
    const c = this.next();
    if (c === undefined) this.fail('unterminated character set', at);
    const w = flags.a ? WORD.ascii : WORD.unicode;
    const s = flags.a ? SPACE.ascii : SPACE.unicode;
    switch (c) {
      case 'b':
        return 8;
      case 'd':
        return flags.a ? '0-9' : '\\p{Nd}';
      case 'D':
        return flags.a ? '[^0-9]' : '\\P{Nd}';
      case 'w':
        return w;
      case 'W':
        return `[^${w}]`;
      case 's':
        return s;
      case 'S':
        return `[^${s}]`;
    }
    if (OCT.test(c)) {
      let digits = c;
      while (digits.length < 3 && OCT.test(this.peek() ?? '')) digits += this.next();
      const code = parseInt(digits, 8);
      if (code > 0o377) this.fail(`octal escape value \\${digits} outside of range 0-0o377`, at);
      return code;
    }
    if (DIGIT.test(c)) this.fail(`bad escape \\${c}`, at);
    return this.commonEscape(c, at);
  }

  /**
   * After `(`: the group as a JS atom, or null for a comment or global flags (which update `flags`, the
   * pattern-wide flags, since they may only appear at its start).
   */
  private group(flags: Flags, atStart: boolean, start: number): string | null {
    if (!this.match('?')) return this.capture(flags, null, start);
    const c = this.next();
    if (c === undefined) this.fail('unexpected end of pattern');
    if (c === 'P') {
      if (this.match('<')) {
        const name = this.groupName('>');
        return this.capture(flags, name, start);
      }
      if (this.match('=')) {
        const at = this.pos;
        const name = this.groupName(')');
        const id = this.names.get(name);
        if (id === undefined) this.fail(`unknown group name '${name}'`, at);
        if (this.open.has(id)) this.fail('cannot refer to an open group', at);
        return `\\k<${name}>`;
      }
      const d = this.next();
      if (d === undefined) this.fail('unexpected end of pattern');
      this.fail(`unknown extension ?P${d}`, start + 1);
    }
    if (c === ':') return `(?:${this.body(flags, start)})`;
    if (c === '#') {
      for (;;) {
        if (this.pos >= this.p.length) this.fail('missing ), unterminated comment', start);
        if (this.next() === ')') return null;
      }
    }
    // wrapped so that a quantifier may follow, as Python allows
    if (c === '=' || c === '!') return `(?:(?${c}${this.body(flags, start)}))`;
    if (c === '<') {
      const d = this.next();
      if (d === undefined) this.fail('unexpected end of pattern');
      if (d !== '=' && d !== '!') this.fail(`unknown extension ?<${d}`, start + 1);
      return `(?:(?<${d}${this.body(flags, start)}))`;
    }
    if (c === '(') this.unsupported('a conditional group (?(...)...)');
    if (c === '>') return this.atomic(this.body(flags, start));
    if (FLAG_CHARS.includes(c) || c === '-') {
      const { on, off, global } = this.inlineFlags(c);
      if (global) {
        if (!atStart) this.fail('global flags not at the start of the expression', start);
        setFlags(flags, on, '');
        if (flags.i) this.ignoreCase = true;
        return null;
      }
      const inner = setFlags({ ...flags }, on, off);
      if (inner.i !== this.ignoreCase) this.unsupported('a scoped case-insensitivity flag (?i:...) or (?-i:...)');
      return `(?:${this.body(inner, start)})`;
    }
    this.fail(`unknown extension ?${c}`, start + 1);
  }

  /** `(?aiLmsux)` (global) or `(?aiLmsux-imsx:` (scoped), after `(?`: the letters turned on and off. */
  private inlineFlags(c: string): { on: string; off: string; global: boolean } {
    let on = '';
    let off = '';
    let ch: string | undefined = c;
    if (ch !== '-') {
      for (;;) {
        if (ch === 'L') this.fail("bad inline flags: cannot use 'L' flag with a str pattern");
        on += ch;
        if (['a', 'u', 'L'].filter((f) => on.includes(f)).length > 1) {
          this.fail("bad inline flags: flags 'a', 'u' and 'L' are incompatible");
        }
        ch = this.next();
        if (ch === undefined) this.fail('missing -, : or )');
        if (')-:'.includes(ch)) break;
        if (!FLAG_CHARS.includes(ch)) this.fail(/\p{L}/u.test(ch) ? 'unknown flag' : 'missing -, : or )', this.pos - ch.length);
      }
    }
    if (ch === ')') return { on, off, global: true };
    if (ch === '-') {
      ch = this.next();
      if (ch === undefined) this.fail('missing flag');
      if (!FLAG_CHARS.includes(ch)) this.fail(/\p{L}/u.test(ch) ? 'unknown flag' : 'missing flag', this.pos - ch.length);
      for (;;) {
        if ('auL'.includes(ch)) this.fail("bad inline flags: cannot turn off flags 'a', 'u' and 'L'");
        off += ch;
        ch = this.next();
        if (ch === undefined) this.fail('missing :');
        if (ch === ':') break;
        if (!FLAG_CHARS.includes(ch)) this.fail(/\p{L}/u.test(ch) ? 'unknown flag' : 'missing :', this.pos - ch.length);
      }
    }
    if ([...on].some((f) => off.includes(f))) this.fail('bad inline flags: flag turned on and off', this.pos - 1);
    return { on, off, global: false };
  }

  /** JS has no atomic groups: `(?=(X))\1` matches X once and never backtracks into it. */
  private atomic(inner: string): string {
    const helper = `$a${++this.atomics}`;
    return `(?:(?=(?<${helper}>${inner}))\\k<${helper}>)`;
  }

  /** A capturing group's JS source. */
  private capture(flags: Flags, name: string | null, start: number): string {
    const id = ++this.groups;
    const jsName = name ?? `$${id}`;
    this.jsNames[id] = jsName;
    if (name !== null) this.names.set(name, id);
    this.open.add(id);
    const body = this.body(flags, start);
    this.open.delete(id);
    return `(?<${jsName}>${body})`;
  }

  /** A group's content and its closing `)`. */
  private body(flags: Flags, start: number): string {
    const inner = this.alternation(flags);
    if (!this.match(')')) this.fail('missing ), unterminated subpattern', start);
    return inner;
  }

  private groupName(terminator: string): string {
    const end = this.p.indexOf(terminator, this.pos);
    if (end < 0) this.fail(this.pos >= this.p.length ? 'missing group name' : `missing ${terminator}, unterminated name`);
    const at = this.pos;
    const name = this.p.slice(at, end);
    if (name === '') this.fail('missing group name', at);
    if (!IDENTIFIER.test(name)) this.fail(`bad character in group name '${name}'`, at);
    this.pos = end + 1;
    if (terminator === '>' && this.names.has(name)) {
      this.fail(`redefinition of group name '${name}' as group ${this.groups + 1}; was group ${this.names.get(name)}`, at);
    }
    return name;
  }
}

function setFlags(flags: Flags, on: string, off: string): Flags {
  for (const f of 'imsxa') {
    if (on.includes(f)) flags[f as keyof Flags] = true;
    if (off.includes(f)) flags[f as keyof Flags] = false;
  }
  if (on.includes('u')) flags.a = false;
  return flags;
}

/** One code point as a JS pattern atom valid in and out of a `v`-mode class. */
function literal(cp: number): string {
  const ch = String.fromCodePoint(cp);
  return /^[A-Za-z0-9]$/.test(ch) ? ch : `\\u{${cp.toString(16)}}`;
}

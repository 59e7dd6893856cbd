// JSONPath in the jsonpath2 (0.4.x) dialect, the one the reference's jsonpath tolerances use. Its grammar and
// meaning differ from Goessner JSONPath and jsonpath-plus, so this is a parser and evaluator of its own:
// - a filter `[?(…)]` tests the current node itself, so `$.items[*][?(@.kind = "b")]` filters items while
//   `$.items[?(@.kind = "b")]` tests the array (and matches nothing);
// - equality is `=`; `and` binds looser than `or`, i.e. `a or b and c` is `(a or b) and c`;
// - a comparison of two paths compares the first left match against the right matches only (the reference
//   iterates one generator of right matches, which the first left value exhausts);
// - strings are double-quoted and kept raw (escapes are not decoded); names are [_A-Za-z][_A-Za-z0-9]* and the
//   words and/or/not/true/false/null are keywords, so `$.null` is invalid (use `$["null"]`);
// - `[@.x]` / `[$.x]` index with a matched int or string; callables charAt(i), entries(), keys(), length(),
//   substring(a[, b]), values(); slices follow the reference's index arithmetic (`[-1:-5:-1]` can wrap).
// Object members come in JS key order, which puts integer-like keys first: Python keeps insertion order.
import { ChaosError } from '../errors.ts';
import { isPlainObject, pythonTruthy } from './values.ts';
import { pyCompare, pyEquals, type CompareOp } from './compare.ts';

/** A path the reference's parser rejects, or one that fails while matching (a zero slice step). */
export class JsonPathError extends ChaosError {
  override name = 'JsonPathError';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`JSON path ${path} is invalid: ${reason}`);
  }
}

type PathNode =
  | { t: 'root'; next: PathNode }
  | { t: 'current'; next: PathNode }
  | { t: 'terminal' }
  | { t: 'subscript'; subs: Subscript[]; next: PathNode }
  | { t: 'descent'; next: PathNode };

type CallName = 'charAt' | 'entries' | 'keys' | 'length' | 'substring' | 'values';

type Subscript =
  | { t: 'key'; key: string }
  | { t: 'index'; index: number }
  | { t: 'slice'; start: number | null; end: number | null; step: number | null }
  | { t: 'wildcard' }
  | { t: 'filter'; expr: Expr }
  | { t: 'node'; node: PathNode }
  | { t: 'call'; name: CallName; args: Operand[] };

/** A path, or a literal; `float` marks a literal number written with `.` or an exponent (Python float). */
type Operand = { t: 'path'; node: PathNode } | { t: 'value'; value: unknown; float: boolean };

type Expr =
  | { t: 'and' | 'or'; items: Expr[] }
  | { t: 'not'; expr: Expr }
  | { t: 'cmp'; op: '=' | '!=' | CompareOp; left: Operand; right: Operand }
  | { t: 'some'; operand: Operand };

export interface CompiledJsonPath {
  readonly source: string;
  readonly root: PathNode;
}

/** Parses a path as jsonpath2's Path.parse_str does; a JsonPathError for whatever it rejects. */
export function parseJsonPath(path: string): CompiledJsonPath {
  return { source: path, root: new Parser(path).parse() };
}

/** Every match of the path in the document, in jsonpath2's order. */
export function matchJsonPath(path: CompiledJsonPath | string, document: unknown): unknown[] {
  const compiled = typeof path === 'string' ? parseJsonPath(path) : path;
  return [...new Matcher(compiled.source).node(compiled.root, document, document)];
}

// ---------------------------------------------------------------------------------------------------------------
// Lexer: ANTLR picks the longest token, and the earliest rule on a tie (so `and` is a keyword, `android` a name).

type TokenType =
  | '@' | '..' | '$' | '.' | '*' | 'and' | '=' | '>=' | '>' | '<=' | '<' | '!=' | 'not' | 'or'
  | 'true' | 'false' | 'null' | '{' | '}' | '[' | ']' | ':' | ',' | '(' | ')' | '?'
  | 'ID' | 'STRING' | 'NUMBER' | 'EOF';

interface Token {
  type: TokenType;
  text: string;
  pos: number;
}

const LITERALS: TokenType[] = [
  '@', '..', '$', '.', '*', 'and', '=', '>=', '>', '<=', '<', '!=', 'not', 'or',
  'true', 'false', 'null', '{', '}', '[', ']', ':', ',', '(', ')', '?',
];
const ID = /[_A-Za-z][_A-Za-z0-9]*/y;
const STRING = /"(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})|[^"\\\u0000-\u001f])*"/y;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[Ee][+-]?(?:0|[1-9][0-9]*))?/y;
const WS = /[ \t\n\r]+/y;

function tokenize(path: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  const at = (re: RegExp) => {
    re.lastIndex = pos;
    return re.exec(path)?.[0] ?? '';
  };
  while (pos < path.length) {
    const ws = at(WS);
    if (ws) {
      pos += ws.length;
      continue;
    }
    let best: Token | null = null;
    for (const lit of LITERALS) {
      if (path.startsWith(lit, pos) && (!best || lit.length > best.text.length)) best = { type: lit, text: lit, pos };
    }
    for (const [type, re] of [['ID', ID], ['STRING', STRING], ['NUMBER', NUMBER]] as const) {
      const text = at(re);
      if (text && (!best || text.length > best.text.length)) best = { type, text, pos };
    }
    if (!best) throw new JsonPathError(path, `unexpected character ${JSON.stringify(path[pos])} at column ${pos + 1}`);
    tokens.push(best);
    pos += best.text.length;
  }
  tokens.push({ type: 'EOF', text: '', pos });
  return tokens;
}

// ---------------------------------------------------------------------------------------------------------------
// Parser: recursive descent over jsonpath2's ANTLR grammar (JSONPath.g4), building what its listener builds.

const CALLABLES = new Set<string>(['charAt', 'entries', 'keys', 'length', 'substring', 'values']);
const COMPARISONS = new Set<TokenType>(['=', '!=', '<', '<=', '>', '>=']);
const VALUE_START = new Set<TokenType>(['STRING', 'NUMBER', '{', '[', 'true', 'false', 'null']);

class Parser {
  private readonly tokens: Token[];
  private i = 0;

  constructor(private readonly path: string) {
    this.tokens = tokenize(path);
  }

  parse(): PathNode {
    this.expect('$', 'the path must start with $');
    const node: PathNode = { t: 'root', next: this.subscript() };
    this.expect('EOF', 'end of path expected');
    return node;
  }

  private peek(): Token {
    return this.tokens[this.i]!;
  }

  private take(): Token {
    return this.tokens[this.i++]!;
  }

  private accept(type: TokenType): boolean {
    if (this.peek().type !== type) return false;
    this.i++;
    return true;
  }

  private expect(type: TokenType, what: string): Token {
    if (this.peek().type !== type) this.fail(what);
    return this.take();
  }

  private fail(what: string, token = this.peek()): never {
    const found = token.type === 'EOF' ? 'end of path' : JSON.stringify(token.text);
    throw new JsonPathError(this.path, `unexpected ${found} at column ${token.pos + 1} (${what})`);
  }

  /** `subscript?`: a chain of `..x`, `.x` and `[…]`, ending in the terminal node. */
  private subscript(): PathNode {
    const type = this.peek().type;
    if (type === '..') {
      this.take();
      const subs = this.peek().type === '[' ? this.subscriptables() : [this.bareword()];
      return { t: 'descent', next: { t: 'subscript', subs, next: this.subscript() } };
    }
    if (type === '.') {
      this.take();
      const subs = [this.bareword()];
      return { t: 'subscript', subs, next: this.subscript() };
    }
    if (type === '[') {
      const subs = this.subscriptables();
      return { t: 'subscript', subs, next: this.subscript() };
    }
    return { t: 'terminal' };
  }

  private bareword(): Subscript {
    const token = this.take();
    if (token.type === '*') return { t: 'wildcard' };
    if (token.type !== 'ID') this.fail('a name or * expected', token);
    if (this.peek().type === '(') return this.callable(token);
    return { t: 'key', key: token.text };
  }

  private callable(name: Token): Subscript {
    if (!CALLABLES.has(name.text)) throw new JsonPathError(this.path, `callable subscript '${name.text}' not found`);
    this.expect('(', '( expected');
    const args: Operand[] = [];
    if (!this.accept(')')) {
      do args.push(this.operand());
      while (this.accept(','));
      this.expect(')', ', or ) expected');
    }
    return { t: 'call', name: name.text as CallName, args };
  }

  private subscriptables(): Subscript[] {
    this.expect('[', '[ expected');
    const subs = [this.subscriptable()];
    while (this.accept(',')) subs.push(this.subscriptable());
    this.expect(']', ', or ] expected');
    return subs;
  }

  private subscriptable(): Subscript {
    const token = this.peek();
    switch (token.type) {
      case 'STRING':
        this.take();
        return { t: 'key', key: token.text.slice(1, -1) };
      case 'NUMBER': {
        const start = this.integer();
        return this.peek().type === ':' ? this.slice(start) : { t: 'index', index: start };
      }
      case ':':
        return this.slice(null);
      case '*':
        this.take();
        return { t: 'wildcard' };
      case '?': {
        this.take();
        this.expect('(', '( expected after ?');
        const expr = this.expression();
        this.expect(')', ') expected');
        return { t: 'filter', expr };
      }
      case '$':
      case '@':
        return { t: 'node', node: this.node() };
      case 'ID':
        this.take();
        if (this.peek().type !== '(') this.fail('( expected: a bare name is not a subscript inside [ ]');
        return this.callable(token);
      default:
        this.fail('a subscript expected');
    }
  }

  /** A NUMBER where the grammar wants an int (`{self.tryCast(int)}?`). */
  private integer(): number {
    const token = this.take();
    if (/[.eE]/.test(token.text)) this.fail('an integer expected', token);
    return Number(token.text);
  }

  private slice(start: number | null): Subscript {
    this.expect(':', ': expected');
    let end: number | null = null;
    let step: number | null = null;
    if (this.peek().type === 'NUMBER') end = this.integer();
    if (this.accept(':') && this.peek().type === 'NUMBER') step = this.integer();
    return { t: 'slice', start, end, step };
  }

  /** `jsonpath_`: `$` or `@` and its subscripts. */
  private node(): PathNode {
    const token = this.take();
    const next = this.subscript();
    return token.type === '$' ? { t: 'root', next } : { t: 'current', next };
  }

  /** `jsonpath__`: a path or a JSON value. */
  private operand(): Operand {
    const type = this.peek().type;
    if (type === '$' || type === '@') return { t: 'path', node: this.node() };
    if (VALUE_START.has(type)) {
      const float = type === 'NUMBER' && /[.eE]/.test(this.peek().text);
      return { t: 'value', value: this.value(), float };
    }
    this.fail('a path or a value expected');
  }

  private expression(): Expr {
    // andExpression: orExpression ('and' andExpression)?
    const items = [this.orExpression()];
    while (this.accept('and')) items.push(this.orExpression());
    return items.length === 1 ? items[0]! : { t: 'and', items };
  }

  private orExpression(): Expr {
    const items = [this.notExpression()];
    while (this.accept('or')) items.push(this.notExpression());
    return items.length === 1 ? items[0]! : { t: 'or', items };
  }

  private notExpression(): Expr {
    if (this.accept('not')) return { t: 'not', expr: this.notExpression() };
    if (this.accept('(')) {
      const expr = this.expression();
      this.expect(')', ') expected');
      return expr;
    }
    const left = this.operand();
    const op = this.peek().type;
    if (!COMPARISONS.has(op)) return { t: 'some', operand: left };
    this.take();
    return { t: 'cmp', op: op as '=' | '!=' | CompareOp, left, right: this.operand() };
  }

  private value(): unknown {
    const token = this.take();
    switch (token.type) {
      case 'STRING':
        return token.text.slice(1, -1);
      case 'NUMBER':
        return Number(token.text);
      case 'true':
        return true;
      case 'false':
        return false;
      case 'null':
        return null;
      case '[': {
        const items: unknown[] = [];
        if (this.accept(']')) return items;
        do items.push(this.value());
        while (this.accept(','));
        this.expect(']', ', or ] expected');
        return items;
      }
      case '{': {
        const obj: Record<string, unknown> = {};
        if (this.accept('}')) return obj;
        do {
          const key = this.expect('STRING', 'a "key" expected').text.slice(1, -1);
          this.expect(':', ': expected');
          obj[key] = this.value();
        } while (this.accept(','));
        this.expect('}', ', or } expected');
        return obj;
      }
      default:
        this.fail('a value expected', token);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Matcher: lazy, like jsonpath2's generators, so a failure (a zero slice step) surfaces exactly where it would.

type Arg = { value: unknown; float: boolean };

class Matcher {
  constructor(private readonly path: string) {}

  *node(node: PathNode, root: unknown, current: unknown): Generator<unknown> {
    switch (node.t) {
      case 'root':
        return yield* this.node(node.next, root, root);
      case 'current':
        return yield* this.node(node.next, root, current);
      case 'terminal':
        return yield current;
      case 'subscript':
        for (const sub of node.subs) {
          for (const v of this.subscript(sub, root, current)) yield* this.node(node.next, root, v);
        }
        return;
      case 'descent':
        // depth first: this level, then each child's
        yield* this.node(node.next, root, current);
        for (const child of children(current)) yield* this.node(node, root, child);
        return;
    }
  }

  private *subscript(sub: Subscript, root: unknown, current: unknown): Generator<unknown> {
    switch (sub.t) {
      case 'key':
        if (isPlainObject(current) && Object.hasOwn(current, sub.key)) yield current[sub.key];
        return;
      case 'index':
        return yield* arrayIndex(current, sub.index);
      case 'slice':
        return yield* this.slice(sub, current);
      case 'wildcard':
        return yield* children(current);
      case 'filter':
        if (this.test(sub.expr, root, current)) yield current;
        return;
      case 'node':
        for (const v of this.node(sub.node, root, current)) {
          const index = pyInt(v, false);
          if (index !== null) yield* arrayIndex(current, index);
          else if (typeof v === 'string' && isPlainObject(current) && Object.hasOwn(current, v)) yield current[v];
        }
        return;
      case 'call': {
        // the reference materialises every argument's matches, then calls once per combination
        const choices = sub.args.map((a): Arg[] => {
          if (a.t === 'value') return [{ value: a.value, float: a.float }];
          return [...this.node(a.node, root, current)].map((value) => ({ value, float: false }));
        });
        for (const args of product(choices)) yield* call(sub.name, args, current);
        return;
      }
    }
  }

  private *slice(sub: Extract<Subscript, { t: 'slice' }>, current: unknown): Generator<unknown> {
    if (!Array.isArray(current)) return;
    const len = current.length;
    const step = sub.step ?? 1;
    if (step === 0) throw new JsonPathError(this.path, 'a slice step cannot be zero (range() arg 3 must not be zero)');
    // jsonpath2's arithmetic: a negative start counts from the end (at least 0), a negative end only adds len;
    // each index then goes through the array-index rule, where a negative index wraps once more
    let start = sub.start ?? 0;
    if (start < 0) start += Math.abs(start) < len ? len : Math.abs(start);
    const end = sub.end === null ? len : sub.end < 0 ? sub.end + len : sub.end;
    // only indexes in [-len, len) can match: skip the rest of a huge range instead of walking it
    if (step > 0) {
      let i = start < -len ? start + Math.ceil((-len - start) / step) * step : start;
      for (; i < end && i < len; i += step) yield* arrayIndex(current, i);
    } else {
      let i = start >= len ? start - Math.ceil((start - len + 1) / -step) * -step : start;
      for (; i > end && i >= -len; i += step) yield* arrayIndex(current, i);
    }
  }

  private test(expr: Expr, root: unknown, current: unknown): boolean {
    switch (expr.t) {
      case 'and':
        return expr.items.every((e) => this.test(e, root, current));
      case 'or':
        return expr.items.some((e) => this.test(e, root, current));
      case 'not':
        return !this.test(expr.expr, root, current);
      case 'some':
        if (expr.operand.t === 'value') return pythonTruthy(expr.operand.value);
        return !this.node(expr.operand.node, root, current).next().done;
      case 'cmp': {
        const left = this.values(expr.left, root, current);
        // one iterator for all left values, as in the reference (so only the first left value sees any)
        const right = this.values(expr.right, root, current);
        for (const l of left) {
          for (const r of right) if (compare(expr.op, l, r)) return true;
        }
        return false;
      }
    }
  }

  private values(operand: Operand, root: unknown, current: unknown): Iterable<unknown> {
    return operand.t === 'value' ? [operand.value] : this.node(operand.node, root, current);
  }
}

function compare(op: '=' | '!=' | CompareOp, l: unknown, r: unknown): boolean {
  if (op === '=') return pyEquals(l, r);
  if (op === '!=') return !pyEquals(l, r);
  // jsonpath2 orders numbers (bools included) only; anything else is false
  const numeric = (v: unknown) => typeof v === 'number' || typeof v === 'boolean';
  return numeric(l) && numeric(r) && pyCompare(l, op, r);
}

function* children(v: unknown): Generator<unknown> {
  if (Array.isArray(v)) yield* v;
  else if (isPlainObject(v)) yield* Object.values(v);
}

function* arrayIndex(v: unknown, index: number): Generator<unknown> {
  if (!Array.isArray(v)) return;
  const i = index < 0 ? index + v.length : index;
  if (i >= 0 && i < v.length) yield v[i];
}

/** The value as a Python int (bools are ints), or null. */
function pyInt(v: unknown, float: boolean): number | null {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number' && Number.isInteger(v) && !float) return v;
  return null;
}

function* product(choices: Arg[][]): Generator<Arg[]> {
  if (choices.length === 0) return yield [];
  const [first, ...rest] = choices;
  for (const head of first!) for (const tail of product(rest)) yield [head, ...tail];
}

/** Python's s[a:b] on code points. */
function pySlice<T>(items: T[], a: number, b: number): T[] {
  const norm = (i: number) => Math.min(Math.max(i < 0 ? i + items.length : i, 0), items.length);
  return items.slice(norm(a), norm(b));
}

function* call(name: CallName, args: Arg[], current: unknown): Generator<unknown> {
  const ints = args.map((a) => pyInt(a.value, a.float));
  const noArgs = args.length === 0;
  switch (name) {
    case 'charAt':
      if (typeof current === 'string' && args.length === 1 && ints[0] !== null) {
        const chars = Array.from(current);
        const i = ints[0]! < 0 ? ints[0]! + chars.length : ints[0]!;
        if (i >= 0 && i < chars.length) yield chars[i];
      }
      return;
    case 'substring':
      if (typeof current === 'string' && (args.length === 1 || args.length === 2) && ints.every((i) => i !== null)) {
        const chars = Array.from(current);
        yield pySlice(chars, ints[0]!, args.length === 2 ? ints[1]! : chars.length).join('');
      }
      return;
    case 'length':
      if (noArgs && Array.isArray(current)) yield current.length;
      else if (noArgs && typeof current === 'string') yield Array.from(current).length;
      return;
    case 'entries':
      if (noArgs && isPlainObject(current)) yield Object.entries(current).map(([k, v]) => [k, v]);
      else if (noArgs && Array.isArray(current)) yield current.map((v, i) => [i, v]);
      return;
    case 'keys':
      if (noArgs && isPlainObject(current)) yield Object.keys(current);
      else if (noArgs && Array.isArray(current)) yield current.map((_, i) => i);
      return;
    case 'values':
      if (noArgs && isPlainObject(current)) yield Object.values(current);
      else if (noArgs && Array.isArray(current)) yield current;
      return;
  }
}

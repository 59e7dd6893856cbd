// YAML documents as PyYAML's safe_load reads them (the Chaos Toolkit's loader). The `yaml` package parses the
// syntax and keeps node positions; the values are built here with PyYAML's rules: YAML 1.1 scalars, merge keys,
// last duplicate key wins (reported as a warning), and any tag outside the safe set is an error, never ignored.
import type { Alias, Document, Node, ParsedNode, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { Problem } from '../errors.ts';
import type { JsonPath } from '../experiment/types.ts';
import type { ParsedDocument } from './index.ts';
import { setOwn } from './json.ts';
import { DocumentSyntaxError, LineIndex, offsetAt, type SourceChild, type SourceNode } from './source-map.ts';
import { constructScalar, keyIdentity, keyString, resolveImplicit, type ScalarTag } from './yaml-scalar.ts';

const TAG = 'tag:yaml.org,2002:';

export async function parseYaml(text: string, id: string): Promise<ParsedDocument> {
  // `.default`: yaml is CommonJS, which a code-split ESM bundle exposes only as the default export
  const yaml = ((await import('yaml')) as { default: YamlModule }).default;
  const lines = new LineIndex(text, id);
  // the failsafe schema keeps every scalar a string: resolution is PyYAML's, done below
  const doc = yaml.parseDocument(text, {
    version: '1.1',
    schema: 'failsafe',
    uniqueKeys: false,
    prettyErrors: false,
  });
  const first = doc.errors[0];
  if (first) {
    const detail =
      first.code === 'MULTIPLE_DOCS' ? 'expected a single document in the stream, but found another document' : first.message;
    throw new DocumentSyntaxError(detail, lines.location(first.pos[0]));
  }
  const tab = text.includes('\t') ? misplacedTab(yaml, text) : -1;
  if (tab >= 0) {
    const detail = "found character '\\t' that cannot start any token (PyYAML takes tabs only in quotes, block scalars and comments)";
    throw new DocumentSyntaxError(detail, lines.location(tab));
  }
  const builder = new Builder(doc, text, lines, yaml);
  const root = doc.contents as ParsedNode | null;
  const { value, tree } = root ? builder.build(root, []) : { value: null, tree: { offset: 0 } };
  return {
    value,
    format: 'yaml',
    warnings: builder.warnings,
    locate: (path: JsonPath) => lines.location(offsetAt(tree, path)),
  };
}

type YamlModule = typeof import('yaml');

/**
 * Offset of the first tab PyYAML's scanner rejects, or -1: it never skips tabs between tokens and ends plain scalars
 * at them, so tabs are only fine inside quotes, comments and block scalar content past its indentation.
 */
function misplacedTab(yaml: YamlModule, text: string): number {
  let offset = 0;
  let scalarNext = false;
  let blockNext = false;
  for (const token of new yaml.Lexer().lex(text)) {
    // the lexer's markers for document start, flow end and "a scalar follows" are not in the text
    if (token === '\x02' || token === '\x18' || token === '\x1f') {
      if (token === '\x1f') scalarNext = true;
      continue;
    }
    const type = scalarNext ? (blockNext ? 'block' : 'plain') : yaml.CST.tokenType(token);
    if (scalarNext) scalarNext = blockNext = false;
    if (type === 'block-scalar-header') blockNext = true;
    const at = type === 'plain' || type === 'space' ? token.indexOf('\t') : type === 'block' ? blockIndentTab(token) : -1;
    if (at >= 0) return offset + at;
    offset += token.length;
  }
  return -1;
}

/** A tab within the indentation of a block scalar's lines (the first content line sets the indentation). */
function blockIndentTab(content: string): number {
  const lines = content.split('\n');
  const first = lines.find((l) => l.trim() !== '');
  const indent = first ? /^ */.exec(first)![0].length : 0;
  let offset = 0;
  for (const line of lines) {
    const at = line.slice(0, Math.max(indent, 1)).search(/\t/);
    if (at >= 0 && /^ *$/.test(line.slice(0, at))) return offset + at;
    offset += line.length + 1;
  }
  return -1;
}

interface Built {
  value: unknown;
  tree: SourceNode;
  /** the tag PyYAML resolved for a scalar (keys are written differently for floats) */
  scalarTag?: ScalarTag;
  /** for a mapping: each key's Python identity (1, 1.0 and true are one key) */
  keyIds?: Map<string, string>;
}

interface Entry {
  key: { text: string; id: string };
  value: unknown;
  child: SourceChild | undefined;
  /** where an own key is written; merged entries have none and never warn */
  keyAt?: number;
}

/** PyYAML's composer and SafeConstructor over the parsed nodes, building the value and its source map together. */
class Builder {
  readonly warnings: Problem[] = [];
  private readonly anchors = new Map<string, Node>();
  private readonly built = new Map<Node, Built>();
  private readonly building = new Set<Node>();
  /** [start, end) of each explicit tag the failsafe schema did not know, to point errors at the tag */
  private readonly tagSpans: [number, number][];

  constructor(
    doc: Document.Parsed,
    private readonly text: string,
    private readonly lines: LineIndex,
    private readonly yaml: YamlModule,
  ) {
    this.tagSpans = doc.warnings.filter((w) => w.code === 'TAG_RESOLVE_FAILED').map((w) => [w.pos[0], w.pos[1]]);
  }

  build(node: ParsedNode, path: JsonPath): Built {
    if (this.yaml.isAlias(node)) return this.alias(node);
    const done = this.built.get(node);
    if (done) return done;
    if (node.anchor) {
      this.checkName(node, '&', node.anchor);
      const previous = this.anchors.get(node.anchor);
      if (previous) {
        const at = this.lines.location(this.anchorStart(previous, node.anchor));
        const detail = `found duplicate anchor '${node.anchor}'; first occurrence at line ${at.line}, column ${at.column}`;
        throw this.error(node, detail, this.anchorStart(node, node.anchor));
      }
      this.anchors.set(node.anchor, node);
    }
    this.building.add(node);
    let result: Built;
    if (this.yaml.isScalar(node)) result = this.scalar(node);
    else if (this.yaml.isMap(node)) result = this.mapping(node as YAMLMap.Parsed, path);
    else result = this.sequence(node as YAMLSeq.Parsed, path);
    this.building.delete(node);
    this.built.set(node, result);
    return result;
  }

  private alias(node: Alias.Parsed): Built {
    this.checkName(node, '*', node.source);
    const target = this.anchors.get(node.source);
    if (!target) throw this.error(node, `found undefined alias '${node.source}'`);
    // PyYAML would build a self-containing value, which no journal can hold
    if (this.building.has(target)) throw this.error(node, `alias '${node.source}' refers to a node that contains it`);
    return this.built.get(target)!;
  }

  private scalar(node: Scalar.Parsed): Built {
    const text = String(node.source ?? '');
    let tag: ScalarTag;
    // PyYAML resolves `!`-tagged scalars like plain ones, even quoted
    if (node.tag === undefined) tag = node.type === 'PLAIN' ? resolveImplicit(text) : 'str';
    else if (node.tag === '!') tag = resolveImplicit(text);
    else tag = this.explicitScalarTag(node, node.tag);
    try {
      return { value: constructScalar(tag, text), tree: { offset: start(node) }, scalarTag: tag };
    } catch (err) {
      throw this.error(node, (err as Error).message);
    }
  }

  private explicitScalarTag(node: Node, tag: string): ScalarTag {
    const name = tag.startsWith(TAG) ? tag.slice(TAG.length) : '';
    if (['str', 'int', 'float', 'bool', 'null', 'timestamp'].includes(name)) return name as ScalarTag;
    if (name === 'map' || name === 'seq') throw this.error(node, `expected a ${name === 'map' ? 'mapping' : 'sequence'} node, but found scalar`);
    throw this.unsupportedTag(node, tag);
  }

  private unsupportedTag(node: Node, tag: string): DocumentSyntaxError {
    const detail =
      tag === `${TAG}binary` || tag === `${TAG}set`
        ? `unsupported tag '${tag}': a journal cannot hold its value`
        : `could not determine a constructor for the tag '${tag}' (only safe YAML tags are accepted; nothing else is constructed or run)`;
    return this.error(node, detail, this.tagStart(node));
  }

  private mapping(node: YAMLMap.Parsed, path: JsonPath): Built {
    const tag = node.tag;
    if (tag !== undefined && tag !== '!' && tag !== `${TAG}map`) {
      if ([`${TAG}omap`, `${TAG}pairs`, `${TAG}seq`].includes(tag)) throw this.error(node, 'expected a sequence node, but found mapping');
      if (isScalarTag(tag)) throw this.error(node, 'expected a scalar node, but found mapping');
      throw this.unsupportedTag(node, tag);
    }
    const merged: Entry[] = [];
    const own: Entry[] = [];
    for (const pair of node.items) {
      const keyNode = pair.key as ParsedNode | null;
      const valueNode = pair.value as ParsedNode | null;
      if (keyNode && this.isMergeKey(keyNode)) {
        for (const source of this.mergeSources(node, valueNode, path)) {
          for (const [text, v] of Object.entries(source.value as Record<string, unknown>)) {
            const id = source.keyIds?.get(text) ?? `s:${text}`;
            merged.push({ key: { text, id }, value: v, child: source.tree.children?.get(text) });
          }
        }
        continue;
      }
      const key = this.key(keyNode, path);
      const keyAt = keyNode ? start(keyNode) : start(node);
      const child = valueNode ? this.build(valueNode, [...path, key.text]) : { value: null, tree: { offset: keyAt } };
      const at = valueNode && !isEmpty(valueNode) ? start(valueNode) : keyAt;
      own.push({ key, value: child.value, child: { at, node: child.tree }, keyAt });
    }
    // PyYAML puts merged pairs first, so the mapping's own keys override them; a Python dict keeps the first key
    // written and the last value
    const value: Record<string, unknown> = {};
    const children = new Map<string, SourceChild>();
    const seen = new Map<string, { text: string; keyAt?: number }>();
    for (const entry of [...merged, ...own]) {
      const first = seen.get(entry.key.id);
      const text = first?.text ?? entry.key.text;
      if (!first || first.keyAt === undefined) seen.set(entry.key.id, { text, keyAt: entry.keyAt });
      else if (entry.keyAt !== undefined) this.warnDuplicate(text, first.keyAt, entry.keyAt, [...path, text]);
      setOwn(value, text, entry.value);
      if (entry.child) children.set(text, entry.child);
    }
    const keyIds = new Map([...seen].map(([id, { text }]) => [text, id]));
    return { value, tree: { offset: start(node), children }, keyIds };
  }

  private warnDuplicate(key: string, firstAt: number, keyAt: number, path: JsonPath): void {
    const p = this.lines.location(firstAt);
    this.warnings.push({
      message: `duplicate key ${JSON.stringify(key)} (first at line ${p.line}, column ${p.column}); the last value wins`,
      path,
      location: this.lines.location(keyAt),
    });
  }

  private isMergeKey(key: ParsedNode): boolean {
    if (!this.yaml.isScalar(key)) return false;
    if (key.tag === `${TAG}merge`) return true;
    return key.tag === undefined && key.type === 'PLAIN' && key.source === '<<';
  }

  /** The mappings a `<<` key merges, in PyYAML's order: for a list, the first mapping wins, so it comes last. */
  private mergeSources(map: Node, valueNode: ParsedNode | null, path: JsonPath): Built[] {
    const built = valueNode && this.build(valueNode, path);
    const target = valueNode && this.resolve(valueNode);
    if (built && target && this.yaml.isMap(target)) return [built];
    if (built && target && this.yaml.isSeq(target)) {
      const sources = (target.items as ParsedNode[]).map((item, i) => {
        const sub = this.resolve(item);
        if (!this.yaml.isMap(sub)) {
          throw this.error(item, `while constructing a mapping: expected a mapping for merging, but found ${kind(this.yaml, sub)}`);
        }
        return { value: (built.value as unknown[])[i], tree: built.tree.children!.get(i)!.node };
      });
      return sources.reverse();
    }
    throw this.error(
      valueNode ?? map,
      `while constructing a mapping: expected a mapping or list of mappings for merging, but found ${kind(this.yaml, target ?? undefined)}`,
    );
  }

  /** A mapping key as the journal writes it; collections cannot be keys (PyYAML: unhashable). */
  private key(keyNode: ParsedNode | null, path: JsonPath): { text: string; id: string } {
    if (!keyNode) return { text: 'null', id: 'null' };
    const target = this.resolve(keyNode);
    if (target && !this.yaml.isScalar(target)) {
      throw this.error(keyNode, `while constructing a mapping: found unhashable key (a ${kind(this.yaml, target)})`);
    }
    // PyYAML only takes an empty key after the explicit `?` indicator
    if (this.yaml.isScalar(keyNode) && isEmpty(keyNode) && !/\?[ \t]*$/.test(this.text.slice(0, start(keyNode)))) {
      throw this.error(keyNode, "while parsing a mapping: found ':' without a key (an empty key needs '? ')");
    }
    // `=` as a key is the string "=" (PyYAML's flatten_mapping)
    if (this.yaml.isScalar(keyNode) && keyNode.tag === undefined && keyNode.type === 'PLAIN' && keyNode.source === '=') {
      return { text: '=', id: 's:=' };
    }
    const built = this.build(keyNode, path);
    const tag = built.scalarTag ?? 'str';
    return { text: keyString(tag, built.value), id: keyIdentity(tag, built.value) };
  }

  private sequence(node: YAMLSeq.Parsed, path: JsonPath): Built {
    const tag = node.tag;
    const pairs = tag === `${TAG}omap` || tag === `${TAG}pairs`;
    if (tag !== undefined && tag !== '!' && tag !== `${TAG}seq` && !pairs) {
      if (tag === `${TAG}map` || tag === `${TAG}set`) throw this.error(node, 'expected a mapping node, but found sequence');
      if (isScalarTag(tag)) throw this.error(node, 'expected a scalar node, but found sequence');
      throw this.unsupportedTag(node, tag);
    }
    const value: unknown[] = [];
    const children = new Map<number, SourceChild>();
    (node.items as (ParsedNode | null)[]).forEach((item, i) => {
      if (!item) {
        value.push(null);
        children.set(i, { at: start(node), node: { offset: start(node) } });
        return;
      }
      const child = this.build(item, [...path, i]);
      if (pairs) {
        // !!omap and !!pairs are lists of one-pair mappings, made into [key, value] lists (keys as written)
        const target = this.resolve(item);
        if (!this.yaml.isMap(target) || target.items.length !== 1) {
          throw this.error(item, `while constructing an ordered map: expected a mapping of length 1, but found ${kind(this.yaml, target)}`);
        }
        const pair = target.items[0]!;
        const empty = { value: null, tree: { offset: start(item) } };
        const k = pair.key ? this.build(pair.key as ParsedNode, [...path, i, 0]) : empty;
        const v = pair.value ? this.build(pair.value as ParsedNode, [...path, i, 1]) : empty;
        value.push([k.value, v.value]);
        const entry = new Map<number, SourceChild>([
          [0, { at: k.tree.offset, node: k.tree }],
          [1, { at: v.tree.offset, node: v.tree }],
        ]);
        children.set(i, { at: start(item), node: { offset: start(item), children: entry } });
        return;
      }
      value.push(child.value);
      children.set(i, { at: start(item), node: child.tree });
    });
    return { value, tree: { offset: start(node), children } };
  }

  /** The node an alias stands for (undefined when the anchor is unknown), or the node itself. */
  private resolve(node: ParsedNode): ParsedNode | undefined {
    return this.yaml.isAlias(node) ? (this.anchors.get(node.source) as ParsedNode | undefined) : node;
  }

  /** Where a node's explicit tag is written (its properties come before the node's own range). */
  private tagStart(node: Node): number {
    const at = start(node);
    let best: number | undefined;
    for (const [from, to] of this.tagSpans) {
      if (to <= at && /^(?:\s|&\S+)*$/.test(this.text.slice(to, at))) best = from;
    }
    return best ?? at;
  }

  /** PyYAML's anchor names are letters, digits, '-' and '_': `&a:` is the anchor `a` on an empty key there. */
  private checkName(node: Node, sigil: '&' | '*', name: string): void {
    const bad = /[^\p{L}\p{N}_-]/u.exec(name);
    if (!bad) return;
    const at = sigil === '&' ? this.anchorStart(node, name) : start(node);
    const detail = `${sigil === '&' ? 'anchor' : 'alias'} '${sigil}${name}': the Chaos Toolkit (PyYAML) ends the name at '${bad[0]}' and reads this differently; use only letters, digits, '-' and '_'`;
    throw this.error(node, detail, at);
  }

  /** Where `&name` is written before the node. */
  private anchorStart(node: Node, name: string): number {
    const at = this.text.lastIndexOf(`&${name}`, start(node));
    return at >= 0 ? at : start(node);
  }

  private error(node: Node, detail: string, offset = start(node)): DocumentSyntaxError {
    return new DocumentSyntaxError(detail, this.lines.location(offset));
  }
}

function start(node: Node): number {
  return node.range?.[0] ?? 0;
}

/** A missing value or an empty plain scalar: its position says nothing, so the key's is used. */
function isEmpty(node: ParsedNode): boolean {
  const r = node.range;
  return r[0] === r[1] && node.tag === undefined && !('anchor' in node && node.anchor);
}

function isScalarTag(tag: string): boolean {
  return ['str', 'int', 'float', 'bool', 'null', 'timestamp', 'binary'].some((n) => tag === `${TAG}${n}`);
}

function kind(yaml: YamlModule, node: Node | undefined): string {
  if (!node) return 'an undefined alias';
  if (yaml.isMap(node)) return 'mapping';
  if (yaml.isSeq(node)) return 'sequence';
  return 'scalar';
}

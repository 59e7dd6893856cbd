// Where each node of a parsed document starts, so that problems can say file:line:col.
import { InvalidSource } from '../errors.ts';
import type { JsonPath, Location } from '../experiment/types.ts';

/** Malformed input: the message is `id:line:col: detail`; callers may reword it from `detail` and `location`. */
export class DocumentSyntaxError extends InvalidSource {
  constructor(
    readonly detail: string,
    readonly location: Location,
  ) {
    super(`${location.source}:${location.line}:${location.column}: ${detail}`);
  }
}

/** A node of the document: its start offset and, for mappings and sequences, its children. */
export interface SourceNode {
  offset: number;
  children?: Map<string | number, SourceChild>;
}

/** A child as reached from its parent: `at` is where it is written there (an alias, or the key of an empty value). */
export interface SourceChild {
  at: number;
  node: SourceNode;
}

/** Offset of the node at PATH, or of its nearest existing ancestor. */
export function offsetAt(root: SourceNode, path: JsonPath): number {
  let node = root;
  let at = root.offset;
  for (const seg of path) {
    const child = node.children?.get(seg) ?? (typeof seg === 'number' ? node.children?.get(String(seg)) : undefined);
    if (!child) break;
    at = child.at;
    node = child.node;
  }
  return at;
}

/** Turns offsets into 1-based line and column; the line table is built on first use. */
export class LineIndex {
  private starts: number[] | undefined;
  constructor(
    private readonly text: string,
    private readonly source: string,
  ) {}

  location(offset: number): Location {
    const starts = (this.starts ??= lineStarts(this.text));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { source: this.source, line: lo + 1, column: offset - starts[lo]! + 1 };
  }
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

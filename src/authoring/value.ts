// Argument values typed in as text (a spec's key=value, an answer to a prompt), read by the argument's schema: a
// string argument takes the text as is; otherwise the text is JSON when it reads as JSON of an accepted type
// (8080, true, [1, 2], {"a": 1}), else the text itself if the schema accepts a string. A `${name}` placeholder is
// kept as text: it is only known once substituted at run time (where the driver checks it).
import { checkDocument } from '../experiment/schema/check.ts';
import type { Node } from '../experiment/schema/vocabulary.ts';
import type { Json } from '../experiment/types.ts';

export type Parsed = { value: Json } | { error: string };

export function parseValue(text: string, node: Node): Parsed {
  const problem = (v: unknown) => checkDocument(node, v, { structuralOnly: false }).problems[0]?.message;
  const json = acceptsOnlyStrings(node) ? undefined : readJson(text);
  if (text.includes('${')) return { value: json !== undefined && typeof json === 'object' && json !== null ? json : text };
  if (acceptsOnlyStrings(node)) {
    const p = problem(text);
    return p ? { error: p } : { value: text };
  }
  const jsonProblem = json === undefined ? undefined : problem(json);
  if (json !== undefined && !jsonProblem) return { value: json };
  const textProblem = problem(text);
  if (!textProblem) return { value: text };
  return { error: jsonProblem ?? `${textProblem} (${JSON.stringify(text)} is not JSON)` };
}

function readJson(text: string): Json | undefined {
  try {
    return JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
}

function resolve(node: Node): Node {
  if (node.kind === 'custom') return resolve(node.node);
  if (node.kind === 'lazy') return resolve(node.node());
  return node;
}

function acceptsOnlyStrings(node: Node): boolean {
  const n = resolve(node);
  return n.kind === 'string' || (n.kind === 'enum' && n.values.every((v) => typeof v === 'string'));
}

/** A short human description of what a schema accepts: "integer ≥ 1, or list of integer ≥ 1". */
export function describeType(node: Node): string {
  const n = resolve(node);
  switch (n.kind) {
    case 'any':
      return 'any JSON value';
    case 'boolean':
      return 'true or false';
    case 'number':
    {
      const bounds = [n.minimum !== undefined ? ` ≥ ${n.minimum}` : '', n.maximum !== undefined ? ` ≤ ${n.maximum}` : ''].join('');
      return `${n.integer ? 'integer' : 'number'}${bounds}`;
    }
    case 'string':
      return n.pattern !== undefined ? `string matching /${n.pattern}/` : n.minLength ? 'non-empty string' : 'string';
    case 'enum':
      return `one of ${n.values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ')}`;
    case 'array':
      return n.items ? `list of ${describeType(n.items)} (JSON)` : 'list (JSON)';
    case 'object':
      return n.additional ? `mapping of ${describeType(n.additional)} (JSON)` : 'mapping (JSON)';
    case 'union': {
      const parts = n.variants.map((v) => describeType(v.node));
      if (typeof n.otherwise === 'object') parts.push(describeType(n.otherwise));
      return [...new Set(parts)].join(', or ');
    }
    default:
      return 'value';
  }
}

/** A value as it is typed back: text as is, anything else as JSON. */
export function showValue(v: Json): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

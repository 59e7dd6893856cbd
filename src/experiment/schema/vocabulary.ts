// A small schema vocabulary: the experiment format is described once with these nodes, and both the validator
// (check.ts, with the reference's messages and JSON paths) and the JSON Schema (json-schema.ts) come from it.
// Nodes are plain data plus a few functions, so native drivers can describe their arguments the same way.
import type { Problem } from '../../errors.ts';
import type { Json, JsonPath } from '../types.ts';

export type JsonType = 'null' | 'boolean' | 'integer' | 'number' | 'string' | 'array' | 'object';

/**
 * A problem message: fixed, or computed from the offending value and the values enclosing it (nearest last), e.g.
 * a control's scope message names the control. For a missing property the value is `undefined` and the last
 * enclosing value is the object that lacks it.
 */
export type Message = string | ((value: unknown, parents: readonly unknown[]) => string);

/** What a check can see and where it reports. */
export interface CheckContext {
  problems: Problem[];
  warnings: Problem[];
  /** values enclosing the one being checked, nearest last */
  parents: unknown[];
  /** skip custom checks: only what the JSON Schema also expresses (to compare with a JSON Schema validator) */
  structuralOnly?: boolean;
}

interface Base {
  title?: string;
  description?: string;
  default?: Json;
  examples?: Json[];
  deprecated?: boolean;
  /** reported when the value has the wrong JSON type; a generic sentence otherwise */
  typeMessage?: Message;
  /** name in the JSON Schema's $defs: the node is emitted once and may be recursive */
  id?: string;
}

export interface AnyNode extends Base {
  kind: 'any';
}
export interface BooleanNode extends Base {
  kind: 'boolean';
}
export interface NumberNode extends Base {
  kind: 'number';
  integer?: boolean;
  minimum?: number;
  maximum?: number;
  rangeMessage?: Message;
}
export interface StringNode extends Base {
  kind: 'string';
  minLength?: number;
  /** an ECMAScript regular expression, also valid in JSON Schema */
  pattern?: string;
  /** reported when minLength or pattern fail */
  formatMessage?: Message;
}
export interface EnumNode extends Base {
  kind: 'enum';
  values: Json[];
  enumMessage?: Message;
}
export interface ArrayNode extends Base {
  kind: 'array';
  /** positional items (a tuple); `items` then applies to the rest */
  prefixItems?: Node[];
  items?: Node;
  minItems?: number;
  maxItems?: number;
  lengthMessage?: Message;
}
export interface Property {
  node: Node;
  /** the property must be present; the message says what is missing */
  required?: Message;
  /** Python truthiness: a present but empty value (null, "", 0, false, [], {}) counts as missing */
  truthy?: boolean;
  /** null is accepted and means absent */
  nullable?: boolean;
  /** null counts as missing (reported with the `required` message), as chaoslib's `x is None` checks */
  nullIsMissing?: boolean;
  /** what this property means here (the node's own description says what the value is) */
  description?: string;
}
export interface ObjectNode extends Base {
  kind: 'object';
  properties?: Record<string, Property>;
  /** schema of every key not in `properties` (maps such as configuration); unknown keys are otherwise free */
  additional?: Node;
  minProperties?: number;
  /** reported when minProperties fails; the members are then not checked */
  emptyMessage?: Message;
}

/** Selects a union variant; each form is also expressible as a JSON Schema `if`. */
export type Condition =
  | { type: JsonType[] }
  /** an object whose `key` equals `equals` */
  | { key: string; equals: Json }
  /** an object that has `key`, not null */
  | { hasKey: string };

export interface UnionNode extends Base {
  kind: 'union';
  /** the first variant whose condition holds decides */
  variants: { when: Condition; node: Node }[];
  /** when no condition holds: a node to check, or a problem to report */
  otherwise: Node | Message;
}
export interface CustomNode extends Base {
  kind: 'custom';
  node: Node;
  /** semantic checks the JSON Schema cannot express; run only when `node` found nothing wrong */
  check(value: unknown, path: JsonPath, ctx: CheckContext): void;
}
export interface LazyNode extends Base {
  kind: 'lazy';
  /** for recursive shapes: the node is built on first use */
  node: () => Node;
}

export type Node =
  | AnyNode
  | BooleanNode
  | NumberNode
  | StringNode
  | EnumNode
  | ArrayNode
  | ObjectNode
  | UnionNode
  | CustomNode
  | LazyNode;

type Opts<N extends Node> = Omit<N, 'kind'>;

export const any = (o: Opts<AnyNode> = {}): AnyNode => ({ kind: 'any', ...o });
export const bool = (o: Opts<BooleanNode> = {}): BooleanNode => ({ kind: 'boolean', ...o });
export const num = (o: Opts<NumberNode> = {}): NumberNode => ({ kind: 'number', ...o });
export const int = (o: Opts<NumberNode> = {}): NumberNode => ({ kind: 'number', integer: true, ...o });
export const str = (o: Opts<StringNode> = {}): StringNode => ({ kind: 'string', ...o });
export const oneOf = (values: Json[], o: Omit<Opts<EnumNode>, 'values'> = {}): EnumNode => ({ kind: 'enum', values, ...o });
export const arr = (items: Node | undefined, o: Omit<Opts<ArrayNode>, 'items'> = {}): ArrayNode => ({ kind: 'array', items, ...o });
export const obj = (properties: Record<string, Property>, o: Omit<Opts<ObjectNode>, 'properties'> = {}): ObjectNode => ({
  kind: 'object',
  properties,
  ...o,
});
export const map = (additional: Node, o: Omit<Opts<ObjectNode>, 'additional'> = {}): ObjectNode => ({ kind: 'object', additional, ...o });
export const union = (variants: UnionNode['variants'], otherwise: Node | Message, o: Omit<Opts<UnionNode>, 'variants' | 'otherwise'> = {}): UnionNode => ({
  kind: 'union',
  variants,
  otherwise,
  ...o,
});
export const custom = (node: Node, check: CustomNode['check'], o: Omit<Opts<CustomNode>, 'node' | 'check'> = {}): CustomNode => ({
  kind: 'custom',
  node,
  check,
  ...o,
});
export const lazy = (node: () => Node, o: Omit<Opts<LazyNode>, 'node'> = {}): LazyNode => ({ kind: 'lazy', node, ...o });

/** An optional property. */
export const opt = (node: Node, o: Omit<Property, 'node'> = {}): Property => ({ node, ...o });
/** A required property: `message` when absent. */
export const req = (node: Node, message: Message, o: Omit<Property, 'node' | 'required'> = {}): Property => ({
  node,
  required: message,
  ...o,
});

export function message(m: Message, value: unknown, parents: readonly unknown[]): string {
  return typeof m === 'function' ? m(value, parents) : m;
}

/** The JSON type of a parsed value; anything that is not plain JSON (a Date from YAML, a function) is 'other'. */
export function jsonType(v: unknown): JsonType | 'other' {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return 'boolean';
    case 'string':
      return 'string';
    case 'number':
      if (!Number.isFinite(v)) return 'other';
      return Number.isInteger(v) ? 'integer' : 'number';
    case 'object': {
      if (Array.isArray(v)) return 'array';
      const proto = Object.getPrototypeOf(v);
      return proto === Object.prototype || proto === null ? 'object' : 'other';
    }
    default:
      return 'other';
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return jsonType(v) === 'object';
}

/** Own property lookup: experiment keys such as "constructor" must never reach Object.prototype. */
export function own(o: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

/** Python's `not value`. */
export function isFalsy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isObject(v)) return Object.keys(v).length === 0;
  return false;
}

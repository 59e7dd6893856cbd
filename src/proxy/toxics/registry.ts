// Toxic types by name, like Toxiproxy's toxics.Register: each declares its attributes (Go field names and types,
// which also give the JSON shape and the error messages) and builds a stage per link.
import type { LinkControl, Stage } from './stage.ts';

export type FieldKind = 'int64' | 'int' | 'float32' | 'string' | 'bool';

export interface AttributeField {
  json: string;
  kind: FieldKind;
}

export interface ToxicKind {
  type: string;
  /** the Go struct name, for error messages: "LatencyToxic" */
  goName: string;
  /** typed fields in Go order; `null` for a free JSON object validated by `validate` (the HTTP faults) */
  fields: AttributeField[] | null;
  /** checks the attributes after decoding; returns an error message for a 400 */
  validate?(attributes: Record<string, unknown>, stream: 'upstream' | 'downstream'): string | undefined;
  /** per-connection state that survives updates of the toxic (limit_data's byte count) */
  newState?(): unknown;
  /** removing the toxic closes the connection (timeout: the dropped bytes must not leave a corrupted stream) */
  cleanupCloses?: boolean;
  /** Toxiproxy sets SO_LINGER 0 on both sockets when this type is in the chain as a link starts (#603) */
  lingerZeroAtStart?: boolean;
  create(link: LinkControl, attributes: Record<string, unknown>, state: unknown): Stage;
}

const registry = new Map<string, ToxicKind>();

export function registerToxic(kind: ToxicKind): void {
  registry.set(kind.type, kind);
}

export function getToxicKind(type: string): ToxicKind | undefined {
  return registry.get(type);
}

/** Attributes with Go's zero values, in field order. */
export function zeroAttributes(kind: ToxicKind): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of kind.fields ?? []) out[f.json] = f.kind === 'string' ? '' : f.kind === 'bool' ? false : 0;
  return out;
}

// Request bodies decoded as Toxiproxy's handlers decode them (Go types, defaults, error texts).
import { durationMs } from '../toxic-collection.ts';
import { type Direction, DOWNSTREAM, type Toxic, UPSTREAM } from '../toxic.ts';
import { getToxicKind, type ToxicKind, zeroAttributes } from '../toxics/registry.ts';
import {
  ApiError,
  ErrBadRequestBody,
  ErrInvalidStream,
  ErrInvalidToxicType,
  ErrMissingField,
  wrapError,
} from './errors.ts';
import { convertScalar, decodeFirst, decodeStruct, fieldFor, type GoStruct, GoJsonError, jsonKind, typeError } from './go-json.ts';

const PROXY: GoStruct = {
  name: 'Proxy',
  fields: [
    { json: 'name', kind: 'string' },
    { json: 'listen', kind: 'string' },
    { json: 'upstream', kind: 'string' },
    { json: 'enabled', kind: 'bool' },
  ],
};
const POPULATE_TYPE = '[]struct { toxiproxy.Proxy; Enabled *bool "json:\\"enabled\\"" }';

export interface ProxyFields {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
}

/** Runs a Go decode step; its errors become "bad request body: ..." (400). */
function badBody<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof GoJsonError) throw wrapError(ErrBadRequestBody, err.message);
    throw err;
  }
}

function topLevelObject(v: unknown, goType: string): Record<string, unknown> | null {
  if (v === null) return null;
  if (jsonKind(v) !== 'object') throw new GoJsonError(`json: cannot unmarshal ${jsonKind(v)} into Go value of type ${goType}`);
  return v as Record<string, unknown>;
}

/** POST /proxies, and PATCH with the current values as defaults. */
export function decodeProxy(body: Buffer, defaults: ProxyFields): ProxyFields {
  return badBody(() => {
    const out = { ...defaults } as unknown as Record<string, unknown>;
    const obj = topLevelObject(decodeFirst(body), 'toxiproxy.Proxy');
    if (obj) decodeStruct(obj, PROXY, out);
    return out as unknown as ProxyFields;
  });
}

export function requireProxyFields(p: ProxyFields, suffix = ''): void {
  if (p.name.length < 1) throw wrapError(ErrMissingField, `name${suffix}`);
  if (p.upstream.length < 1) throw wrapError(ErrMissingField, `upstream${suffix}`);
}

/** POST /populate and the config file: every entry is checked before any proxy is created. */
export function decodePopulate(body: Buffer): ProxyFields[] {
  const entries = badBody(() => {
    const v = decodeFirst(body);
    if (v === null) return [];
    if (!Array.isArray(v)) throw new GoJsonError(`json: cannot unmarshal ${jsonKind(v)} into Go value of type ${POPULATE_TYPE}`);
    return v.map((e) => {
      const out: Record<string, unknown> = { name: '', listen: '', upstream: '', enabled: true };
      const obj = topLevelObject(e, POPULATE_TYPE.slice(2));
      if (obj) decodeStruct(obj, PROXY, out);
      return out as unknown as ProxyFields;
    });
  });
  entries.forEach((p, i) => requireProxyFields(p, ` at proxy ${i + 1}`));
  return entries;
}

const WRAPPER: GoStruct = {
  name: 'ToxicWrapper',
  fields: [
    { json: 'name', kind: 'string' },
    { json: 'type', kind: 'string' },
    { json: 'stream', kind: 'string' },
    { json: 'toxicity', kind: 'float32' },
  ],
};

function parseDirection(stream: string): Direction | null {
  const s = stream.toLowerCase();
  return s === 'upstream' ? UPSTREAM : s === 'downstream' ? DOWNSTREAM : null;
}

function checkDuration(v: unknown): number | string | undefined {
  if (v === undefined || v === null) return undefined;
  if (durationMs(v) === undefined) {
    throw wrapError(ErrBadRequestBody, 'duration must be a number of milliseconds or a duration such as "30s"');
  }
  return v as number | string;
}

/** Decodes `attributes` for a kind into `target` (Go decodes into the toxic's struct: omitted fields keep values). */
function decodeAttributes(kind: ToxicKind, attrs: unknown, target: Record<string, unknown>, notObject: string, stream: Direction): void {
  if (attrs !== undefined && attrs !== null) {
    badBody(() => {
      if (jsonKind(attrs) !== 'object') throw new GoJsonError(notObject.replace('%s', jsonKind(attrs)));
      if (kind.fields) decodeStruct(attrs as Record<string, unknown>, { name: kind.goName, fields: kind.fields }, target, 'attributes.');
      else Object.assign(target, attrs);
    });
  }
  const problem = kind.validate?.(target, stream === UPSTREAM ? 'upstream' : 'downstream');
  if (problem) throw wrapError(ErrBadRequestBody, problem);
}

/** POST /proxies/{p}/toxics (AddToxicJson); `exists` tells whether a name is taken. */
export function decodeNewToxic(body: Buffer, exists: (name: string) => boolean): Toxic {
  const w: Record<string, unknown> = { name: '', type: '', stream: 'downstream', toxicity: 1 };
  let attrs: unknown;
  let duration: unknown;
  badBody(() => {
    const obj = topLevelObject(decodeFirst(body), 'toxics.ToxicWrapper');
    let first: GoJsonError | null = null;
    for (const [key, v] of Object.entries(obj ?? {})) {
      if (key.toLowerCase() === 'attributes') {
        if (v !== null && jsonKind(v) !== 'object') first ??= typeError(jsonKind(v), 'ToxicWrapper', 'attributes', 'toxics.NoopToxic');
        else attrs = v;
        continue;
      }
      if (key === 'duration') {
        duration = v;
        continue;
      }
      const field = fieldFor(WRAPPER.fields, key);
      if (!field || v === null) continue;
      const r = convertScalar(v, field.kind);
      if (r.ok) w[field.json] = r.value;
      else first ??= typeError(r.what, 'ToxicWrapper', field.json, field.kind);
    }
    if (first) throw first;
  });
  const direction = parseDirection(w.stream as string);
  if (direction === null) throw ErrInvalidStream;
  if (w.name === '') w.name = `${w.type}_${w.stream}`;
  const kind = getToxicKind(w.type as string);
  if (!kind) throw ErrInvalidToxicType;
  if (exists(w.name as string)) throw new ApiError('toxic already exists', 409);
  const attributes = zeroAttributes(kind);
  decodeAttributes(kind, attrs, attributes, `json: cannot unmarshal %s into Go struct field .attributes of type toxics.${kind.goName}`, direction);
  const toxic: Toxic = {
    name: w.name as string,
    type: w.type as string,
    stream: w.stream as string,
    direction,
    toxicity: w.toxicity as number,
    attributes,
    kind,
  };
  const d = checkDuration(duration);
  if (d !== undefined) toxic.duration = d;
  return toxic;
}

export interface ToxicChange {
  attributes: Record<string, unknown>;
  toxicity: number;
  /** undefined: unchanged; null: cleared */
  duration: number | string | null | undefined;
}

/** POST/PATCH /proxies/{p}/toxics/{t} (UpdateToxicJson): merges into the current attributes; toxicity is kept when absent. */
export function decodeToxicUpdate(body: Buffer, toxic: Toxic): ToxicChange {
  const attributes = { ...toxic.attributes };
  let toxicity = toxic.toxicity;
  let attrs: unknown;
  let duration: unknown;
  let durationGiven = false;
  const anon = 'struct { Attributes interface {} "json:\\"attributes\\""; Toxicity float32 "json:\\"toxicity\\"" }';
  badBody(() => {
    const obj = topLevelObject(decodeFirst(body), anon);
    let first: GoJsonError | null = null;
    for (const [key, v] of Object.entries(obj ?? {})) {
      const k = key.toLowerCase();
      if (k === 'attributes') attrs = v;
      else if (key === 'duration') {
        duration = v;
        durationGiven = true;
      } else if (k === 'toxicity' && v !== null) {
        const r = convertScalar(v, 'float32');
        if (r.ok) toxicity = r.value as number;
        else first ??= typeError(r.what, '', 'toxicity', 'float32');
      }
    }
    if (first) throw first;
  });
  if (attrs !== undefined && attrs !== null) {
    decodeAttributes(toxic.kind, attrs, attributes, `json: cannot unmarshal %s into Go struct field .attributes of type toxics.${toxic.kind.goName}`, toxic.direction);
  }
  return { attributes, toxicity, duration: durationGiven ? (checkDuration(duration) ?? null) : undefined };
}

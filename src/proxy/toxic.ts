// A toxic as the API sees it (Toxiproxy's ToxicWrapper), shared by every link of its proxy and direction.
import type { ToxicKind } from './toxics/registry.ts';

export type Direction = 0 | 1;
export const UPSTREAM: Direction = 0;
export const DOWNSTREAM: Direction = 1;
export const DIRECTION_NAMES = ['upstream', 'downstream'] as const;

export interface Toxic {
  name: string;
  type: string;
  /** as the client spelt it ("UpStream" is accepted and echoed, as Go does) */
  stream: string;
  direction: Direction;
  toxicity: number;
  attributes: Record<string, unknown>;
  kind: ToxicKind;
  /** Turbulence's time limit: the value as given (ms or a duration string); absent keeps Toxiproxy's JSON shape */
  duration?: number | string;
  expiry?: NodeJS.Timeout;
}

/** Go's json.Marshal escapes <, >, & and the JS line separators; JSON.stringify does not. */
export function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The shortest decimal that reads back as the same float32, as Go prints a float32 field. */
export function float32Json(x: number): string {
  const f = Math.fround(x);
  if (!Number.isFinite(f)) return 'null';
  for (let p = 1; p < 10; p++) {
    const s = Number(f.toPrecision(p));
    if (Math.fround(s) === f) return goJson(s);
  }
  return goJson(f);
}

export function toxicJson(t: Toxic): string {
  const duration = t.duration === undefined ? '' : `,"duration":${goJson(t.duration)}`;
  return (
    `{"attributes":${goJson(t.attributes)},"name":${goJson(t.name)},"type":${goJson(t.type)},` +
    `"stream":${goJson(t.stream)},"toxicity":${float32Json(t.toxicity)}${duration}}`
  );
}

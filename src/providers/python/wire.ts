// The bridge's JSON lines, and what they cannot carry plainly: a line starting with "~" holds NaN, infinities,
// integers beyond 2**53 and bytes as {"\u0000f": "nan"}, {"\u0000i": "123…"}, {"\u0000b": base64} (see worker.py).
// Such lines are rare, so the common reply stays a bare JSON.parse and the common request a bare JSON.stringify.
import { isPlainObject } from '../../python/values.ts';

const FLOAT = '\u0000f';
const INT = '\u0000i';
const BYTES = '\u0000b';

export function decodeLine(line: string): Record<string, unknown> {
  return line.startsWith('~') ? JSON.parse(line.slice(1), revive) : JSON.parse(line);
}

export function encodeLine(message: Record<string, unknown>): string {
  // a replacer function slows JSON.stringify down several times: only messages that need the marks pay for it
  if (isPlainJson(message, 0)) return `${JSON.stringify(message)}\n`;
  let special = false;
  const text = JSON.stringify(message, function (this: Record<string, unknown>, key, v: unknown) {
    // `this[key]`: JSON.stringify has already turned a Buffer into {type, data} by its toJSON
    const raw = this[key];
    if (raw instanceof Uint8Array) {
      special = true;
      return { [BYTES]: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64') };
    }
    if (typeof v === 'bigint') {
      special = true;
      return { [INT]: v.toString() };
    }
    if (typeof v === 'number' && !Number.isFinite(v)) {
      special = true;
      return { [FLOAT]: Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf' };
    }
    return v;
  });
  return `${special ? '~' : ''}${text}\n`;
}

/**
 * Whether JSON.stringify alone encodes `v` as the marking replacer would: no bytes, bigints, NaN or infinities, and
 * nothing with a toJSON of its own. Unsure (deep or cyclic) counts as no.
 */
function isPlainJson(v: unknown, depth: number): boolean {
  if (typeof v === 'number') return Number.isFinite(v);
  if (typeof v !== 'object' || v === null) return typeof v !== 'bigint';
  if (depth > 32 || typeof (v as { toJSON?: unknown }).toJSON === 'function' || ArrayBuffer.isView(v)) return false;
  if (Array.isArray(v)) {
    for (const item of v) if (!isPlainJson(item, depth + 1)) return false;
    return true;
  }
  for (const key in v) {
    if (Object.hasOwn(v, key) && !isPlainJson((v as Record<string, unknown>)[key], depth + 1)) return false;
  }
  return true;
}

function revive(_key: string, v: unknown): unknown {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
  const o = v as Record<string, unknown>;
  if (Object.keys(o).length !== 1) return v;
  if (FLOAT in o) return o[FLOAT] === 'nan' ? NaN : o[FLOAT] === 'inf' ? Infinity : -Infinity;
  if (INT in o) return BigInt(o[INT] as string);
  if (BYTES in o) return Buffer.from(o[BYTES] as string, 'base64');
  return v;
}

/**
 * Makes `target` equal to `source` in place, keeping object identities where both sides are mappings or lists: a
 * Python control's changes to the journal, the configuration or the activity reach the objects the engine holds.
 */
export function syncInto(target: unknown, source: unknown): void {
  if (Array.isArray(target) && Array.isArray(source)) {
    for (let i = 0; i < source.length; i++) target[i] = merged(target[i], source[i]);
    target.length = source.length;
  } else if (isPlainObject(target) && isPlainObject(source)) {
    for (const key of Object.keys(target)) if (!Object.hasOwn(source, key)) delete target[key];
    for (const [key, value] of Object.entries(source)) target[key] = merged(target[key], value);
  }
}

function merged(current: unknown, next: unknown): unknown {
  const bothLists = Array.isArray(current) && Array.isArray(next);
  const bothMaps = isPlainObject(current) && isPlainObject(next);
  if (!bothLists && !bothMaps) return next;
  syncInto(current, next);
  return current;
}

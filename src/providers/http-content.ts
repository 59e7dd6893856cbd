// The response body as requests hands it over: gzip/deflate content-encodings undone (node:zlib loaded on first use).
import { ChaosError } from '../errors.ts';

/** Undoes gzip/deflate content-encodings as urllib3 does (others are left as they are). */
export async function decodeContent(body: Buffer, encoding: string | undefined): Promise<Buffer> {
  if (!encoding || body.length === 0) return body;
  const zlib = await import('node:zlib');
  let out = body;
  for (const e of encoding.toLowerCase().split(',').map((s) => s.trim()).reverse()) {
    try {
      if (e === 'gzip' || e === 'x-gzip') out = zlib.gunzipSync(out);
      // deflate is zlib-wrapped by the standard, raw by some servers; urllib3 accepts both
      else if (e === 'deflate') out = inflate(zlib, out);
    } catch (err) {
      throw new ChaosError(`Received response with content-encoding: ${encoding}, but failed to decode it: ${(err as Error).message}`);
    }
  }
  return out;
}

function inflate(zlib: typeof import('node:zlib'), b: Buffer): Buffer {
  try {
    return zlib.inflateSync(b);
  } catch {
    return zlib.inflateRawSync(b);
  }
}

// Turning bytes into text as the reference does: http bodies by their Content-Type (requests'
// `get_encoding_from_headers` + `Response.text`), and bytes of unknown charset (process output, untyped bodies), where
// the reference guesses with charset_normalizer and we take UTF-8 when valid, else ISO-8859-1.
import { isUtf8 } from 'node:buffer';

/** `get_encoding_from_headers`: the charset parameter, else ISO-8859-1 for text types, utf-8 for JSON, else none. */
export function encodingFromContentType(contentType: string | undefined): string | null {
  if (!contentType) return null;
  const [type, ...params] = contentType.split(';');
  let charset: string | undefined;
  for (const param of params) {
    const p = param.trim();
    const eq = p.indexOf('=');
    if (eq !== -1 && stripQuotes(p.slice(0, eq)).toLowerCase() === 'charset') charset = stripQuotes(p.slice(eq + 1));
  }
  if (charset !== undefined) return charset;
  if (type.includes('text')) return 'ISO-8859-1';
  if (type.includes('application/json')) return 'utf-8';
  return null;
}

function stripQuotes(s: string): string {
  return s.replace(/^["' ]+|["' ]+$/g, '');
}

/**
 * `Response.text`: decode with the header's encoding (invalid bytes replaced). Without one the reference guesses with
 * charset_normalizer; we take UTF-8 when the bytes are valid UTF-8, else ISO-8859-1.
 */
export function decodeText(body: Buffer, encoding: string | null): string {
  if (body.length === 0) return '';
  if (encoding === null) return decodeGuess(body);
  const name = encoding.toLowerCase().replace(/[-_ ]/g, '');
  if (name === 'utf8') return body.toString('utf8');
  if (['latin1', 'iso88591', 'iso8859', '8859', 'l1', 'cp819'].includes(name)) return body.toString('latin1');
  if (['ascii', 'usascii', '646'].includes(name)) return body.toString('latin1').replace(/[\x80-\xff]/g, '\ufffd');
  try {
    return new TextDecoder(encoding, { ignoreBOM: true }).decode(body);
  } catch {
    // Python falls back to UTF-8 (errors replaced) for an encoding it does not know.
    return new TextDecoder('utf-8', { ignoreBOM: true }).decode(body);
  }
}

/** Bytes of unknown charset (process output, untyped bodies): UTF-8 when valid, else ISO-8859-1. */
export function decodeGuess(bytes: Buffer): string {
  return isUtf8(bytes) ? bytes.toString('utf8') : bytes.toString('latin1');
}

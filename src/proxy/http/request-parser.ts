// An incremental HTTP/1.1 request framer for the upstream byte stream: it finds where each request's head ends and
// how long its body is (Content-Length or chunked), so a fault can hold or drop exactly one request on a keep-alive
// connection. Anything it cannot follow (HTTP/2, upgrades, CONNECT, oversized heads) makes it pass bytes through.
import type { RequestHead } from './fault-spec.ts';

const MAX_HEAD = 64 * 1024;
const REQUEST_LINE = /^[A-Z]+ \S+ HTTP\/1\.[01]\r\n/;

export interface ParsedHead extends RequestHead {
  raw: Buffer;
  /** the connection closes after this request's response */
  closes: boolean;
}

type Mode = 'sync' | 'head' | 'body' | 'chunk-size' | 'chunk-data' | 'chunk-crlf' | 'trailer' | 'pass';

export class RequestFramer {
  mode: Mode;
  private headParts: Buffer[] = [];
  private headSize = 0;
  private remaining = 0;
  private line = '';
  private passAfter = false;

  /** `midStream`: bytes already went by, so wait for a chunk that starts with a request line */
  constructor(midStream: boolean) {
    this.mode = midStream ? 'sync' : 'head';
  }

  /**
   * Consumes bytes from `buf` at `offset`. Returns how far it got and what it found: a complete head (the request
   * starts; its bytes are in `head.raw`), or `body` bytes of the current request (from offset to end), or pass-through.
   */
  next(buf: Buffer, offset: number): { end: number; head?: ParsedHead; kind: 'head' | 'body' | 'pass' | 'none' } {
    switch (this.mode) {
      case 'pass':
        return { end: buf.length, kind: 'pass' };
      case 'sync':
        if (offset === 0 && REQUEST_LINE.test(buf.subarray(0, 256).toString('latin1'))) {
          this.mode = 'head';
          return { end: 0, kind: 'none' };
        }
        return { end: buf.length, kind: 'pass' };
      case 'head':
        return this.head(buf, offset);
      case 'body': {
        const end = Math.min(buf.length, offset + this.remaining);
        this.remaining -= end - offset;
        if (this.remaining === 0) this.requestDone();
        return { end, kind: 'body' };
      }
      case 'chunk-data': {
        const end = Math.min(buf.length, offset + this.remaining);
        this.remaining -= end - offset;
        if (this.remaining === 0) {
          this.mode = 'chunk-crlf';
          this.remaining = 2;
        }
        return { end, kind: 'body' };
      }
      case 'chunk-crlf': {
        const end = Math.min(buf.length, offset + this.remaining);
        this.remaining -= end - offset;
        if (this.remaining === 0) this.mode = 'chunk-size';
        return { end, kind: 'body' };
      }
      case 'chunk-size':
      case 'trailer':
        return this.lines(buf, offset);
    }
  }

  private head(buf: Buffer, offset: number): { end: number; head?: ParsedHead; kind: 'head' | 'none' | 'pass' } {
    const part = buf.subarray(offset);
    // look for CRLFCRLF, including across the previous part's tail
    const tail = this.headParts.length ? this.headParts[this.headParts.length - 1]!.subarray(-3) : Buffer.alloc(0);
    const window = Buffer.concat([tail, part]);
    const at = window.indexOf('\r\n\r\n');
    if (at < 0) {
      this.headParts.push(part);
      this.headSize += part.length;
      if (this.headSize > MAX_HEAD) return this.giveUp(buf);
      return { end: buf.length, kind: 'none' };
    }
    const used = at + 4 - tail.length;
    this.headParts.push(part.subarray(0, used));
    const raw = Buffer.concat(this.headParts);
    this.headParts = [];
    this.headSize = 0;
    const head = parseHead(raw);
    if (!head) {
      this.mode = 'pass';
      this.pending = Buffer.concat([raw, part.subarray(used)]);
      return { end: buf.length, kind: 'pass' };
    }
    const te = head.headers.get('transfer-encoding');
    if (head.method === 'CONNECT' || head.headers.has('upgrade')) this.passAfter = true;
    if (te && /chunked/i.test(te)) this.mode = 'chunk-size';
    else {
      const cl = Number(head.headers.get('content-length') ?? 0);
      this.remaining = Number.isFinite(cl) && cl > 0 ? cl : 0;
      if (this.remaining > 0) this.mode = 'body';
      else this.requestDone();
    }
    return { end: offset + used, head, kind: 'head' };
  }

  private lines(buf: Buffer, offset: number): { end: number; kind: 'body' } {
    let i = offset;
    while (i < buf.length) {
      const c = buf[i++]!;
      this.line += String.fromCharCode(c);
      if (!this.line.endsWith('\r\n')) {
        if (this.line.length > 8192) {
          this.mode = 'pass';
          return { end: buf.length, kind: 'body' };
        }
        continue;
      }
      const line = this.line.slice(0, -2);
      this.line = '';
      if (this.mode === 'chunk-size') {
        const size = parseInt(line.split(';')[0]!.trim(), 16);
        if (!Number.isFinite(size)) {
          this.mode = 'pass';
          return { end: buf.length, kind: 'body' };
        }
        if (size === 0) this.mode = 'trailer';
        else {
          this.mode = 'chunk-data';
          this.remaining = size;
        }
        return { end: i, kind: 'body' };
      }
      if (line === '') {
        this.requestDone();
        return { end: i, kind: 'body' };
      }
    }
    return { end: i, kind: 'body' };
  }

  private requestDone(): void {
    this.mode = this.passAfter ? 'pass' : 'head';
  }

  private giveUp(buf: Buffer): { end: number; kind: 'pass' } {
    this.mode = 'pass';
    this.pending = Buffer.concat(this.headParts);
    this.headParts = [];
    return { end: buf.length, kind: 'pass' };
  }

  /** head bytes held back when parsing gave up: they go out before the pass-through bytes */
  pending: Buffer | null = null;
}

function parseHead(raw: Buffer): ParsedHead | null {
  const text = raw.toString('latin1');
  const lines = text.slice(0, -4).split('\r\n');
  const m = /^([A-Z]+) (\S+) HTTP\/1\.([01])$/.exec(lines[0]!);
  if (!m) return null;
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) return null;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers.set(name, headers.has(name) ? `${headers.get(name)}, ${value}` : value);
  }
  const connection = (headers.get('connection') ?? '').toLowerCase();
  const closes = m[3] === '0' ? !connection.includes('keep-alive') : connection.includes('close');
  return { method: m[1]!, path: m[2]!.split('?')[0]!, headers, raw, closes };
}

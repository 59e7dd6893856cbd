// Reading an HTTP/1.x response for the wire client: incremental, strict, and deliberately narrower than node's llhttp.
// What it accepts it reads as llhttp does (header values trimmed, repeated headers kept, no body after HEAD, 204 or
// 304, Content-Length, chunked with trailers, a body up to the end of the connection). On anything else (1xx, other
// framings, odd characters, a huge head) it stops as `unsupported` before llhttp could have judged differently, and
// the client hands the bytes received to node:http, which then reads them as it always would.

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** header value characters llhttp accepts; a value is trimmed of spaces and tabs */
const VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3}) [\x20-\x7e]*$/;
// the same, matched in place in the head (header values trimmed of spaces and tabs)
const STATUS_AT = /HTTP\/1\.([01]) (\d{3}) [\x20-\x7e]*\r\n/y;
const HEADER_AT = /([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*([\t\x20-\x7e\x80-\xff]*?)[ \t]*\r\n/y;
const HEAD_END = Buffer.from('\r\n\r\n');
const STATUS_START = 'HTTP/1.0 000 ';
/** an unfinished header line: a name, then maybe its colon and the start of the value */
const HEADER_START = /^(?:[!#$%&'*+\-.^_`|~0-9A-Za-z]+(?::[\t\x20-\x7e\x80-\xff]*)?)?$/;
const CONTENT_LENGTH_START = /^content-length:[ \t]*\d*[ \t]*$/i;
const MAX_HEAD = 8192;
const MAX_HEADERS = 256;
const MAX_CHUNK_SIZE_DIGITS = 12;

type State = 'head' | 'body' | 'done' | 'unsupported';
type Framing = 'length' | 'chunked' | 'eof';
// inside a chunked body
type Chunk = 'size' | 'size-lf' | 'data' | 'data-cr' | 'data-lf' | 'trailer';

export class ResponseParser {
  state: State = 'head';
  status = 0;
  /** names and values as received, alternating (values trimmed) */
  readonly rawHeaders: string[] = [];
  /** the body as received so far (chunked framing removed) */
  readonly body: Buffer[] = [];
  bodyLength = 0;
  /** the Content-Length value, the Content-Encoding values joined, the first Keep-Alive value */
  contentLength: string | undefined;
  contentEncoding: string | undefined;
  keepAliveHint: string | undefined;
  /** whether the connection may carry another request after this response (llhttp's should_keep_alive) */
  keepAlive = false;
  /** bytes came after the end of the response: the connection cannot be reused */
  trailing = false;

  private readonly noBody: boolean;
  private text = '';
  private headSize = 0;
  private minor = 1;
  private transferEncoding: string | undefined;
  private close = false;
  private keepAliveToken = false;
  private framing: Framing = 'eof';
  private remaining = 0;
  private chunk: Chunk = 'size';
  private sizeDigits = 0;

  /** `noBody`: the request was a HEAD. */
  constructor(noBody: boolean) {
    this.noBody = noBody;
  }

  get headersDone(): boolean {
    return this.state === 'body' || this.state === 'done';
  }

  feed(data: Buffer): void {
    if (this.state === 'head') this.feedHead(data);
    else if (this.state === 'body') this.feedBody(data, 0);
    else if (this.state === 'done') this.trailing = true;
  }

  /** The server closed the connection: this completes a body that runs to the end of the connection. */
  end(): void {
    if (this.state === 'body' && this.framing === 'eof') this.state = 'done';
  }

  private unsupported(): void {
    this.state = 'unsupported';
  }

  private feedHead(data: Buffer): void {
    // The head as text, latin1 (one character per byte). Usually it all comes in the first packet: then the body bytes
    // after it are left as they are.
    const carried = this.text.length;
    const end = carried === 0 ? data.indexOf(HEAD_END) : -1;
    const text = end === -1 ? this.text + data.toString('latin1') : data.toString('latin1', 0, end + 4);
    let pos = 0;
    if (this.status === 0) {
      STATUS_AT.lastIndex = 0;
      const m = STATUS_AT.exec(text);
      if (m) {
        // 1xx (interim responses, upgrades) and codes outside 2xx–5xx are node's to handle
        if (m[2] < '200' || m[2] > '599') return this.unsupported();
        this.minor = Number(m[1]);
        this.status = Number(m[2]);
        pos = STATUS_AT.lastIndex;
      }
    }
    while (this.status !== 0) {
      if (text.startsWith('\r\n', pos)) {
        if (!this.headersComplete()) return this.unsupported();
        // the body bytes that came with the head
        const rest = data.subarray(pos + 2 - carried);
        this.text = '';
        this.headSize += data.length - rest.length;
        if (this.headSize > MAX_HEAD) return this.unsupported(); // node's limit is 16 KiB: let it judge
        if (rest.length > 0) this.feed(rest);
        return;
      }
      HEADER_AT.lastIndex = pos;
      const m = HEADER_AT.exec(text);
      if (!m) break;
      if (!this.header(m[1], m[2])) return this.unsupported();
      pos = HEADER_AT.lastIndex;
    }
    // an unfinished line: llhttp must not have rejected it yet
    this.text = text.slice(pos);
    this.headSize += data.length;
    const kind = this.status === 0 ? 'status' : 'header';
    if (this.text.includes('\r\n') || this.headSize > MAX_HEAD || !this.validStart(this.text, kind)) this.unsupported();
  }

  /** Whether an unfinished line could still become one this parser accepts (so llhttp has not rejected it yet). */
  private validStart(partial: string, kind: 'status' | 'header'): boolean {
    if (partial.endsWith('\r')) {
      const line = partial.slice(0, -1);
      return kind === 'status' ? STATUS_LINE.test(line) : line === '' || headerLine(line) !== null;
    }
    if (kind === 'header') {
      // llhttp checks a Content-Length value (and that it comes once) as it arrives
      const contentLength = /^content-length:/i.test(partial);
      return HEADER_START.test(partial) && (!contentLength || (this.contentLength === undefined && CONTENT_LENGTH_START.test(partial)));
    }
    for (let i = 0; i < partial.length; i++) {
      const c = partial.charCodeAt(i);
      const expected = STATUS_START.charCodeAt(i);
      const ok =
        i >= STATUS_START.length ? c >= 0x20 && c <= 0x7e : expected === 0x30 ? c >= 0x30 && c <= 0x39 && (i !== 7 || c <= 0x31) : c === expected;
      if (!ok) return false;
    }
    return true;
  }

  /** One header of the head; false when it is not for this parser. */
  private header(name: string, value: string): boolean {
    if (this.rawHeaders.length >= 2 * MAX_HEADERS) return false;
    this.rawHeaders.push(name, value);
    switch (name.length >= 10 && name.length <= 17 ? name.toLowerCase() : '') {
      case 'content-length':
        if (this.contentLength !== undefined || !/^\d{1,15}$/.test(value)) return false;
        this.contentLength = value;
        return true;
      case 'transfer-encoding':
        if (this.transferEncoding !== undefined || value.toLowerCase() !== 'chunked') return false;
        this.transferEncoding = value;
        return true;
      case 'connection':
        for (const token of value.split(',')) {
          const t = token.trim().toLowerCase();
          if (t === 'close') this.close = true;
          else if (t === 'keep-alive') this.keepAliveToken = true;
          else if (t !== 'upgrade') return false; // an upgrade outside a 101 is ignored by llhttp too
        }
        return true;
      case 'keep-alive':
        this.keepAliveHint ??= value;
        return true;
      case 'content-encoding':
        this.contentEncoding = this.contentEncoding === undefined ? value : `${this.contentEncoding}, ${value}`;
        return true;
      case 'proxy-connection':
        return false;
      default:
        return true;
    }
  }

  /** The blank line: how the body is framed, as llhttp decides it. */
  private headersComplete(): boolean {
    const chunked = this.transferEncoding !== undefined;
    if (chunked && this.contentLength !== undefined) return false;
    if (this.close && this.keepAliveToken) return false;
    this.state = 'body';
    if (this.noBody || this.status === 304 || this.status === 204) {
      this.state = 'done';
    } else if (chunked) {
      this.framing = 'chunked';
    } else if (this.contentLength !== undefined) {
      this.framing = 'length';
      this.remaining = Number(this.contentLength);
      if (this.remaining === 0) this.state = 'done';
    }
    const needsEof = this.state === 'body' && this.framing === 'eof';
    this.keepAlive = (this.minor === 1 ? !this.close : this.keepAliveToken) && !needsEof;
    return true;
  }

  private feedBody(data: Buffer, from: number): void {
    if (this.framing !== 'chunked') {
      const take = this.framing === 'length' ? Math.min(this.remaining, data.length - from) : data.length - from;
      this.take(data, from, from + take);
      if (this.framing === 'length') {
        this.remaining -= take;
        if (this.remaining === 0) {
          this.state = 'done';
          if (from + take < data.length) this.trailing = true;
        }
      }
      return;
    }
    let i = from;
    while (i < data.length && this.state === 'body') {
      const c = data[i];
      switch (this.chunk) {
        case 'size': {
          const digit = hexValue(c);
          if (digit >= 0 && this.sizeDigits < MAX_CHUNK_SIZE_DIGITS) {
            this.remaining = this.remaining * 16 + digit;
            this.sizeDigits++;
          } else if (c === 0x0d && this.sizeDigits > 0) {
            this.chunk = 'size-lf';
          } else {
            return this.unsupported(); // chunk extensions, spaces, odd sizes: node's
          }
          i++;
          break;
        }
        case 'size-lf':
          if (c !== 0x0a) return this.unsupported();
          this.chunk = this.remaining === 0 ? 'trailer' : 'data';
          this.sizeDigits = 0;
          i++;
          break;
        case 'data': {
          const end = Math.min(data.length, i + this.remaining);
          this.take(data, i, end);
          this.remaining -= end - i;
          i = end;
          if (this.remaining === 0) this.chunk = 'data-cr';
          break;
        }
        case 'data-cr':
          if (c !== 0x0d) return this.unsupported();
          this.chunk = 'data-lf';
          i++;
          break;
        case 'data-lf':
          if (c !== 0x0a) return this.unsupported();
          this.chunk = 'size';
          i++;
          break;
        case 'trailer':
          return this.feedTrailer(data, i);
      }
    }
    if (i < data.length && this.state === 'done') this.trailing = true;
  }

  /** Trailer lines up to the blank line: checked like headers, then dropped (node keeps them apart as rawTrailers). */
  private feedTrailer(data: Buffer, from: number): void {
    this.headSize += data.length - from;
    const text = this.text + data.toString('latin1', from);
    let start = 0;
    for (let eol = text.indexOf('\r\n'); eol !== -1; eol = text.indexOf('\r\n', start)) {
      const line = text.slice(start, eol);
      start = eol + 2;
      if (line === '') {
        if (this.headSize - (text.length - start) > MAX_HEAD) return this.unsupported();
        this.state = 'done';
        this.trailing = start < text.length;
        this.text = '';
        return;
      }
      if (headerLine(line) === null) return this.unsupported();
    }
    this.text = text.slice(start);
    if (this.headSize > MAX_HEAD || !this.validStart(this.text, 'header')) this.unsupported();
  }

  private take(data: Buffer, from: number, to: number): void {
    if (to <= from) return;
    this.body.push(from === 0 && to === data.length ? data : data.subarray(from, to));
    this.bodyLength += to - from;
  }
}

/** `Name: value` → [name, trimmed value], or null when llhttp might read it otherwise. */
function headerLine(line: string): [string, string] | null {
  const colon = line.indexOf(':');
  if (colon <= 0) return null;
  const name = line.slice(0, colon);
  let from = colon + 1;
  let to = line.length;
  while (from < to && isBlank(line.charCodeAt(from))) from++;
  while (to > from && isBlank(line.charCodeAt(to - 1))) to--;
  const value = line.slice(from, to);
  if (!TOKEN.test(name) || !VALUE.test(value)) return null;
  if (name.length === 14 && name.toLowerCase() === 'content-length' && !/^\d*$/.test(value)) return null;
  return [name, value];
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

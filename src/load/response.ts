// The minimal HTTP/1.1 response parser of the hot path: status line, Content-Length, chunked bodies, Connection
// keep-alive/close; everything else is skipped without decoding. One request is in flight per connection (no
// pipelining), so each response is complete before the next request goes out.
const HEAD = 0;
const BODY = 1;
const CHUNK_SIZE = 2;
const CHUNK_DATA = 3;
const CHUNK_END = 4;
const TRAILERS = 5;
const UNTIL_CLOSE = 6;

const CRLFCRLF = Buffer.from('\r\n\r\n');
const MAX_HEAD = 64 * 1024;

const lower = (s: string) => Buffer.from(s);
const CONTENT_LENGTH = lower('content-length');
const TRANSFER_ENCODING = lower('transfer-encoding');
const CONNECTION = lower('connection');

export class ResponseParser {
  private state = HEAD;
  private pending: Buffer | null = null;
  private remaining = 0;
  private chunkSize = 0;
  private lineLength = 0;
  private status = 0;
  private keepAlive = true;
  /** a response just completed: bytes after it answer no request (no pipelining) and are dropped */
  private answered = false;
  /** the request was HEAD: responses carry no body whatever their headers say */
  noBody = false;

  /** `done` is called once per final response (1xx are skipped) */
  constructor(private readonly done: (status: number, keepAlive: boolean) => void) {}

  /** Starts afresh (new connection). */
  reset(): void {
    this.state = HEAD;
    this.pending = null;
  }

  /** Whether the response in progress ends with the connection (no length given). */
  get readsUntilClose(): boolean {
    return this.state === UNTIL_CLOSE;
  }

  /** The connection closed: completes a response delimited by the close. */
  end(): boolean {
    if (this.state !== UNTIL_CLOSE) return false;
    this.state = HEAD;
    this.done(this.status, false);
    return true;
  }

  /** Consumes bytes; returns an error message when they are not HTTP. */
  execute(chunk: Buffer): string | null {
    let buf = chunk;
    let i = 0;
    if (this.pending !== null) {
      buf = Buffer.concat([this.pending, chunk]);
      this.pending = null;
    }
    const n = buf.length;
    this.answered = false;
    while (i < n && !this.answered) {
      switch (this.state) {
        case HEAD: {
          const end = buf.indexOf(CRLFCRLF, i);
          if (end < 0) {
            if (n - i > MAX_HEAD) return 'response head too large';
            this.pending = buf.subarray(i);
            return null;
          }
          const err = this.head(buf, i, end);
          if (err !== null) return err;
          i = end + 4;
          break;
        }
        case BODY: {
          const take = Math.min(this.remaining, n - i);
          i += take;
          this.remaining -= take;
          if (this.remaining === 0) this.complete();
          break;
        }
        case CHUNK_SIZE: {
          const c = buf[i++]!;
          if (c === 10) {
            if (this.chunkSize === 0) {
              this.state = TRAILERS;
              this.lineLength = 0;
            } else {
              this.state = CHUNK_DATA;
              this.remaining = this.chunkSize;
            }
          } else if (this.lineLength === 0) {
            // hex digits up to an extension (;) or the CR
            const d = hex(c);
            if (d >= 0) this.chunkSize = this.chunkSize * 16 + d;
            else if (c === 59 || c === 13 || c === 32 || c === 9) this.lineLength = 1;
            else return 'invalid chunk size';
          }
          break;
        }
        case CHUNK_DATA: {
          const take = Math.min(this.remaining, n - i);
          i += take;
          this.remaining -= take;
          if (this.remaining === 0) this.state = CHUNK_END;
          break;
        }
        case CHUNK_END: {
          // the CRLF after the data
          if (buf[i++] === 10) this.startChunk();
          break;
        }
        case TRAILERS: {
          const c = buf[i++]!;
          if (c === 10) {
            if (this.lineLength === 0) this.complete();
            else this.lineLength = 0;
          } else if (c !== 13) this.lineLength++;
          break;
        }
        case UNTIL_CLOSE:
          return null;
      }
    }
    return null;
  }

  private startChunk(): void {
    this.state = CHUNK_SIZE;
    this.chunkSize = 0;
    this.lineLength = 0;
  }

  private complete(): void {
    this.state = HEAD;
    this.answered = true;
    this.done(this.status, this.keepAlive);
  }

  /** Reads the status line and the three headers that frame the body, between `start` and the blank line at `end`. */
  private head(buf: Buffer, start: number, end: number): string | null {
    // "HTTP/1.x NNN"
    if (end - start < 12 || buf[start] !== 72 || buf[start + 4] !== 47 || buf[start + 8] !== 32) return 'invalid status line';
    const d1 = buf[start + 9]! - 48;
    const d2 = buf[start + 10]! - 48;
    const d3 = buf[start + 11]! - 48;
    if (d1 < 1 || d1 > 9 || d2 < 0 || d2 > 9 || d3 < 0 || d3 > 9) return 'invalid status code';
    const status = d1 * 100 + d2 * 10 + d3;
    let keepAlive = buf[start + 7] !== 48; // HTTP/1.0 closes unless told otherwise
    let length = -1;
    let chunked = false;
    let line = buf.indexOf(10, start) + 1;
    while (line > 0 && line < end + 2) {
      const eol = buf.indexOf(13, line);
      const colon = buf.indexOf(58, line);
      if (colon > 0 && colon < eol) {
        const nameLength = colon - line;
        if (nameLength === 14 && same(buf, line, CONTENT_LENGTH)) {
          length = 0;
          for (let j = colon + 1; j < eol; j++) {
            const c = buf[j]!;
            if (c >= 48 && c <= 57) length = length * 10 + c - 48;
            else if (c !== 32 && c !== 9) return 'invalid content-length';
          }
        } else if (nameLength === 17 && same(buf, line, TRANSFER_ENCODING)) {
          chunked = buf.toString('latin1', colon + 1, eol).toLowerCase().includes('chunked');
        } else if (nameLength === 10 && same(buf, line, CONNECTION)) {
          const v = buf.toString('latin1', colon + 1, eol).toLowerCase();
          if (v.includes('close')) keepAlive = false;
          else if (v.includes('keep-alive')) keepAlive = true;
        }
      }
      line = eol + 2;
    }
    this.status = status;
    this.keepAlive = keepAlive;
    if (status < 200) {
      // 100 Continue and friends: the final response follows
      this.state = HEAD;
      return null;
    }
    if (this.noBody || status === 204 || status === 304) this.complete();
    else if (chunked) this.startChunk();
    else if (length > 0) {
      this.state = BODY;
      this.remaining = length;
    } else if (length === 0) this.complete();
    else {
      this.state = UNTIL_CLOSE;
      this.keepAlive = false;
    }
    return null;
  }
}

/** Case-insensitive match of a header name against its lower-case form. */
function same(buf: Buffer, at: number, name: Buffer): boolean {
  for (let k = 0; k < name.length; k++) if ((buf[at + k]! | 0x20) !== name[k]) return false;
  return true;
}

function hex(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

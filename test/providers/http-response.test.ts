// The wire client's response parser on its own: what it reads, what it leaves to node:http (`unsupported`), and that
// the way the bytes are cut into packets changes nothing. Its agreement with node:http on the same bytes is checked
// end to end in http.test.ts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ResponseParser } from '../../src/providers/http-response.ts';

interface Outcome {
  state: string;
  status: number;
  rawHeaders: string[];
  body: string;
  keepAlive: boolean;
  trailing: boolean;
  contentLength?: string;
  contentEncoding?: string;
}

/** Feeds `chunks` (latin1 text), then the end of the connection when `eof`. */
function parse(chunks: string[], { head = false, eof = false } = {}): Outcome {
  const p = new ResponseParser(head);
  for (const c of chunks) {
    if (p.state === 'unsupported' || p.state === 'done') break;
    p.feed(Buffer.from(c, 'latin1'));
  }
  if (eof && p.state === 'body') p.end();
  return {
    state: p.state,
    status: p.status,
    rawHeaders: p.rawHeaders,
    body: Buffer.concat(p.body).toString('latin1'),
    keepAlive: p.keepAlive,
    trailing: p.trailing,
    contentLength: p.contentLength,
    contentEncoding: p.contentEncoding,
  };
}

/** The outcome of the whole text at once, checked to be the same byte by byte and for every cut in two. */
function parseEverySplit(text: string, opts: { head?: boolean; eof?: boolean } = {}): Outcome {
  const whole = parse([text], opts);
  const comparable = (o: Outcome) => (o.state === 'unsupported' ? 'unsupported' : o);
  assert.deepEqual(comparable(parse([...text], opts)), comparable(whole), 'byte by byte');
  for (let i = 1; i < text.length; i++) {
    assert.deepEqual(comparable(parse([text.slice(0, i), text.slice(i)], opts)), comparable(whole), `cut at ${i}`);
  }
  return whole;
}

describe('response parser: what it reads', () => {
  test('status, headers as received (trimmed, repeated kept), a Content-Length body', () => {
    const o = parseEverySplit('HTTP/1.1 201 Created\r\nX-A:  a b \t\r\nx-a:b\r\nX-Empty:\r\nContent-Length: 5\r\n\r\nhello');
    assert.equal(o.state, 'done');
    assert.equal(o.status, 201);
    assert.deepEqual(o.rawHeaders, ['X-A', 'a b', 'x-a', 'b', 'X-Empty', '', 'Content-Length', '5']);
    assert.equal(o.body, 'hello');
    assert.equal(o.keepAlive, true);
    assert.equal(o.trailing, false);
    assert.equal(o.contentLength, '5');
  });

  test('a body that itself holds blank lines, cut anywhere', () => {
    const o = parseEverySplit('HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n\r\n\r\nab\r\n\r\ncd');
    assert.equal(o.state, 'done');
    assert.equal(o.body, '\r\n\r\nab\r\n\r\ncd');
    assert.equal(o.trailing, false);
  });

  test('header values keep inner tabs and latin-1 bytes', () => {
    const o = parseEverySplit('HTTP/1.1 200 OK\r\nX-A: a\tb\r\nX-B: caf\xe9\r\nContent-Length: 0\r\n\r\n');
    assert.deepEqual(o.rawHeaders, ['X-A', 'a\tb', 'X-B', 'caf\xe9', 'Content-Length', '0']);
    assert.equal(o.state, 'done');
  });

  test('chunked: sizes in either case, leading zeros, trailers dropped', () => {
    const o = parseEverySplit('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n00A\r\n0123456789\r\n0\r\nX-T: 1\r\n\r\n');
    assert.equal(o.state, 'done');
    assert.equal(o.body, 'hello0123456789');
    assert.deepEqual(o.rawHeaders, ['Transfer-Encoding', 'chunked']);
    assert.equal(o.keepAlive, true);
  });

  test('a body up to the end of the connection: complete only at the end, never kept alive', () => {
    const o = parseEverySplit('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it', { eof: true });
    assert.equal(o.state, 'done');
    assert.equal(o.body, 'all of it');
    assert.equal(o.keepAlive, false);
    assert.equal(parse(['HTTP/1.1 200 OK\r\n\r\nsome']).state, 'body');
  });

  test('no body after HEAD, 204 and 304, whatever the framing headers say', () => {
    assert.equal(parseEverySplit('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n', { head: true }).state, 'done');
    assert.equal(parseEverySplit('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n', { head: true }).state, 'done');
    assert.equal(parseEverySplit('HTTP/1.1 204 No Content\r\n\r\n').state, 'done');
    const notModified = parseEverySplit('HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n');
    assert.equal(notModified.state, 'done');
    assert.equal(notModified.keepAlive, true);
  });

  test('keep-alive as llhttp decides it: HTTP/1.1 unless close, HTTP/1.0 only when asked', () => {
    const ka = (head: string) => parseEverySplit(`${head}\r\nContent-Length: 0\r\n\r\n`).keepAlive;
    assert.equal(ka('HTTP/1.1 200 OK'), true);
    assert.equal(ka('HTTP/1.1 200 OK\r\nConnection: close'), false);
    assert.equal(ka('HTTP/1.1 200 OK\r\nConnection: Upgrade, Keep-Alive\r\nUpgrade: h2c'), true);
    assert.equal(ka('HTTP/1.0 200 OK'), false);
    assert.equal(ka('HTTP/1.0 200 OK\r\nConnection: keep-alive'), true);
  });

  test('bytes after the response are noticed (the connection is not reused)', () => {
    assert.equal(parse(['HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA']).trailing, true);
    assert.equal(parse(['HTTP/1.1 204 No Content\r\n\r\nX']).trailing, true);
    assert.equal(parse(['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nX']).trailing, true);
    const p = new ResponseParser(false);
    p.feed(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'));
    assert.equal(p.trailing, false);
    p.feed(Buffer.from('late'));
    assert.equal(p.trailing, true);
  });

  test('Content-Encoding values are joined as node joins repeated headers', () => {
    const o = parse(['HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Encoding: deflate\r\nContent-Length: 0\r\n\r\n']);
    assert.equal(o.contentEncoding, 'gzip, deflate');
  });

  test('a large body arrives in many pieces', () => {
    const body = 'x'.repeat(1 << 20);
    const p = new ResponseParser(false);
    p.feed(Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`));
    for (let i = 0; i < body.length; i += 65536) p.feed(Buffer.from(body.slice(i, i + 65536)));
    assert.equal(p.state, 'done');
    assert.equal(p.bodyLength, body.length);
  });

  test('a large chunked body with trailers, in pieces of any size (the head limit counts the head only)', () => {
    const body = 'y'.repeat(300000);
    let text = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';
    for (let i = 0; i < body.length; i += 16384) text += `${Math.min(16384, body.length - i).toString(16)}\r\n${body.slice(i, i + 16384)}\r\n`;
    const bytes = Buffer.from(`${text}0\r\nX-T: 1\r\n\r\n`);
    for (const size of [7, 1000, 65536, bytes.length]) {
      const p = new ResponseParser(false);
      for (let i = 0; i < bytes.length; i += size) p.feed(bytes.subarray(i, i + size));
      assert.equal(p.state, 'done', `pieces of ${size}`);
      assert.equal(Buffer.concat(p.body).toString(), body);
    }
  });
});

describe('response parser: what it leaves to node:http', () => {
  const cases: [string, string][] = [
    ['interim 100', 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'],
    ['early hints', 'HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n'],
    ['101 switching', 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n'],
    ['status out of range', 'HTTP/1.1 099 X\r\nContent-Length: 0\r\n\r\n'],
    ['HTTP/2.0 status line', 'HTTP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n'],
    ['no reason phrase', 'HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n'],
    ['lower-case protocol', 'http/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'],
    ['bare LF', 'HTTP/1.1 200 OK\nContent-Length: 0\n\n'],
    ['control character in a value', 'HTTP/1.1 200 OK\r\nX-A: a\x01b\r\nContent-Length: 0\r\n\r\n'],
    ['DEL in a value', 'HTTP/1.1 200 OK\r\nX-A: a\x7fb\r\nContent-Length: 0\r\n\r\n'],
    ['space before the colon', 'HTTP/1.1 200 OK\r\nX-A : 1\r\nContent-Length: 0\r\n\r\n'],
    ['empty name', 'HTTP/1.1 200 OK\r\n: 1\r\nContent-Length: 0\r\n\r\n'],
    ['folded header', 'HTTP/1.1 200 OK\r\nX-A: a\r\n b\r\nContent-Length: 0\r\n\r\n'],
    ['repeated Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok'],
    ['invalid Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: 2x\r\n\r\nok'],
    ['Content-Length and chunked', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n'],
    ['other transfer coding', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n'],
    ['chunk extension', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2;a=b\r\nok\r\n0\r\n\r\n'],
    ['space after chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2 \r\nok\r\n0\r\n\r\n'],
    ['chunk without CRLF', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokX0\r\n\r\n'],
    ['bad trailer', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX T: 1\r\n\r\n'],
    ['unknown Connection token', 'HTTP/1.1 200 OK\r\nConnection: TE\r\nContent-Length: 0\r\n\r\n'],
    ['close and keep-alive at once', 'HTTP/1.1 200 OK\r\nConnection: close, keep-alive\r\nContent-Length: 0\r\n\r\n'],
    ['Proxy-Connection', 'HTTP/1.1 200 OK\r\nProxy-Connection: close\r\nContent-Length: 0\r\n\r\n'],
    ['garbage', 'SSH-2.0-OpenSSH_9.2\r\n'],
  ];
  for (const [name, text] of cases) {
    test(name, () => {
      assert.equal(parse([text]).state, 'unsupported');
      // and as soon as the offending byte arrives, byte by byte
      assert.equal(parse([...text]).state, 'unsupported');
    });
  }

  test('a head beyond 8 KiB', () => {
    const big = `HTTP/1.1 200 OK\r\n${'X-Pad: 0123456789012345678901234567890123456789\r\n'.repeat(200)}Content-Length: 0\r\n\r\n`;
    assert.equal(parse([big]).state, 'unsupported');
  });

  test('an unfinished line that llhttp would already have rejected', () => {
    // the connection may end right after: node would have reported a parse error, not a hang-up
    assert.equal(parse(['HTTP/1.1 200 OK\r\nConte nt']).state, 'unsupported');
    assert.equal(parse(['HTTP/1.1 200 OK\r\nContent-Length: 1x']).state, 'unsupported');
    assert.equal(parse(['HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length:']).state, 'unsupported');
    assert.equal(parse(['HTTP/1.\r']).state, 'unsupported');
    assert.equal(parse(['HTTP/1.1 200 OK\r\nContent-Le']).state, 'head');
    assert.equal(parse(['HTTP/1.1 20']).state, 'head');
  });
});

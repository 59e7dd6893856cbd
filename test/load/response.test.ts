// The minimal response parser, fed whole and byte by byte: framing by Content-Length, chunks, the close, HEAD,
// 1xx, keep-alive and close, and garbage.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ResponseParser } from '../../src/load/response.ts';

function parse(text: string, opts: { bytewise?: boolean; head?: boolean; close?: boolean } = {}) {
  const got: [number, boolean][] = [];
  const p = new ResponseParser((status, keepAlive) => got.push([status, keepAlive]));
  p.noBody = opts.head ?? false;
  const buf = Buffer.from(text);
  let error: string | null = null;
  if (opts.bytewise) for (let i = 0; i < buf.length && error === null; i++) error = p.execute(buf.subarray(i, i + 1));
  else error = p.execute(buf);
  if (opts.close) p.end();
  return { got, error };
}

const cases: [string, string, object, [number, boolean][]][] = [
  ['content-length', 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello', {}, [[200, true]]],
  ['mixed-case headers, close', 'HTTP/1.1 503 Busy\r\nCONTENT-length:  3\r\ncOnNeCtIoN: Close\r\n\r\nabc', {}, [[503, false]]],
  ['HTTP/1.0 keep-alive', 'HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n', {}, [[200, true]]],
  ['HTTP/1.0 default close', 'HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx', {}, [[200, false]]],
  ['chunked with extension and trailer', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\nabcd\r\nA\r\n0123456789\r\n0\r\nX-T: 1\r\n\r\n', {}, [[200, true]]],
  ['100 continue first', 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok', {}, [[201, true]]],
  ['204 has no body', 'HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n', {}, [[204, true]]],
  ['HEAD has no body', 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n', { head: true }, [[200, true]]],
  ['until close', 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nsome body', { close: true }, [[200, false]]],
];

describe('response parser', () => {
  for (const [name, text, opts, want] of cases) {
    it(name, () => {
      assert.deepEqual(parse(text, opts), { got: want, error: null });
      assert.deepEqual(parse(text, { ...opts, bytewise: true }), { got: want, error: null });
    });
  }

  it('a response incomplete at the end is not reported; the close does not complete a framed body', () => {
    assert.deepEqual(parse('HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nhello', { close: true }).got, []);
  });

  it('rejects what is not HTTP', () => {
    assert.equal(parse('SSH-2.0-OpenSSH_9.2\r\n\r\n').error, 'invalid status line');
    assert.equal(parse('HTTP/1.1 2x0 OK\r\n\r\n').error, 'invalid status code');
    assert.equal(parse('HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n').error, 'invalid content-length');
    assert.equal(parse('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n').error, 'invalid chunk size');
  });
});

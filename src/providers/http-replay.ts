// A connection handed from the wire client to node:http mid-response: node reads the bytes already received, then the
// rest of the live socket, so it parses (or rejects) the response exactly as if it had carried the request itself.
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';

export class ReplaySocket extends Duplex {
  /** node:http was done with the connection and would have kept it alive: the socket is the caller's again */
  released = false;
  private readonly socket: Socket;
  private eof = false;
  private readonly onData = (d: Buffer) => {
    if (!this.push(d)) this.socket.pause();
  };
  private readonly onEnd = () => this.noMoreData();
  // after node has read what came before it, as on a socket of its own
  private readonly onError = (e: Error) => {
    this.eof = true;
    setImmediate(() => this.destroy(e));
  };
  private readonly onTimeout = () => this.emit('timeout');

  /** `received`: what the server sent so far for this response, from its first byte. */
  constructor(socket: Socket, received: Buffer[]) {
    super();
    this.socket = socket;
    for (const chunk of received) this.push(chunk);
    socket.on('data', this.onData).on('end', this.onEnd).on('close', this.onEnd).on('error', this.onError);
    socket.on('timeout', this.onTimeout);
    // node:http emits `free` on a socket it would return to its agent
    this.once('free', () => {
      if (this.readableLength > 0 || this.eof) return;
      this.released = true;
      socket.off('data', this.onData).off('end', this.onEnd).off('close', this.onEnd).off('error', this.onError);
      socket.off('timeout', this.onTimeout);
    });
  }

  private noMoreData(): void {
    if (this.eof) return;
    this.eof = true;
    this.push(null);
  }

  override _read(): void {
    this.socket.resume();
  }

  // The request went out before the hand-over: node's copy of it is dropped.
  override _write(_chunk: unknown, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.released) this.socket.destroy();
    callback(error);
  }

  /** node:http's read timeout, kept by the real socket (an idle timer, as on a connection node would own). */
  setTimeout(ms: number, callback?: () => void): this {
    this.socket.setTimeout(ms);
    if (callback) {
      if (ms === 0) this.off('timeout', callback);
      else this.once('timeout', callback);
    }
    return this;
  }

  setNoDelay(): this {
    return this;
  }

  setKeepAlive(): this {
    return this;
  }
}

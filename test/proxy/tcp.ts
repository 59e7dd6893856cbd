// Small TCP peers for measuring what a proxy does to a connection: an echo server, a source that sends a fixed
// payload then closes, a sink that counts, and a client that records every byte's arrival and how the
// connection ended. All on 127.0.0.1, port 0.
import net from 'node:net';

export interface Peer {
  port: number;
  close(): Promise<void>;
}

function serve(onConnection: (s: net.Socket) => void): Promise<Peer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    s.setNoDelay(true);
    onConnection(s);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({
      port: (server.address() as net.AddressInfo).port,
      close: () => new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
    }));
  });
}

/** Echoes every byte back; closes its side when the client closes its side. */
export function echoServer(): Promise<Peer> {
  return serve((s) => s.pipe(s));
}

/** Counts the bytes each connection sends it; `received()` resolves with them once the next connection closes. */
export async function sinkServer(): Promise<Peer & { received(): Promise<number> }> {
  const waiters: ((n: number) => void)[] = [];
  const peer = await serve((s) => {
    let n = 0;
    s.on('data', (d: Buffer) => { n += d.length; });
    s.on('close', () => waiters.shift()?.(n));
  });
  return { ...peer, received: () => new Promise((resolve) => waiters.push(resolve)) };
}

/** Writes `bytes` bytes (a repeating 0..255 pattern) as fast as allowed, then closes (FIN). */
export function sourceServer(bytes: number): Promise<Peer> {
  const payload = pattern(bytes);
  return serve((s) => { s.end(payload); });
}

export function pattern(n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = i & 0xff;
  return b;
}

export interface Received {
  /** Each chunk as read by the client: when (ms since connect), and its size. */
  chunks: { at: number; size: number }[];
  data: Buffer;
  /** How it ended: 'end' (FIN from the peer), 'reset' (ECONNRESET), 'refused', 'complete', 'timeout', other code. */
  ending: string;
  /** ms since connect at which it ended. */
  endedAt: number;
}

/**
 * Connects to port, sends `send` (if any, keeping its side open: Toxiproxy has no half-close), and reads until
 * the connection ends, `until` bytes have come ('complete'), or `limitMs` passes ('timeout').
 */
export function receive(port: number, opts: { send?: Buffer; until?: number; limitMs: number }): Promise<Received> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.setNoDelay(true);
    const chunks: { at: number; size: number }[] = [];
    const parts: Buffer[] = [];
    let start = performance.now();
    let done = false;
    const finish = (ending: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const endedAt = performance.now() - start;
      s.destroy();
      resolve({ chunks, data: Buffer.concat(parts), ending, endedAt });
    };
    const timer = setTimeout(() => finish('timeout'), opts.limitMs);
    s.on('connect', () => {
      start = performance.now();
      if (opts.send) s.write(opts.send);
    });
    s.on('data', (d: Buffer) => { chunks.push({ at: performance.now() - start, size: d.length }); parts.push(d);
      if (opts.until !== undefined && chunks.reduce((n, c) => n + c.size, 0) >= opts.until) finish('complete');
    });
    s.on('end', () => finish('end'));
    s.on('error', (e: NodeJS.ErrnoException) => finish(e.code === 'ECONNRESET' ? 'reset' : e.code === 'ECONNREFUSED' ? 'refused' : String(e.code)));
    s.on('close', () => finish('end'));
  });
}

/** One connection to an echo path, for timing round trips of small messages one at a time. */
export class PingClient {
  private constructor(private readonly socket: net.Socket, private readonly msg: Buffer) {}

  static async connect(port: number, size = 16): Promise<PingClient> {
    const s = net.connect(port, '127.0.0.1');
    s.setNoDelay(true);
    await new Promise<void>((resolve, reject) => { s.once('connect', resolve); s.once('error', reject); });
    return new PingClient(s, pattern(size));
  }

  /** Round-trip time (ms) of one message. */
  rtt(): Promise<number> {
    const s = this.socket;
    const size = this.msg.length;
    const t0 = performance.now();
    return new Promise<number>((resolve, reject) => {
      let got = 0;
      const fail = (e: Error) => { s.off('data', onData); s.off('end', ended); reject(e); };
      const ended = () => fail(new Error(`connection ended after ${got} of ${size} echoed bytes`));
      const onData = (d: Buffer) => {
        got += d.length;
        if (got >= size) { s.off('data', onData); s.off('error', fail); s.off('end', ended); resolve(performance.now() - t0); }
      };
      s.on('data', onData);
      s.once('error', fail);
      s.once('end', ended);
      s.write(this.msg);
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Round-trip times (ms) of `n` small messages, one at a time, over one connection to an echo path. */
export async function pingPong(port: number, n: number, size = 16): Promise<number[]> {
  const c = await PingClient.connect(port, size);
  try {
    const times: number[] = [];
    for (let i = 0; i < n; i++) times.push(await c.rtt());
    return times;
  } finally {
    c.close();
  }
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

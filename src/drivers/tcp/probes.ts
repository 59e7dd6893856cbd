// TCP probes: whether a port accepts connections, how long connecting takes, and what a server sends first.
import { connect, type Socket } from 'node:net';
import { ActivityFailed } from '../../errors.ts';
import { custom, int, num, str, type CheckContext } from '../../experiment/schema/vocabulary.ts';
import type { JsonPath } from '../../experiment/types.ts';
import type { NativeContext } from '../../providers/python/native.ts';
import { abortReason } from '../../providers/abort.ts';
import type { DriverActivity, DriverArgument } from '../define.ts';

export const MODULE = 'turbulence.tcp';
const MAX_BANNER = 65536;

const port = custom(int({ minimum: 1, description: 'a TCP port' }), (value: unknown, path: JsonPath, ctx: CheckContext) => {
  if (typeof value === 'number' && value > 65535) ctx.problems.push({ message: 'expected a port number of at most 65535', path });
});
const endpoint = (timeout: number): DriverArgument[] => [
  { name: 'port', schema: port },
  { name: 'host', schema: str({ minLength: 1, description: 'a host name or IP address' }), default: '127.0.0.1' },
  { name: 'timeout', schema: num({ minimum: 0.001, description: 'seconds' }), default: timeout },
];

/** A connected socket with the seconds it took, or why connecting failed. */
type Outcome = { socket: Socket; seconds: number } | { failure: string };

/** Connects within `timeout` seconds; the caller owns (and must destroy) the socket on success. */
function open(host: string, p: number, timeout: number, signal: AbortSignal | undefined): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const start = process.hrtime.bigint();
    const socket = connect({ host, port: p });
    const done = (outcome: Outcome | Error) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.removeAllListeners('connect').removeAllListeners('error');
      if (outcome instanceof Error || 'failure' in outcome) socket.destroy();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const onAbort = () => done(abortReason(signal!));
    const timer = setTimeout(() => done({ failure: `no connection within ${timeout} s` }), timeout * 1000);
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => done({ socket, seconds: Number(process.hrtime.bigint() - start) / 1e9 }));
    socket.once('error', (err: NodeJS.ErrnoException) => done({ failure: err.code === 'ECONNREFUSED' ? 'connection refused' : err.code ?? err.message }));
  });
}

async function connected(a: Record<string, unknown>, ctx: NativeContext): Promise<{ socket: Socket; seconds: number }> {
  const outcome = await open(a.host as string, a.port as number, a.timeout as number, ctx.signal);
  if ('failure' in outcome) throw new ActivityFailed(`cannot connect to ${a.host}:${a.port}: ${outcome.failure}`);
  return outcome;
}

/** The first data the server sends (at most `bytes`); empty when it closes or stays silent for `timeout` seconds. */
function readBanner(socket: Socket, bytes: number, timeout: number, signal: AbortSignal | undefined): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const finish = (err?: Error) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      if (err) reject(err);
      else resolve(Buffer.concat(chunks).subarray(0, bytes));
    };
    const onAbort = () => finish(abortReason(signal!));
    const timer = setTimeout(() => finish(), timeout * 1000);
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('data', (d: Buffer) => {
      chunks.push(d);
      finish();
    });
    socket.once('end', () => finish());
    socket.once('error', () => finish());
  });
}

export const probes: DriverActivity[] = [
  {
    name: 'port_open',
    kind: 'probe',
    doc: 'Whether a TCP connection to host:port (127.0.0.1 unless said) succeeds within `timeout` seconds (1 unless said).',
    arguments: endpoint(1),
    returns: 'boolean',
    run: async (a, ctx) => {
      const outcome = await open(a.host as string, a.port as number, a.timeout as number, ctx.signal);
      if ('failure' in outcome) return false;
      outcome.socket.destroy();
      return true;
    },
  },
  {
    name: 'connect_latency',
    kind: 'probe',
    doc: 'Seconds a TCP connection to host:port takes; fails when it is refused or takes more than `timeout` seconds.',
    arguments: endpoint(5),
    returns: 'number',
    run: async (a, ctx) => {
      const { socket, seconds } = await connected(a, ctx);
      socket.destroy();
      return seconds;
    },
  },
  {
    name: 'banner',
    kind: 'probe',
    doc:
      'The first data a server sends after a TCP connection (a greeting such as SSH\'s or SMTP\'s), as UTF-8 text ' +
      '(invalid bytes replaced), at most `bytes` bytes (256 unless said); "" when it sends nothing within `timeout` seconds.',
    arguments: [
      ...endpoint(1),
      {
        name: 'bytes',
        schema: custom(int({ minimum: 1 }), (value: unknown, path: JsonPath, ctx: CheckContext) => {
          if (typeof value === 'number' && value > MAX_BANNER) ctx.problems.push({ message: `expected a number of at most ${MAX_BANNER}`, path });
        }),
        default: 256,
      },
    ],
    returns: 'string',
    run: async (a, ctx) => {
      const { socket } = await connected(a, ctx);
      return (await readBanner(socket, a.bytes as number, a.timeout as number, ctx.signal)).toString('utf8');
    },
  },
];

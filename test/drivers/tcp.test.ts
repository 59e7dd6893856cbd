// The tcp probe driver against real servers on random 127.0.0.1 ports: a greeting server, a silent one, and a port
// nothing listens on.
import assert from 'node:assert/strict';
import { type AddressInfo, type Server, type Socket, createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ActivityFailed } from '../../src/errors.ts';
import type { Activity } from '../../src/experiment/types.ts';
import '../../src/providers/index.ts';
import { getProvider } from '../../src/providers/registry.ts';

const provider = getProvider('python')!;
const call = (func: string, args: Record<string, unknown>) => {
  const activity = { type: 'probe', name: func, provider: { type: 'python', module: 'turbulence.tcp', func, arguments: args } } as Activity;
  return provider.run(activity, { configuration: {}, secrets: {} });
};

const sockets = new Set<Socket>();
function serve(onConnection: (s: Socket) => void): Promise<{ server: Server; port: number }> {
  const server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    onConnection(s);
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r({ server, port: (server.address() as AddressInfo).port })));
}

let greeting: { server: Server; port: number };
let silent: { server: Server; port: number };
let closing: { server: Server; port: number };
let closedPort = 0;
let connections = 0;
before(async () => {
  greeting = await serve((s) => {
    connections++;
    s.write('SSH-2.0-Turbulence_Test\r\n');
  });
  silent = await serve(() => {});
  closing = await serve((s) => s.end('bye'));
  const gone = await serve(() => {});
  closedPort = gone.port;
  await new Promise((r) => gone.server.close(r));
});
after(() => {
  for (const s of sockets) s.destroy();
  for (const { server } of [greeting, silent, closing]) server.close();
});

describe('turbulence.tcp', () => {
  it('port_open: true on a listening port (the connection is made), false on a closed one', async () => {
    const before = connections;
    assert.equal(await call('port_open', { port: greeting.port }), true);
    assert.equal(await call('port_open', { port: greeting.port, host: 'localhost', timeout: 2 }), true);
    assert.equal(await call('port_open', { port: closedPort }), false);
    for (let i = 0; i < 50 && connections < before + 2; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(connections, before + 2);
  });

  it('connect_latency: seconds, small on loopback; a refused connection fails clearly', async () => {
    const s = (await call('connect_latency', { port: silent.port })) as number;
    assert.equal(typeof s, 'number');
    assert.ok(s > 0 && s < 1, `latency ${s}`);
    await assert.rejects(call('connect_latency', { port: closedPort }), (e: Error) =>
      e instanceof ActivityFailed && e.message === `cannot connect to 127.0.0.1:${closedPort}: connection refused`,
    );
  });

  it('banner: what the server sends first, up to `bytes`; "" from a silent server after the timeout', async () => {
    assert.equal(await call('banner', { port: greeting.port }), 'SSH-2.0-Turbulence_Test\r\n');
    assert.equal(await call('banner', { port: greeting.port, bytes: 7 }), 'SSH-2.0');
    assert.equal(await call('banner', { port: closing.port, timeout: 5 }), 'bye');
    const start = Date.now();
    assert.equal(await call('banner', { port: silent.port, timeout: 0.2 }), '');
    const took = Date.now() - start;
    assert.ok(took >= 190 && took < 1500, `took ${took} ms`);
    await assert.rejects(call('banner', { port: closedPort }), /cannot connect to 127\.0\.0\.1:\d+: connection refused/);
  });

  it('argument values are checked', async () => {
    await assert.rejects(call('port_open', { port: 70000 }), /argument 'port' of activity 'port_open': expected a port number of at most 65535/);
    await assert.rejects(call('port_open', {}), /missing 1 required positional argument: 'port'/);
    await assert.rejects(call('banner', { port: 1, bytes: 0 }), /argument 'bytes' of activity 'banner': expected a number of at least 1/);
  });
});

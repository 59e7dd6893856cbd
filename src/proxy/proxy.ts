// A proxy (Toxiproxy's Proxy): a listener whose accept loop dials the upstream for every client and joins the two
// through a Connection. Disabling it (`enabled: false`, the "down" fault) closes the listener and every connection,
// so clients see "connection refused".
import { type Server, type Socket, connect, createServer } from 'node:net';
import { isLogged, log } from '../log.ts';
import { bindErrorText, formatAddr, listenTarget, resolveTcpAddr, splitHostPort } from './address.ts';
import { Connection, type ConnectionOwner } from './connection.ts';
import type { ByteCounters, Metrics } from './metrics.ts';
import { DIRECTION_NAMES, goJson, toxicJson } from './toxic.ts';
import { ToxicCollection } from './toxic-collection.ts';

export interface ProxyEnv {
  random(): number;
  metrics: Metrics;
}

export interface ProxyInput {
  listen: string;
  upstream: string;
  enabled: boolean;
}

export class Proxy implements ConnectionOwner {
  enabled = false;
  private server: Server | null = null;
  private readonly connections = new Set<Connection>();
  /** clients whose upstream dial is still running */
  private readonly dialing = new Set<Socket>();
  readonly toxics = new ToxicCollection();

  constructor(
    private readonly env: ProxyEnv,
    readonly name: string,
    public listen: string,
    public upstream: string,
  ) {}

  json(): string {
    return (
      `{"name":${goJson(this.name)},"listen":${goJson(this.listen)},"upstream":${goJson(this.upstream)},` +
      `"enabled":${this.enabled},"Logger":{},"toxics":[${this.toxics.list().map(toxicJson).join(',')}]}`
    );
  }

  /** Starts listening; throws Go's error text ("listen tcp 127.0.0.1:1: bind: address already in use"). */
  async start(): Promise<void> {
    if (this.enabled) throw new ProxyAlreadyStarted();
    let target;
    try {
      target = await listenTarget(this.listen);
    } catch (err) {
      throw new Error(`listen tcp: ${(err as Error).message}`);
    }
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true }, (s) => this.accept(s));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        const where = formatAddr(target.shownHost, target.port);
        reject(new Error(`listen tcp ${where}: ${bindErrorText(err.code, err.message)}`));
      });
      server.listen({ host: target.bindHost, port: target.port, ipv6Only: false, exclusive: true }, () => resolve());
    });
    server.on('error', (err) => log.warning(`proxy ${this.name}: ${err.message}`));
    const port = (server.address() as { port: number }).port;
    this.server = server;
    this.listen = formatAddr(target.shownHost, port);
    this.enabled = true;
    log.info(`proxy ${this.name} listening on ${this.listen}, upstream ${this.upstream}`);
  }

  stop(): void {
    if (!this.enabled) return;
    this.enabled = false;
    this.server?.close();
    this.server = null;
    for (const c of this.connections) c.kill();
    for (const s of this.dialing) s.destroy();
    this.connections.clear();
    this.dialing.clear();
    log.info(`proxy ${this.name} stopped`);
  }

  /** Whether `input.listen` or `upstream` differs (Proxy.Differs; a bad listen address is a 500). */
  async differs(input: { listen: string; upstream: string }): Promise<boolean> {
    return this.listen !== (await resolveTcpAddr(input.listen)) || this.upstream !== input.upstream;
  }

  /** Proxy.Update: a changed listen or upstream restarts the proxy; `enabled` starts or stops it. */
  async update(input: ProxyInput): Promise<void> {
    if (await this.differs(input)) {
      this.stop();
      this.listen = input.listen;
      this.upstream = input.upstream;
    }
    if (input.enabled !== this.enabled) {
      if (input.enabled) await this.start();
      else this.stop();
    }
  }

  private accept(client: Socket): void {
    if (!this.enabled) {
      client.destroy();
      return;
    }
    client.on('error', () => {});
    let target;
    try {
      target = splitHostPort(this.upstream);
    } catch (err) {
      log.warning(`proxy ${this.name}: unable to open connection to upstream: dial tcp: ${(err as Error).message}`);
      client.destroy();
      return;
    }
    this.dialing.add(client);
    const upstream = connect({ host: target.host || 'localhost', port: target.port, allowHalfOpen: true, noDelay: true });
    const failed = (err: Error) => {
      this.dialing.delete(client);
      if (isLogged('warning')) log.warning(`proxy ${this.name}: unable to open connection to upstream ${this.upstream}: ${err.message}`);
      client.destroy();
    };
    upstream.once('error', failed);
    upstream.once('connect', () => {
      upstream.off('error', failed);
      this.dialing.delete(client);
      if (!this.enabled || client.destroyed) {
        upstream.destroy();
        client.destroy();
        return;
      }
      const conn = new Connection(this, client, upstream);
      this.connections.add(conn);
      this.toxics.attach(conn);
      conn.start(this.toxics.chains());
      if (isLogged('debug')) log.debug(`proxy ${this.name}: accepted client ${client.remoteAddress}:${client.remotePort}`);
    });
  }

  random(): number {
    return this.env.random();
  }

  counters(direction: 0 | 1): ByteCounters | null {
    return this.env.metrics.counters(DIRECTION_NAMES[direction], this.name, this.listen, this.upstream);
  }

  released(conn: Connection): void {
    this.connections.delete(conn);
    this.toxics.detach(conn);
  }
}

export class ProxyAlreadyStarted extends Error {
  constructor() {
    super('Proxy already started');
  }
}

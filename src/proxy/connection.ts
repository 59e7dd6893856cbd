// One client connection through a proxy: the client socket, the upstream socket and a link per direction.
// Closing follows Toxiproxy: when a direction's chain delivers EOF its destination is closed outright (no half-close),
// which ends the other direction's source; once both are done both sockets are gone.
import type { Socket } from 'node:net';
import { Link } from './link.ts';
import type { ByteCounters } from './metrics.ts';
import { DOWNSTREAM, type Toxic, UPSTREAM } from './toxic.ts';

export interface ConnectionOwner {
  random(): number;
  counters(direction: 0 | 1): ByteCounters | null;
  /** called once both sockets are closed */
  released(conn: Connection): void;
}

export class Connection {
  private linger0 = false;
  readonly up: Link;
  readonly down: Link;
  private closedSockets = 0;

  constructor(
    private readonly owner: ConnectionOwner,
    readonly client: Socket,
    readonly upstream: Socket,
  ) {
    this.up = new Link(this, UPSTREAM, client, upstream, owner.counters(UPSTREAM));
    this.down = new Link(this, DOWNSTREAM, upstream, client, owner.counters(DOWNSTREAM));
    for (const s of [client, upstream]) {
      // errors (ECONNRESET, EPIPE) end the socket like EOF does; 'close' follows
      s.on('error', () => {});
      s.once('close', () => this.socketClosed(s));
    }
  }

  random(): number {
    return this.owner.random();
  }

  start(chains: readonly [readonly Toxic[], readonly Toxic[]]): void {
    this.up.start(chains[UPSTREAM]);
    this.down.start(chains[DOWNSTREAM]);
    this.client.resume();
  }

  lingerZero(): void {
    this.linger0 = true;
  }

  linkFinished(link: Link, close: boolean): void {
    if (close) {
      const dest = link === this.up ? this.upstream : this.client;
      this.closeSocket(dest);
    }
    // the destination was also the other direction's source
    (link === this.up ? this.down : this.up).endInput();
  }

  private closeSocket(s: Socket): void {
    if (s.destroyed) return;
    if (this.linger0) s.resetAndDestroy();
    else s.destroySoon();
  }

  private socketClosed(s: Socket): void {
    // the link reading it sees EOF, the link writing to it is over
    if (s === this.client) {
      this.up.endInput();
      this.down.finish(false);
    } else {
      this.down.endInput();
      this.up.finish(false);
    }
    if (++this.closedSockets === 2) this.owner.released(this);
  }

  /** The proxy stops (disabled, deleted, moved): every socket closes now. */
  kill(): void {
    for (const s of [this.client, this.upstream]) {
      if (s.destroyed) continue;
      if (this.linger0) s.resetAndDestroy();
      else s.destroy();
    }
  }
}

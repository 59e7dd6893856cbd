// The running form of a toxic inside one link (one connection, one direction), like Toxiproxy's ToxicStub + Pipe:
// chunks come in through write(), go out through `out`, and EOF travels the same way through end().
export interface Chunk {
  data: Buffer;
  /** arrival time in ms (performance.now()); latency counts from it */
  ts: number;
}

export interface Sink {
  write(c: Chunk): void;
  end(): void;
}

/** What a stopped stage still held: `flush` leaves at once (Toxiproxy's "don't drop data on the floor"),
 * `pending` is input it had not processed yet and goes to the stage that replaces it. */
export interface Held {
  flush: Chunk[];
  pending: Chunk[];
  /** EOF reached the stage but was not passed on yet */
  ended: boolean;
}

/** What a stage may ask of its link. */
export interface LinkControl {
  /** bytes a toxic dropped, so the link's backpressure accounting stays right */
  discard(bytes: number): void;
  /** from now on every close of this connection sends an RST (SO_LINGER 0) */
  lingerZero(): void;
  /** writes bytes straight back to the peer that sent this direction's data (HTTP faults answer the client) */
  reply(data: Buffer): void;
  /** bytes this direction has carried so far (HTTP parsing starts at a request boundary only) */
  readonly carried: number;
  random(): number;
}

export const NOTHING: Held = Object.freeze({ flush: [], pending: [], ended: false }) as Held;

export abstract class Stage implements Sink {
  out!: Sink;
  /** closed itself (Toxiproxy's stub.Close()): it ends its output and can no longer be interrupted */
  closed = false;
  protected stopped = false;
  constructor(protected readonly link: LinkControl) {}
  abstract write(c: Chunk): void;
  end(): void {
    this.out.end();
  }
  /** Interrupts the stage (before an update, a removal, or a new toxic after it) and returns what it held. */
  stop(): Held {
    this.stopped = true;
    return NOTHING;
  }
  /** Ends the output and refuses further input, as a toxic closing its stub does. */
  protected close(): void {
    if (this.closed) return;
    this.closed = true;
    this.out.end();
  }
}

/** Passes everything through: a toxic whose toxicity roll failed, and the `noop` type. */
export class PassStage extends Stage {
  write(c: Chunk): void {
    this.out.write(c);
  }
}

// One direction of one connection (Toxiproxy's ToxicLink): source socket → toxic stages → destination socket.
// With no toxic the bytes go straight from socket to socket with backpressure (the fast path); adding a toxic only
// changes where the next chunk goes, and a stage that is replaced or removed hands what it holds to its successor,
// in order, so hot swaps never lose or duplicate bytes.
import type { Socket } from 'node:net';
import type { Connection } from './connection.ts';
import type { ByteCounters } from './metrics.ts';
import type { Direction, Toxic } from './toxic.ts';
import { type Chunk, type Held, type LinkControl, PassStage, type Sink, type Stage } from './toxics/stage.ts';
import { now } from './toxics/timing.ts';

/** Bytes held inside the toxics before the source is paused (Toxiproxy: a 1024-chunk channel for latency). */
const HIGH_WATER = 8 * 1024 * 1024;
const LOW_WATER = 4 * 1024 * 1024;

class Slot implements Sink {
  stage!: Stage;
  private inputEnded = false;
  constructor(
    readonly toxic: Toxic,
    readonly state: unknown,
    private readonly link: Link,
  ) {}
  write(c: Chunk): void {
    if (this.inputEnded || this.stage.closed) this.link.discard(c.data.length);
    else this.stage.write(c);
  }
  end(): void {
    if (this.inputEnded || this.stage.closed) return;
    this.inputEnded = true;
    this.stage.end();
  }
}

class Writer implements Sink {
  ended = false;
  constructor(
    private readonly link: Link,
    private readonly dest: Socket,
  ) {}
  write(c: Chunk): void {
    this.link.held -= c.data.length;
    this.send(c.data);
    if (this.link.paused) this.link.flow();
  }
  send(data: Buffer): void {
    if (this.ended) return;
    this.link.counters?.sent(data.length);
    if (!this.dest.write(data)) this.link.block();
  }
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.link.finish(true);
  }
}

export class Link implements LinkControl {
  private readonly slots: Slot[] = [];
  private head: Sink;
  private readonly writer: Writer;
  held = 0;
  carried = 0;
  paused = false;
  private blocked = false;
  private inputDone = false;
  finished = false;

  constructor(
    readonly conn: Connection,
    readonly direction: Direction,
    private readonly source: Socket,
    private readonly dest: Socket,
    readonly counters: ByteCounters | null,
  ) {
    this.writer = new Writer(this, dest);
    this.head = this.writer;
  }

  /** Sets up the chain (toxicity rolled once per toxic now) and starts reading. */
  start(chain: readonly Toxic[]): void {
    for (const toxic of chain) {
      if (toxic.kind.lingerZeroAtStart) this.conn.lingerZero();
      this.slots.push(new Slot(toxic, toxic.kind.newState?.(), this));
    }
    for (let i = 0; i < this.slots.length; i++) this.instantiate(i);
    this.head = this.slots[0] ?? this.writer;
    this.source.on('data', this.onData);
    this.source.on('end', this.endInput);
    this.dest.on('drain', this.onDrain);
  }

  private readonly onData = (buf: Buffer): void => {
    this.carried += buf.length;
    this.counters?.received(buf.length);
    if (this.head === this.writer) {
      this.writer.send(buf);
      return;
    }
    this.held += buf.length;
    this.head.write({ data: buf, ts: now() });
    if (this.held > HIGH_WATER) this.flow();
  };

  private readonly onDrain = (): void => {
    this.blocked = false;
    this.flow();
  };

  block(): void {
    this.blocked = true;
    if (!this.paused) {
      this.paused = true;
      this.source.pause();
    }
  }

  flow(): void {
    const stop = this.blocked || this.held > HIGH_WATER;
    if (stop && !this.paused) {
      this.paused = true;
      this.source.pause();
    } else if (!stop && this.paused && this.held <= LOW_WATER) {
      this.paused = false;
      if (!this.inputDone) this.source.resume();
    }
  }

  discard(bytes: number): void {
    this.held -= bytes;
    if (this.paused) this.flow();
  }

  lingerZero(): void {
    this.conn.lingerZero();
  }

  reply(data: Buffer): void {
    if (!this.source.destroyed) this.source.write(data);
  }

  random(): number {
    return this.conn.random();
  }

  /** EOF (or an error) on the source: the chain flushes, then the destination closes. */
  readonly endInput = (): void => {
    if (this.inputDone) return;
    this.inputDone = true;
    this.source.off('data', this.onData);
    this.head.end();
  };

  /** The chain delivered EOF (`close` true), or the destination is gone: this direction is over. */
  finish(close: boolean): void {
    if (this.finished) return;
    this.finished = true;
    this.writer.ended = true;
    this.dest.off('drain', this.onDrain);
    this.conn.linkFinished(this, close);
  }

  // -- hot reconfiguration, mirroring ToxicLink.AddToxic / UpdateToxic / RemoveToxic --

  private outOf(i: number): Sink {
    return this.slots[i + 1] ?? this.writer;
  }

  /** Builds the stage of slot i, rolling its toxicity as Toxiproxy does each time a stub (re)starts. */
  private instantiate(i: number): void {
    const slot = this.slots[i]!;
    const t = slot.toxic;
    slot.stage = this.random() < Math.fround(t.toxicity) ? t.kind.create(this, t.attributes, slot.state) : new PassStage(this);
    slot.stage.out = this.outOf(i);
  }

  private refeed(stage: Stage, held: Held): void {
    for (const c of held.pending) {
      if (stage.closed) this.discard(c.data.length);
      else stage.write(c);
    }
    if (held.ended && !stage.closed) stage.end();
  }

  private emit(out: Sink, chunks: Chunk[]): void {
    for (const c of chunks) out.write(c);
  }

  add(toxic: Toxic): void {
    if (this.finished) return;
    const last = this.slots[this.slots.length - 1];
    let held: Held | null = null;
    if (last && !last.stage.closed) {
      held = last.stage.stop();
      this.emit(last.stage.out, held.flush);
    }
    const slot = new Slot(toxic, toxic.kind.newState?.(), this);
    this.slots.push(slot);
    this.instantiate(this.slots.length - 1);
    if (last && held) {
      this.instantiate(this.slots.length - 2);
      this.refeed(last.stage, held);
    } else if (last) {
      last.stage.out = slot;
    }
    this.head = this.slots[0]!;
  }

  update(toxic: Toxic): void {
    if (this.finished) return;
    const i = this.slots.findIndex((s) => s.toxic === toxic);
    const slot = this.slots[i];
    if (!slot || slot.stage.closed) return;
    const held = slot.stage.stop();
    this.emit(slot.stage.out, held.flush);
    this.instantiate(i);
    this.refeed(slot.stage, held);
  }

  remove(toxic: Toxic): void {
    const i = this.slots.findIndex((s) => s.toxic === toxic);
    const slot = this.slots[i];
    if (!slot) return;
    if (this.finished) {
      this.slots.splice(i, 1);
      return;
    }
    const out = this.outOf(i);
    if (slot.stage.closed) {
      this.slots.splice(i, 1);
      if (i > 0) this.slots[i - 1]!.stage.out = out;
      this.head = this.slots[0] ?? this.writer;
      return;
    }
    if (toxic.kind.cleanupCloses) {
      // Toxiproxy's Cleanup closes the stub: what it held is dropped and EOF travels on, closing the connection
      const held = slot.stage.stop();
      for (const c of [...held.flush, ...held.pending]) this.discard(c.data.length);
      slot.stage = new PassStage(this);
      slot.stage.closed = true;
      slot.stage.out = out;
      out.end();
      return;
    }
    const held = slot.stage.stop();
    const prev = i > 0 ? this.slots[i - 1]! : null;
    const prevHeld = prev && !prev.stage.closed ? prev.stage.stop() : null;
    this.emit(out, held.flush);
    this.emit(out, held.pending);
    if (prevHeld) this.emit(out, prevHeld.flush);
    this.slots.splice(i, 1);
    if (held.ended) out.end();
    if (prev && prevHeld) {
      this.instantiate(i - 1);
      this.refeed(prev.stage, prevHeld);
    } else if (prev) {
      prev.stage.out = out;
    }
    this.head = this.slots[0] ?? this.writer;
  }
}

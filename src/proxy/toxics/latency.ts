// latency: each chunk leaves at its arrival time + latency ± U(jitter); the delay counts from arrival, so it does not
// accumulate across chunks, and chunks keep their order (toxics/latency.go).
import { registerToxic } from './registry.ts';
import { type Chunk, type Held, type LinkControl, Stage } from './stage.ts';
import { Alarm, Queue, now } from './timing.ts';

interface Delayed {
  c: Chunk;
  due: number;
}

class LatencyStage extends Stage {
  private readonly queue = new Queue<Delayed>();
  private ended = false;
  private readonly alarm = new Alarm(() => this.pump());
  constructor(
    link: LinkControl,
    private readonly latency: number,
    private readonly jitter: number,
  ) {
    super(link);
  }

  private delay(): number {
    // Go: delay += rand.Int63n(jitter*2) - jitter
    return this.jitter > 0 ? this.latency + Math.floor(this.link.random() * this.jitter * 2) - this.jitter : this.latency;
  }

  write(c: Chunk): void {
    this.queue.push({ c, due: c.ts + this.delay() });
    if (this.queue.length === 1) this.pump();
  }

  override end(): void {
    if (this.queue.length === 0) this.out.end();
    else this.ended = true;
  }

  private pump(): void {
    if (this.stopped) return;
    const t = now();
    for (let e = this.queue.peek(); e; e = this.queue.peek()) {
      if (e.due > t + 0.05) {
        this.alarm.at(e.due);
        return;
      }
      this.queue.shift();
      // a later latency toxic in the chain counts from here, as Go moves the chunk's timestamp
      if (e.due > e.c.ts) e.c.ts = e.due;
      this.out.write(e.c);
    }
    if (this.ended) {
      this.ended = false;
      this.out.end();
    }
  }

  override stop(): Held {
    this.stopped = true;
    this.alarm.cancel();
    const rest = this.queue.drain().map((e) => e.c);
    // Go: the chunk being waited on leaves at once; the buffered ones are delayed again by the next toxic
    return { flush: rest.slice(0, 1), pending: rest.slice(1), ended: this.ended };
  }
}

registerToxic({
  type: 'latency',
  goName: 'LatencyToxic',
  fields: [
    { json: 'latency', kind: 'int64' },
    { json: 'jitter', kind: 'int64' },
  ],
  create: (link, a) => new LatencyStage(link, a.latency as number, a.jitter as number),
});

// bandwidth: `rate` KB/s; each chunk waits len/rate, and chunks larger than rate×100 bytes are cut into 100 ms
// slices; oversleeping is paid back on the next chunk (toxics/bandwidth.go).
import { registerToxic } from './registry.ts';
import { type Chunk, type Held, type LinkControl, Stage } from './stage.ts';
import { Alarm, Queue, now } from './timing.ts';

class BandwidthStage extends Stage {
  private readonly queue = new Queue<Chunk>();
  private current: Chunk | null = null;
  /** ms still owed by the data sent so far (negative: time overslept) */
  private sleep = 0;
  private waitStart = 0;
  private slicing = false;
  private ended = false;
  private readonly alarm = new Alarm(() => this.wake());
  constructor(
    link: LinkControl,
    private readonly rate: number,
  ) {
    super(link);
  }

  write(c: Chunk): void {
    this.queue.push(c);
    if (!this.current) this.next();
  }

  override end(): void {
    if (!this.current && this.queue.length === 0) this.out.end();
    else this.ended = true;
  }

  private next(): void {
    while (!this.stopped) {
      const c = this.queue.shift();
      if (!c) {
        this.current = null;
        if (this.ended) {
          this.ended = false;
          this.out.end();
        }
        return;
      }
      if (this.rate <= 0) {
        this.sleep = 0;
        this.out.write(c);
        continue;
      }
      this.current = c;
      this.sleep += c.data.length / this.rate;
      this.step();
      return;
    }
  }

  private step(): void {
    const slice = this.rate * 100;
    this.slicing = this.current!.data.length > slice;
    this.waitStart = now();
    this.alarm.at(this.waitStart + (this.slicing ? 100 : this.sleep));
  }

  private wake(): void {
    if (this.stopped) return;
    const c = this.current!;
    if (this.slicing) {
      const slice = this.rate * 100;
      this.out.write({ data: c.data.subarray(0, slice), ts: c.ts });
      c.data = c.data.subarray(slice);
      this.sleep -= 100;
      this.step();
      return;
    }
    this.sleep -= now() - this.waitStart;
    this.current = null;
    this.out.write(c);
    this.next();
  }

  override stop(): Held {
    this.stopped = true;
    this.alarm.cancel();
    const flush = this.current ? [this.current] : [];
    this.current = null;
    return { flush, pending: this.queue.drain(), ended: this.ended };
  }
}

registerToxic({
  type: 'bandwidth',
  goName: 'BandwidthToxic',
  fields: [{ json: 'rate', kind: 'int64' }],
  create: (link, a) => new BandwidthStage(link, a.rate as number),
});

// slicer: splits each chunk recursively into pieces of about average_size ± size_variation bytes, waiting `delay`
// microseconds after each piece (toxics/slicer.go).
import { registerToxic } from './registry.ts';
import { type Chunk, type Held, type LinkControl, Stage } from './stage.ts';
import { Alarm, Queue, now } from './timing.ts';

class SlicerStage extends Stage {
  private readonly queue = new Queue<Chunk>();
  private current: Chunk | null = null;
  private offsets: number[] = [];
  private index = 1;
  private ended = false;
  private readonly alarm = new Alarm(() => this.run());
  constructor(
    link: LinkControl,
    private readonly average: number,
    private readonly variation: number,
    private readonly delayUs: number,
  ) {
    super(link);
  }

  /** Go's chunk(): offsets in pairs [start, end, start, end, ...]. Guards keep Go's crashes (average 0,
   * variation ≥ average) from becoming infinite recursion here. */
  chunk(start: number, end: number, out: number[]): void {
    if (end - start - Math.max(1, this.average) <= this.variation) {
      out.push(start, end);
      return;
    }
    let mid = start + Math.floor((end - start) / 2);
    if (this.variation > 0) mid += Math.floor(this.link.random() * this.variation * 2) - this.variation;
    mid = Math.min(end - 1, Math.max(start + 1, mid));
    this.chunk(start, mid, out);
    this.chunk(mid, end, out);
  }

  write(c: Chunk): void {
    this.queue.push(c);
    if (!this.current) this.run();
  }

  override end(): void {
    if (!this.current && this.queue.length === 0) this.out.end();
    else this.ended = true;
  }

  private run(): void {
    while (!this.stopped) {
      if (!this.current) {
        const c = this.queue.shift();
        if (!c) {
          if (this.ended) {
            this.ended = false;
            this.out.end();
          }
          return;
        }
        this.current = c;
        this.offsets = [];
        this.chunk(0, c.data.length, this.offsets);
        this.index = 1;
      }
      const c = this.current;
      if (this.index >= this.offsets.length) {
        this.current = null;
        continue;
      }
      this.out.write({ data: c.data.subarray(this.offsets[this.index - 1], this.offsets[this.index]), ts: c.ts });
      this.index += 2;
      if (this.delayUs > 0) {
        this.alarm.at(now() + this.delayUs / 1000);
        return;
      }
    }
  }

  override stop(): Held {
    this.stopped = true;
    this.alarm.cancel();
    const flush: Chunk[] = [];
    if (this.current && this.index - 1 < this.offsets.length) {
      flush.push({ data: this.current.data.subarray(this.offsets[this.index - 1]), ts: this.current.ts });
    }
    this.current = null;
    return { flush, pending: this.queue.drain(), ended: this.ended };
  }
}

registerToxic({
  type: 'slicer',
  goName: 'SlicerToxic',
  fields: [
    { json: 'average_size', kind: 'int' },
    { json: 'size_variation', kind: 'int' },
    { json: 'delay', kind: 'int' },
  ],
  create: (link, a) => new SlicerStage(link, a.average_size as number, a.size_variation as number, a.delay as number),
});

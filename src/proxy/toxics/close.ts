// The toxics that end a connection: slow_close, timeout, reset_peer, limit_data (toxics/*.go).
import { registerToxic } from './registry.ts';
import { type Chunk, type Held, type LinkControl, NOTHING, PassStage, Stage } from './stage.ts';
import { Alarm, now } from './timing.ts';

/** slow_close: data passes; the close after EOF waits `delay` ms. */
class SlowCloseStage extends Stage {
  private waiting = false;
  private readonly alarm = new Alarm(() => {
    this.waiting = false;
    this.out.end();
  });
  constructor(
    link: LinkControl,
    private readonly delay: number,
  ) {
    super(link);
  }
  write(c: Chunk): void {
    this.out.write(c);
  }
  override end(): void {
    this.waiting = true;
    this.alarm.at(now() + this.delay);
  }
  override stop(): Held {
    this.stopped = true;
    this.alarm.cancel();
    return this.waiting ? { flush: [], pending: [], ended: true } : NOTHING;
  }
}

/** timeout: drops all data and closes after `timeout` ms, or never when 0. */
class TimeoutStage extends Stage {
  private readonly alarm = new Alarm(() => this.close());
  constructor(link: LinkControl, timeout: number) {
    super(link);
    if (timeout > 0) this.alarm.at(now() + timeout);
  }
  write(c: Chunk): void {
    this.link.discard(c.data.length);
  }
  override end(): void {
    this.alarm.cancel();
    this.close();
  }
  override stop(): Held {
    this.stopped = true;
    this.alarm.cancel();
    return NOTHING;
  }
}

/** reset_peer: on the first chunk (or EOF), drops it, waits `timeout` ms, then closes with an RST. Like Go, which
 * does not listen for interrupts while it waits, the reset happens even if the toxic is changed meanwhile. */
class ResetPeerStage extends Stage {
  constructor(
    link: LinkControl,
    private readonly timeout: number,
  ) {
    super(link);
  }
  write(c: Chunk): void {
    this.link.discard(c.data.length);
    this.trigger();
  }
  override end(): void {
    this.trigger();
  }
  private trigger(): void {
    if (this.closed) return;
    this.closed = true;
    const reset = () => {
      this.link.lingerZero();
      this.out.end();
    };
    if (this.timeout > 0) setTimeout(reset, this.timeout);
    else reset();
  }
}

interface LimitState {
  transmitted: number;
}

/** limit_data: closes after `bytes` bytes; the count is per connection and survives updates of the toxic. */
class LimitDataStage extends Stage {
  constructor(
    link: LinkControl,
    private readonly bytes: number,
    private readonly state: LimitState,
  ) {
    super(link);
  }
  write(c: Chunk): void {
    const remaining = Math.max(0, this.bytes - this.state.transmitted);
    let data = c.data;
    if (remaining < data.length) {
      this.link.discard(data.length - remaining);
      data = data.subarray(0, remaining);
    }
    if (data.length > 0) {
      this.out.write(data === c.data ? c : { data, ts: c.ts });
      this.state.transmitted += data.length;
    }
    if (this.bytes - this.state.transmitted <= 0) this.close();
  }
}

registerToxic({
  type: 'noop',
  goName: 'NoopToxic',
  fields: [],
  create: (link) => new PassStage(link),
});
registerToxic({
  type: 'slow_close',
  goName: 'SlowCloseToxic',
  fields: [{ json: 'delay', kind: 'int64' }],
  create: (link, a) => new SlowCloseStage(link, a.delay as number),
});
registerToxic({
  type: 'timeout',
  goName: 'TimeoutToxic',
  fields: [{ json: 'timeout', kind: 'int64' }],
  cleanupCloses: true,
  create: (link, a) => new TimeoutStage(link, a.timeout as number),
});
registerToxic({
  type: 'reset_peer',
  goName: 'ResetToxic',
  fields: [{ json: 'timeout', kind: 'int64' }],
  lingerZeroAtStart: true,
  create: (link, a) => new ResetPeerStage(link, a.timeout as number),
});
registerToxic({
  type: 'limit_data',
  goName: 'LimitDataToxic',
  fields: [{ json: 'bytes', kind: 'int64' }],
  newState: (): LimitState => ({ transmitted: 0 }),
  create: (link, a, state) => new LimitDataStage(link, a.bytes as number, state as LimitState),
});

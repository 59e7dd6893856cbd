// HTTP-aware faults (beyond Toxiproxy): on the upstream stream of a proxy carrying HTTP/1.1, abort a share of the
// matching requests with a status code, or delay them, as Istio's fault injection does. Only a proxy with such a
// toxic parses requests; the framing keeps keep-alive connections and Content-Length or chunked bodies intact.
import { STATUS_CODES } from 'node:http';
import { type FaultSpec, matches, parseFaultSpec } from '../http/fault-spec.ts';
import { type ParsedHead, RequestFramer } from '../http/request-parser.ts';
import { registerToxic } from './registry.ts';
import { type Chunk, type Held, type LinkControl, Stage } from './stage.ts';
import { Alarm, Queue, now } from './timing.ts';

/** Per connection, kept across updates of the toxic so a request in flight stays framed. */
interface HttpState {
  framer: RequestFramer | null;
  /** what happens to the current request's bytes */
  drop: boolean;
}

const ABORT_BODY = 'fault filter abort';

function abortResponse(status: number, head: ParsedHead): Buffer {
  return Buffer.from(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\ncontent-length: ${ABORT_BODY.length}\r\n` +
      `content-type: text/plain\r\ndate: ${new Date().toUTCString()}\r\nserver: turbulence\r\n` +
      `${head.closes ? 'connection: close\r\n' : ''}\r\n${head.method === 'HEAD' ? '' : ABORT_BODY}`,
    'latin1',
  );
}

class HttpFaultStage extends Stage {
  private readonly input = new Queue<Chunk>();
  private offset = 0;
  private held: { head: ParsedHead; ts: number; abort: boolean } | null = null;
  private ended = false;
  private readonly alarm = new Alarm(() => this.afterDelay());

  constructor(
    link: LinkControl,
    private readonly spec: FaultSpec,
    private readonly st: HttpState,
  ) {
    super(link);
    st.framer ??= new RequestFramer(link.carried > 0);
  }

  write(c: Chunk): void {
    this.input.push(c);
    if (!this.held) this.process();
  }

  override end(): void {
    if (this.held || this.input.length > 0) this.ended = true;
    else this.out.end();
  }

  private roll(percent: number): boolean {
    return percent >= 100 || this.link.random() * 100 < percent;
  }

  private process(): void {
    const framer = this.st.framer!;
    while (!this.stopped && !this.held && !this.closed) {
      const c = this.input.peek();
      if (!c) {
        if (this.ended) {
          this.ended = false;
          this.out.end();
        }
        return;
      }
      if (this.offset >= c.data.length) {
        this.input.shift();
        this.offset = 0;
        continue;
      }
      const r = framer.next(c.data, this.offset);
      const piece = c.data.subarray(this.offset, r.end);
      this.offset = r.end;
      if (r.kind === 'pass') {
        this.st.drop = false;
        const data = framer.pending ?? piece;
        framer.pending = null;
        if (data.length) this.out.write({ data, ts: c.ts });
      } else if (r.kind === 'body') this.deliver(piece, c.ts);
      else if (r.kind === 'head') this.onHead(r.head!, c.ts);
    }
  }

  private deliver(data: Buffer, ts: number): void {
    if (data.length === 0) return;
    if (this.st.drop) this.link.discard(data.length);
    else this.out.write({ data, ts });
  }

  private onHead(head: ParsedHead, ts: number): void {
    const applies = matches(this.spec, head);
    const delay = applies && this.spec.delay && this.roll(this.spec.delay.percent) ? this.spec.delay.ms : 0;
    const abort = Boolean(applies && this.spec.abort && this.roll(this.spec.abort.percent));
    this.st.drop = abort;
    if (delay > 0) {
      this.held = { head, ts, abort };
      this.alarm.at(now() + delay);
      return;
    }
    this.release(head, ts, abort);
  }

  private release(head: ParsedHead, ts: number, abort: boolean): void {
    if (!abort) {
      this.out.write({ data: head.raw, ts });
      return;
    }
    this.link.discard(head.raw.length);
    this.link.reply(abortResponse(this.spec.abort!.status, head));
    if (head.closes) this.close();
  }

  private afterDelay(): void {
    if (this.stopped || !this.held) return;
    const { head, ts, abort } = this.held;
    this.held = null;
    this.release(head, ts, abort);
    this.process();
  }

  override stop(): Held {
    this.stopped = true;
    this.alarm.cancel();
    const flush: Chunk[] = [];
    if (this.held) {
      // like Toxiproxy's toxics, an interrupted fault lets the held request through rather than dropping it
      flush.push({ data: this.held.head.raw, ts: this.held.ts });
      this.st.drop = false;
      this.held = null;
    }
    const pending = this.input.drain();
    if (pending.length && this.offset > 0) pending[0] = { data: pending[0]!.data.subarray(this.offset), ts: pending[0]!.ts };
    this.offset = 0;
    return { flush, pending, ended: this.ended };
  }
}

const specs = new WeakMap<object, FaultSpec>();

function register(type: string, need: 'abort' | 'delay' | 'either'): void {
  registerToxic({
    type,
    goName: 'HttpFaultToxic',
    fields: null,
    validate(attributes, stream) {
      if (stream !== 'upstream') return `${type} acts on requests: its stream must be upstream`;
      try {
        specs.set(attributes, parseFaultSpec(attributes, need));
        return undefined;
      } catch (err) {
        return (err as Error).message;
      }
    },
    newState: (): HttpState => ({ framer: null, drop: false }),
    create(link, attributes, state) {
      let spec = specs.get(attributes);
      if (!spec) specs.set(attributes, (spec = parseFaultSpec(attributes, need)));
      return new HttpFaultStage(link, spec, state as HttpState);
    },
  });
}

register('http_fault', 'either');
register('http_abort', 'abort');
register('http_delay', 'delay');

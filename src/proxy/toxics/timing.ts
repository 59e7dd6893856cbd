// Sub-millisecond timing for toxics: setTimeout alone is late by up to ~1 ms (libuv keeps whole milliseconds), which
// would eat the latency toxic's 2 ms error budget, so the last stretch is waited out with setImmediate.
import { performance } from 'node:perf_hooks';

export const now = (): number => performance.now();

/** One re-armable alarm per stage: no allocation per chunk. */
export class Alarm {
  private timeout: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private due = 0;
  constructor(private readonly fire: () => void) {}

  /** Fires at `due` (a now() value); re-arming replaces the previous time. */
  at(due: number): void {
    this.cancel();
    this.due = due;
    this.arm();
  }

  get armed(): boolean {
    return this.timeout !== null || this.immediate !== null;
  }

  cancel(): void {
    if (this.timeout) clearTimeout(this.timeout);
    if (this.immediate) clearImmediate(this.immediate);
    this.timeout = null;
    this.immediate = null;
  }

  private readonly arm = (): void => {
    this.timeout = null;
    this.immediate = null;
    const left = this.due - performance.now();
    if (left <= 0.05) this.fire();
    else if (left > 2) this.timeout = setTimeout(this.arm, left - 1.5);
    else this.immediate = setImmediate(this.arm);
  };
}

/** A FIFO without Array.shift's O(n) cost. */
export class Queue<T> {
  private items: T[] = [];
  private head = 0;
  get length(): number {
    return this.items.length - this.head;
  }
  push(v: T): void {
    this.items.push(v);
  }
  peek(): T | undefined {
    return this.items[this.head];
  }
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const v = this.items[this.head]!;
    this.items[this.head++] = undefined as T;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return v;
  }
  drain(): T[] {
    const rest = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    return rest;
  }
}

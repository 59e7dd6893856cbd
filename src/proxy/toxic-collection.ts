// A proxy's toxics (Toxiproxy's ToxicCollection): one ordered chain per direction, applied to every live link.
// Names are unique across both directions. Turbulence adds time limits: a toxic with a duration removes itself.
import type { Connection } from './connection.ts';
import type { Link } from './link.ts';
import { type Toxic, UPSTREAM } from './toxic.ts';

export class ToxicCollection {
  private readonly chain: [Toxic[], Toxic[]] = [[], []];
  private readonly links = new Set<Link>();

  chains(): readonly [readonly Toxic[], readonly Toxic[]] {
    return this.chain;
  }

  /** Upstream toxics first, then downstream, each in the order they were added (GetToxicArray). */
  list(): Toxic[] {
    return [...this.chain[0], ...this.chain[1]];
  }

  find(name: string): Toxic | undefined {
    return this.chain[0].find((t) => t.name === name) ?? this.chain[1].find((t) => t.name === name);
  }

  attach(conn: Connection): void {
    this.links.add(conn.up);
    this.links.add(conn.down);
  }

  detach(conn: Connection): void {
    this.links.delete(conn.up);
    this.links.delete(conn.down);
  }

  private linksOf(toxic: Toxic): Link[] {
    return [...this.links].filter((l) => l.direction === toxic.direction && !l.finished);
  }

  add(toxic: Toxic): void {
    this.chain[toxic.direction].push(toxic);
    for (const link of this.linksOf(toxic)) link.add(toxic);
    this.armExpiry(toxic);
  }

  /** Attributes or toxicity changed: every link restarts the toxic's stage (a new toxicity roll). */
  update(toxic: Toxic, durationChanged: boolean): void {
    for (const link of this.linksOf(toxic)) link.update(toxic);
    if (durationChanged) this.armExpiry(toxic);
  }

  remove(toxic: Toxic): void {
    const chain = this.chain[toxic.direction];
    const i = chain.indexOf(toxic);
    if (i < 0) return;
    chain.splice(i, 1);
    if (toxic.expiry) clearTimeout(toxic.expiry);
    toxic.expiry = undefined;
    for (const link of this.linksOf(toxic)) link.remove(toxic);
  }

  /** Removes every toxic, front of each chain first, as ResetToxics does. */
  reset(): void {
    for (const dir of [UPSTREAM, 1] as const) {
      while (this.chain[dir].length > 0) this.remove(this.chain[dir][0]!);
    }
  }

  private armExpiry(toxic: Toxic): void {
    if (toxic.expiry) clearTimeout(toxic.expiry);
    toxic.expiry = undefined;
    const ms = toxic.duration === undefined ? undefined : durationMs(toxic.duration);
    if (ms === undefined) return;
    toxic.expiry = setTimeout(() => this.remove(toxic), ms);
    toxic.expiry.unref();
  }
}

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A duration in ms: a number (ms) or a Go/Istio duration string ("2s", "1m30s", "250ms"); undefined when invalid. */
export function durationMs(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v : undefined;
  if (typeof v !== 'string' || v === '') return undefined;
  if (v === '0') return 0;
  let total = 0;
  let rest = v;
  while (rest.length > 0) {
    const m = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/.exec(rest);
    if (!m) return undefined;
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return total;
}

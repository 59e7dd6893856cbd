// A latency histogram in the HDR style: log-linear buckets (2048 linear sub-buckets per power of two, so every value
// is kept to ~3 significant digits) over 1 µs .. ~71 min, in fixed memory whatever the number of samples.
const SUB_BITS = 11;
const SUB_COUNT = 1 << SUB_BITS; // 2048
const HALF = SUB_COUNT >> 1; // 1024
/** values above are clamped: 2^32 µs ≈ 71 minutes, beyond the longest run */
const MAX_VALUE = 2 ** 32 - 1;
const BUCKETS = 32 - SUB_BITS + 1;

export interface Percentiles {
  min: number;
  mean: number;
  stdev: number;
  p50: number;
  p90: number;
  p99: number;
  p99_9: number;
  max: number;
}

export class Histogram {
  private readonly counts = new Float64Array(SUB_COUNT + (BUCKETS - 1) * HALF);
  count = 0;
  private sum = 0;
  private sumSquares = 0;
  private min = Infinity;
  private max = 0;

  /** Records one value (integer microseconds; fractions are truncated). */
  record(value: number): void {
    let v = value < 0 ? 0 : value > MAX_VALUE ? MAX_VALUE : Math.floor(value);
    this.counts[indexOf(v)]!++;
    this.count++;
    this.sum += v;
    this.sumSquares += v * v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  /** The value at or below which `percentile` % of the samples fall (the bucket's highest value, capped at max). */
  valueAt(percentile: number): number {
    if (this.count === 0) return 0;
    // the rank, guarded against 99.9 / 100 * 1000 = 999.0000000000001
    const wanted = Math.max(1, Math.ceil((percentile * this.count) / 100 - 1e-9));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= wanted) return Math.min(highestOf(i), this.max);
    }
    return this.max;
  }

  /** Summary statistics, in the unit recorded divided by `scale` (1000: µs recorded, ms reported). */
  summary(scale = 1): Percentiles {
    if (this.count === 0) return { min: 0, mean: 0, stdev: 0, p50: 0, p90: 0, p99: 0, p99_9: 0, max: 0 };
    const mean = this.sum / this.count;
    const variance = Math.max(0, this.sumSquares / this.count - mean * mean);
    const r = (v: number) => round(v / scale);
    return {
      min: r(this.min),
      mean: r(mean),
      stdev: r(Math.sqrt(variance)),
      p50: r(this.valueAt(50)),
      p90: r(this.valueAt(90)),
      p99: r(this.valueAt(99)),
      p99_9: r(this.valueAt(99.9)),
      max: r(this.max),
    };
  }
}

function indexOf(v: number): number {
  if (v < SUB_COUNT) return v;
  const top = v < 2 ** 31 ? 31 - Math.clz32(v) : Math.floor(Math.log2(v));
  const bucket = top - (SUB_BITS - 1); // ≥ 1
  return bucket * HALF + Math.floor(v / 2 ** bucket);
}

function highestOf(index: number): number {
  if (index < SUB_COUNT) return index;
  const bucket = Math.floor(index / HALF) - 1;
  const sub = index - bucket * HALF;
  return (sub + 1) * 2 ** bucket - 1;
}

/** three decimals: microsecond precision for milliseconds */
const round = (v: number) => Math.round(v * 1000) / 1000;

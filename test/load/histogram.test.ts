// The HDR-style histogram: exact below 2048 µs, within 0.1 % above, percentiles by rank, fixed memory.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Histogram } from '../../src/load/histogram.ts';

describe('latency histogram', () => {
  it('gives exact percentiles for small values and min/mean/max exactly', () => {
    const h = new Histogram();
    for (let v = 1; v <= 1000; v++) h.record(v);
    const s = h.summary();
    assert.deepEqual({ min: s.min, mean: s.mean, p50: s.p50, p90: s.p90, p99: s.p99, p99_9: s.p99_9, max: s.max }, { min: 1, mean: 500.5, p50: 500, p90: 900, p99: 990, p99_9: 999, max: 1000 });
    assert.ok(Math.abs(s.stdev - 288.675) < 0.01, String(s.stdev));
  });

  it('keeps ~3 significant digits across the range, up to an hour', () => {
    for (const v of [2047, 2048, 4097, 12_345, 999_999, 20_000_000, 3_600_000_000]) {
      const h = new Histogram();
      h.record(v);
      h.record(v * 2); // the max caps the top bucket: the p50 must come from its own bucket
      const p50 = h.valueAt(50);
      assert.ok(p50 >= v && (p50 - v) / v <= 0.001, `${v} → ${p50}`);
    }
  });

  it('reports in milliseconds from microseconds, and zeros when empty', () => {
    const h = new Histogram();
    assert.deepEqual(h.summary(1000), { min: 0, mean: 0, stdev: 0, p50: 0, p90: 0, p99: 0, p99_9: 0, max: 0 });
    for (let i = 0; i < 99; i++) h.record(20_000);
    h.record(500_000);
    const s = h.summary(1000);
    assert.ok(s.p50 >= 20 && s.p50 <= 20.02, String(s.p50));
    assert.ok(s.p99 >= 20 && s.p99 <= 20.02, String(s.p99));
    assert.equal(s.p99_9, 500);
    assert.equal(s.max, 500);
  });
});

/**
 * Exact latency samples: a growable Float64Array and quantiles by sorting a copy (radix sort). Exact and
 * cheap for ~10^5–10^6 requests (8 bytes each); a mergeable sketch (t-digest/DDSketch) is the
 * next step for traces much longer than that (DESIGN.md "Metrics").
 */
import type { LatencySummary } from '../../policies/index.js';
import { sortFloat64 } from './sort-float64.js';

export class Samples {
  private data = new Float64Array(256);
  private n = 0;

  get count(): number {
    return this.n;
  }

  push(x: number): void {
    if (this.n === this.data.length) {
      const d = new Float64Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.n++] = x;
  }

  /**
   * Summary with linear-interpolation quantiles (type 7); NaN fields when empty. +∞ samples are
   * allowed (a request that never finished): quantiles that reach them are +∞, as is the mean.
   */
  summary(): LatencySummary {
    const n = this.n;
    if (n === 0) return { count: 0, mean: NaN, p50: NaN, p90: NaN, p99: NaN, cdf: [] };
    const s = this.data.slice(0, n);
    sortFloat64(s);
    let sum = 0;
    for (let i = 0; i < n; i++) sum += s[i]!;
    const q = (p: number): number => {
      const h = (n - 1) * p;
      const lo = Math.floor(h);
      const hi = Math.min(n - 1, lo + 1);
      const a = s[lo]!;
      const b = s[hi]!;
      // +∞ samples (requests that never finished): ∞ − ∞ and 0 · ∞ would give NaN.
      return h === lo || a === b ? a : a + (h - lo) * (b - a);
    };
    const cdf: number[] = [];
    for (let i = 0; i <= 20; i++) cdf.push(q(i / 20));
    return { count: n, mean: sum / n, p50: q(0.5), p90: q(0.9), p99: q(0.99), cdf };
  }
}

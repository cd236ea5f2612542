/**
 * Replicate statistics: mean and a two-sided 95% confidence interval with Student's t, because
 * sweeps usually run 3–5 seeds per cell, where the normal 1.96 would understate the spread ~2x.
 */

/** t quantile at 0.975 for df = 1..30 (standard tables). */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** Two-sided 95% t quantile; past df 30, the Cornish–Fisher expansion around z = 1.959964. */
export function tQuantile975(df: number): number {
  if (!(df >= 1)) return Number.NaN;
  const d = Math.floor(df);
  if (d <= 30) return T975[d - 1]!;
  const z = 1.959963984540054;
  const z3 = z ** 3;
  const z5 = z ** 5;
  const z7 = z ** 7;
  return (
    z +
    (z3 + z) / (4 * d) +
    (5 * z5 + 16 * z3 + 3 * z) / (96 * d * d) +
    (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * d ** 3)
  );
}

export interface Summary {
  readonly n: number;
  readonly mean: number;
  /** Sample standard deviation (n − 1); NaN when n < 2. */
  readonly sd: number;
  /** Half width of the 95% CI of the mean; NaN when n < 2 (no interval from one replicate). */
  readonly halfWidth: number;
  readonly lo: number;
  readonly hi: number;
}

/** Summary of the finite values in `xs` (NaN/null from JSON are ignored, not counted). */
export function summarize(xs: readonly (number | null | undefined)[]): Summary {
  const v = xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  const n = v.length;
  if (n === 0) return { n, mean: Number.NaN, sd: Number.NaN, halfWidth: Number.NaN, lo: Number.NaN, hi: Number.NaN };
  const mean = v.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { n, mean, sd: Number.NaN, halfWidth: Number.NaN, lo: mean, hi: mean };
  const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const halfWidth = (tQuantile975(n - 1) * sd) / Math.sqrt(n);
  return { n, mean, sd, halfWidth, lo: mean - halfWidth, hi: mean + halfWidth };
}

/** Element-wise mean of equal-purpose arrays (e.g. CDF quantile points across seeds). */
export function meanArrays(arrays: readonly (readonly (number | null)[])[]): number[] {
  const len = Math.max(0, ...arrays.map((a) => a.length));
  const out: number[] = [];
  for (let i = 0; i < len; i++) out.push(summarize(arrays.map((a) => a[i])).mean);
  return out;
}

/**
 * Goodput capacity (DistServe-style): the highest offered load at which the mean SLO attainment
 * over seeds is still ≥ the target, interpolated linearly between the last load that meets the
 * target and the next one that misses it. Censored results say so instead of guessing beyond
 * the swept range.
 */
import { PROPOSED_POLICY } from './group.js';

export interface CapacityPoint {
  readonly x: number;
  readonly attainment: number;
}

export type Capacity =
  | { readonly kind: 'interpolated'; readonly value: number }
  /** Every swept load met the target: the true capacity is at least `value`. */
  | { readonly kind: 'atLeast'; readonly value: number }
  /** No swept load met the target: the capacity is below the lowest load swept. */
  | { readonly kind: 'below'; readonly value: number }
  | { readonly kind: 'none' };

/** Points need not be sorted; NaN attainments are ignored. */
export function goodputCapacity(points: readonly CapacityPoint[], target = 0.9): Capacity {
  const pts = points.filter((p) => Number.isFinite(p.attainment) && Number.isFinite(p.x)).slice().sort((a, b) => a.x - b.x);
  if (pts.length === 0) return { kind: 'none' };
  let last = -1;
  pts.forEach((p, i) => {
    if (p.attainment >= target) last = i;
  });
  if (last < 0) return { kind: 'below', value: pts[0]!.x };
  if (last === pts.length - 1) return { kind: 'atLeast', value: pts[last]!.x };
  const a = pts[last]!;
  const b = pts[last + 1]!;
  const frac = (a.attainment - target) / (a.attainment - b.attainment);
  return { kind: 'interpolated', value: a.x + frac * (b.x - a.x) };
}

/** Numeric value for ratios: censored-below counts as 0, `none` as NaN. */
export function capacityValue(c: Capacity): number {
  if (c.kind === 'none') return Number.NaN;
  if (c.kind === 'below') return 0;
  return c.value;
}

export function formatCapacity(c: Capacity): string {
  const f = (v: number) => Number(v.toPrecision(4)).toString();
  switch (c.kind) {
    case 'interpolated': return f(c.value);
    case 'atLeast': return `≥ ${f(c.value)}`;
    case 'below': return `< ${f(c.value)}`;
    case 'none': return 'n/a';
  }
}

export interface CapacityRow {
  readonly policy: string;
  readonly capacity: Capacity;
  /** capacity / best baseline capacity (baselines: every policy not named `epara`). */
  readonly ratioToBestBaseline: number;
}

export function capacityTable(perPolicy: ReadonlyMap<string, readonly CapacityPoint[]>, target = 0.9): {
  rows: CapacityRow[];
  bestBaseline: string | undefined;
} {
  const caps = [...perPolicy].map(([policy, pts]) => ({ policy, capacity: goodputCapacity(pts, target) }));
  let bestBaseline: string | undefined;
  let best = Number.NaN;
  for (const c of caps) {
    const v = capacityValue(c.capacity);
    if (c.policy !== PROPOSED_POLICY && Number.isFinite(v) && !(v <= best)) {
      best = v;
      bestBaseline = c.policy;
    }
  }
  const rows = caps.map((c) => ({
    ...c,
    ratioToBestBaseline: best > 0 ? capacityValue(c.capacity) / best : Number.NaN,
  }));
  return { rows, bestBaseline };
}

/**
 * Goodput capacity (DistServe/AlpaServe): the highest offered load at which the mean SLO
 * attainment over seeds is still ≥ the target, interpolated linearly between the last load that
 * meets the target and the next one that misses it — per service, and for all services (the
 * lowest per-service attainment at each load, so every service must meet it). Censored results
 * say so ("≥ 2", "< 0.5") instead of guessing beyond the swept range, and no ratio is ever
 * computed from a censored value.
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
  const pts = points
    .filter((p) => Number.isFinite(p.attainment) && Number.isFinite(p.x))
    .slice()
    .sort((a, b) => a.x - b.x);
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

const short = (v: number): string => Number(v.toPrecision(3)).toString();

export function formatCapacity(c: Capacity): string {
  switch (c.kind) {
    case 'interpolated':
      return short(c.value);
    case 'atLeast':
      return `≥ ${short(c.value)}`;
    case 'below':
      return `< ${short(c.value)}`;
    case 'none':
      return 'n/a';
  }
}

/** The CSV `censored` column: `<`, `=` or `>=` (empty when there is no value). */
export function censorMark(c: Capacity): string {
  return c.kind === 'interpolated' ? '=' : c.kind === 'atLeast' ? '>=' : c.kind === 'below' ? '<' : '';
}

/** a / b when both are exact (interpolated) values; NaN when either is censored or missing. */
export function capacityRatio(a: Capacity, b: Capacity): number {
  return a.kind === 'interpolated' && b.kind === 'interpolated' && b.value > 0 ? a.value / b.value : Number.NaN;
}

/** Lower bound used for ranking: a censored-below capacity ranks under every swept load. */
function rankValue(c: Capacity): number {
  switch (c.kind) {
    case 'interpolated':
    case 'atLeast':
      return c.value;
    case 'below':
      return c.value - 1e9;
    case 'none':
      return Number.NEGATIVE_INFINITY;
  }
}

export interface Ranked {
  readonly policy: string;
  readonly capacity: Capacity;
  /** Tie-breaker: mean per-service attainment over every swept load (higher is better). */
  readonly meanAttainment: number;
}

/**
 * The best baseline (every policy but `epara`), by this rule: the highest all-services capacity,
 * ranking a censored value by its bound ("≥ 2" ties with 2, "< 0.5" ranks below every swept
 * load); equal capacities are broken by the mean per-service attainment over the swept loads;
 * policies still equal are all returned (a tie the page names).
 */
export function bestBaselines(rows: readonly Ranked[]): string[] {
  const base = rows.filter((r) => r.policy !== PROPOSED_POLICY && r.capacity.kind !== 'none');
  if (base.length === 0) return [];
  const top = Math.max(...base.map((r) => rankValue(r.capacity)));
  const first = base.filter((r) => rankValue(r.capacity) === top);
  const att = (r: Ranked): number => (Number.isFinite(r.meanAttainment) ? r.meanAttainment : Number.NEGATIVE_INFINITY);
  const best = Math.max(...first.map(att));
  return first.filter((r) => att(r) === best).map((r) => r.policy);
}

export const BEST_BASELINE_RULE =
  'best baseline = the non-EPARA policy with the highest all-services capacity (a censored value ranks by its bound); ' +
  'ties broken by the mean per-service SLO attainment over the swept loads; remaining ties are all named. ' +
  'Ratios are given only between two exact (interpolated) capacities.';

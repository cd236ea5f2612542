/**
 * Goodput capacity (DESIGN.md metrics, the DistServe/AlpaServe definition): per policy, the
 * highest load multiplier at which **every** service's SLO attainment, averaged over seeds,
 * reaches the target — so a probe's attainment is the lowest per-service mean. A deterministic bisection on [min_load, max_load]
 * that assumes attainment falls as load rises: probe both ends first; if the top end is met the
 * capacity is reported as max_load with `bound: "at-max"` (censored), if the bottom end is missed
 * it is null with `bound: "below-min"`; otherwise halve the bracket until it is at most
 * `tolerance` wide and report its lower end. Pure state: the runner feeds probe results in.
 */
import type { CapacityMode } from './sweep-file.js';

export interface Probe {
  readonly load: number;
  /** Lowest per-service attainment (each a mean over seeds); null when a cell of the probe failed. */
  readonly attainment: number | null;
  /** Per service, SLO attainment averaged over seeds (services with offered requests). */
  readonly services: Readonly<Record<string, number>>;
  readonly cells: readonly number[];
}

/** Per service, its mean attainment over the probe's seeds (one record per seed's result). */
export function probeAttainments(perSeed: readonly Readonly<Record<string, number>>[]): {
  attainment: number | null;
  services: Record<string, number>;
} {
  const names = [...new Set(perSeed.flatMap((r) => Object.keys(r)))].sort();
  const services: Record<string, number> = {};
  for (const n of names) {
    const v = perSeed.map((r) => r[n]).filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
    if (v.length > 0) services[n] = v.reduce((a, b) => a + b, 0) / v.length;
  }
  const all = Object.values(services);
  return { attainment: all.length > 0 ? Math.min(...all) : null, services };
}

export interface ServiceCapacity {
  /** Highest probed load this service met the target at (null: not even the lowest probe). */
  readonly load: number | null;
  /** `at-max`: met at the highest probe (true capacity ≥ load); `below-min`: missed at every probe. */
  readonly bound: 'bracketed' | 'at-max' | 'below-min';
}

/**
 * Per-service capacity from the probes of the all-services search: the highest probed load at
 * which the service met the target with every lower probe met too. Probes cluster near the
 * all-services capacity, so a service's value is exact only to the probe spacing around it.
 */
export function serviceCapacities(probes: readonly Probe[], target: number): Record<string, ServiceCapacity> {
  const sorted = [...probes].sort((a, b) => a.load - b.load);
  const names = [...new Set(sorted.flatMap((p) => Object.keys(p.services)))].sort();
  const out: Record<string, ServiceCapacity> = {};
  for (const n of names) {
    const pts = sorted.filter((p) => p.services[n] !== undefined);
    let k = 0;
    while (k < pts.length && pts[k]!.services[n]! >= target) k++;
    if (k === 0) out[n] = { load: null, bound: 'below-min' };
    else out[n] = { load: pts[k - 1]!.load, bound: k === pts.length ? 'at-max' : 'bracketed' };
  }
  return out;
}

export interface CapacitySearch {
  readonly policy: string;
  /** Other grid axes of this search (capacity mode allows non-load, non-policy axes). */
  readonly coords: Readonly<Record<string, unknown>>;
  readonly probes: Probe[];
  lo: number;
  hi: number;
  capacity: number | null;
  bound: 'bracketed' | 'at-max' | 'below-min' | 'error' | null;
}

export function newSearch(
  policy: string,
  coords: Readonly<Record<string, unknown>>,
  mode: CapacityMode,
): CapacitySearch {
  return { policy, coords, probes: [], lo: mode.minLoad, hi: mode.maxLoad, capacity: null, bound: null };
}

/** Loads to probe next (empty when the search has ended). */
export function nextLoads(s: CapacitySearch, mode: CapacityMode): number[] {
  if (s.bound !== null) return [];
  if (s.probes.length === 0) return [mode.minLoad, mode.maxLoad];
  return [(s.lo + s.hi) / 2];
}

/** Feeds the probes of one round (in the order nextLoads gave them) and advances the search. */
export function advance(s: CapacitySearch, round: readonly Probe[], mode: CapacityMode): void {
  s.probes.push(...round);
  if (round.some((p) => p.attainment === null)) {
    s.bound = 'error';
    return;
  }
  const met = (p: Probe): boolean => (p.attainment as number) >= mode.target;
  if (s.probes.length === 2 && round.length === 2) {
    const [low, high] = round as [Probe, Probe];
    if (met(high)) [s.capacity, s.bound] = [mode.maxLoad, 'at-max'];
    else if (!met(low)) [s.capacity, s.bound] = [null, 'below-min'];
  } else {
    const mid = round[0]!;
    if (met(mid)) s.lo = mid.load;
    else s.hi = mid.load;
  }
  if (s.bound === null && s.hi - s.lo <= mode.tolerance) [s.capacity, s.bound] = [s.lo, 'bracketed'];
}

/**
 * Goodput capacity (DESIGN.md metrics): per policy, the highest load multiplier at which the mean
 * SLO attainment over seeds reaches the target. A deterministic bisection on [min_load, max_load]
 * that assumes attainment falls as load rises: probe both ends first; if the top end is met the
 * capacity is reported as max_load with `bound: "at-max"` (censored), if the bottom end is missed
 * it is null with `bound: "below-min"`; otherwise halve the bracket until it is at most
 * `tolerance` wide and report its lower end. Pure state: the runner feeds probe results in.
 */
import type { CapacityMode } from './sweep-file.js';

export interface Probe {
  readonly load: number;
  /** Mean over seeds; null when a cell of the probe failed. */
  readonly attainment: number | null;
  readonly cells: readonly number[];
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

export function newSearch(policy: string, coords: Readonly<Record<string, unknown>>, mode: CapacityMode): CapacitySearch {
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

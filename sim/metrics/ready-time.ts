/**
 * How long each service had no ready instance, from the placement-change log alone (so the live
 * side gets the same figure from the same records): an instance counts as ready from its
 * `ready` change until its first `drain`, `gone` or `failed` change.
 */
import type { PlacementChange } from '../../policies/index.js';

/** Per service (in `services` order), the fraction of [0, horizonS] with no ready instance. */
export function noReadyFractions(
  services: readonly string[],
  changes: readonly PlacementChange[],
  horizonS: number,
): number[] {
  const index = new Map(services.map((s, i) => [s, i]));
  const readyCount = new Int32Array(services.length);
  const readySince = new Float64Array(services.length);
  const readyTotal = new Float64Array(services.length);
  const ready = new Set<string>();
  // By time; Array.prototype.sort is stable (ES2019), so changes at one instant keep their logged
  // order (an index tie-break was equivalent: a surviving mutant showed it).
  const sorted = [...changes].sort((a, b) => a.timeS - b.timeS);
  for (const c of sorted) {
    const s = index.get(c.service);
    // Stryker disable next-line ConditionalExpression: equivalent — an unknown service would index the typed arrays with `undefined`, which they ignore; the guard is for the type.
    if (s === undefined) continue;
    const t = Math.min(Math.max(c.timeS, 0), horizonS);
    const key = `${c.service}\u0000${c.instance}`;
    if (c.action === 'ready' && !ready.has(key)) {
      ready.add(key);
      if (readyCount[s] === 0) readySince[s] = t;
      readyCount[s] = readyCount[s]! + 1;
    } else if ((c.action === 'drain' || c.action === 'gone' || c.action === 'failed') && ready.delete(key)) {
      readyCount[s] = readyCount[s]! - 1;
      if (readyCount[s] === 0) readyTotal[s] = readyTotal[s]! + (t - readySince[s]!);
    }
  }
  return services.map((_, s) => {
    const total = readyTotal[s]! + (readyCount[s]! > 0 ? horizonS - readySince[s]! : 0);
    return horizonS > 0 ? Math.max(0, 1 - total / horizonS) : 0;
  });
}

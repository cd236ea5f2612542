/**
 * Energy per service (issue 18): a device's energy over the run (idle power × horizon + (busy −
 * idle) power × busy seconds, from the catalog figures of its power mode) is split among the
 * services that used it, in proportion to each service's busy seconds on it. Energy of a device
 * no service used (idle all run) belongs to no service: a request's cost is what serving it
 * kept powered, not the whole fleet. Pure: the summarizer calls it in `finish`.
 *
 * Why proportional to busy time: idle power is paid whether or not a request runs, and a device
 * shared by two services is kept on for both; splitting it by use is the usual attribution in
 * data-centre energy accounting (e.g. Kepler/Scaphandre split host power by CPU time).
 */

/** Energy of each service in joules; null when no device it used has a power figure. */
export function serviceEnergyJ(
  deviceEnergyJ: readonly (number | null)[],
  /** Busy seconds per service (outer) per device (inner). */
  busyBySvc: readonly Float64Array[],
): (number | null)[] {
  const nd = deviceEnergyJ.length;
  const totals = new Float64Array(nd);
  for (const row of busyBySvc) for (let d = 0; d < nd; d++) totals[d] = totals[d]! + row[d]!;
  return busyBySvc.map((row) => {
    let e = 0;
    let known = false;
    for (let d = 0; d < nd; d++) {
      const ed = deviceEnergyJ[d]!;
      if (row[d]! <= 0 || totals[d]! <= 0 || ed === null) continue;
      e += (ed * row[d]!) / totals[d]!;
      known = true;
    }
    return known ? e : null;
  });
}

/** Joules per unit (request, output token); null when energy is unknown or nothing finished. */
export function perUnit(energyJ: number | null, units: number): number | null {
  return energyJ === null || units <= 0 ? null : energyJ / units;
}

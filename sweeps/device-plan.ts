/**
 * Capacity planning (`parasim plan`, issue 18): for one service of a scenario and each candidate
 * device type, the smallest number of such devices that serves the service at the scenario's
 * load with mean SLO attainment ≥ the target — "how many Pi 5s do the work of one Orin Nano".
 *
 * Each probe is the scenario reduced to that service alone (other services, devices, links and
 * faults removed) served by `count` devices of the candidate type, each joined to the service's
 * ingress by its own link of type `link` (default 1 GbE), under the scenario's policy; seeds
 * averaged. The search is the goodput-capacity bisection of capacity.ts run on x = −count
 * (attainment rises with the count, so "the highest x that meets the target" is the smallest
 * count), with integer probes and a tolerance of 1: ⌈log2 maxCount⌉ + 2 simulations per type.
 * `--mix` then tries every split of a budget between two types (see `planMix`).
 */
import type { RunResult } from '../policies/index.js';
import { isPlainObject } from '../scenarios/index.js';
import { advance, newSearch, nextLoads, probeAttainments, type Probe } from './capacity.js';
import type { CapacityMode } from './sweep-file.js';

export interface PlanOptions {
  readonly service: string;
  readonly candidates: readonly string[];
  readonly target: number;
  /** Largest count tried per type (default 64). */
  readonly maxCount: number;
  readonly seeds: readonly number[];
  /** Link type joining each device to the ingress. */
  readonly link: string;
}

/** Runs one scenario object (YAML keys) with a seed; throws on an invalid scenario. */
export type PlanSimulate = (scenario: Record<string, unknown>, seed: number) => RunResult;

export interface PlanProbe {
  readonly count: number;
  readonly attainment: number | null;
}

export interface PlanAnswer {
  readonly deviceType: string;
  /** Smallest count meeting the target; null when even `maxCount` devices do not. */
  readonly count: number | null;
  /** Mean attainment at `count` (or at maxCount when null). */
  readonly attainment: number | null;
  /** Energy per finished request of the service at `count`, joules (null: no power figure). */
  readonly energyPerRequestJ: number | null;
  readonly probes: readonly PlanProbe[];
}

export interface PlanResult {
  readonly service: string;
  readonly target: number;
  readonly link: string;
  readonly answers: readonly PlanAnswer[];
}

/** The scenario reduced to `service`, served by `count` devices of each type in `fleet`. */
export function planScenario(
  base: Record<string, unknown>,
  service: string,
  fleet: readonly { type: string; count: number }[],
  link: string,
): Record<string, unknown> {
  const services = Array.isArray(base['services']) ? base['services'] : [];
  const svc = services.find((s) => isPlainObject(s) && s['name'] === service) as Record<string, unknown> | undefined;
  if (svc === undefined)
    throw new PlanError(
      `no service "${service}" in the scenario (services: ${services.map((s) => (isPlainObject(s) ? String(s['name']) : '?')).join(', ')})`,
    );
  const ingress = String(svc['ingress']);
  const used = fleet.filter((f) => f.count > 0);
  return {
    ...base,
    name: `${String(base['name'])}-plan`,
    switches: [ingress],
    devices: used.map((f, i) => ({ id: `plan${i}`, type: f.type, count: f.count })),
    links: used.map((_, i) => ({ a: `plan${i}`, b: ingress, type: link })),
    services: [svc],
    faults: [],
  };
}

export class PlanError extends Error {}

function evaluate(
  base: Record<string, unknown>,
  opts: PlanOptions,
  fleet: readonly { type: string; count: number }[],
  sim: PlanSimulate,
): { attainment: number | null; energy: number | null } {
  const obj = planScenario(base, opts.service, fleet, opts.link);
  const runs = opts.seeds.map((seed) => sim(obj, seed));
  const { attainment } = probeAttainments(
    runs.map((r) => ({ [opts.service]: r.services[opts.service]!.sloAttainment })),
  );
  const e = runs
    .map((r) => r.services[opts.service]!.energyPerRequestJ)
    .filter((x): x is number => typeof x === 'number');
  return {
    attainment,
    energy: e.length === runs.length && e.length > 0 ? e.reduce((a, b) => a + b, 0) / e.length : null,
  };
}

/** Smallest count per candidate type (see the file comment). */
export function planDevices(base: Record<string, unknown>, opts: PlanOptions, sim: PlanSimulate): PlanResult {
  const answers = opts.candidates.map((type) => planOne(base, opts, type, sim));
  return { service: opts.service, target: opts.target, link: opts.link, answers };
}

function planOne(base: Record<string, unknown>, opts: PlanOptions, type: string, sim: PlanSimulate): PlanAnswer {
  const mode: CapacityMode = {
    kind: 'goodput-capacity',
    target: opts.target,
    policies: [],
    minLoad: -opts.maxCount,
    maxLoad: -1,
    tolerance: 1,
  };
  const search = newSearch(type, {}, mode);
  const seen = new Map<number, { attainment: number | null; energy: number | null }>();
  for (let loads = nextLoads(search, mode); loads.length > 0; loads = nextLoads(search, mode)) {
    // Integer probes: the bisection midpoint rounded down (strictly inside the bracket while it is ≥ 2 wide).
    const round: Probe[] = loads.map((x) => {
      const count = -Math.floor(x);
      const v = seen.get(count) ?? evaluate(base, opts, [{ type, count }], sim);
      seen.set(count, v);
      return { load: -count, attainment: v.attainment, services: {}, cells: [] };
    });
    advance(search, round, mode);
  }
  const probes = [...seen].sort((a, b) => a[0] - b[0]).map(([count, v]) => ({ count, attainment: v.attainment }));
  if (search.capacity === null) {
    const top = seen.get(opts.maxCount);
    return { deviceType: type, count: null, attainment: top?.attainment ?? null, energyPerRequestJ: null, probes };
  }
  const count = -search.capacity;
  const v = seen.get(count)!;
  return { deviceType: type, count, attainment: v.attainment, energyPerRequestJ: v.energy, probes };
}

export interface MixAnswer {
  readonly fleet: readonly { readonly deviceType: string; readonly count: number }[];
  readonly attainment: number | null;
  readonly energyPerRequestJ: number | null;
}

/**
 * `--mix` with two candidate types A and B: for each a in 1 … count(A) − 1, the smallest b
 * (bisection on 0 … count(B)) that with a devices of A meets the target; the mix of lowest
 * energy per request among those and the single-type answers. Monotonicity in b is assumed.
 */
export function planMix(
  base: Record<string, unknown>,
  opts: PlanOptions,
  single: PlanResult,
  sim: PlanSimulate,
): MixAnswer | null {
  const [a, b] = single.answers;
  if (a === undefined || b === undefined || a.count === null || b.count === null) return null;
  const options: MixAnswer[] = single.answers
    .filter((x) => x.count !== null)
    .map((x) => ({
      fleet: [{ deviceType: x.deviceType, count: x.count! }],
      attainment: x.attainment,
      energyPerRequestJ: x.energyPerRequestJ,
    }));
  for (let na = 1; na < a.count; na++) {
    let lo = 0; // fails (assumed: na < count(A) devices of A alone miss)
    let hi = b.count; // meets
    let best = evaluate(
      base,
      opts,
      [
        { type: a.deviceType, count: na },
        { type: b.deviceType, count: hi },
      ],
      sim,
    );
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      const v = evaluate(
        base,
        opts,
        [
          { type: a.deviceType, count: na },
          { type: b.deviceType, count: mid },
        ],
        sim,
      );
      if (v.attainment !== null && v.attainment >= opts.target) {
        hi = mid;
        best = v;
      } else lo = mid;
    }
    if (best.attainment !== null && best.attainment >= opts.target) {
      options.push({
        fleet: [
          { deviceType: a.deviceType, count: na },
          { deviceType: b.deviceType, count: hi },
        ],
        attainment: best.attainment,
        energyPerRequestJ: best.energy,
      });
    }
  }
  const known = options.filter((o) => o.energyPerRequestJ !== null);
  if (known.length === 0) return options[0] ?? null;
  return known.reduce((x, y) => (y.energyPerRequestJ! < x.energyPerRequestJ! ? y : x));
}

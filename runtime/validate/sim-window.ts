/**
 * The simulated side of a validation cell, measured the way the live controller measures.
 * `replay` sends arrivals for `horizon_s`, then waits up to `drainS` for requests still running
 * and counts those that finish in time as ok; its goodput is ok / horizon_s. A plain `simulate`
 * stops at the horizon and leaves the tail `inflight`, which would bias short runs low. So the
 * simulator runs to horizon + drain with arrivals still cut at the horizon, and the goodput
 * figures are re-expressed per second of the arrival window (ok / horizon_s), as live. The live
 * controller also places and waits until the placement is ready before t = 0, so the simulation
 * starts warm (`warmStart`): the t = 0 placement skips weight loading.
 */
import type { RequestRecord, RunResult, ServiceResult } from '../../policies/index.js';
import type { PolicyChoice, Scenario } from '../../scenarios/index.js';
import { simulate } from '../../sim/index.js';
import { openArrivals } from '../../traces/index.js';

export function simulateLikeReplay(
  scenario: Scenario,
  seed: number,
  policy: PolicyChoice,
  drainS: number,
  overheadReplica = 0,
  records?: (r: RequestRecord) => void,
): RunResult {
  const h = scenario.horizonS;
  const long: Scenario = { ...scenario, horizonS: h + drainS };
  const r = simulate(long, {
    seed,
    policy,
    warmStart: true,
    overheadReplica,
    ...(records !== undefined ? { records } : {}),
    arrivals: (svc, o) => openArrivals(svc.arrivals, { ...o, horizonS: h }),
  });
  const services: Record<string, ServiceResult> = {};
  for (const [name, s] of Object.entries(r.services)) services[name] = { ...s, goodputRps: s.ok / h };
  return {
    ...r,
    horizonS: h,
    services,
    totals: { ...r.totals, goodputRps: r.totals.ok / h },
    notes: [
      ...r.notes,
      `simulated to ${h} + ${drainS} s drain with arrivals cut at ${h} s (as the live replay); goodput = ok / ${h} s`,
      'warm start: the t = 0 placement is ready at t = 0, as the live controller readies it before t = 0',
    ],
  };
}

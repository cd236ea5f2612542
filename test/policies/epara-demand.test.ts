/**
 * EPARA's demand estimate (policies/epara/demand-estimate.ts): smoothed across periods with burst
 * headroom and hysteresis, so a bursty service does not make plans add and remove replicas every
 * period, while a lasting level change is still followed; and the request shape the handler saw.
 * The host is played by a loop that calls `place` every health check with the rate of the last
 * second and shows every planned instance as ready.
 */
import { describe, expect, it } from 'vitest';
import type { ClusterView, ParamValue, PlannedInstance } from '../../policies/index.js';
import { POLICIES, stagesKey } from '../../policies/index.js';
import { DemandEstimate } from '../../policies/epara/demand-estimate.js';
import { device, instance, link, request, service, testRng, view } from './view-builder.js';

const ORINS = Array.from({ length: 8 }, (_, i) => device(`orin${i}`, 'orin'));
const LINKS = ORINS.map((d) => link(d.id, 's1', 1e9, 0.0002));
const PLAIN_MEAN = { demand_alpha: 1, demand_burst: 0, demand_tolerance: 0, demand_down_periods: 1 };

interface Run {
  readonly changes: number;
  readonly replicas: number[];
  readonly demand: number[];
}

/** Plays `rates` (one per second) against epara; counts instances added + removed at full re-plans. */
function play(rates: readonly number[], params: Record<string, ParamValue>): Run {
  const policy = POLICIES.epara.create(params);
  let planned: readonly PlannedInstance[] = [];
  let changes = 0;
  const replicas: number[] = [];
  const demand: number[] = [];
  for (let t = 0; t < rates.length; t++) {
    const v: ClusterView = view({
      now: t,
      devices: ORINS,
      links: LINKS,
      services: [service('chat', { demandRps: rates[t]! })],
      instances: planned.map((p, k) => instance(`i${k}`, p.service, p.stages)),
    });
    const plan = policy.place(v, testRng(1));
    if (plan.reason.startsWith('health check')) continue;
    const before = planned.map((p) => stagesKey(p.stages));
    const after = plan.instances.map((p) => stagesKey(p.stages));
    changes += after.filter((k) => !before.includes(k)).length + before.filter((k) => !after.includes(k)).length;
    replicas.push(plan.instances.length);
    demand.push(Number(/@([\d.]+)rps/.exec(plan.reason)![1]));
    planned = plan.instances;
  }
  return { changes, replicas, demand };
}

/** On/off load: on for ~20 s at 3 req/s, off for ~40 s, switching at random (seeded). */
function onOff(seconds: number, seed: number): number[] {
  const r = testRng(seed);
  const out: number[] = [];
  let on = false;
  for (let t = 0; t < seconds; t++) {
    if (r.next() < (on ? 1 / 20 : 1 / 40)) on = !on;
    out.push(on ? 3 : 0);
  }
  return out;
}

describe('epara › demand estimate', () => {
  it('place › bursty on/off chat, 30 periods, 3 seeds › fewer instance changes than the per-period mean', () => {
    for (const seed of [1, 2, 3]) {
      const rates = onOff(1800, seed);
      const today = play(rates, PLAIN_MEAN);
      const smoothed = play(rates, {});
      expect(smoothed.changes, `seed ${seed}`).toBeLessThan(today.changes);
      expect(today.changes, `seed ${seed}: the load must be bursty enough to matter`).toBeGreaterThan(10);
    }
  });

  it('place › steady 0.5 then 3 req/s › planned demand follows the level: ≥ 75% of it two periods on, within 5% after six', () => {
    // Plans at t = 0, 60, …; the level changes at t = 900 (plan 15 sees one second of it). EWMA
    // with alpha 0.5: 0.57 → 1.79 → 2.39 → 2.70 → 2.85 → 2.92 → 2.96 …
    const rates = [...Array<number>(900).fill(0.5), ...Array<number>(900).fill(3)];
    const { demand, replicas } = play(rates, {});
    expect(demand[14]).toBeCloseTo(0.5, 1);
    expect(demand[17]!).toBeGreaterThanOrEqual(0.75 * 3);
    expect(demand[21]!).toBeGreaterThanOrEqual(0.95 * 3);
    expect(replicas[19]!).toBeGreaterThan(replicas[14]!);
  });

  it('DemandEstimate › hysteresis › a 5% wiggle keeps the planned demand, a rise is followed at once, a fall after 3 periods', () => {
    const est = new DemandEstimate({
      alpha: 1,
      burst: 0,
      tolerance: 0.1,
      downPeriods: 3,
      burstWindowS: 10,
      placementPeriodS: 60,
    });
    const at = (now: number, demandRps: number) =>
      view({ now, devices: [], services: [service('chat', { demandRps })] });
    const period = (t0: number, rps: number) => {
      for (let t = t0 + 10; t <= t0 + 60; t += 10) est.observe(at(t, rps));
      return est.planView(at(t0 + 60, rps)).services[0]!.demandRps;
    };
    est.observe(at(0, 2));
    expect(est.planView(at(0, 2)).services[0]!.demandRps).toBe(2);
    expect(period(0, 2)).toBe(2);
    expect(period(60, 2.1)).toBe(2);
    expect(period(120, 4)).toBe(4);
    expect(period(180, 1)).toBe(4);
    expect(period(240, 1)).toBe(4);
    expect(period(300, 1)).toBe(1);
  });

  it('place › the handler saw 2048-token prompts › the next plan claims more GPU than after 512-token ones', () => {
    // The view declares 512/128 tokens. On an orin a 512-token request is busy 512/1500 + 128/112
    // = 1.48 s; a 2048-token one 2.51 s, so the same 1 req/s needs ~1.7× the replicas.
    const units = (prompt: number) => {
      const policy = POLICIES.epara.create({});
      const v = (now: number, instances: ClusterView['instances'] = []) =>
        view({ now, devices: ORINS, links: LINKS, services: [service('chat', { demandRps: 1 })], instances });
      const first = policy.place(v(0), testRng(1));
      const live = first.instances.map((p, k) => instance(`i${k}`, p.service, p.stages));
      for (let k = 0; k < 40; k++)
        policy.route(
          request('chat', k, { promptTokens: prompt, outputTokens: 128 }),
          { ...v(1, live), self: 's1' },
          testRng(1),
        );
      let plan = first;
      for (let t = 1; t <= 60; t++) plan = policy.place(v(t, live), testRng(1));
      expect(plan.reason).toContain('(period)');
      return plan.instances.reduce((a, p) => a + p.stages.reduce((b, s) => b + (s.gpuFraction ?? s.gpus), 0), 0);
    };
    expect(units(2048)).toBeGreaterThan(units(512) * 1.4);
  });
});

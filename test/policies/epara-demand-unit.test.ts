/**
 * EPARA's demand estimate (policies/epara/demand-estimate.ts) called directly, period by period,
 * with hand-worked figures: the time-weighted mean of reported rates, the declared-rate seed, the
 * EWMA weight scaled by the period's span, burst bins and the half-bin at a period's end, the
 * hysteresis band's moves inside it, and the request shape after ≥ 20 samples.
 */
import { describe, expect, it } from 'vitest';
import type { DemandOptions } from '../../policies/epara/demand-estimate.js';
import { DemandEstimate, MIN_SHAPE_SAMPLES } from '../../policies/epara/demand-estimate.js';
import { service, view } from './view-builder.js';

const PLAIN: DemandOptions = {
  alpha: 1,
  burst: 0,
  tolerance: 0,
  downPeriods: 1,
  burstWindowS: 10,
  placementPeriodS: 60,
};
const at = (now: number, demandRps: number) => view({ now, devices: [], services: [service('chat', { demandRps })] });
const planned = (d: DemandEstimate, now: number) => d.planView(at(now, -1)).services[0]!;

/** Starts an estimate: the first plan at t = 0 with the declared rate. */
function start(opt: Partial<DemandOptions>, declared: number): DemandEstimate {
  const d = new DemandEstimate({ ...PLAIN, ...opt });
  d.observe(at(0, declared));
  expect(d.planView(at(0, declared)).services[0]!.demandRps).toBe(declared);
  return d;
}

describe('epara › demand estimate, period by period', () => {
  it('plain mean › 2 req/s for 30 s then 4 for 30 s › 3; rates at a repeated or earlier time add nothing', () => {
    const d = start({}, 5);
    d.observe(at(30, 2));
    d.observe(at(30, 100));
    d.observe(at(60, 4));
    d.observe(at(50, 100));
    expect(planned(d, 60).demandRps).toBeCloseTo(3, 12);
  });
  it('EWMA › alpha 0.5 › the declared rate seeds the level: 5 + 0.5·(3 − 5) = 4; no declared rate › the mean', () => {
    const d = start({ alpha: 0.5 }, 5);
    d.observe(at(30, 2));
    d.observe(at(60, 4));
    expect(planned(d, 60).demandRps).toBeCloseTo(4, 12);
    d.observe(at(120, 8));
    expect(planned(d, 120).demandRps).toBeCloseTo(6, 12);
    const z = start({ alpha: 0.5 }, 0);
    z.observe(at(60, 3));
    expect(planned(z, 60).demandRps).toBeCloseTo(3, 12);
  });
  it('EWMA › a 30-s period (a re-plan after a fault) › weight alpha·30/60', () => {
    const d = start({ alpha: 0.5 }, 5);
    d.observe(at(30, 1));
    expect(planned(d, 30).demandRps).toBeCloseTo(5 + 0.25 * (1 - 5), 12);
    // A period longer than placement_period_s weighs no more than a full one.
    const e = start({ alpha: 0.5 }, 5);
    e.observe(at(120, 1));
    expect(planned(e, 120).demandRps).toBeCloseTo(3, 12);
  });
  it('burst › one 10-s bin at 12 req/s in an otherwise idle minute › 2 + 0.5·(12 − 2) = 7', () => {
    const d = start({ burst: 0.5 }, 0);
    for (const [t, r] of [
      [10, 0],
      [20, 0],
      [30, 0],
      [40, 0],
      [50, 0],
      [60, 12],
    ] as const)
      d.observe(at(t, r));
    expect(planned(d, 60).demandRps).toBeCloseTo(7, 12);
  });
  it('burst › a bin at least half full at the period’s end counts; less than half does not', () => {
    // 20-s bins: [0, 20) at 0, then 10 s at 9 req/s (half a bin) → peak 9, estimate with burst 1: 9.
    const d = start({ burst: 1, burstWindowS: 20 }, 0);
    for (const [t, r] of [
      [10, 0],
      [20, 0],
      [30, 9],
    ] as const)
      d.observe(at(t, r));
    expect(planned(d, 30).demandRps).toBeCloseTo(9, 12);
    // 5 s at 9 req/s after a 20-s bin at 0: a quarter bin, dropped: the estimate is the mean 1.8.
    const e = start({ burst: 1, burstWindowS: 20 }, 0);
    for (const [t, r] of [
      [10, 0],
      [20, 0],
      [25, 9],
    ] as const)
      e.observe(at(t, r));
    expect(planned(e, 25).demandRps).toBeCloseTo(1.8, 12);
  });
  it('burst › a bin spans several calls › its mean, not one call’s rate, is the peak', () => {
    // 20-s bins over 10-s calls at 12, 0, 0, 0: bins of 6 and 0 req/s → peak 6 (burst 1), mean 3.
    const d = start({ burst: 1, burstWindowS: 20 }, 0);
    for (const [t, r] of [
      [10, 12],
      [20, 0],
      [30, 0],
      [40, 0],
    ] as const)
      d.observe(at(t, r));
    expect(planned(d, 40).demandRps).toBeCloseTo(6, 12);
  });
  it('burst › the peak is never below the mean', () => {
    // One 30-s call at 6 req/s: no bin closes during the call, the half-bin rule closes it at the end.
    const d = start({ burst: 1, burstWindowS: 100 }, 0);
    d.observe(at(30, 6));
    expect(planned(d, 30).demandRps).toBeCloseTo(6, 12);
  });

  const hyst = { tolerance: 0.1, downPeriods: 3 };
  /** One 60-s period at `rps`, returns the planned demand. */
  const period = (d: DemandEstimate, t0: number, rps: number) => {
    d.observe(at(t0 + 60, rps));
    return planned(d, t0 + 60).demandRps;
  };
  it('hysteresis › inside the band › up to the smaller of the last two when both are above', () => {
    const d = start(hyst, 0);
    expect(period(d, 0, 10)).toBe(10);
    expect(period(d, 60, 10.5)).toBe(10);
    expect(period(d, 120, 10.8)).toBe(10.5);
    expect(period(d, 180, 12)).toBe(12);
  });
  it('hysteresis › below the band › down to the window’s largest only once the window is below', () => {
    const d = start(hyst, 0);
    period(d, 0, 12);
    expect(period(d, 60, 8)).toBe(12);
    expect(period(d, 120, 8)).toBe(12);
    expect(period(d, 180, 7)).toBe(8);
  });
  it('hysteresis › inside the band, below for a whole window › down to the window’s largest', () => {
    const d = start(hyst, 0);
    expect(period(d, 0, 10)).toBe(10);
    expect(period(d, 60, 9.6)).toBe(10);
    expect(period(d, 120, 9.5)).toBe(10);
    expect(period(d, 180, 9.5)).toBe(9.6);
  });
  it('hysteresis › a period with nothing reported › the planned demand stands', () => {
    const d = start(hyst, 0);
    period(d, 0, 10);
    expect(planned(d, 60).demandRps).toBe(10);
  });

  it('shape › 20 requests seen › their mean prompt and output; fewer › the last shape stands', () => {
    const d = start({ alpha: 0.5 }, 1);
    for (let k = 0; k < MIN_SHAPE_SAMPLES - 1; k++) d.recordRequest('chat', 2000, 100);
    d.observe(at(60, 1));
    expect(planned(d, 60)).toMatchObject({ meanPromptTokens: 512, meanOutputTokens: 128 });
    for (let k = 0; k < MIN_SHAPE_SAMPLES; k++) d.recordRequest('chat', 1000 + 100 * (k % 2), 50);
    d.observe(at(120, 1));
    expect(planned(d, 120)).toMatchObject({ meanPromptTokens: 1050, meanOutputTokens: 50 });
    d.recordRequest('chat', 9999, 9999);
    d.observe(at(180, 1));
    expect(planned(d, 180)).toMatchObject({ meanPromptTokens: 1050, meanOutputTokens: 50 });
    // The next full sample is blended in with weight 0.5.
    for (let k = 0; k < MIN_SHAPE_SAMPLES; k++) d.recordRequest('chat', 2050, 150);
    d.observe(at(240, 1));
    expect(planned(d, 240)).toMatchObject({ meanPromptTokens: 1550, meanOutputTokens: 100 });
  });
});

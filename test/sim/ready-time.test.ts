/**
 * How long a service had no ready instance, from the placement-change log alone
 * (sim/metrics/ready-time.ts): each way readiness ends, overlap of instances, repeated changes,
 * clamping to the run and the log's order. Horizon 10 s; every fraction by hand.
 */
import { describe, expect, it } from 'vitest';
import type { PlacementChange } from '../../policies/index.js';
import { noReadyFractions } from '../../sim/metrics/index.js';

const c = (timeS: number, action: PlacementChange['action'], instance = 'a', service = 'x'): PlacementChange => ({
  timeS,
  service,
  action,
  instance,
  devices: ['d'],
});
const one = (changes: PlacementChange[], horizonS = 10) => noReadyFractions(['x'], changes, horizonS)[0];

describe('ready time', () => {
  it('ready time › each end of readiness › drain, gone and failed each end it; load does not start it', () => {
    // Ready [2, 6): 4 s of 10 → 60% without a ready instance.
    expect(one([c(1, 'load'), c(2, 'ready'), c(6, 'drain')])).toBeCloseTo(0.6, 12);
    expect(one([c(2, 'ready'), c(6, 'gone')])).toBeCloseTo(0.6, 12);
    expect(one([c(2, 'ready'), c(6, 'failed')])).toBeCloseTo(0.6, 12);
    expect(one([c(1, 'load')])).toBe(1);
    // Still ready at the horizon: counted up to it.
    expect(one([c(2, 'ready')])).toBeCloseTo(0.2, 12);
  });
  it('ready time › repeated changes › a second ready or a gone after drain change nothing', () => {
    // ready 2, ready again 4 (same instance), drain 6, gone 8: ready [2, 6).
    expect(one([c(2, 'ready'), c(4, 'ready'), c(6, 'drain'), c(8, 'gone')])).toBeCloseTo(0.6, 12);
    // An end for an instance that never was ready does not end another's readiness.
    expect(one([c(2, 'ready', 'a'), c(3, 'failed', 'b'), c(6, 'drain', 'a')])).toBeCloseTo(0.6, 12);
  });
  it('ready time › two instances › the union of their ready time', () => {
    // a [1, 5), b [3, 7): ready [1, 7) → 40%; then b again? no. A gap: a [1, 2), b [4, 5) → 80%.
    expect(one([c(1, 'ready', 'a'), c(3, 'ready', 'b'), c(5, 'drain', 'a'), c(7, 'drain', 'b')])).toBeCloseTo(0.4, 12);
    expect(one([c(1, 'ready', 'a'), c(2, 'drain', 'a'), c(4, 'ready', 'b'), c(5, 'gone', 'b')])).toBeCloseTo(0.8, 12);
  });
  it('ready time › the same instance name in two services › counted apart', () => {
    const f = noReadyFractions(
      ['x', 'y'],
      [c(2, 'ready', 'i', 'x'), c(4, 'ready', 'i', 'y'), c(6, 'drain', 'i', 'y')],
      10,
    );
    expect(f[0]).toBeCloseTo(0.2, 12);
    expect(f[1]).toBeCloseTo(0.8, 12);
  });
  it('ready time › times outside the run › clamped to [0, horizon]', () => {
    // Ready from before the run (warm start at −1) to after it: ready all run.
    expect(one([c(-1, 'ready'), c(12, 'drain')])).toBe(0);
    expect(one([c(-1, 'ready'), c(5, 'drain')])).toBeCloseTo(0.5, 12);
    expect(one([c(5, 'ready'), c(30, 'gone')])).toBeCloseTo(0.5, 12);
  });
  it('ready time › log order › sorted by time; changes at one instant keep their logged order', () => {
    // Logged out of order: drain at 6 before ready at 2.
    expect(one([c(6, 'drain'), c(2, 'ready')])).toBeCloseTo(0.6, 12);
    // Same instant 4: drain then ready → ready again after 4 (ready [2, 10)); ready then drain → [2, 4).
    expect(one([c(2, 'ready'), c(4, 'drain'), c(4, 'ready')])).toBeCloseTo(0.2, 12);
    expect(one([c(2, 'ready'), c(4, 'drain'), c(4, 'ready'), c(4, 'drain')])).toBeCloseTo(0.8, 12);
  });
  it('ready time › unknown services ignored; an empty run has nothing to report', () => {
    expect(one([c(2, 'ready', 'a', 'zz'), c(3, 'ready')])).toBeCloseTo(0.3, 12);
    expect(one([c(0, 'ready')], 0)).toBe(0);
    expect(noReadyFractions(['x', 'y'], [], 10)).toEqual([1, 1]);
  });
});

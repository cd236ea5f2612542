/**
 * Energy per service (sim/metrics/energy.ts) by hand: a device's energy split by the services'
 * busy seconds on it; devices no service used, or without a power figure, attribute nothing.
 */
import { describe, expect, it } from 'vitest';
import { perUnit, serviceEnergyJ } from '../../sim/metrics/energy.js';

const busy = (...rows: number[][]) => rows.map((r) => Float64Array.from(r));

describe('energy per service', () => {
  it('energy › split by busy share per device, summed over devices', () => {
    // Device 0: 100 J, busy 3 + 1 → 75 / 25; device 1: 60 J, busy 0 + 2 → 0 / 60.
    const e = serviceEnergyJ([100, 60], busy([3, 0], [1, 2]));
    expect(e[0]).toBeCloseTo(75, 12);
    expect(e[1]).toBeCloseTo(85, 12);
  });
  it('energy › unknown power or no busy time › null, not 0', () => {
    expect(serviceEnergyJ([null, 100], busy([2, 0], [0, 1]))).toEqual([null, 100]);
    expect(serviceEnergyJ([10], busy([0]))).toEqual([null]);
    // Service 0 not busy on device 0 (10 J): all of it to service 1; device 1 (20 J) halved.
    expect(serviceEnergyJ([10, 20], busy([0, 1], [1, 1]))).toEqual([10, 20]);
  });
  it('energy › a device busy for no service (negative net busy) attributes nothing', () => {
    expect(serviceEnergyJ([50], busy([-1], [-1]))).toEqual([null, null]);
    // Net busy of the device ≤ 0 (one service's run handed back more than the other used): none.
    expect(serviceEnergyJ([50], busy([2], [-3]))).toEqual([null, null]);
    expect(serviceEnergyJ([50], busy([2], [-2]))).toEqual([null, null]);
  });
  it('perUnit › joules per unit; null when unknown or nothing finished', () => {
    expect(perUnit(30, 4)).toBe(7.5);
    expect(perUnit(null, 4)).toBeNull();
    expect(perUnit(30, 0)).toBeNull();
  });
});

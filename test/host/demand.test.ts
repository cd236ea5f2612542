import { describe, expect, it } from 'vitest';
import { DemandMeter } from '../../host/index.js';

describe('DemandMeter (observed demand, both hosts)', () => {
  it('demand › first placement keeps the declared demand even when the clock is past 0 (controller warm-up)', () => {
    const m = new DemandMeter(2);
    const services = [{ demandRps: 3 }, { demandRps: 0.5 }];
    expect(m.beforePlacement(services, 4.2)).toBe(0);
    expect(services.map((s) => s.demandRps)).toEqual([3, 0.5]);
  });

  it('demand › after restart the window starts at 0: arrivals / seconds since the clock started', () => {
    const m = new DemandMeter(2);
    const services = [{ demandRps: 3 }, { demandRps: 0.5 }];
    m.beforePlacement(services, 7); // warm-up placement at wall time 7 s, before the run clock starts
    m.restart();
    m.arrivals[0] = 20;
    m.arrivals[1] = 5;
    expect(m.beforePlacement(services, 10)).toBe(10);
    expect(services.map((s) => s.demandRps)).toEqual([2, 0.5]);
    m.arrivals[0] = 4;
    expect(m.beforePlacement(services, 12)).toBe(2);
    expect(services.map((s) => s.demandRps)).toEqual([2, 0]);
  });
});

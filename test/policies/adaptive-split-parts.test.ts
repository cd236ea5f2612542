/**
 * adaptive-split's parts (policies/baselines/adaptive-split.ts): the capacity-proportional layer
 * deal, the EWMA profile of utilization and demand across periods, the candidate rules (a split
 * only when strictly faster, at most max_devices), migration hysteresis and the plan's reason.
 */
import { describe, expect, it } from 'vitest';
import { POLICIES } from '../../policies/index.js';
import {
  adaptiveSplitPlan,
  bestChain,
  proportionalSplit,
  RunningProfile,
} from '../../policies/baselines/adaptive-split.js';
import { MemoryLedger } from '../../policies/memory-ledger.js';
import { stagesKey } from '../../policies/placement-helpers.js';
import { device, instance, link, service, testRng, view, whole } from './view-builder.js';

describe('adaptive-split › parts', () => {
  it('proportionalSplit › equal capacities › dealt alternately, ties to the first', () => {
    expect(proportionalSplit(3, [1, 1], [99, 99])).toEqual([2, 1]);
    expect(proportionalSplit(5, [1, 1, 1], [99, 99, 99])).toEqual([2, 2, 1]);
  });
  it('proportionalSplit › a device with no capacity gets nothing; a full one stops taking', () => {
    expect(proportionalSplit(4, [0, 1], [99, 99])).toEqual([0, 4]);
    expect(proportionalSplit(4, [5, 1], [1, 99])).toEqual([1, 3]);
    expect(proportionalSplit(4, [0, 0], [99, 99])).toBeUndefined();
    expect(proportionalSplit(0, [1], [0])).toEqual([0]);
  });
  it('RunningProfile › first period as measured, then old + alpha·(new − old), per device and service', () => {
    const p = new RunningProfile(0.5);
    const at = (u: number, d: number, u2 = 0) =>
      view({
        devices: [device('a', 'orin', { utilization: u }), device('b', 'orin', { utilization: u2 })],
        services: [service('chat', { demandRps: d }), service('seg', { demandRps: 2 * d })],
      });
    const one = p.smooth(at(0.8, 4));
    expect(one.devices.map((d) => d.utilization)).toEqual([0.8, 0]);
    expect(one.services.map((s) => s.demandRps)).toEqual([4, 8]);
    const two = p.smooth(at(0.2, 0, 1));
    expect(two.devices.map((d) => d.utilization)).toEqual([0.5, 0.5]);
    expect(two.services.map((s) => s.demandRps)).toEqual([2, 4]);
  });

  const twins = [device('gpu0', 'gpu4'), device('gpu1', 'gpu4')];
  const twinLinks = [link('gpu0', 's1', 1e10, 0.0001), link('gpu1', 's1', 1e10, 0.0001)];
  it('bestChain › max_devices 1 › never split, even where a split would be faster', () => {
    // At 14 req/s a split over the twins wins (baselines.test.ts); with max 1 device it is not offered.
    const v = view({ devices: twins, links: twinLinks, services: [] });
    const s = service('chat', { demandRps: 14 });
    const one = bestChain(v, s, new MemoryLedger(twins), new Map(), { maxDevices: 1, resplitThreshold: 0.1 })!;
    expect(stagesKey(one.stages)).toBe('gpu0[0,32)x4');
    const two = bestChain(v, s, new MemoryLedger(twins), new Map(), { maxDevices: 2, resplitThreshold: 0.1 })!;
    expect(two.stages).toHaveLength(2);
    expect(two.latencyS).toBeLessThan(one.latencyS);
  });
  it('bestChain › nothing holds the model › undefined; dead or figure-less devices never candidates', () => {
    const ds = [
      device('p', 'pi'),
      device('g', 'gpu4', { alive: false }),
      device('f', 'fpga', { memoryBytesPerGpu: 1e12 }),
    ];
    const v = view({ devices: ds, services: [] });
    expect(
      bestChain(v, service('big'), new MemoryLedger(ds), new Map(), { maxDevices: 3, resplitThreshold: 0.1 }),
    ).toBeUndefined();
  });
  it('plan › reason: chain and predicted latency per service, (kept) for a kept one, no chain fits otherwise', () => {
    const v = view({
      devices: twins,
      links: twinLinks,
      services: [service('chat', { demandRps: 1 }), service('huge', { demandRps: 0.5 })],
      instances: [instance('i', 'chat', whole('gpu1', 32, 4))],
    });
    const p = adaptiveSplitPlan(v, { maxDevices: 1, resplitThreshold: 0.1 });
    expect(p.instances).toEqual([{ service: 'chat', stages: whole('gpu1', 32, 4) }]);
    expect(p.reason).toMatch(/^adaptive-split: chat: gpu1\[0,32\) 0\.9\d\d s \(kept\); huge: no chain fits$/);
  });
  it('plan › a running instance that is draining or failed › not kept', () => {
    for (const state of ['draining', 'failed'] as const) {
      const v = view({
        devices: twins,
        links: twinLinks,
        services: [service('chat', { demandRps: 1 })],
        instances: [instance('i', 'chat', whole('gpu1', 32, 4), { state })],
      });
      expect(adaptiveSplitPlan(v, { maxDevices: 1, resplitThreshold: 0.1 }).reason).not.toContain('(kept)');
    }
    const loading = view({
      devices: twins,
      links: twinLinks,
      services: [service('chat', { demandRps: 1 })],
      instances: [instance('i', 'chat', whole('gpu1', 32, 4), { state: 'pending' })],
    });
    expect(adaptiveSplitPlan(loading, { maxDevices: 1, resplitThreshold: 0.1 }).reason).toContain('(kept)');
  });
  it('plan › resplit threshold 1 › a running chain is kept however much better a new one is', () => {
    // chat at 14 req/s on gpu0 alone is far slower than a split, but threshold 1 asks for a 100% gain.
    const v = view({
      devices: twins,
      links: twinLinks,
      services: [service('chat', { demandRps: 14 })],
      instances: [instance('i', 'chat', whole('gpu0', 32, 4))],
    });
    expect(adaptiveSplitPlan(v, { maxDevices: 2, resplitThreshold: 1 }).instances[0]!.stages).toEqual(
      whole('gpu0', 32, 4),
    );
    expect(adaptiveSplitPlan(v, { maxDevices: 2, resplitThreshold: 0 }).instances[0]!.stages).toHaveLength(2);
  });
  it('policy › the profile smooths across calls: one busy measurement does not move a service', () => {
    const p = POLICIES['adaptive-split'].create({ profile_alpha: 0.1 });
    expect(p.name).toBe('adaptive-split');
    expect(p.placementPeriodS).toBe(10);
    const at = (u: number) =>
      view({
        devices: [device('gpu0', 'gpu4', { utilization: u }), device('gpu1', 'gpu4')],
        links: twinLinks,
        services: [service('chat', { demandRps: 1 }), service('seg', { demandRps: 30 })],
        instances: [instance('i', 'chat', whole('gpu0', 32, 4)), instance('j', 'seg', whole('gpu0', 10, 4))],
      });
    // Measured 0.6 alone moves chat to gpu1 (baselines.test.ts); after a 0.1 period, 0.1 + 0.1·0.5 = 0.15 does not.
    p.place(at(0.1), testRng(1));
    const chat = p.place(at(0.6), testRng(1)).instances.find((i) => i.service === 'chat')!;
    expect(chat.stages).toEqual(whole('gpu0', 32, 4));
    const fresh = POLICIES['adaptive-split'].create({ profile_alpha: 0.1 });
    expect(fresh.place(at(0.6), testRng(1)).instances.find((i) => i.service === 'chat')!.stages).toEqual(
      whole('gpu1', 32, 4),
    );
  });
});

/**
 * Applying placement plans in the simulator's host (sim/host/placement.ts), through `simulate`:
 * malformed or oversized planned instances are refused with a note (never a crash), loading takes
 * the slowest stage's weights / storage bandwidth, an equal instance is kept across re-plans, an
 * unmatched one drains and is gone once idle, and a crash fails its instances.
 * Test box: 1 GPU, 16 GB, storage 1 GB/s; toy model 2 GB, 10 layers.
 */
import { describe, expect, it } from 'vitest';
import type { PlacementPlan, PlannedInstance, Policy, Stage } from '../../policies/index.js';
import { simulate } from '../../sim/index.js';
import {
  GB,
  device,
  deviceSpec,
  fixedArrivals,
  fixedPlanPolicy,
  link,
  llmService,
  modelSpec,
  recorder,
  scenario,
  toyProfile,
} from './fixtures.js';

const whole = (dev: string, gpus = 1): Stage[] => [{ device: dev, firstLayer: 0, endLayer: 10, gpus }];
const two = () => scenario({ devices: [device('gpu0'), device('gpu1')], horizonS: 20 });
const notesFor = (instances: PlannedInstance[], sc = two()) =>
  simulate(sc, { policyImpl: fixedPlanPolicy(instances), arrivals: fixedArrivals({}) }).notes;

describe('placement › refused instances', () => {
  it('refused › each malformed stage list › a note saying why, nothing loaded', () => {
    const notes = notesFor([
      { service: 'chat', stages: [] },
      { service: 'chat', stages: whole('tpu9') },
      { service: 'chat', stages: whole('gpu0', 2) },
      {
        service: 'chat',
        stages: [
          { device: 'gpu0', firstLayer: 0, endLayer: 4, gpus: 1 },
          { device: 'gpu1', firstLayer: 5, endLayer: 10, gpus: 1 },
        ],
      },
      { service: 'chat', stages: [{ device: 'gpu0', firstLayer: 0, endLayer: 6, gpus: 1 }] },
      { service: 'chat', stages: [{ device: 'gpu0', firstLayer: 0, endLayer: 0, gpus: 1 }] },
      { service: 'nope', stages: whole('gpu0') },
    ]);
    expect(notes).toEqual([
      'plan names unknown service nope; ignored',
      'refused instance of chat: gpus 2 on gpu0 (has 1)',
      'refused instance of chat: layers cover [0,6) of 10',
      'refused instance of chat: layers not contiguous at gpu0',
      'refused instance of chat: layers not contiguous at gpu1',
      'refused instance of chat: no stages',
      'refused instance of chat: unknown device tpu9',
      // The summarizer's own note (sim/metrics/notes.ts): nothing was loaded, so chat never had a ready instance.
      'chat: no ready instance for 100% of the run (> 10%)',
    ]);
  });
  it('refused › weights beyond the free memory › the instance that does not fit is refused, the others load', () => {
    // 7 GB weights: two fit in 16 GB, the third does not.
    const sc = {
      ...two(),
      services: [llmService({ model: modelSpec({ weightBytes: 7 * GB, profiles: toyProfile() }) })],
    };
    const r = simulate(sc, {
      policyImpl: fixedPlanPolicy([
        { service: 'chat', stages: whole('gpu0') },
        { service: 'chat', stages: whole('gpu0') },
        { service: 'chat', stages: whole('gpu0') },
      ]),
      arrivals: fixedArrivals({}),
    });
    expect(r.notes).toContain('refused instance of chat on gpu0: weights exceed free memory');
    expect(r.placementChanges.filter((c) => c.action === 'load')).toHaveLength(2);
  });
  it('refused › a device not connected to the ingress › unreachable', () => {
    const sc = { ...two(), links: [link('l-gpu0', 'gpu0', 'sw', 1e12, 0)] };
    expect(notesFor([{ service: 'chat', stages: whole('gpu1') }], sc)).toContain(
      'refused instance of chat: gpu1 unreachable from ingress',
    );
  });
});

describe('placement › loading', () => {
  it('loading › a two-stage pipeline › ready when the slowest stage has read its share of the weights', () => {
    // 2 GB model: 3 layers (0.6 GB) on gpu0 at 1 GB/s → 0.6 s; 7 layers (1.4 GB) on gpu1 at 2 GB/s → 0.7 s.
    const fast = deviceSpec({ storageBytesPerS: 2 * GB });
    const sc = { ...two(), devices: [device('gpu0'), device('gpu1', fast)] };
    const r = simulate(sc, {
      policyImpl: fixedPlanPolicy([
        {
          service: 'chat',
          stages: [
            { device: 'gpu0', firstLayer: 0, endLayer: 3, gpus: 1 },
            { device: 'gpu1', firstLayer: 3, endLayer: 10, gpus: 1 },
          ],
        },
      ]),
      arrivals: fixedArrivals({}),
    });
    expect(r.placementChanges.map((c) => [c.timeS, c.action, c.devices])).toEqual([
      [0, 'load', ['gpu0', 'gpu1']],
      [0.7, 'ready', ['gpu0', 'gpu1']],
    ]);
  });
  it('loading › a request before the instance is ready › waits for it, then is served', () => {
    const rec = recorder();
    simulate(two(), {
      policyImpl: fixedPlanPolicy([{ service: 'chat', stages: whole('gpu0') }]),
      records: rec.records,
      arrivals: fixedArrivals({ chat: [[1, 100, 1]] }),
    });
    // fixedPlanPolicy routes only to ready instances: at t = 1 (ready at 2) the request is dropped.
    expect(rec.byId[0]).toMatchObject({ outcome: 'dropped', reason: 'no-instance' });
  });
});

/** A policy whose plan changes at each placement (period 5 s): plans[k] at the k-th call, then the last. */
function replanning(plans: PlannedInstance[][]): Policy {
  let k = 0;
  const base = fixedPlanPolicy([]);
  return {
    ...base,
    name: 'replanning',
    placementPeriodS: 5,
    place: (): PlacementPlan => ({ instances: plans[Math.min(k++, plans.length - 1)]!, reason: 'test' }),
    route: base.route,
  };
}

describe('placement › re-plans', () => {
  it('re-plan › same instance planned again › kept (no reload); a dropped one drains and is gone', () => {
    const a = { service: 'chat', stages: whole('gpu0') };
    const b = { service: 'chat', stages: whole('gpu1') };
    const r = simulate(two(), { policyImpl: replanning([[a, b], [a]]), arrivals: fixedArrivals({}) });
    expect(r.placementChanges.map((c) => `${c.timeS} ${c.action} ${c.devices.join('+')}`)).toEqual([
      '0 load gpu0',
      '0 load gpu1',
      '2 ready gpu0',
      '2 ready gpu1',
      '5 drain gpu1',
      '5 gone gpu1',
    ]);
  });
  it('re-plan › a draining instance with a request in service › gone only when the request is done', () => {
    const a = { service: 'chat', stages: whole('gpu0') };
    const b = { service: 'chat', stages: whole('gpu1') };
    const rec = recorder();
    // Round robin from fixedPlanPolicy: 4.5 s → gpu0's instance, 4.6 s → gpu1's (prompt 100, 10
    // tokens: well past the re-plan at 5 s). gpu1's instance drains at 5 and is gone when that
    // request finishes (its time comes from the calibrated step cost: compared, not copied).
    const r = simulate(two(), {
      policyImpl: replanning([[a, b], [a]]),
      records: rec.records,
      arrivals: fixedArrivals({
        chat: [
          [4.5, 100, 1],
          [4.6, 100, 10],
        ],
      }),
    });
    const gone = r.placementChanges.find((c) => c.action === 'gone')!;
    expect(rec.byId[1]!.devices).toEqual(['gpu1']);
    expect(rec.byId[1]!.outcome).not.toBe('failed');
    expect(r.placementChanges.find((c) => c.action === 'drain')!.timeS).toBe(5);
    expect(rec.byId[1]!.finishS).toBeGreaterThan(5);
    expect(gone.timeS).toBeCloseTo(rec.byId[1]!.finishS, 9);
  });
});

/**
 * Co-located devices (DeviceConfig.colocated, sim/host/colocation.ts): work a device starts while
 * every other device of its group is idle runs `aloneSpeedup` × faster; while one is busy, at the
 * profile's speed. Without the field nothing changes.
 */
import { describe, expect, it } from 'vitest';
import { DEVICE_CATALOG, MODEL_CATALOG, type DeviceConfig } from '../../scenarios/index.js';
import type { RequestRecord } from '../../policies/index.js';
import { ItemPerf, simulate } from '../../sim/index.js';
import { device, fixedArrivals, fixedPlanPolicy, link, llmService, recorder, scenario } from './fixtures.js';

const core = DEVICE_CATALOG['x86-vm-core']!;
const seg = MODEL_CATALOG['yolo11n-seg']!;
const frameS = new ItemPerf(seg, core, 1, 1).batchS(1);

/** Frames on `a` at `onA`, and on `b` at `onB`; both devices in group `h` when `speedup` is set. */
function run(onA: number[], onB: number[], speedup?: number, processorSharing = false): RequestRecord[] {
  const shape = (d: DeviceConfig): DeviceConfig =>
    speedup === undefined ? d : { ...d, colocated: { group: 'h', aloneSpeedup: speedup } };
  return simulateOn(onA, onB, shape, processorSharing);
}

/** Two devices `a`, `b` with a frame service each (`ca`, `cb`), devices shaped by `shape`. */
function simulateOn(
  onA: number[],
  onB: number[],
  shape: (d: DeviceConfig) => DeviceConfig,
  processorSharing = false,
): RequestRecord[] {
  const base = scenario({
    devices: [device('a', core), device('b', core)],
    links: [link('la', 'a', 'sw', 1e30, 0), link('lb', 'b', 'sw', 1e30, 0)],
    horizonS: 60,
    services: [
      llmService({ name: 'ca', kind: 'segmentation', model: seg, slo: { kind: 'frame', deadlineS: 100 }, maxBatch: 1 }),
      llmService({ name: 'cb', kind: 'segmentation', model: seg, slo: { kind: 'frame', deadlineS: 100 }, maxBatch: 1 }),
    ],
  });
  const shared = processorSharing ? { ...base, deviceSharing: 'processor-sharing' as const } : base;
  const sc = { ...shared, devices: shared.devices.map(shape) };
  const rec = recorder();
  simulate(sc, {
    seed: 1,
    records: rec.records,
    warmStart: true,
    policyImpl: fixedPlanPolicy([
      { service: 'ca', stages: [{ device: 'a', gpus: 1, firstLayer: 0, endLayer: seg.layers }] },
      { service: 'cb', stages: [{ device: 'b', gpus: 1, firstLayer: 0, endLayer: seg.layers }] },
    ]),
    arrivals: fixedArrivals({ ca: onA.map((t) => [t, 1, 1]), cb: onB.map((t) => [t, 1, 1]) }),
  });
  return rec.byId.filter((r): r is RequestRecord => r !== undefined);
}

const e2eOf = (recs: RequestRecord[], svc: string): number[] =>
  recs.filter((r) => r.service === svc).map((r) => r.finishS - r.arrivalS);

describe('co-located devices', () => {
  it('co-located › alone › a frame runs aloneSpeedup × faster; not co-located › profile speed', () => {
    for (const t of e2eOf(run([1, 2, 3], []), 'ca')) expect(t).toBeCloseTo(frameS, 9);
    for (const t of e2eOf(run([1, 2, 3], [], 2), 'ca')) expect(t).toBeCloseTo(frameS / 2, 9);
  });

  for (const ps of [false, true])
    it(`co-located › the other device busy › profile speed; its own frames, started alone, fast (${ps ? 'processor sharing' : 'lane FIFO'})`, () => {
      // b starts a frame at 1 s; a's frame arrives while b's runs (half of b's fast frame later).
      const recs = run([1 + frameS / 4], [1], 2, ps);
      expect(e2eOf(recs, 'cb')[0]).toBeCloseTo(frameS / 2, 9);
      expect(e2eOf(recs, 'ca')[0]).toBeCloseTo(frameS, 9);
      // After b is done, a is alone again.
      expect(e2eOf(run([1 + frameS], [1], 2, ps), 'ca')[0]).toBeCloseTo(frameS / 2, 9);
    });

  it('co-located › overhead while another device of the group has a request in flight › its own samples', () => {
    // b's frame (alone: back to back, 1 ms) is in flight when a's arrives 0.5 ms later.
    const recs = simulateOn([1.0005, 3], [1], (d) => ({
      ...d,
      colocated: { group: 'h', aloneSpeedup: 1 },
      requestOverheadS: [0.001],
      requestOverheadNeighbourBusyS: d.id === 'a' ? [0.004] : [0.5],
    }));
    const paid = (svc: string) => e2eOf(recs, svc).map((t) => Math.round((t - frameS) * 10000) / 10);
    expect(paid('cb')).toEqual([1]);
    expect(paid('ca')).toEqual([4, 1]);
  });

  it('co-located › overhead while busy › from the every-core-busy samples only while a device of the group is busy too', () => {
    // a's second frame arrives while its first is in flight (busy); b's frame is in flight then or not.
    const shape = (d: DeviceConfig): DeviceConfig => ({
      ...d,
      colocated: { group: 'h', aloneSpeedup: 1 },
      requestOverheadS: [0.001],
      requestOverheadBusyS: [0.3],
      requestOverheadBusyNeighbourBusyS: [0.6],
    });
    const paid = (recs: RequestRecord[], svc: string) =>
      e2eOf(recs, svc).map((t) => Math.round((t - frameS) * 10000) / 10);
    expect(paid(simulateOn([1, 1.0003], [1.0001], shape), 'ca')).toEqual([1, 600]);
    expect(paid(simulateOn([1, 1.0003], [], shape), 'ca')).toEqual([1, 300]);
    // Without the field: the busy samples whatever the neighbours do.
    const plain = (d: DeviceConfig): DeviceConfig => {
      const { requestOverheadBusyNeighbourBusyS: _, ...rest } = shape(d);
      return rest;
    };
    expect(paid(simulateOn([1, 1.0003], [1.0001], plain), 'ca')).toEqual([1, 300]);
  });
});

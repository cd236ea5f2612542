/**
 * Measured request overhead of a device's server (DeviceConfig.requestOverheadS, set by
 * `parasim validate` from the profiled round trip): each request reaching the device waits one
 * draw from the samples; without samples nothing changes and no stream is drawn.
 */
import { describe, expect, it } from 'vitest';
import { DEVICE_CATALOG, MODEL_CATALOG } from '../../scenarios/index.js';
import type { RequestRecord } from '../../policies/index.js';
import { ItemPerf, simulate } from '../../sim/index.js';
import { device, fixedArrivals, fixedPlanPolicy, link, llmService, recorder, scenario } from './fixtures.js';

const core = DEVICE_CATALOG['x86-vm-core']!;
const seg = MODEL_CATALOG['yolo11n-seg']!;

function run(samples: readonly number[] | undefined, seed = 1): RequestRecord[] {
  const base = scenario({
    devices: [device('cpu', core)],
    links: [link('l0', 'cpu', 'sw', 1e30, 0)],
    horizonS: 20,
    services: [
      llmService({ name: 'cam', kind: 'segmentation', model: seg, slo: { kind: 'frame', deadlineS: 1 }, maxBatch: 1 }),
    ],
  });
  const sc =
    samples === undefined ? base : { ...base, devices: base.devices.map((d) => ({ ...d, requestOverheadS: samples })) };
  const rec = recorder();
  const frames: [number, number, number][] = [];
  for (let t = 1; t < 11; t += 0.25) frames.push([t, 1, 1]);
  simulate(sc, {
    seed,
    records: rec.records,
    warmStart: true,
    policyImpl: fixedPlanPolicy([
      { service: 'cam', stages: [{ device: 'cpu', gpus: 1, firstLayer: 0, endLayer: seg.layers }] },
    ]),
    arrivals: fixedArrivals({ cam: frames }),
  });
  return rec.byId.filter((r): r is RequestRecord => r !== undefined);
}

describe('request overhead', () => {
  const frameS = new ItemPerf(seg, core, 1, 1).batchS(1);
  const e2e = (recs: RequestRecord[]) => recs.map((r) => r.finishS - r.arrivalS);

  it('request overhead › none › a frame takes its compute only', () => {
    for (const t of e2e(run(undefined))) expect(t).toBeCloseTo(frameS, 9);
  });

  it('request overhead › two samples › every frame pays one of them, both occur, same seed same draws', () => {
    const recs = run([0.01, 0.05]);
    const paid = e2e(recs).map((t) => Math.round((t - frameS) * 1000));
    expect(new Set(paid)).toEqual(new Set([10, 50]));
    expect(e2e(run([0.01, 0.05]))).toEqual(e2e(recs));
    expect(e2e(run([0.01, 0.05], 2))).not.toEqual(e2e(recs));
  });
});

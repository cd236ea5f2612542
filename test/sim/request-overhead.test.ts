/**
 * Measured request overhead of a device's server (DeviceConfig.requestOverheadS, set by
 * `parasim validate` from the profiled round trip): each request reaching the device waits one
 * draw from the samples; without samples nothing changes and no stream is drawn.
 */
import { describe, expect, it } from 'vitest';
import { DEVICE_CATALOG, MODEL_CATALOG } from '../../scenarios/index.js';
import type { RequestRecord } from '../../policies/index.js';
import { ItemPerf, simulate } from '../../sim/index.js';
import type { IdleOverhead } from '../../scenarios/index.js';
import { device, fixedArrivals, fixedPlanPolicy, link, llmService, recorder, scenario } from './fixtures.js';

/** A frame every 0.25 s from t = 1 to 11. */
const FRAMES = Array.from({ length: 40 }, (_, i) => 1 + 0.25 * i);
const core = DEVICE_CATALOG['x86-vm-core']!;
const seg = MODEL_CATALOG['yolo11n-seg']!;

function run(
  samples: readonly number[] | undefined,
  seed = 1,
  afterIdle?: readonly IdleOverhead[],
  times: readonly number[] = FRAMES,
  overheadReplica = 0,
): RequestRecord[] {
  const base = scenario({
    devices: [device('cpu', core)],
    links: [link('l0', 'cpu', 'sw', 1e30, 0)],
    horizonS: 20,
    services: [
      llmService({ name: 'cam', kind: 'segmentation', model: seg, slo: { kind: 'frame', deadlineS: 1 }, maxBatch: 1 }),
    ],
  });
  const sc = {
    ...base,
    devices: base.devices.map((d) => ({
      ...d,
      ...(samples !== undefined ? { requestOverheadS: samples } : {}),
      ...(afterIdle !== undefined ? { requestOverheadAfterIdle: afterIdle } : {}),
    })),
  };
  const rec = recorder();
  const frames = times.map((t): [number, number, number] => [t, 1, 1]);
  simulate(sc, {
    seed,
    records: rec.records,
    warmStart: true,
    overheadReplica,
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

  const paidMs = (recs: RequestRecord[]) => e2e(recs).map((t) => Math.round((t - frameS) * 1000));

  it('request overhead › after idle › a frame after a gap ≥ the measured one draws its samples; the first one too', () => {
    // Frames 0.25 s apart, each done in ~ms: every one meets a device idle for > 0.2 s.
    const paid = paidMs(run([0.001], 1, [{ idleS: 0.2, samplesS: [0.004] }]));
    expect(new Set(paid)).toEqual(new Set([4]));
    // A gap shorter than every measured one: the back-to-back samples.
    // A gap shorter than every measured one: the back-to-back samples, but for the first frame
    // (the server idle since before the run).
    const short = paidMs(run([0.001], 1, [{ idleS: 0.3, samplesS: [0.004] }]));
    expect(short[0]).toBe(4);
    expect(new Set(short.slice(1))).toEqual(new Set([1]));
  });

  it('request overhead › after idle › the longest measured gap not above the idle time wins', () => {
    const tables = [
      { idleS: 0.5, samplesS: [0.009] },
      { idleS: 0.01, samplesS: [0.002] },
      { idleS: 0.1, samplesS: [0.005] },
    ];
    // 0.25 s apart: idle ≈ 0.25 − frame − overhead ≥ 0.1 and < 0.5 → 5 ms, except the first (idle since −∞) → 9 ms.
    const paid = paidMs(run([0.001], 1, tables));
    expect(paid[0]).toBe(9);
    expect(new Set(paid.slice(1))).toEqual(new Set([5]));
  });

  it('request overhead › after idle › a request in flight keeps the server awake', () => {
    // Pairs 0.3 s apart, 2 s between pairs; after idle a request pays 0.5 s, so the second of a
    // pair arrives 0.3 s after the first (idle for ≥ 0.2 s by arrivals alone) while the first is
    // still in flight: its server is awake.
    const times = Array.from({ length: 10 }, (_, i) => 1 + 2 * Math.floor(i / 2) + (i % 2) * 0.3);
    const paid = paidMs(run([0.001], 1, [{ idleS: 0.2, samplesS: [0.5] }], times));
    expect(paid.filter((_, i) => i % 2 === 0)).toEqual(Array(5).fill(500));
    expect(paid.filter((_, i) => i % 2 === 1)).toEqual(Array(5).fill(1));
  });

  it('request overhead › after idle › idle time counts from the last request settled, not the last arrival', () => {
    // The first of a pair pays 0.5 s after idle and settles just after t + 0.5; the second comes at
    // t + 0.6: 0.6 s after the last arrival, but ~0.1 s after the server's last work.
    const times = Array.from({ length: 10 }, (_, i) => 1 + 2 * Math.floor(i / 2) + (i % 2) * 0.6);
    const paid = paidMs(run([0.001], 1, [{ idleS: 0.2, samplesS: [0.5] }], times));
    expect(paid.filter((_, i) => i % 2 === 1)).toEqual(Array(5).fill(1));
  });

  it('request overhead › after idle › without back-to-back samples, the shortest gap serves below it', () => {
    const paid = paidMs(run(undefined, 1, [{ idleS: 0.3, samplesS: [0.003] }]));
    expect(new Set(paid)).toEqual(new Set([3]));
  });

  it('request overhead › replicas › other draws, same arrivals; replica 0 is the plain run', () => {
    const base = run([0.01, 0.05, 0.09]);
    expect(e2e(run([0.01, 0.05, 0.09], 1, undefined, FRAMES, 0))).toEqual(e2e(base));
    const r1 = run([0.01, 0.05, 0.09], 1, undefined, FRAMES, 1);
    expect(r1.map((r) => r.arrivalS)).toEqual(base.map((r) => r.arrivalS));
    expect(e2e(r1)).not.toEqual(e2e(base));
    expect(e2e(run([0.01, 0.05, 0.09], 1, undefined, FRAMES, 1))).toEqual(e2e(r1));
  });
});

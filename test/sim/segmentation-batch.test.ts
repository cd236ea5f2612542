/**
 * Segmentation batching caps (sim/models/segmentation/segmentation-engine.ts): a batch takes at
 * most the service's max_batch frames, and an FPGA pipeline one frame at a time.
 * Profile: 0.01 s per frame at batch 1, 0.005 at batch 4 (interpolated between).
 */
import { describe, expect, it } from 'vitest';
import type { ServiceConfig } from '../../scenarios/index.js';
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
} from './fixtures.js';

const P = 9;
function seg(maxBatch: number): ServiceConfig {
  return {
    name: 'seg',
    kind: 'segmentation',
    maxBatch,
    model: modelSpec({
      key: 'toy-seg',
      kind: 'segmentation',
      weightBytes: 1e6,
      kvBytesPerToken: 0,
      flopsPerUnit: 1e9,
      inputBytes: 0,
      outputBytes: 0,
      profiles: [
        { deviceType: 'testbox', batch: 1, itemLatencyS: 0.01, source: 't' },
        { deviceType: 'testbox', batch: 4, itemLatencyS: 0.005, source: 't' },
      ],
    }),
    slo: { kind: 'frame', deadlineS: 1 },
    arrivals: { process: 'periodic', streams: 1, fps: 1 },
    promptTokens: { dist: 'fixed', value: 1 },
    outputTokens: { dist: 'fixed', value: 1 },
    ingress: 'sw',
  };
}
const frames = (n: number): [number, number, number][] => Array.from({ length: n }, () => [10, 0, 1]);

describe('segmentation › batch caps', () => {
  it('max_batch 2, five frames at once › 2, then 2, then 1', () => {
    // Same-instant arrivals share a step (docs/decisions.md "Same-instant arrivals share a step";
    // before it, frame 0 went alone): frames 0–1 at 10, 2 × itemLatency(2) = 2 × (0.01 − 0.005/3)
    // = 0.0166667 each batch of 2; frames 2–3 at 10 + b2; frame 4 alone at 10 + 2·b2, 0.01.
    const rec = recorder();
    simulate(scenario({ services: [seg(2)], links: [link('l', 'gpu0', 'sw', 1e12, 0)], horizonS: 20 }), {
      records: rec.records,
      arrivals: fixedArrivals({ seg: frames(5) }),
    });
    const b2 = 2 * (0.01 - 0.005 / 3);
    expect(rec.byId.map((r) => r.startS)).toEqual(
      [10, 10, 10 + b2, 10 + b2, 10 + 2 * b2].map((x) => expect.closeTo(x, P)),
    );
    expect(rec.byId[1]!.finishS).toBeCloseTo(10 + b2, P);
    expect(rec.byId[4]!.finishS).toBeCloseTo(10 + 2 * b2 + 0.01, P);
  });
  it('FPGA pipeline, max_batch 8, three frames › one at a time', () => {
    const fpga = deviceSpec({ key: 'f', deviceClass: 'fpga', memoryBytesPerGpu: 1 * GB, pipelineLatencyS: 0.05 });
    const rec = recorder();
    simulate(
      scenario({
        devices: [device('fpga', fpga)],
        links: [link('l', 'fpga', 'sw', 1e12, 0)],
        services: [seg(8)],
        horizonS: 20,
      }),
      { records: rec.records, arrivals: fixedArrivals({ seg: frames(3) }) },
    );
    expect(rec.byId.map((r) => r.finishS)).toEqual([10.05, 10.1, 10.15].map((x) => expect.closeTo(x, P)));
  });
});

describe('engines › behind a policy with stale views (sync period: no load index)', () => {
  // A policy with peer sync routes on synced views, so the host keeps no live load index: both
  // engines then serve exactly as with one.
  const run = (sync: boolean, services: ServiceConfig[], arrivals: Record<string, [number, number, number][]>) => {
    const rec = recorder();
    const whole = services.map((s) => ({
      service: s.name,
      stages: [{ device: 'gpu0', firstLayer: 0, endLayer: s.model.layers, gpus: 1 }],
    }));
    simulate(scenario({ services, links: [link('l', 'gpu0', 'sw', 1e12, 0)], horizonS: 20 }), {
      records: rec.records,
      policyImpl: fixedPlanPolicy(whole, sync ? { periodS: 1, messageBytes: 100 } : undefined),
      arrivals: fixedArrivals(arrivals),
    });
    return rec.byId.map((r) => [r.startS, r.finishS]);
  };
  it('segmentation and LLM › same times with or without the load index', () => {
    const services = [seg(2), llmService({ model: modelSpec() })];
    const arrivals = { seg: frames(3), chat: [[10, 100, 3] as [number, number, number]] };
    const stale = run(true, services, arrivals);
    expect(stale).toHaveLength(4);
    expect(stale).toEqual(run(false, services, arrivals));
  });
});

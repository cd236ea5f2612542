/**
 * A throttled clock stretches the work of both engines (sim/models: LLM steps and decode runs,
 * segmentation batches) by 1 / clock ratio (World.timeScale, sim/devices/thermal.ts). A device
 * whose ambient is past its critical temperature runs at its minimum clock, 0.5, from t = 0:
 * every step takes twice its cost.
 */
import { describe, expect, it } from 'vitest';
import type { DeviceThermal, ServiceConfig } from '../../scenarios/index.js';
import { LlmStagePerf, simulate } from '../../sim/index.js';
import { device, deviceSpec, fixedArrivals, link, llmService, modelSpec, recorder, scenario } from './fixtures.js';

const P = 9;
const L = 0.01;
const hot: DeviceThermal = {
  ambientC: 100,
  throttleC: 80,
  criticalC: 85,
  minClockRatio: 0.5,
  cooling: {},
  source: 't',
  coolingKind: 'none',
  rKPerW: 0,
  tauS: 60,
};
const gpu = { ...device('gpu0'), thermal: hot };
const links = [link('l0', 'gpu0', 'sw', 1e30, L)];

describe('thermal › both engines at half clock', () => {
  it('llm › prefill step and decode run each take twice their cost', () => {
    const model = modelSpec();
    const c = new LlmStagePerf(model, deviceSpec(), 1, 1, 1).cost;
    const rec = recorder();
    simulate(scenario({ devices: [gpu], links, services: [llmService({ model })], horizonS: 20 }), {
      records: rec.records,
      arrivals: fixedArrivals({ chat: [[10, 100, 3]] }),
    });
    const r = rec.byId[0]!;
    const e1 = 10 + L + 2 * c.stepS(100, 0, 0, 5000);
    expect(r.firstTokenS).toBeCloseTo(e1 + L, P);
    expect(r.finishS).toBeCloseTo(e1 + 2 * (c.stepS(0, 1, 101, 0) + c.stepS(0, 1, 102, 0)) + L, P);
  });
  it('segmentation › a batch takes twice its profiled time', () => {
    const seg: ServiceConfig = {
      ...llmService(),
      name: 'seg',
      kind: 'segmentation',
      maxBatch: 2,
      model: modelSpec({
        key: 'toy-seg',
        kind: 'segmentation',
        weightBytes: 1e6,
        profiles: [{ deviceType: 'testbox', batch: 2, itemLatencyS: 0.01, source: 't' }],
      }),
      slo: { kind: 'frame', deadlineS: 1 },
    };
    const rec = recorder();
    simulate(scenario({ devices: [gpu], links, services: [seg], horizonS: 20 }), {
      records: rec.records,
      arrivals: fixedArrivals({
        seg: [
          [10, 0, 1],
          [10, 0, 1],
        ],
      }),
    });
    for (const r of rec.byId) expect(r.finishS).toBeCloseTo(10 + L + 2 * (2 * 0.01) + L, P);
  });
});

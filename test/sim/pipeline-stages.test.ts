/**
 * A pipeline step whose next stage's GPU also hosts another instance (sim/models/llm/llm-engine.ts
 * runStages / stageReady): the stage is not reserved ahead but placed on that GPU when the step's
 * activations arrive. With the co-tenant idle the times are those of a GPU of its own (the
 * models.test.ts pipeline case, figures from its comment); with the co-tenant busy, the stage
 * waits for its step (`device_sharing: fifo`: whole steps).
 */
import { describe, expect, it } from 'vitest';
import { LlmStagePerf, simulate } from '../../sim/index.js';
import {
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

const model = modelSpec();
const links = [link('l0', 'gpu0', 'sw', 1.6e9, 0.001), link('l1', 'gpu1', 'sw', 1.6e9, 0.001)];
const half = new LlmStagePerf(model, deviceSpec(), 1, 1, 0.5).iterationS(100, 0, 0, 5000);
const whole = new LlmStagePerf(model, deviceSpec(), 1, 1, 1);

function run(other: [number, number, number][]) {
  const rec = recorder();
  const sc = {
    ...scenario({
      devices: [device('gpu0'), device('gpu1')],
      links,
      services: [
        llmService({ name: 'chat', model, slo: { kind: 'e2e', e2eS: 100 } }),
        llmService({ name: 'other', model, slo: { kind: 'e2e', e2eS: 100 } }),
      ],
      horizonS: 20,
    }),
    deviceSharing: 'fifo' as const,
  };
  simulate(sc, {
    records: rec.records,
    policyImpl: fixedPlanPolicy([
      {
        service: 'chat',
        stages: [
          { device: 'gpu0', firstLayer: 0, endLayer: 5, gpus: 1 },
          { device: 'gpu1', firstLayer: 5, endLayer: 10, gpus: 1 },
        ],
      },
      { service: 'other', stages: [{ device: 'gpu1', firstLayer: 0, endLayer: 10, gpus: 1 }] },
    ]),
    arrivals: fixedArrivals({ chat: [[10, 100, 1]], other: other }),
  });
  return rec.byId.filter((r) => r !== undefined);
}

describe('pipeline › next stage on a shared GPU', () => {
  it('idle co-tenant › the stage runs when the activations arrive: same times as on a GPU of its own', () => {
    const [chat] = run([]);
    // Input at gpu0 10.001002, stage 0, two activation hops (+0.004), stage 1, back (+0.001).
    expect(chat!.firstTokenS).toBeCloseTo(10.001002 + half + 0.004 + half + 0.001, 9);
  });
  it('busy co-tenant › the stage waits for the step holding the GPU, then runs', () => {
    // `other` gets 2000 tokens at t = 10 (input 8000 B: 4e-5 s + 0.001 to gpu1, at 10.00104):
    // after the chat's step began on gpu0 (10.001002) but before its activations reach gpu1
    // (≈ 10.005). Not reserved ahead, gpu1 takes the other's long prefill step first.
    const recs = run([[10, 2000, 1]]);
    const chat = recs.find((r) => r.service === 'chat')!;
    const other = recs.find((r) => r.service === 'other')!;
    const otherEnd = 10 + (8000 * 8) / 1.6e9 + 0.001 + whole.prefillS(2000);
    expect(otherEnd).toBeGreaterThan(10.001002 + half + 0.004);
    expect(other.firstTokenS).toBeCloseTo(otherEnd + 0.001, 9);
    expect(chat.firstTokenS).toBeCloseTo(otherEnd + half + 0.001, 9);
  });
});

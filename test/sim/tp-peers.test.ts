/**
 * Tensor parallelism across devices on the engine (sim/models/llm/llm-engine.ts with
 * sim/parallel/tp-busy.ts): every member of the group works through each step, so the peer's GPU
 * is busy exactly when the root's is — through prefill steps, decode runs and a decode run cut
 * short by an arrival (its tail handed back on both).
 */
import { describe, expect, it } from 'vitest';
import { simulate } from '../../sim/index.js';
import { device, fixedArrivals, fixedPlanPolicy, link, llmService, modelSpec, recorder, scenario } from './fixtures.js';

describe('tensor parallel across devices › peer busy time', () => {
  const model = modelSpec();
  const rec = recorder();
  const result = simulate(
    scenario({
      devices: [device('gpu0'), device('gpu1')],
      links: [link('l0', 'gpu0', 'sw', 1e10, 1e-4), link('l1', 'gpu1', 'sw', 1e10, 1e-4)],
      services: [llmService({ model, slo: { kind: 'e2e', e2eS: 100 } })],
      horizonS: 20,
      timelineBucketS: 0.5,
    }),
    {
      records: rec.records,
      policyImpl: fixedPlanPolicy([
        { service: 'chat', stages: [{ device: 'gpu0', firstLayer: 0, endLayer: 10, gpus: 1, peers: ['gpu1'] }] },
      ]),
      // R0: a long decode run from ≈ 10; R1 arrives during it and cuts it.
      arrivals: fixedArrivals({
        chat: [
          [10, 100, 400],
          [10.3, 50, 5],
        ],
      }),
    },
  );
  it('peers › both requests served by the group', () => {
    expect(rec.byId.map((r) => r.outcome)).toEqual(['ok', 'ok']);
    expect(rec.byId[0]!.devices).toEqual(['gpu0', 'gpu1']);
  });
  it('peers › the peer is busy exactly when the root is, bucket by bucket', () => {
    const root = result.devices.gpu0!;
    const peer = result.devices.gpu1!;
    expect(root.utilization).toBeGreaterThan(0.02);
    expect(peer.utilization).toBeCloseTo(root.utilization, 12);
    expect(peer.utilizationTimeline.length).toBe(40);
    peer.utilizationTimeline.forEach((u, b) => expect(u, `bucket ${b}`).toBeCloseTo(root.utilizationTimeline[b]!, 12));
    // Busy from the first step to the last finish, nothing more (the cut run's tail handed back).
    const last = Math.max(...rec.byId.map((r) => r.finishS));
    expect(root.utilization * 20).toBeLessThanOrEqual(last - 10 + 1e-9);
  });
});

/**
 * A device crash fails every request its instance holds — the running batch and the queue —
 * at the crash time with reason device-crash, frees the instance's memory so a replacement can
 * load after recovery, and leaves the instance `failed` (sim/host/placement.ts failInstance).
 * Toy profile: prefill 1000 tok/s, decode 0.1 s per step; instance ready at t = 2; max batch 1.
 */
import { describe, expect, it } from 'vitest';
import { simulate } from '../../sim/index.js';
import { fixedArrivals, fixedPlanPolicy, link, llmService, recorder, scenario } from './fixtures.js';

describe('crash › requests held by the instance', () => {
  // R0 at 10 runs (100 prompt, 50 tokens: done at 15.0); R1, R2 at 10 wait (max batch 1); crash at 12.
  const sc = scenario({
    links: [link('l', 'gpu0', 'sw', 1e12, 0)],
    services: [llmService({ maxBatch: 1 })],
    horizonS: 30,
    faults: [{ kind: 'device-crash', device: 'gpu0', atS: 12, recoverAfterS: 3 }],
  });
  const plan = fixedPlanPolicy([
    { service: 'chat', stages: [{ device: 'gpu0', firstLayer: 0, endLayer: 10, gpus: 1 }] },
  ]);

  it('crash › one running and two waiting › all three fail at the crash time, device-crash; the device is free after', () => {
    const rec = recorder();
    const r = simulate(sc, {
      policyImpl: plan,
      records: rec.records,
      arrivals: fixedArrivals({
        chat: [
          [10, 100, 50],
          [10, 100, 50],
          [10, 100, 50],
          [20, 100, 1],
        ],
      }),
    });
    expect(rec.byId.slice(0, 3).map((x) => [x.outcome, x.reason, x.finishS])).toEqual([
      ['failed', 'device-crash', 12],
      ['failed', 'device-crash', 12],
      ['failed', 'device-crash', 12],
    ]);
    // Recovered at 15; fixedPlanPolicy has no period, so the host re-places after the fault and
    // the replacement (memory freed) is ready at 17: R3 at 20 is served.
    expect(r.placementChanges.map((c) => `${c.timeS} ${c.action}`)).toEqual([
      '0 load',
      '2 ready',
      '12 failed',
      '15 load',
      '17 ready',
    ]);
    expect(rec.byId[3]!.outcome).toBe('ok');
    expect(r.services.chat!.dropReasons).toEqual({ 'device-crash': 3 });
  });
});

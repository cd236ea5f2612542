/**
 * Hand-computed LLM cases. Toy profile (fixtures.toyProfile): prefill 1000 tok/s, decode step
 * 1/10 s at batch 1 and 2/16 = 0.125 s at batch 2. Weights 2 GB at 1 GB/s storage: the instance
 * is ready at t = 2, so arrivals are placed after that.
 */
import { describe, expect, it } from 'vitest';
import { simulate } from '../../sim/index.js';
import { GB, device, deviceSpec, fixedArrivals, link, llmService, modelSpec, recorder, scenario, toyProfile } from './fixtures.js';

const P = 6; // toBeCloseTo digits: serialization of a few hundred bytes at 1e12 b/s is ~1e-9 s

describe('llm › three requests on one device', () => {
  // Link sw–gpu0: latency 0.01 s each way, bandwidth 1e12 b/s (serialization negligible).
  // R0 t=10, prompt 100, out 3 | R1 t=10.05, prompt 200, out 2 | R2 t=11, prompt 100, out 1.
  // R0 reaches gpu0 at 10.01; iteration 1 = prefill 100/1000 = 0.1 → 10.11; first token
  //   streamed back: 10.12. R1 reached gpu0 at 10.06 and waited.
  // Iteration 2 at 10.11: prefill R1 (0.2) + decode R0 at batch 1 (0.1) = 0.3 → 10.41.
  //   R1 first token 10.42; R0 has 2 tokens.
  // Iteration 3 at 10.41: decode batch 2 = 0.125 → 10.535: R0 (3) and R1 (2) finish;
  //   responses reach the ingress at 10.545.
  // R2 reaches gpu0 at 11.01; prefill 0.1 → 11.11 (its only token); finish 11.12.
  // SLO ttft ≤ 1, tpot ≤ 0.2: R0 tpot = (10.545 − 10.12)/2 = 0.2125 → late; R1 0.125 → ok; R2 ok.
  const sc = scenario({ links: [link('l0', 'gpu0', 'sw', 1e12, 0.01)], horizonS: 20 });
  const rec = recorder();
  const result = simulate(sc, {
    records: rec.records,
    arrivals: fixedArrivals({ chat: [[10, 100, 3], [10.05, 200, 2], [11, 100, 1]] }),
  });
  const [r0, r1, r2] = rec.byId;

  it('llm › three requests › start times are admission times', () => {
    expect(r0!.startS).toBeCloseTo(10.01, P);
    expect(r1!.startS).toBeCloseTo(10.11, P);
    expect(r2!.startS).toBeCloseTo(11.01, P);
  });
  it('llm › three requests › first tokens follow the prefill iterations', () => {
    expect(r0!.firstTokenS).toBeCloseTo(10.12, P);
    expect(r1!.firstTokenS).toBeCloseTo(10.42, P);
    expect(r2!.firstTokenS).toBeCloseTo(11.12, P);
  });
  it('llm › three requests › finishes include the response path', () => {
    expect(r0!.finishS).toBeCloseTo(10.545, P);
    expect(r1!.finishS).toBeCloseTo(10.545, P);
    expect(r2!.finishS).toBeCloseTo(11.12, P);
  });
  it('llm › three requests › outcomes judged on TTFT and mean TPOT', () => {
    expect([r0!.outcome, r1!.outcome, r2!.outcome]).toEqual(['late', 'ok', 'ok']);
    expect(result.services.chat!.tpotS.count).toBe(2);
    expect(result.services.chat!.ttftS.p50).toBeCloseTo(0.12, P);
    expect(r0!.devices).toEqual(['gpu0']);
  });
  it('llm › three requests › busy time is the sum of iterations', () => {
    // 0.1 + 0.3 + 0.125 + 0.1 = 0.625 s busy over 20 s.
    expect(result.devices.gpu0!.utilization).toBeCloseTo(0.625 / 20, P);
    expect(result.devices.gpu0!.energyJ).toBeCloseTo(50 * 20 + 200 * 0.625, 6);
  });
});

describe('llm › continuous batching', () => {
  // maxBatch 2. R0 at t=10 (prompt 100, out 1) keeps the instance busy: prefill 0.1 → 10.1.
  // R1, R2, R3 arrive at 10.05 (prompt 100, out 2) and wait. At 10.1 R0 finishes and R1 + R2
  // are admitted together: prefill 200 tokens → 0.2 s → 10.3 (both first tokens); decode at
  // batch 2 → 0.125 → 10.425 (both finish). R3 waited for a slot: prefill → 10.525, decode at
  // batch 1 → 10.625. (An idle instance starts at once: no batching window.)
  const sc = scenario({ services: [llmService({ maxBatch: 2 })], horizonS: 20 });
  const rec = recorder();
  simulate(sc, { records: rec.records, arrivals: fixedArrivals({ chat: [[10, 100, 1], [10.05, 100, 2], [10.05, 100, 2], [10.05, 100, 2]] }) });
  const [r0, r1, r2, r3] = rec.byId;

  it('continuous batching › two waiting requests › share the prefill and decode iterations', () => {
    expect(r0!.finishS).toBeCloseTo(10.1, P);
    expect(r1!.startS).toBeCloseTo(10.1, P);
    expect(r2!.startS).toBeCloseTo(10.1, P);
    expect(r1!.firstTokenS).toBeCloseTo(10.3, P);
    expect(r2!.firstTokenS).toBeCloseTo(10.3, P);
    expect(r1!.finishS).toBeCloseTo(10.425, P);
    expect(r2!.finishS).toBeCloseTo(10.425, P);
  });
  it('continuous batching › maxBatch 2 › the third request waits for a slot', () => {
    expect(r3!.startS).toBeCloseTo(10.425, P);
    expect(r3!.firstTokenS).toBeCloseTo(10.525, P);
    expect(r3!.finishS).toBeCloseTo(10.625, P);
  });
});

describe('llm › KV capacity', () => {
  // 2.23 GB memory, 2 GB weights, 1.5 MB KV per token: budget ⌊0.9·0.23e9 / 1.5e6⌋ ≈ 138 tokens.
  // A request needs prompt + output = 103 tokens: one fits, two do not. R2 needs 203: dropped.
  // R0 at 10: prefill 0.1 → 10.1, decode 0.1 ×2 → 10.3. R1 (same time) waits until 10.3,
  // although the batch has room: 10.3 prefill → 10.4, → 10.6.
  const spec = deviceSpec({ memoryBytesPerGpu: 2.23 * GB });
  const sc = scenario({
    devices: [device('gpu0', spec)],
    services: [llmService({ model: modelSpec({ kvBytesPerToken: 1.5e6, profiles: toyProfile() }) })],
    horizonS: 20,
  });
  const rec = recorder();
  const result = simulate(sc, { records: rec.records, arrivals: fixedArrivals({ chat: [[10, 100, 3], [10, 100, 3], [12, 200, 3]] }) });
  const [r0, r1, r2] = rec.byId;

  it('kv capacity › tiny memory › second request waits until the first finishes', () => {
    expect(r0!.finishS).toBeCloseTo(10.3, 6);
    expect(r1!.startS).toBeCloseTo(10.3, 6);
    expect(r1!.finishS).toBeCloseTo(10.6, 6);
  });
  it('kv capacity › request larger than the cache › dropped with reason kv-capacity', () => {
    expect(r2!.outcome).toBe('dropped');
    expect(r2!.reason).toBe('kv-capacity');
    expect(result.services.chat!.dropReasons).toEqual({ 'kv-capacity': 1 });
  });
});

describe('llm › decode runs', () => {
  // R0 at t=10 (prompt 100, out 10): prefill → 10.1, then decode steps of 0.1 s, scheduled as
  // one run. R1 arrives at 10.35 (prompt 100, out 2): the run is cut at the next step boundary,
  // 10.4 (R0 has 4 tokens). Iteration: prefill R1 0.1 + decode R0 0.1 → 10.6 (R1 first token,
  // R0 5). Decode at batch 2, 0.125 → 10.725: R1 done. R0 alone: 4 × 0.1 → 11.125.
  const rec = recorder();
  simulate(scenario({ horizonS: 20 }), { records: rec.records, arrivals: fixedArrivals({ chat: [[10, 100, 10], [10.35, 100, 2]] }) });
  const [r0, r1] = rec.byId;

  it('decode runs › arrival during a run › admitted at the next step boundary, times unchanged', () => {
    expect(r1!.startS).toBeCloseTo(10.4, P);
    expect(r1!.firstTokenS).toBeCloseTo(10.6, P);
    expect(r1!.finishS).toBeCloseTo(10.725, P);
    expect(r0!.firstTokenS).toBeCloseTo(10.1, P);
    expect(r0!.finishS).toBeCloseTo(11.125, P);
  });
});

/**
 * Decode timing pinned on a roofline-only device (no profile rows), where a decode step grows with
 * the KV cache it reads, so a decode run's steps are not equal (sim/models/llm/llm-engine.ts: step
 * i lasts A + i·B). Every figure below is computed by hand from docs/sim-models.md:
 *   weights 2 GB, memory bandwidth 1000 GB/s × η 0.5 → weight read W = 2e9 / 5e11 = 0.004 s;
 *   2e9 FLOP/token at 100 TFLOP/s × η 0.5 → F = 4e-5 s per token;
 *   KV 100 kB/token read at 5e11 B/s → K = 2e-7 s per token of context.
 *   prefill of p tokens = max(p·F, W); a decode step of b sequences over c context tokens =
 *   max(W, b·F) + c·K. Link: latency 0, 1e12 b/s (serialization below 1e-8 s).
 */
import { describe, expect, it } from 'vitest';
import { simulate } from '../../sim/index.js';
import { fixedArrivals, link, llmService, modelSpec, recorder, scenario } from './fixtures.js';

const P = 6;
const W = 0.004;
const K = 2e-7;
const roofline = () => scenario({
  links: [link('l0', 'gpu0', 'sw', 1e12, 0)],
  services: [llmService({ model: modelSpec(), slo: { kind: 'e2e', e2eS: 10 } })],
  horizonS: 20,
});

describe('decode timing › roofline-only device', () => {
  it('roofline › the service has no profile rows › the result says so', () => {
    const r = simulate(roofline(), { arrivals: fixedArrivals({ chat: [[10, 200, 10]] }) });
    expect(r.services.chat!.perfSource).toEqual({ testbox: 'roofline' });
  });

  it('roofline › one request, prompt 200, 10 tokens › prefill then 9 steps each reading one more token of KV', () => {
    // Prefill: max(200·4e-5, 0.004) = 0.008 → first token at 10.008 (context 201 after it).
    // Steps j = 0..8 read 201 + j tokens: Σ (W + (201 + j)·K) = 9·0.004 + 1845·2e-7 = 0.036369.
    const rec = recorder();
    const r = simulate(roofline(), { records: rec.records, arrivals: fixedArrivals({ chat: [[10, 200, 10]] }) });
    const r0 = rec.byId[0]!;
    expect(r0.firstTokenS).toBeCloseTo(10.008, P);
    const decodeS = 9 * W + 1845 * K; // = 0.036369
    expect(r0.finishS).toBeCloseTo(10.008 + decodeS, P);
    expect(r0.finishS).toBeCloseTo(10.044369, P);
    expect(r.devices.gpu0!.utilization * 20).toBeCloseTo(0.008 + decodeS, P);
  });

  it('roofline › a request arrives during a decode run › the run is cut at the next step boundary, times as step by step', () => {
    // R0 (prompt 200, 10 tokens) at 10: prefill → 10.008; run of 9 steps from there, ends of steps
    // 1, 2, 3: 10.0120402, 10.0160806, 10.0201212. R1 (prompt 200, 2 tokens) reaches gpu0 at 10.02:
    // the run is cut after step 3 (R0 has 4 tokens, context 204).
    // Iteration: prefill R1 0.008 + decode R0 (W + 204·K = 0.0040408) → 10.032162: R1's first
    // token; R0 has 5. Context: 205 (R0) + 201 (R1) = 406.
    // Decode at batch 2 (run of 1 step, R1 has 1 token left): W + 406·K = 0.0040812 → 10.0362432,
    // R1 done. R0 alone, 6 tokens, context 206: 4 steps = 4·(W + 206·K) + 6·K = 0.016166 → 10.0524092.
    const rec = recorder();
    const res = simulate(roofline(), { records: rec.records, arrivals: fixedArrivals({ chat: [[10, 200, 10], [10.02, 200, 2]] }) });
    const [r0, r1] = rec.byId;
    // The device is busy without a gap from 10 to R0's last step: the cut run's remaining 6
    // steps, reserved when it started, are handed back (INV-6).
    expect(res.devices.gpu0!.utilization * 20).toBeCloseTo(0.0524092, P);
    expect(r1!.startS).toBeCloseTo(10.0201212, P);
    expect(r1!.firstTokenS).toBeCloseTo(10.032162, P);
    expect(r1!.finishS).toBeCloseTo(10.0362432, P);
    expect(r0!.finishS).toBeCloseTo(10.0524092, P);
  });
});

/**
 * Decode timing pinned on a roofline-only device (no profile rows), where a decode step grows with
 * the KV cache it reads, so a decode run's steps are not equal (sim/models/llm/llm-engine.ts: step
 * i lasts A + i·B). Every figure below is computed by hand from the step cost of
 * sim/models/llm/step-cost.ts (docs/sim-models.md) with the generic defaults a pair without rows
 * gets (calibrate.ts DEFAULT_EFFICIENCY: ηbw 0.962, ηp 0.326, ηd 0.131, τ 4.78 ms per 32 layers):
 *   step overhead τ = 0.00478 · 10 / 32 = 0.00149375 s (10 layers);
 *   weights 2 GB at 0.962 × 1000 GB/s → W = 0.002079 s; KV 100 kB/token → K = 1.0395e-7 s per token of context;
 *   prefill of p tokens on an empty context = τ + W + (p · 2e9 + p·p/2 · 4e4) / (0.326 · 1e14)
 *   (A = 4 · 10 layers · 1000 hidden = 4e4 FLOP per attended pair);
 *   a decode step of b sequences over c context tokens = τ + max(W + c·K, (b·2e9 + c·4e4) / 1.31e13);
 *   at b ≤ 2, c ≈ 400 the memory side bounds it (≤ 0.31 ms of compute < 2.1 ms), so it grows K per
 *   sequence per step. Link: latency 0, 1e12 b/s (serialization below 1e-8 s).
 * (Before the batching engine and the step cost, the same cases used η = 0.5 and no τ: the
 * figures changed on purpose, docs/decisions.md "A serving engine that batches".)
 */
import { describe, expect, it } from 'vitest';
import { simulate } from '../../sim/index.js';
import { fixedArrivals, link, llmService, modelSpec, recorder, scenario } from './fixtures.js';

const P = 6;
const TAU = (0.00478 * 10) / 32;
const W = 0.002 / 0.962;
const K = 1e-7 / 0.962;
/** Prefill alone of p tokens on an empty context (p²/2 attended pairs). */
const prefill = (p: number) => TAU + W + (p * 2e9 + ((p * p) / 2) * 4e4) / 0.326e14;
const roofline = () =>
  scenario({
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
    // Prefill: τ + W + (4e11 + 8e8) / 3.26e13 = 0.0158672 → first token at 10.0158672 (context 201).
    // Steps j = 0..8 read 201 + j tokens: Σ (τ + W + (201 + j)·K) = 9·0.00357283 + 1845·1.0395e-7 = 0.0323466.
    const rec = recorder();
    const r = simulate(roofline(), { records: rec.records, arrivals: fixedArrivals({ chat: [[10, 200, 10]] }) });
    const r0 = rec.byId[0]!;
    expect(prefill(200)).toBeCloseTo(0.0158672, 6);
    expect(r0.firstTokenS).toBeCloseTo(10 + prefill(200), P);
    const decodeS = 9 * (TAU + W) + 1845 * K; // = 0.0323466
    expect(r0.finishS).toBeCloseTo(10 + prefill(200) + decodeS, P);
    expect(r0.finishS).toBeCloseTo(10.0482138, P);
    expect(r.devices.gpu0!.utilization * 20).toBeCloseTo(prefill(200) + decodeS, P);
  });

  it('roofline › a request arrives during a decode run › the run is cut at the next step boundary, times as step by step', () => {
    // R0 (prompt 200, 10 tokens) at 10: prefill → 10.0158672; run of 9 steps from there with
    // A = τ + W + 201·K = 0.00359365, B = K: ends of steps 1, 2 at 10.0194609, 10.0230546.
    // R1 (prompt 200, 2 tokens) reaches gpu0 at 10.02: the run is cut after step 2 (R0 has 3
    // tokens, context 203) and R1 starts there.
    // Step: prefill R1 + decode R0 = τ + (W + 203·K) + (4e11 + 8e8)/3.26e13 = 0.0158883 →
    // 10.0389430: R1's first token; R0 has 4. Context: 204 (R0) + 201 (R1) = 405.
    // Decode at batch 2 (run of 1 step, R1 has 1 token left): τ + W + 405·K = 0.0036149 →
    // 10.0425578, R1 done. R0 alone, 5 tokens, context 205: 5·(τ + W) + (5·205 + 10)·K = 0.0179713
    // → 10.0605292.
    const rec = recorder();
    const res = simulate(roofline(), {
      records: rec.records,
      arrivals: fixedArrivals({
        chat: [
          [10, 200, 10],
          [10.02, 200, 2],
        ],
      }),
    });
    const [r0, r1] = rec.byId;
    const cutAt = 10 + prefill(200) + 2 * (TAU + W + 201 * K) + K;
    const r1First = cutAt + prefill(200) + 203 * K;
    const r1Done = r1First + TAU + W + 405 * K;
    const r0Done = r1Done + 5 * (TAU + W) + 1035 * K;
    expect(cutAt).toBeCloseTo(10.02305, 5);
    // The device is busy without a gap from 10 to R0's last step: the cut run's remaining 7
    // steps, reserved when it started, are handed back (INV-6).
    expect(res.devices.gpu0!.utilization * 20).toBeCloseTo(r0Done - 10, P);
    expect(r1!.startS).toBeCloseTo(cutAt, P);
    expect(r1!.firstTokenS).toBeCloseTo(r1First, P);
    expect(r1!.finishS).toBeCloseTo(r1Done, P);
    expect(r0!.finishS).toBeCloseTo(r0Done, P);
    expect(r0!.finishS).toBeCloseTo(10.0605292, P);
  });
});

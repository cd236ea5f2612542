/**
 * INV-5 (docs/invariants.md): a finished request is ok iff every bound of its service's SLO holds.
 * One case per bound, each where only that bound fails — so dropping any one bound from the
 * verdict (sim/metrics/summarizer.ts meetsSlo) fails exactly the case that names it — plus the
 * boundary value (≤, not <) and a run through the simulator whose lateness comes from TTFT alone.
 */
import { describe, expect, it } from 'vitest';
import type { Slo } from '../../policies/index.js';
import { meetsSlo, simulate } from '../../sim/index.js';
import { fixedArrivals, link, llmService, modelSpec, recorder, scenario } from './fixtures.js';

const token: Slo = { kind: 'token', ttftS: 1, tpotS: 0.2 };
const e2e: Slo = { kind: 'e2e', e2eS: 5 };
const frame: Slo = { kind: 'frame', deadlineS: 0.1 };

describe('slo verdict › token SLO', () => {
  // Arrival 10, first token at 10 + ttft, 11 tokens → TPOT = (finish − firstToken) / 10.
  const verdict = (ttft: number, tpot: number): boolean => meetsSlo(token, 10, 10 + ttft, 10 + ttft + 10 * tpot, 11);
  it('token › TTFT and TPOT within › ok', () => expect(verdict(0.5, 0.1)).toBe(true));
  it('token › TTFT over (1.2 s > 1 s), TPOT within › not ok', () => expect(verdict(1.2, 0.1)).toBe(false));
  it('token › TPOT over (0.25 s > 0.2 s), TTFT within › not ok', () => expect(verdict(0.5, 0.25)).toBe(false));
  it('token › both exactly at their bounds › ok (the bounds are inclusive)', () => {
    expect(meetsSlo({ kind: 'token', ttftS: 1, tpotS: 0.25 }, 0, 1, 3.5, 11)).toBe(true);
  });
  it('token › one output token › TPOT undefined, judged on TTFT only', () => {
    expect(meetsSlo(token, 0, 0.9, 50, 1)).toBe(true);
    expect(meetsSlo(token, 0, 1.1, 1.1, 1)).toBe(false);
  });
  it('token › TPOT is the mean over tokens after the first, not the e2e time per token', () => {
    // 3 tokens: first at 0.5, finish at 0.9 → TPOT 0.2 (ok); e2e/tokens would be 0.3 (not ok).
    expect(meetsSlo(token, 0, 0.5, 0.9, 3)).toBe(true);
    expect(meetsSlo(token, 0, 0.5, 0.91, 3)).toBe(false);
  });
});

describe('slo verdict › e2e and frame SLOs', () => {
  it('e2e › finished within 5 s of arrival › ok; 5.01 s › not ok; at the bound › ok', () => {
    expect(meetsSlo(e2e, 100, NaN, 104.9, 64)).toBe(true);
    expect(meetsSlo(e2e, 100, NaN, 105.01, 64)).toBe(false);
    expect(meetsSlo(e2e, 100, 100.1, 105, 64)).toBe(true);
  });
  it('e2e › measured from arrival, not from the first token', () => {
    expect(meetsSlo(e2e, 100, 104, 105.5, 64)).toBe(false);
  });
  it('frame › done within the 100 ms deadline › ok; 120 ms › not ok', () => {
    expect(meetsSlo(frame, 3, NaN, 3.09, 1)).toBe(true);
    expect(meetsSlo(frame, 3, NaN, 3.12, 1)).toBe(false);
  });
});

describe('slo verdict › through the simulator', () => {
  // Roofline toy LLM (no profile rows: generic defaults of sim/models/llm/calibrate.ts, hand
  // formulas as in decode-roofline.test.ts). Link latency 0.
  //   prefill(p) = τ + W + (p·2e9 + p²/2·4e4) / 3.26e13, τ = 0.00149375, W = 0.002 / 0.962;
  //   a decode step at context c = τ + W + c·K, K = 1e-7 / 0.962 (memory bound).
  // R0 at t=10, prompt 20000 → TTFT 0.00357275 + 4.8e13/3.26e13 = 1.4760 s > 1 s; its decode
  //   steps ≈ 0.0057 s ≤ 0.2 → late on TTFT only. R1 at t=20, prompt 100 → TTFT 0.0097 s → ok.
  // R2 prompt 100, 2 tokens: 0.0097139 + (0.00357275 + 101·K) = 0.0132971 s > e2e SLO 0.01 → late;
  //   R3 prompt 100, 1 token: 0.0097139 ≤ 0.01 → ok.
  const TAU = (0.00478 * 10) / 32;
  const W = 0.002 / 0.962;
  const K = 1e-7 / 0.962;
  const prefill = (p: number) => TAU + W + (p * 2e9 + ((p * p) / 2) * 4e4) / 0.326e14;
  const roofline = (slo?: Slo) => llmService({ model: modelSpec(), ...(slo !== undefined ? { slo } : {}) });
  it('simulate › one request slow to first token, one fast › late and ok', () => {
    const sc = scenario({ links: [link('l0', 'gpu0', 'sw', 1e12, 0)], horizonS: 40, services: [roofline()] });
    const rec = recorder();
    const r = simulate(sc, {
      records: rec.records,
      arrivals: fixedArrivals({
        chat: [
          [10, 20000, 3],
          [20, 100, 3],
        ],
      }),
    });
    expect(rec.byId.map((x) => x.outcome)).toEqual(['late', 'ok']);
    expect(prefill(20000)).toBeCloseTo(1.476, 3);
    // + the prompt's 20000 × 4 bytes over the 1 Tb/s link (LLM_BYTES_PER_TOKEN, sim/host/world.ts): 6.4e-7 s.
    expect(rec.byId[0]!.firstTokenS - rec.byId[0]!.arrivalS).toBeCloseTo(prefill(20000) + (20000 * 4 * 8) / 1e12, 7);
    const r0 = rec.byId[0]!;
    expect((r0.finishS - r0.firstTokenS) / 2).toBeLessThan(0.2); // TPOT holds: TTFT alone makes it late
    expect(r.services.chat!.ok).toBe(1);
    expect(r.services.chat!.late).toBe(1);
  });
  it('simulate › e2e SLO of 0.01 s, request takes 0.0133 s › late; one of 0.0097 s › ok', () => {
    const sc = scenario({
      links: [link('l0', 'gpu0', 'sw', 1e12, 0)],
      horizonS: 40,
      services: [roofline({ kind: 'e2e', e2eS: 0.01 })],
    });
    const rec = recorder();
    simulate(sc, {
      records: rec.records,
      arrivals: fixedArrivals({
        chat: [
          [30, 100, 2],
          [35, 100, 1],
        ],
      }),
    });
    expect(rec.byId[0]!.finishS - rec.byId[0]!.arrivalS).toBeCloseTo(prefill(100) + TAU + W + 101 * K, 6);
    expect(rec.byId[1]!.finishS - rec.byId[1]!.arrivalS).toBeCloseTo(prefill(100), 6);
    expect(rec.byId.map((x) => x.outcome)).toEqual(['late', 'ok']);
  });
});

/**
 * Time-slicing a shared GPU (sim/models/llm/llm-engine.ts): while a co-tenant on the GPU is
 * active (work within ACTIVE_WINDOW_S), a step prefills at most the prompt tokens that fit one
 * quantum (TIME_SLICE_S) beside the step's fixed costs; once the co-tenant has been idle that
 * long, the rest of the prompt goes in one step. Toy box and model (fixtures), generic defaults.
 */
import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../policies/index.js';
import { LlmStagePerf, simulate } from '../../sim/index.js';
import { ACTIVE_WINDOW_S, TIME_SLICE_S, sliceTokens } from '../../sim/models/llm/llm-engine.js';
import { StepCost, stageFigures } from '../../sim/models/llm/step-cost.js';
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
const spec = deviceSpec();

describe('time slice › tokens per sliced step', () => {
  // ηbw 0.5, ηp 0.5: weights 2 GB at 5e11 B/s = 4 ms; τ 3.2 ms per 32 layers = 1 ms for 10 layers;
  // 2e9 FLOP per token at 5e13 FLOP/s = 40 µs per token.
  const eff = { etaBw: 0.5, etaPrefill: 0.5, etaDecode: 0.25, overheadS: 0.0032 };
  it('sliceTokens › (quantum − τ − weight read) / per-token prefill time, rounded down', () => {
    expect(TIME_SLICE_S).toBe(0.05);
    // τ 3.36 ms → 1.05 ms: (0.05 − 0.00105 − 0.004) / 4e-5 = 1123.75 → 1123.
    expect(sliceTokens(new StepCost(stageFigures(model, spec, 1, 1, 1), { ...eff, overheadS: 0.00336 }))).toBe(1123);
    // 0.0449 / 4e-5 = 1122.5 → 1122.
    expect(sliceTokens(new StepCost(stageFigures(model, spec, 1, 1, 1), { ...eff, overheadS: 0.00352 }))).toBe(1122);
  });
  it('sliceTokens › MoE: every expert counted in the weight read (a long prefill touches them all)', () => {
    // 1 GB of the 2 GB are experts: weights still 4 ms in all → the same 1123 tokens.
    const moe = modelSpec({ moe: { experts: 8, activeExperts: 2, expertBytes: 1e9 } });
    expect(sliceTokens(new StepCost(stageFigures(moe, spec, 1, 1, 1), { ...eff, overheadS: 0.00336 }))).toBe(1123);
  });
  it('sliceTokens › a device too slow for the quantum still prefills 16 tokens a step', () => {
    expect(sliceTokens(new StepCost(stageFigures(model, spec, 20, 1, 1), eff))).toBe(16);
  });
});

describe('time slice › on the engine', () => {
  const perf = new LlmStagePerf(model, spec, 1, 1, 1);
  const c = perf.cost;
  const S = sliceTokens(c);
  const L = 0.001;
  /** The chat (prompt 3000, one token) with a co-tenant that got one short request at `otherAt`. */
  function run(otherAt: number | null, sharing?: 'fifo' | 'priority'): RequestRecord {
    const rec = recorder();
    const sc = {
      ...scenario({
        devices: [device('gpu0')],
        links: [link('l0', 'gpu0', 'sw', 1e30, L)],
        services: [
          llmService({ name: 'chat', model, slo: { kind: 'e2e', e2eS: 100 } }),
          llmService({ name: 'other', model, slo: { kind: 'e2e', e2eS: 100 } }),
        ],
        horizonS: 20,
      }),
      ...(sharing !== undefined ? { deviceSharing: sharing } : {}),
    };
    simulate(sc, {
      records: rec.records,
      policyImpl: fixedPlanPolicy([
        { service: 'chat', stages: [{ device: 'gpu0', firstLayer: 0, endLayer: 10, gpus: 1 }] },
        { service: 'other', stages: [{ device: 'gpu0', firstLayer: 0, endLayer: 10, gpus: 1 }] },
      ]),
      arrivals: fixedArrivals({ chat: [[10, 3000, 1]], other: otherAt === null ? [] : [[otherAt, 1, 1]] }),
    });
    return rec.byId.find((r) => r?.service === 'chat')!;
  }
  /** First token of the chat: sliced steps while the co-tenant counts as active, then the rest at once. */
  function expected(activeUntil: number): number {
    let t = 10 + L;
    let ctx = 0;
    while (t <= activeUntil && ctx < 3000) {
      const n = Math.min(S, 3000 - ctx);
      t += c.stepS(n, 0, ctx, n * (ctx + n / 2));
      ctx += n;
    }
    if (ctx < 3000) {
      const n = 3000 - ctx;
      t += c.stepS(n, 0, ctx, n * (ctx + n / 2));
    }
    return t + L;
  }
  it('engine › no co-tenant work › the whole prompt in one step', () => {
    expect(run(null).firstTokenS).toBeCloseTo(10 + L + perf.prefillS(3000) + L, 9);
  });
  it('engine › co-tenant active until 1 s after its request › sliced steps until then, then the rest', () => {
    // The other request reaches gpu0 at 9.8 + L: active until 10.8 + L.
    expect(ACTIVE_WINDOW_S).toBe(1);
    expect(perf.prefillS(3000)).toBeGreaterThan(2 * TIME_SLICE_S);
    const r = run(9.8);
    expect(r.firstTokenS).toBeCloseTo(expected(9.8 + L + ACTIVE_WINDOW_S), 9);
    expect(r.firstTokenS).toBeGreaterThan(10 + L + perf.prefillS(3000) + L);
  });
  it('engine › a co-tenant idle for more than the window › not sliced', () => {
    expect(run(8.9).firstTokenS).toBeCloseTo(10 + L + perf.prefillS(3000) + L, 9);
  });
  it('engine › priority sharing › a co-tenant of the same priority (both end-to-end SLOs) does not slice', () => {
    expect(run(9.8, 'priority').firstTokenS).toBeCloseTo(10 + L + perf.prefillS(3000) + L, 9);
  });
  it('engine › fifo sharing › never sliced', () => {
    expect(run(9.8, 'fifo').firstTokenS).toBeCloseTo(10 + L + perf.prefillS(3000) + L, 9);
  });
});

/**
 * The step's token budget (`max_batched_tokens`, sim/models/llm/llm-engine.ts) shared by the
 * sequences of a step, step by step with every time from the stage's step cost `c.stepS`:
 * running prefills take their chunks first, then waiting prompts are admitted into what is left —
 * chunked, or (without chunked prefill) whole only when the step prefills nothing else.
 * Toy box and model; links 0.01 s each way.
 */
import { describe, expect, it } from 'vitest';
import { LlmStagePerf, Timeline, simulate } from '../../sim/index.js';
import { sliceTokens } from '../../sim/models/llm/llm-engine.js';
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

const P = 9;
const L = 0.01;
const model = modelSpec();
const c = new LlmStagePerf(model, deviceSpec(), 1, 1, 1).cost;
const links = [link('l0', 'gpu0', 'sw', 1e30, L)];

function run(chunkedPrefill: boolean, chat: [number, number, number][]) {
  const rec = recorder();
  simulate(
    scenario({
      links,
      services: [llmService({ model, maxBatchedTokens: 64, chunkedPrefill, slo: { kind: 'e2e', e2eS: 100 } })],
      horizonS: 20,
    }),
    { records: rec.records, arrivals: fixedArrivals({ chat }) },
  );
  return rec.byId;
}

describe('step budget › chunked prefill, two prompts over the budget', () => {
  // R0, R1: prompt 100, output 2, together at t = 10.
  //  1: R0 64 of its prompt (budget spent: R1 waits).
  //  2: R0's last 36 (on a context of 64), R1 admitted into the 28 left.
  //  3: R0 decodes (context 101) — its last token; R1 64 more (on 28).
  //  4: R1's last 8 (on 92);  5: R1 decodes.
  const [r0, r1] = run(true, [
    [10, 100, 2],
    [10, 100, 2],
  ]);
  const s1 = c.stepS(64, 0, 0, 64 * 32);
  const s2 = c.stepS(64, 0, 64, 36 * (64 + 18) + 28 * 14);
  const s3 = c.stepS(64, 1, 101 + 28, 64 * (28 + 32));
  const s4 = c.stepS(8, 0, 92, 8 * (92 + 4));
  const s5 = c.stepS(0, 1, 101, 0);
  const t0 = 10 + L;
  it('chunked › the running prefill takes its chunk first; the newcomer gets what is left', () => {
    expect(r0!.firstTokenS).toBeCloseTo(t0 + s1 + s2 + L, P);
    expect(r1!.startS).toBeCloseTo(t0 + s1, P);
  });
  it('chunked › each step prefills at most the budget', () => {
    expect(r0!.finishS).toBeCloseTo(t0 + s1 + s2 + s3 + L, P);
    expect(r1!.firstTokenS).toBeCloseTo(t0 + s1 + s2 + s3 + s4 + L, P);
    expect(r1!.finishS).toBeCloseTo(t0 + s1 + s2 + s3 + s4 + s5 + L, P);
  });
});

describe('step budget › without chunked prefill', () => {
  // R0 (prompt 30) fits the budget of 64; R1 (prompt 100) does not fit the 34 left, and the step
  // already prefills: R1 waits. Next step R0 decodes and R1 goes in whole (nothing else prefills).
  const [r0, r1] = run(false, [
    [10, 30, 2],
    [10, 100, 2],
  ]);
  const s1 = c.stepS(30, 0, 0, 30 * 15);
  const s2 = c.stepS(100, 1, 31, 100 * 50);
  const t0 = 10 + L;
  it('unchunked › a prompt over what is left waits for a step that prefills nothing else', () => {
    expect(r0!.firstTokenS).toBeCloseTo(t0 + s1 + L, P);
    expect(r1!.startS).toBeCloseTo(t0 + s1, P);
    expect(r1!.firstTokenS).toBeCloseTo(t0 + s1 + s2 + L, P);
    expect(r0!.finishS).toBeCloseTo(t0 + s1 + s2 + L, P);
    expect(r1!.finishS).toBeCloseTo(t0 + s1 + s2 + c.stepS(0, 1, 101, 0) + L, P);
  });
});

describe('step budget › a busy co-tenant slices the prefill', () => {
  it('time slice › a co-tenant still decoding a request from long ago counts as active', () => {
    // `other` got a request at t = 2 with 4000 output tokens: still decoding at t = 10, though
    // its last arrival is more than ACTIVE_WINDOW_S old. The chat's 3000-token prompt is then
    // prefilled in slices of at most sliceTokens tokens.
    const sc = scenario({
      devices: [device('gpu0')],
      links,
      services: [
        llmService({ name: 'chat', model, slo: { kind: 'e2e', e2eS: 100 } }),
        llmService({ name: 'other', model, slo: { kind: 'e2e', e2eS: 100 } }),
      ],
      horizonS: 12,
    });
    const tl = new Timeline(sc);
    const rec = recorder();
    simulate(sc, {
      records: rec.records,
      timeline: tl,
      policyImpl: fixedPlanPolicy([
        { service: 'chat', stages: [{ device: 'gpu0', firstLayer: 0, endLayer: 10, gpus: 1 }] },
        { service: 'other', stages: [{ device: 'gpu0', firstLayer: 0, endLayer: 10, gpus: 1 }] },
      ]),
      arrivals: fixedArrivals({ chat: [[10, 3000, 1]], other: [[2, 10, 4000]] }),
    });
    const ev = (tl.toJSON() as { traceEvents: { cat: string; tid?: number; args?: Record<string, number> }[] })
      .traceEvents;
    const prefills = ev.filter(
      (e) => e.cat === 'step' && (e.args?.['prefillTokens'] ?? 0) > 0 && e.args!['batch'] === 1,
    );
    const chatPrefills = prefills.filter((e) => e.args!['prefillTokens']! > 10);
    const S = sliceTokens(c);
    expect(chatPrefills.length).toBe(Math.ceil(3000 / S));
    for (const e of chatPrefills) expect(e.args!['prefillTokens']).toBeLessThanOrEqual(S);
    expect(rec.byId.find((r) => r?.service === 'chat')!.outcome).toBe('ok');
  });
});

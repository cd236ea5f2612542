/**
 * The LLM engine's schedule, step by step: what each step holds (prefills, decodes, KV read) and
 * when it ends. Step times come from the stage's cost model (`c.stepS`, sim/models/llm/step-cost.ts,
 * tested on its own in engine.test.ts), so these cases check the engine — admission, batching of
 * simultaneous arrivals, slots, paged KV and preemption, decode runs — not the figures.
 * Toy model without profile rows (default efficiencies); weights 2 GB at 1 GB/s storage: the
 * instance is ready at t = 2, so arrivals are placed after that. Links: 0.01 s each way.
 */
import { describe, expect, it } from 'vitest';
import { LlmStagePerf, simulate } from '../../sim/index.js';
import { KV_BLOCK_TOKENS } from '../../sim/models/llm/llm-engine.js';
import { GB, device, deviceSpec, fixedArrivals, link, llmService, modelSpec, recorder, scenario } from './fixtures.js';

const P = 9;
const L = 0.01;
const model = modelSpec();
const spec = deviceSpec();
const c = new LlmStagePerf(model, spec, 1, 1, 1).cost;
/** Prefill step of `n` prompts of `p` tokens (attention pairs p²/2 each). */
const prefill = (n: number, p: number, decodes = 0, kv = 0) => c.stepS(n * p, decodes, kv, (n * p * p) / 2);
// Bandwidth so large that serialization (bytes · 8 / bandwidth) vanishes: requests sent together arrive together.
const links = [link('l0', 'gpu0', 'sw', 1e30, L)];

describe('llm › simultaneous arrivals', () => {
  // R0, R1 at t=10 (prompt 100, out 3) reach gpu0 together at 10.01 and share one prefill step;
  // then two decode steps at batch 2 (KV 2·101, then 2·102).
  const rec = recorder();
  const result = simulate(scenario({ links, services: [llmService({ model })], horizonS: 20 }), {
    records: rec.records,
    arrivals: fixedArrivals({
      chat: [
        [10, 100, 3],
        [10, 100, 3],
      ],
    }),
  });
  const [r0, r1] = rec.byId;
  const e1 = 10 + L + prefill(2, 100);
  const e3 = e1 + c.stepS(0, 2, 202, 0) + c.stepS(0, 2, 204, 0);

  it('llm › simultaneous arrivals › one prefill step for both, first tokens streamed back', () => {
    expect(r0!.startS).toBeCloseTo(10 + L, P);
    expect(r1!.startS).toBeCloseTo(10 + L, P);
    expect(r0!.firstTokenS).toBeCloseTo(e1 + L, P);
    expect(r1!.firstTokenS).toBeCloseTo(e1 + L, P);
  });
  it('llm › simultaneous arrivals › decode steps at batch 2 with the KV read growing', () => {
    expect(r0!.finishS).toBeCloseTo(e3 + L, P);
    expect(r1!.finishS).toBeCloseTo(e3 + L, P);
  });
  it('llm › simultaneous arrivals › busy time is the sum of steps; engine block reports batch 2', () => {
    expect(result.devices.gpu0!.utilization).toBeCloseTo((e3 - 10 - L) / 20, P);
    const eng = result.engine!.services.chat!;
    expect(eng.meanRunningBatch).toBeCloseTo(2, P);
    expect(eng.preemptions).toBe(0);
    expect(result.engine!.lanes.gpu0).toEqual([result.devices.gpu0!.utilization]);
  });
});

describe('llm › batch slots', () => {
  // maxBatch 2, three requests at t=10 (prompt 100, out 2): R0 and R1 share the first prefill
  // and a decode step; R2 waits for a slot and is admitted at that boundary.
  const rec = recorder();
  simulate(scenario({ links, services: [llmService({ model, maxBatch: 2 })], horizonS: 20 }), {
    records: rec.records,
    arrivals: fixedArrivals({
      chat: [
        [10, 100, 2],
        [10, 100, 2],
        [10, 100, 2],
      ],
    }),
  });
  const [r0, r1, r2] = rec.byId;
  const e1 = 10 + L + prefill(2, 100);
  const e2 = e1 + c.stepS(0, 2, 202, 0);
  const e3 = e2 + prefill(1, 100);
  const e4 = e3 + c.stepS(0, 1, 101, 0);

  it('llm › maxBatch 2 › the third request waits for a slot, then runs alone', () => {
    expect(r0!.finishS).toBeCloseTo(e2 + L, P);
    expect(r1!.finishS).toBeCloseTo(e2 + L, P);
    expect(r2!.startS).toBeCloseTo(e2, P);
    expect(r2!.firstTokenS).toBeCloseTo(e3 + L, P);
    expect(r2!.finishS).toBeCloseTo(e4 + L, P);
  });
});

describe('llm › paged KV', () => {
  // KV 1.5 MB per token = 24 MB per 16-token block; memory 2 GB weights + 386.7 MB:
  // ⌊0.9 · 386.7e6 / 24e6⌋ = 14 blocks. R0, R1 (prompt 100, out 40) are admitted together
  // (7 blocks each for 101 tokens: admission knows only the prompt); at context 112 each needs an
  // 8th block: 16 > 14, so R1 (the later arrival) is preempted by recompute and resumes when R0
  // is done. R2 (prompt 300: 19 blocks > 14) can never fit: dropped.
  const kvModel = modelSpec({ kvBytesPerToken: 1.5e6 });
  const sc = scenario({
    links,
    devices: [device('gpu0', deviceSpec({ memoryBytesPerGpu: 2.3867 * GB }))],
    services: [llmService({ model: kvModel })],
    horizonS: 30,
  });
  const rec = recorder();
  const result = simulate(sc, {
    records: rec.records,
    arrivals: fixedArrivals({
      chat: [
        [10, 100, 40],
        [10, 100, 40],
        [12, 300, 3],
      ],
    }),
  });
  const [r0, r1, r2] = rec.byId;

  it('paged kv › blocks run out › the later sequence is preempted, never lost', () => {
    expect(result.engine!.services.chat!.preemptions).toBe(1);
    expect(r0!.outcome === 'ok' || r0!.outcome === 'late').toBe(true);
    expect(r1!.outcome === 'ok' || r1!.outcome === 'late').toBe(true);
    expect(r1!.outputTokens).toBe(40);
    expect(r1!.finishS).toBeGreaterThan(r0!.finishS);
    // Both had their first token in the shared prefill step, before the preemption.
    expect(r1!.firstTokenS).toBeCloseTo(r0!.firstTokenS, P);
    expect(KV_BLOCK_TOKENS).toBe(16);
  });
  it('paged kv › request larger than the cache › dropped with reason kv-capacity', () => {
    expect(r2!.outcome).toBe('dropped');
    expect(r2!.reason).toBe('kv-capacity');
    expect(result.services.chat!.dropReasons).toEqual({ 'kv-capacity': 1 });
  });
  it('paged kv › KV utilisation is reported in (0, 1]', () => {
    const u = result.engine!.services.chat!.kvUtilization;
    expect(u).toBeGreaterThan(0.5);
    expect(u).toBeLessThanOrEqual(1);
  });
});

describe('llm › decode runs', () => {
  // R0 at t=10 (prompt 100, out 10): prefill, then 9 decode steps scheduled as one run (step i
  // lasts A + i·B). R1 arrives mid-run: the run is cut at the first step boundary after R1
  // reaches gpu0, and the next step prefills R1 beside R0's decode — the times one event per
  // step would give.
  const rec = recorder();
  const e1 = 10 + L + prefill(1, 100);
  const A = c.stepS(0, 1, 101, 0);
  const B = c.decodeGrowthS(1, 101);
  const arriveAt = e1 + 2.5 * A; // reaches gpu0 during the third decode step
  simulate(scenario({ links, services: [llmService({ model })], horizonS: 20 }), {
    records: rec.records,
    arrivals: fixedArrivals({
      chat: [
        [10, 100, 10],
        [arriveAt - L, 100, 2],
      ],
    }),
  });
  const [r0, r1] = rec.byId;
  const boundary = e1 + 3 * A + 3 * B; // 3 steps: A, A+B, A+2B
  // R0 has 1 + 3 tokens: context 104; the mixed step reads its KV and prefills R1.
  const mixed = boundary + c.stepS(100, 1, 104, 5000);

  it('decode runs › arrival during a run › admitted at the next step boundary, times unchanged', () => {
    expect(r1!.startS).toBeCloseTo(boundary, P);
    expect(r1!.firstTokenS).toBeCloseTo(mixed + L, P);
    expect(r1!.finishS).toBeCloseTo(mixed + c.stepS(0, 2, 105 + 101, 0) + L, P);
    expect(r0!.firstTokenS).toBeCloseTo(e1 + L, P);
  });
});

describe('llm › chunked prefill', () => {
  // max_batched_tokens 64: with chunked prefill a 100-token prompt takes two steps (64 tokens on
  // an empty context, then 36 on 64 — its attention pairs 64·32 and 36·(64 + 18)); the first
  // token comes with the second. Without chunking a lone prompt still goes in one step.
  const run = (chunkedPrefill: boolean) => {
    const rec = recorder();
    simulate(
      scenario({ links, services: [llmService({ model, maxBatchedTokens: 64, chunkedPrefill })], horizonS: 20 }),
      {
        records: rec.records,
        arrivals: fixedArrivals({ chat: [[10, 100, 2]] }),
      },
    );
    return rec.byId[0]!;
  };
  it('chunked prefill › a prompt over the step budget is split over steps', () => {
    const r = run(true);
    const e2 = 10 + L + c.stepS(64, 0, 0, 64 * 32) + c.stepS(36, 0, 64, 36 * (64 + 18));
    expect(r.firstTokenS).toBeCloseTo(e2 + L, P);
    expect(r.finishS).toBeCloseTo(e2 + c.stepS(0, 1, 101, 0) + L, P);
  });
  it('chunked prefill › off: a lone prompt larger than the budget goes in one step', () => {
    expect(run(false).firstTokenS).toBeCloseTo(10 + L + prefill(1, 100) + L, P);
  });
});

describe('llm › swap preemption', () => {
  // The paged-KV case above with `preemption: swap`: R1's KV (its ≈112-token context when
  // preempted) goes to host memory and back instead of being recomputed: still one preemption,
  // nothing lost. On this toy device the two copies (112 × 1.5 MB at 25 GB/s = 6.7 ms each way,
  // the first added to R0's steps) cost more than prefilling 112 tokens again (≈9 ms), so R1 ends
  // later than with recompute — why recompute is vLLM's default.
  const kvModel = modelSpec({ kvBytesPerToken: 1.5e6 });
  const run = (preemption: 'recompute' | 'swap') => {
    const sc = scenario({
      links,
      devices: [device('gpu0', deviceSpec({ memoryBytesPerGpu: 2.3867 * GB }))],
      services: [llmService({ model: kvModel, preemption })],
      horizonS: 30,
    });
    const rec = recorder();
    const result = simulate(sc, {
      records: rec.records,
      arrivals: fixedArrivals({
        chat: [
          [10, 100, 40],
          [10, 100, 40],
        ],
      }),
    });
    return { result, r1: rec.byId[1]! };
  };
  it('swap preemption › KV copied out and back: never lost, dearer than recompute here', () => {
    const swap = run('swap');
    const recompute = run('recompute');
    expect(swap.result.engine!.services.chat!.preemptions).toBe(1);
    expect(swap.r1.outcome === 'ok' || swap.r1.outcome === 'late').toBe(true);
    expect(swap.r1.finishS).toBeGreaterThan(recompute.r1.finishS);
    const c2 = new LlmStagePerf(kvModel, spec, 1, 1, 1).cost;
    expect((2 * (112 * 1.5e6)) / 25e9).toBeGreaterThan(c2.stepS(112, 0, 0, 112 * 56));
  });
});

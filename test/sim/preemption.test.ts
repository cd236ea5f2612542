/**
 * Paged-KV preemption step by step (sim/models/llm/llm-engine.ts), every timestamp by hand from
 * the stage's step cost `c.stepS`. The llm.test.ts paged-KV case: 14 blocks of 16 tokens; R0 and
 * R1 (prompt 100, output 40) arrive together and share the prefill step (first token each). Each
 * decode step needs ⌈(context + 1)/16⌉ blocks per sequence: 7 + 7 up to 11 decode steps, then
 * 8 + 8 = 16 > 14 — R1 (the later arrival) is preempted, and waits while R0 holds 8 blocks
 * (8 + 8 > 14) until R0 finishes.
 * - recompute: R1 prefills its 112 tokens (prompt + 12 generated) again, which yields its 13th
 *   token, then decodes 27 more;
 * - swap: R1's 112 tokens of KV go to host memory (added before R0's next step) and come back
 *   before R1's next step (25 GB/s each way); it resumes decoding at its 13th token.
 * R0 decodes its last 28 tokens alone as one decode run (6 free blocks: room for 97 more tokens).
 */
import { describe, expect, it } from 'vitest';
import { LlmStagePerf, simulate } from '../../sim/index.js';
import { SWAP_BYTES_PER_S } from '../../sim/models/llm/llm-engine.js';
import { GB, device, deviceSpec, fixedArrivals, link, llmService, modelSpec, recorder, scenario } from './fixtures.js';

const P = 9;
const L = 0.01;
const kvModel = modelSpec({ kvBytesPerToken: 1.5e6 });
const spec = deviceSpec({ memoryBytesPerGpu: 2.3867 * GB });
const c = new LlmStagePerf(kvModel, spec, 1, 1, 1).cost;
/** Decode steps of `n` sequences, each from `g0` to `g1` generated tokens (prompt 100). */
function decodes(n: number, g0: number, g1: number): number {
  let t = 0;
  for (let g = g0; g < g1; g++) t += c.stepS(0, n, n * (100 + g), 0);
  return t;
}

function run(preemption: 'recompute' | 'swap') {
  const rec = recorder();
  const result = simulate(
    scenario({
      links: [link('l0', 'gpu0', 'sw', 1e30, L)],
      devices: [device('gpu0', spec)],
      services: [llmService({ model: kvModel, preemption, slo: { kind: 'e2e', e2eS: 100 } })],
      horizonS: 30,
    }),
    {
      records: rec.records,
      arrivals: fixedArrivals({
        chat: [
          [10, 100, 40],
          [10, 100, 40],
        ],
      }),
    },
  );
  return { result, r0: rec.byId[0]!, r1: rec.byId[1]! };
}

// Shared start: prefill of both, then 11 decode steps at batch 2 (each at 1..11 tokens → 2..12).
const e1 = 10 + L + c.stepS(200, 0, 0, 2 * 100 * 50);
const pre = e1 + decodes(2, 1, 12);
const swapS = (112 * 1.5e6) / SWAP_BYTES_PER_S;

describe('preemption › recompute', () => {
  const { result, r0, r1 } = run('recompute');
  const r0End = pre + decodes(1, 12, 40);
  it('recompute › R0 decodes alone after the preemption and finishes first', () => {
    expect(r0.firstTokenS).toBeCloseTo(e1 + L, P);
    expect(r0.finishS).toBeCloseTo(r0End + L, P);
  });
  it('recompute › R1 prefills prompt + generated again (its 13th token), then decodes the rest', () => {
    const reprefill = c.stepS(112, 0, 0, 112 * 56);
    expect(r1.startS).toBeCloseTo(10 + L, P); // its first admission
    expect(r1.firstTokenS).toBeCloseTo(e1 + L, P); // tokens already sent stay sent
    expect(r1.finishS).toBeCloseTo(r0End + reprefill + decodes(1, 13, 40) + L, P);
    expect(r1.outputTokens).toBe(40);
    expect(result.engine!.services.chat!.preemptions).toBe(1);
  });
  it('recompute › engine block: time-weighted running batch and KV use (a decode run counts its mean KV)', () => {
    // Steps and their (batch, blocks used of 14, steps in the run, seconds):
    //   prefill + 11 decodes at batch 2, 14 blocks; R0's run of 28 steps at 8 blocks;
    //   R1's re-prefill at 8 blocks; R1's run of 27 steps at 8 blocks. A run of m steps at batch b
    //   adds (m − 1)·b/(2·16·14) to its KV share: the blocks it grows into, on average.
    const t2 = e1 - 10 - L + decodes(2, 1, 12);
    const run0 = decodes(1, 12, 40);
    const reprefill = c.stepS(112, 0, 0, 112 * 56);
    const run1 = decodes(1, 13, 40);
    const busy = t2 + run0 + reprefill + run1;
    const eng = result.engine!.services.chat!;
    expect(eng.meanRunningBatch).toBeCloseTo((2 * t2 + run0 + reprefill + run1) / busy, 9);
    const kv = t2 + (8 / 14 + 27 / (32 * 14)) * run0 + (8 / 14) * reprefill + (8 / 14 + 26 / (32 * 14)) * run1;
    expect(eng.kvUtilization).toBeCloseTo(kv / busy, 9);
  });
  it('recompute › busy time is every step: nothing counted twice, nothing lost', () => {
    const busy = r1.finishS - L - (10 + L);
    expect(result.devices.gpu0!.utilization).toBeCloseTo(busy / 30, P);
  });
});

describe('preemption › swap', () => {
  const { result, r0, r1 } = run('swap');
  // Swap-out before R0's run; swap-in before R1's.
  const r0End = pre + swapS + decodes(1, 12, 40);
  it('swap › the copy out delays the next step; R0 then decodes alone', () => {
    expect(r0.finishS).toBeCloseTo(r0End + L, P);
  });
  it('swap › R1 copies its KV back in and resumes at its 13th token, no prefill again', () => {
    expect(r1.firstTokenS).toBeCloseTo(e1 + L, P);
    expect(r1.finishS).toBeCloseTo(r0End + swapS + decodes(1, 12, 40) + L, P);
    expect(result.engine!.services.chat!.preemptions).toBe(1);
  });
});

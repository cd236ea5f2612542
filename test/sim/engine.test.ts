/**
 * The serving engine against published figures (issue 12 "Done when"), and its properties.
 * Closed-loop runs of one replica (sim/models/llm/closed-loop-run.ts): prompt 2048 / output 128
 * as the jetson-ai-lab vLLM benchmark rows (../shared/profiles/llm.csv).
 */
import { describe, expect, it } from 'vitest';
import { DEVICE_CATALOG, MODEL_CATALOG } from '../../scenarios/index.js';
import { LlmStagePerf } from '../../sim/index.js';
import { runClosedLoop } from '../../sim/models/llm/closed-loop-run.js';
import { DEFAULT_EFFICIENCY } from '../../sim/models/llm/calibrate.js';
import { StepCost, stageFigures } from '../../sim/models/llm/step-cost.js';

const orin = DEVICE_CATALOG['jetson-agx-orin-64gb']!;
const rtx = DEVICE_CATALOG['rtx-4090']!;
const a100x4 = DEVICE_CATALOG['a100-80gb-sxm-x4']!;
const llama8 = MODEL_CATALOG['llama-3.1-8b-q4']!;

const within = (x: number, target: number, frac: number) => Math.abs(x / target - 1) <= frac;

describe('engine › published closed-loop figures', () => {
  it('engine › AGX Orin + llama-3.1-8b-q4, 2048/128 › within 5% of 28.1 tok/s (c=1) and 112.3 (c=8)', () => {
    const c1 = runClosedLoop({
      spec: orin,
      model: llama8,
      concurrency: 1,
      promptTokens: 2048,
      outputTokens: 128,
      horizonS: 300,
    });
    const c8 = runClosedLoop({
      spec: orin,
      model: llama8,
      concurrency: 8,
      promptTokens: 2048,
      outputTokens: 128,
      horizonS: 300,
    });
    // Fitted rows: the issue asks for 20%; the calibration reproduces them within 5%.
    expect(within(c1.outputTokPerS, 28.14, 0.05), `c=1: ${c1.outputTokPerS}`).toBe(true);
    expect(within(c8.outputTokPerS, 112.33, 0.05), `c=8: ${c8.outputTokPerS}`).toBe(true);
    expect(c8.result.engine!.services.bench!.meanRunningBatch).toBeGreaterThan(7);
  });

  it('engine › RTX 4090 + llama-3.1-8b-q4 › batch 1 reproduces its decode row (127.74 tok/s) within 5%', () => {
    // The row is llama-bench tg (pure decode), so compare the decode rate: 1 / TPOT.
    const o = runClosedLoop({
      spec: rtx,
      model: llama8,
      concurrency: 1,
      promptTokens: 1024,
      outputTokens: 128,
      horizonS: 60,
    });
    expect(within(1 / o.result.services.bench!.tpotS.mean, 127.74, 0.05)).toBe(true);
  });

  it('engine › RTX 4090 + llama-3.1-8b-q4 under overload › serves ≥ 3× its batch-1 decode rate', () => {
    // 64 clients without think time (the default scenario's mean lengths 512 / 128).
    const o = runClosedLoop({
      spec: rtx,
      model: llama8,
      concurrency: 64,
      promptTokens: 512,
      outputTokens: 128,
      horizonS: 120,
    });
    expect(o.outputTokPerS, `${o.outputTokPerS}`).toBeGreaterThanOrEqual(3 * 127.74);
  });

  it('engine › 4×A100 box › four one-GPU replicas run concurrently (≈4× one replica, four busy lanes)', () => {
    const bench = { spec: a100x4, model: llama8, promptTokens: 512, outputTokens: 128, horizonS: 60, gpus: 1 };
    const one = runClosedLoop({ ...bench, concurrency: 8, replicas: 1 });
    const four = runClosedLoop({ ...bench, concurrency: 32, replicas: 4 });
    expect(four.outputTokPerS / one.outputTokPerS).toBeGreaterThan(3.8);
    const lanes = four.result.engine!.lanes.dut!;
    expect(lanes).toHaveLength(4);
    for (const busy of lanes) expect(busy).toBeGreaterThan(0.9);
    expect(one.result.engine!.lanes.dut!.filter((b) => b > 0)).toHaveLength(1);
  });
});

describe('engine › properties', () => {
  it('engine › throughput is non-decreasing in concurrency up to the batch limit', () => {
    let prev = 0;
    for (const c of [1, 2, 4, 8, 16, 32]) {
      const o = runClosedLoop({
        spec: orin,
        model: llama8,
        concurrency: c,
        promptTokens: 512,
        outputTokens: 128,
        horizonS: 200,
      });
      expect(o.outputTokPerS, `c=${c}`).toBeGreaterThanOrEqual(prev * 0.999);
      prev = o.outputTokPerS;
    }
  });

  it('engine › more GPUs are never slower (TP over 1, 2, 4 GPUs of the A100 box)', () => {
    let prev = 0;
    for (const g of [1, 2, 4]) {
      const o = runClosedLoop({
        spec: a100x4,
        model: llama8,
        concurrency: 16,
        promptTokens: 512,
        outputTokens: 128,
        horizonS: 60,
        gpus: g,
      });
      expect(o.outputTokPerS, `gpus=${g}`).toBeGreaterThanOrEqual(prev);
      prev = o.outputTokPerS;
    }
  });

  it('engine › preemption never loses a request: tight KV, many clients, every request ends served', () => {
    // Orin with a 4-bit 70B model (≈39 GB weights): ≈69 k tokens of KV (327 kB each), and 40
    // clients of 2048 + 512 tokens: admission fills the KV with prompts, the sequences grow, blocks
    // run out and the latest arrivals are preempted.
    const big = MODEL_CATALOG['llama-2-70b-q4']!;
    const o = runClosedLoop({
      spec: orin,
      model: big,
      concurrency: 40,
      promptTokens: 2048,
      outputTokens: 512,
      horizonS: 3000,
    });
    const svc = o.result.services.bench!;
    expect(o.result.engine!.services.bench!.preemptions).toBeGreaterThan(0);
    expect(svc.dropped + svc.failed).toBe(0);
    expect(svc.ok + svc.late).toBeGreaterThan(0);
    expect(svc.inflight).toBeLessThanOrEqual(40);
  });

  it('engine › step cost grows with batch but per-token cost falls (batching pays)', () => {
    const c = new LlmStagePerf(llama8, rtx, 1, 1, 1).cost;
    const t1 = c.stepS(0, 1, 600, 0);
    const t32 = c.stepS(0, 32, 32 * 600, 0);
    expect(t32).toBeGreaterThan(t1);
    expect(t32 / 32).toBeLessThan(t1 / 3);
  });

  it('engine › MoE: a step reads more experts as its tokens grow, never more than all of them', () => {
    const moe = { ...llama8, moe: { experts: 32, activeExperts: 4, expertBytes: 0.8 * llama8.weightBytes } };
    const c = new StepCost(stageFigures(moe, rtx, 1, 1, 1), DEFAULT_EFFICIENCY);
    const all = new StepCost(stageFigures(llama8, rtx, 1, 1, 1), DEFAULT_EFFICIENCY).weightS;
    expect(c.weightReadS(1)).toBeLessThan(c.weightReadS(8));
    expect(c.weightReadS(8)).toBeLessThan(c.weightReadS(1000));
    expect(c.weightReadS(1e6)).toBeCloseTo(all, 9);
  });
});

/**
 * The performance estimator by hand: the LLM step cost (sim/models/llm/step-cost.ts: a roofline
 * per step — overhead τ, max(memory, decode compute), prefill compute summed, tensor-parallel
 * all-reduce; MoE expert reads), the stage figures it is built from (share, gpus, slowdown, ring
 * all-reduce), the calibration choice (profile vs framework defaults), per-item models (profile,
 * FPGA pipeline, roofline) and the whole-box estimates policies see (devicePerf).
 * docs/sim-models.md "Performance". Expected values are computed here from the formula and the
 * fixture figures, never copied from the code's output.
 * Test box (fixtures): 100 TFLOP/s, 1000 GB/s per GPU. Toy LLM: 2 GB weights, 10 layers,
 * hidden 1000, 2e9 FLOP/token, KV 1e5 B/token, activations 2000 B/token.
 */
import { describe, expect, it } from 'vitest';
import { ItemPerf, LlmStagePerf, devicePerf } from '../../sim/index.js';
import { meanTokens } from '../../sim/models/perf.js';
import { StepCost, stageFigures, type Efficiency } from '../../sim/models/llm/step-cost.js';
import { GB, deviceSpec, llmService, modelSpec } from './fixtures.js';

const P = 12;

/**
 * Round efficiencies for the StepCost tests: ηbw = 0.5 → 5e11 B/s; ηp = 0.5 → 5e13 FLOP/s;
 * ηd = 0.25 → 2.5e13 FLOP/s; τ = 3.2 ms per 32 layers → 1 ms for 10 layers. Then
 *   W = 2e9 / 5e11 = 0.004 s, kv = 1e5 / 5e11 = 2e-7 s/token,
 *   prefill 2e9 / 5e13 = 4e-5 s/token, A = 4·10·1000 = 4e4 FLOP/pair → 8e-10 s/pair,
 *   decode  2e9 / 2.5e13 = 8e-5 s/token, 4e4 / 2.5e13 = 1.6e-9 s/pair.
 */
const EFF: Efficiency = { etaBw: 0.5, etaPrefill: 0.5, etaDecode: 0.25, overheadS: 0.0032 };
const cost = (
  over: Parameters<typeof modelSpec>[0] = {},
  spec = deviceSpec(),
  slowdown = 1,
  gpus = 1,
  share = 1,
): StepCost => new StepCost(stageFigures(modelSpec(over), spec, slowdown, gpus, share), EFF);

describe('perf › step cost (roofline per step)', () => {
  const c = cost();
  it('step cost › per-token terms › each figure from bytes or FLOPs over η × peak', () => {
    expect(c.weightS).toBeCloseTo(0.004, P);
    expect(c.kvS).toBeCloseTo(2e-7, P);
    expect(c.prefillTokenS).toBeCloseTo(4e-5, P);
    expect(c.prefillPairS).toBeCloseTo(8e-10, P);
    expect(c.decodeTokenS).toBeCloseTo(8e-5, P);
    expect(c.decodePairS).toBeCloseTo(1.6e-9, P);
    expect(c.overheadS).toBeCloseTo(0.001, P); // τ · 10 / 32
  });
  it('step cost › empty step › 0 (no overhead without tokens)', () => {
    expect(c.stepS(0, 0, 0, 0)).toBe(0);
  });
  it('step cost › prefill alone › τ + weight read + tokens·F + pairs·A (prefill is summed, not overlapped)', () => {
    // 1000 tokens on an empty context: pairs 1000²/2 = 5e5.
    expect(c.stepS(1000, 0, 0, 5e5)).toBeCloseTo(0.001 + 0.004 + 1000 * 4e-5 + 5e5 * 8e-10, P); // 0.0454
  });
  it('step cost › decode batch 1 › memory bound: τ + W + KV read (compute hidden under the max)', () => {
    // mem 0.004 + 1000·2e-7 = 0.0042 > decode 1000·1.6e-9 + 8e-5 = 8.16e-5.
    expect(c.stepS(0, 1, 1000, 0)).toBeCloseTo(0.001 + 0.0042, P);
  });
  it('step cost › decode batch 200 › compute bound at the decode efficiency ηd, not ηp', () => {
    // decode 200·8e-5 = 0.016 > mem 0.004 (with ηp it would be 0.008).
    expect(c.stepS(0, 200, 0, 0)).toBeCloseTo(0.001 + 0.016, P);
  });
  it('step cost › mixed step › prefill compute added to max(memory, decode compute)', () => {
    // 100 prefill tokens (pairs 100·50 = 5000) + 4 decodes reading 2000 KV tokens:
    // mem 0.004 + 2000·2e-7 = 0.0044; decode 2000·1.6e-9 + 4·8e-5 = 3.232e-4; prefill 100·4e-5 + 5000·8e-10 = 0.004004.
    expect(c.stepS(100, 4, 2000, 5000)).toBeCloseTo(0.001 + 0.0044 + 0.004004, P);
  });
  it('step cost › decode growth › the bounding side grows: seqs·kv when memory bound, seqs·A when compute bound', () => {
    expect(c.decodeGrowthS(1, 1000)).toBeCloseTo(2e-7, P);
    expect(c.decodeGrowthS(200, 0)).toBeCloseTo(200 * 1.6e-9, P);
    // 40 sequences on 15000 KV tokens: memory 0.004 + 0.003 = 0.007 s > compute 0.0032 + 2.4e-5 s.
    expect(c.decodeGrowthS(40, 15000)).toBeCloseTo(40 * 2e-7, P);
    // 200 sequences on 1000: memory 0.0042 s < compute 0.016 s → the attention side grows.
    expect(c.decodeGrowthS(200, 1000)).toBeCloseTo(200 * 1.6e-9, P);
  });
  it('step cost › 2× slowdown, 40% of the layers › every term (τ included) scales by share × slowdown', () => {
    const q = cost({}, deviceSpec(), 2, 1, 0.4);
    expect(q.stepS(0, 1, 1000, 0)).toBeCloseTo(0.8 * (0.001 + 0.0042), P);
    expect(q.stepS(1000, 0, 0, 5e5)).toBeCloseTo(0.8 * 0.0454, P);
    // Decode compute per token and per attended pair too.
    expect(q.decodeTokenS).toBeCloseTo(0.8 * 8e-5, P);
    expect(q.decodePairS).toBeCloseTo(0.8 * 1.6e-9, P);
  });
  it('step cost › MoE › dense weights always, experts by the fraction 1 − (1 − k/E)^tokens touched', () => {
    // 1 GB of 2 GB are experts, 2 of 8 active: dense 0.002 s, all experts 0.002 s.
    const q = cost({ moe: { experts: 8, activeExperts: 2, expertBytes: 1e9 } });
    expect(q.weightReadS(1)).toBeCloseTo(0.002 + 0.002 * 0.25, P);
    expect(q.weightReadS(2)).toBeCloseTo(0.002 + 0.002 * (1 - 0.75 ** 2), P);
    expect(q.weightReadS(1000)).toBeCloseTo(0.004, P);
    expect(c.weightReadS(1)).toBeCloseTo(0.004, P); // dense: all weights, whatever the tokens
    // 40% of the layers: 40% of the dense part and of the experts.
    const part = cost({ moe: { experts: 8, activeExperts: 2, expertBytes: 1e9 } }, deviceSpec(), 1, 1, 0.4);
    expect(part.weightReadS(1)).toBeCloseTo(0.4 * (0.002 + 0.002 * 0.25), P);
    expect(part.expertS).toBeCloseTo(0.4 * 0.002, P);
    // 2× slowdown: the expert reads too.
    expect(cost({ moe: { experts: 8, activeExperts: 2, expertBytes: 1e9 } }, deviceSpec(), 2).expertS).toBeCloseTo(
      0.004,
      P,
    );
  });
});

describe('perf › tensor parallel', () => {
  // 4 GPUs on NVLink at 8e11 b/s; 10 layers × 2 all-reduces, ring factor 2·3/4 = 1.5, 2000 B/token:
  // per token 20 · 1.5 · 2000 · 8 / 8e11 = 6e-7 s; fixed 20 · 10 µs = 2e-4 s.
  const spec = deviceSpec({ gpus: 4, intraNode: 'nvlink', intraNodeBps: 8e11 });
  it('tp4 › stage figures › fixed latency per all-reduce plus bytes over the ring; 4× bandwidth and compute', () => {
    const f = stageFigures(modelSpec(), spec, 1, 4, 1);
    expect(f.allReduceFixedS).toBeCloseTo(2e-4, P);
    expect(f.allReducePerTokenS).toBeCloseTo(6e-7, P);
    expect(f.bandwidthBytesPerS).toBe(4e12);
    expect(f.flops).toBe(4e14);
  });
  it('tp4 › step › all-reduce per step and per token of the step', () => {
    const c = cost({}, spec, 1, 4, 1);
    // decode 1: τ 0.001 + max(W 0.001, 8e-5/4) + 2e-4 + 1·6e-7.
    expect(c.stepS(0, 1, 0, 0)).toBeCloseTo(0.001 + 0.001 + 2e-4 + 6e-7, P);
    // prefill 100 (no pairs): τ + W 0.001 + 100·1e-5 + 2e-4 + 100·6e-7.
    expect(c.stepS(100, 0, 0, 0)).toBeCloseTo(0.001 + 0.001 + 0.001 + 2e-4 + 6e-5, P);
  });
  it('tp2 on a box without an interconnect figure › only the fixed all-reduce latency', () => {
    const f = stageFigures(modelSpec(), deviceSpec({ gpus: 2 }), 1, 2, 1);
    expect(f.allReduceFixedS).toBeCloseTo(20 * 10e-6, P);
    expect(f.allReducePerTokenS).toBe(0);
  });
  it('tp4 on part of the layers › all-reduces per whole layer of the stage (rounded, at least one)', () => {
    // 25% of 10 layers = 2.5 → 3 layers with all-reduces; 4% → 0.4 → at least 1.
    const quarter = stageFigures(modelSpec(), spec, 1, 4, 0.25);
    expect(quarter.allReduceFixedS).toBeCloseTo(3 * 2 * 10e-6, P);
    expect(quarter.allReducePerTokenS).toBeCloseTo((3 * 2 * 1.5 * 2000 * 8) / 8e11, P);
    expect(quarter.layers).toBeCloseTo(2.5, P); // the step overhead scales with the exact share
    expect(stageFigures(modelSpec(), spec, 1, 4, 0.04).allReduceFixedS).toBeCloseTo(2 * 10e-6, P);
  });
  it('one GPU › no all-reduce', () => {
    const f = stageFigures(modelSpec(), spec, 1, 1, 1);
    expect(f.allReduceFixedS).toBe(0);
    expect(f.allReducePerTokenS).toBe(0);
  });
});

describe('perf › LLM stage: calibration source and framework defaults', () => {
  // Generic defaults (DEFAULT_EFFICIENCY): ηbw 0.962, ηp 0.326, ηd 0.131, τ 4.78 ms per 32 layers.
  const tau = (0.00478 * 10) / 32;
  const w = 0.002 / 0.962;
  const rows = [
    { deviceType: 'testbox', batch: 1, promptTokens: 100, prefillTokPerS: 1000, source: 't' },
    { deviceType: 'testbox', batch: 1, decodeTokPerS: 10, source: 't' },
  ];
  it('no rows of this device type › roofline on the defaults; prefill by hand', () => {
    const p = new LlmStagePerf(
      modelSpec({ profiles: rows.map((r) => ({ ...r, deviceType: 'other' })) }),
      deviceSpec(),
      1,
      1,
      1,
    );
    expect(p.source).toBe('roofline');
    expect(p.cost.overheadS).toBeCloseTo(tau, P);
    // 1000 tokens: τ + 2e9/(0.962·1e12) + (1000·2e9 + 5e5·4e4) / (0.326·1e14).
    expect(p.prefillS(1000)).toBeCloseTo(tau + w + (1000 * 2e9 + 5e5 * 4e4) / 0.326e14, P);
    expect(p.prefillS(0)).toBe(0);
  });
  it('framework › vllm prefills with its own ηp and τ, decode keeps the shared ηbw', () => {
    const p = new LlmStagePerf(modelSpec(), deviceSpec(), 1, 1, 1, undefined, 'vllm');
    const tauV = (0.00394 * 10) / 32;
    expect(p.prefillS(1000)).toBeCloseTo(tauV + w + (1000 * 2e9 + 5e5 * 4e4) / 0.591e14, P);
    expect(p.iterationS(0, 1, 1000)).toBeCloseTo(tauV + w + (1000 * 1e-7) / 0.962, P);
  });
  it('rows of this device type › profile (fitted), and the fit moves the cost off the defaults', () => {
    const p = new LlmStagePerf(modelSpec({ profiles: rows }), deviceSpec(), 1, 1, 1);
    const d = new LlmStagePerf(modelSpec(), deviceSpec(), 1, 1, 1);
    expect(p.source).toBe('profile');
    expect(p.prefillS(100)).not.toBeCloseTo(d.prefillS(100), 6);
  });
});

describe('perf › per-item models', () => {
  const seg = (profiles: { batch: number; itemLatencyS: number }[]) =>
    modelSpec({
      key: 'seg',
      kind: 'segmentation',
      weightBytes: 1e9,
      flopsPerUnit: 1e12,
      profiles: profiles.map((r) => ({ deviceType: 'testbox', source: 't', ...r })),
    });
  it('item › profile › n × per-item latency interpolated over batch, × slowdown', () => {
    const q = new ItemPerf(
      seg([
        { batch: 1, itemLatencyS: 0.01 },
        { batch: 4, itemLatencyS: 0.005 },
      ]),
      deviceSpec(),
      2,
      1,
    );
    expect(q.source).toBe('profile');
    expect(q.batchS(1)).toBeCloseTo(0.02, P);
    expect(q.batchS(2)).toBeCloseTo(2 * (0.01 - 0.005 / 3) * 2, P);
    expect(q.batchS(8)).toBeCloseTo(8 * 0.005 * 2, P);
    // Batches only up to the largest profiled batch (docs/decisions.md "Segmentation batches up to
    // the largest profiled batch"; was Infinity before that decision).
    expect(q.maxBatch).toBe(4);
  });
  it('item › FPGA with a pipeline latency › one at a time, n × latency × slowdown', () => {
    const fpga = deviceSpec({ key: 'f', deviceClass: 'fpga', pipelineLatencyS: 0.05 });
    const q = new ItemPerf(seg([]), fpga, 1.5, 1);
    expect(q.source).toBe('profile');
    expect(q.maxBatch).toBe(1);
    expect(q.batchS(2)).toBeCloseTo(0.15, P);
  });
  it('item › roofline › max(n × compute, weight read)', () => {
    // 1e12 FLOP at 5e13 → 0.02 s per item; 1 GB at 5e11 → 0.002 s.
    const q = new ItemPerf(seg([]), deviceSpec(), 1, 1);
    expect(q.source).toBe('roofline');
    expect(q.batchS(3)).toBeCloseTo(0.06, P);
    const light = new ItemPerf(
      modelSpec({ kind: 'segmentation', weightBytes: 1e9, flopsPerUnit: 1e9, profiles: [] }),
      deviceSpec(),
      1,
      1,
    );
    expect(light.batchS(2)).toBeCloseTo(0.002, P);
  });
});

describe('perf › token means and whole-box estimates', () => {
  it('meanTokens › each distribution › fixed value, lognormal mean capped by max, uniform midpoint', () => {
    expect(meanTokens({ dist: 'fixed', value: 7 })).toBe(7);
    expect(meanTokens({ dist: 'lognormal', mean: 500, cv: 1, max: 300 })).toBe(300);
    expect(meanTokens({ dist: 'lognormal', mean: 500, cv: 1 })).toBe(500);
    expect(meanTokens({ dist: 'uniform', min: 10, max: 30 })).toBe(20);
  });
  it('devicePerf › LLM on the roofline box › prefill, decode at batch 1 and at max batch, fits', () => {
    // Generic defaults; prompt 100, output 3 → context 101.5; max batch 8.
    // prefill 100: τ + W + (100·2e9 + 5000·4e4)/3.26e13 (W = 0.002 / 0.962, K = 1e-7 / 0.962).
    // Decode (memory bound at both batches): batch 1: τ + W + 101.5·K; batch 8 (KV 812 tokens):
    // τ + W + 812·K (decode compute 8·2e9 + 812·4e4 over 1.31e13 = 1.22 ms < 2.16 ms).
    const tau = (0.00478 * 10) / 32;
    const w = 0.002 / 0.962;
    const k = 1e-7 / 0.962;
    const d = devicePerf(llmService({ model: modelSpec(), maxBatch: 8 }), deviceSpec());
    expect(d.prefillTokPerS).toBeCloseTo(100 / (tau + w + (100 * 2e9 + 5000 * 4e4) / 0.326e14), 6);
    expect(d.decodeTokPerS).toBeCloseTo(1 / (tau + w + 101.5 * k), 6);
    expect(d.decodeTokPerSAtMaxBatch).toBeCloseTo(8 / (tau + w + 812 * k), 6);
    expect(d).toMatchObject({ maxBatch: 8, fits: true, source: 'roofline', itemLatencyS: 0, itemsPerSAtMaxBatch: 0 });
  });
  it('devicePerf › model larger than the box › fits false', () => {
    expect(devicePerf(llmService({ model: modelSpec({ weightBytes: 17 * GB }) }), deviceSpec()).fits).toBe(false);
    expect(devicePerf(llmService({ model: modelSpec({ weightBytes: 16 * GB }) }), deviceSpec()).fits).toBe(true);
  });
});

describe('perf › per-item profiles and whole-box estimates for per-item models', () => {
  const seg = (profiles: { deviceType?: string; batch: number; itemLatencyS?: number }[], over = {}) =>
    modelSpec({
      key: 'seg',
      kind: 'segmentation',
      weightBytes: 1e9,
      flopsPerUnit: 1e12,
      profiles: profiles.map((r) => ({ deviceType: 'testbox', source: 't', ...r })),
      ...over,
    });
  it('item › profile curve › rows of other devices and rows without a latency ignored; duplicates averaged', () => {
    const q = new ItemPerf(
      seg([
        { batch: 1, itemLatencyS: 0.01 },
        { batch: 1, itemLatencyS: 0.02 }, // two sources at batch 1: their mean, 0.015
        { batch: 2, itemLatencyS: 0.01 },
        { batch: 6, itemLatencyS: 0.004 },
        { batch: 16 }, // no latency: not a point
        { deviceType: 'other', batch: 32, itemLatencyS: 1 },
      ]),
      deviceSpec(),
      1,
      1,
    );
    expect(q.maxBatch).toBe(6);
    expect(q.batchS(1)).toBeCloseTo(0.015, P);
    // Between the 2nd and 3rd points: batch 4 → 0.01 + (2/4)·(0.004 − 0.01) = 0.007 per item.
    expect(q.batchS(4)).toBeCloseTo(4 * 0.007, P);
    expect(q.batchS(2)).toBeCloseTo(0.02, P);
    // Below the first point: held at it.
    expect(q.batchS(0.5)).toBeCloseTo(0.5 * 0.015, P);
    // Rows in any order: the curve is over batches sorted by value (not as listed, nor as text: 10 < 6).
    const shuffled = new ItemPerf(
      seg([
        { batch: 10, itemLatencyS: 0.002 },
        { batch: 1, itemLatencyS: 0.01 },
        { batch: 6, itemLatencyS: 0.004 },
      ]),
      deviceSpec(),
      1,
      1,
    );
    expect(shuffled.maxBatch).toBe(10);
    expect(shuffled.batchS(1)).toBeCloseTo(0.01, P);
    // Batch 8: between 6 and 10 → 0.004 + (2/4)·(0.002 − 0.004) = 0.003 per item.
    expect(shuffled.batchS(8)).toBeCloseTo(8 * 0.003, P);
    expect(shuffled.batchS(3.5)).toBeCloseTo(3.5 * 0.007, P);
  });
  it('item › roofline on 2 GPUs, slowdown 3 › bandwidth and compute doubled, times tripled', () => {
    // Compute: 1e12 / (0.5 · 1e14 · 2) = 0.01 s per item; weights 1e9 / (0.5 · 1e12 · 2) = 0.001 s.
    const q = new ItemPerf(seg([]), deviceSpec(), 3, 2);
    expect(q.maxBatch).toBe(Infinity);
    expect(q.batchS(2)).toBeCloseTo(0.06, P);
    const light = new ItemPerf(seg([], { flopsPerUnit: 1e9 }), deviceSpec(), 3, 2);
    expect(light.batchS(1)).toBeCloseTo(0.003, P);
  });
  it('item › an FPGA without a pipeline latency › its profile or the roofline, not one at a time', () => {
    const fpga = deviceSpec({ key: 'testbox', deviceClass: 'fpga' });
    const q = new ItemPerf(seg([]), fpga, 1, 1);
    expect(q.source).toBe('roofline');
    expect(q.maxBatch).toBe(Infinity);
    // A GPU box that states a pipeline latency is not an FPGA: no fixed latency either.
    const gpu = new ItemPerf(seg([]), deviceSpec({ pipelineLatencyS: 0.05 }), 1, 1);
    expect(gpu.source).toBe('roofline');
    expect(gpu.batchS(1)).toBeCloseTo(0.02, P);
  });
  it('devicePerf › segmentation › item latency at batch 1, items/s at the batch both allow; no token figures', () => {
    const model = seg([
      { batch: 1, itemLatencyS: 0.01 },
      { batch: 4, itemLatencyS: 0.005 },
    ]);
    const svc = { ...llmService(), kind: 'segmentation' as const, model, maxBatch: 8 };
    const d = devicePerf(svc, deviceSpec());
    // Batch min(8, profiled 4) = 4 → 4 / (4 · 0.005) = 200 items/s.
    expect(d).toEqual({
      prefillTokPerS: 0,
      decodeTokPerS: 0,
      decodeTokPerSAtMaxBatch: 0,
      maxBatch: 4,
      itemLatencyS: 0.01,
      itemsPerSAtMaxBatch: 200,
      fits: true,
      source: 'profile',
    });
    expect(devicePerf({ ...svc, maxBatch: 2 }, deviceSpec()).itemsPerSAtMaxBatch).toBeCloseTo(
      2 / (2 * (0.01 - 0.005 / 3)),
      9,
    );
    expect(devicePerf({ ...svc, maxBatch: 0 }, deviceSpec()).maxBatch).toBe(1);
  });
  it('devicePerf › memory of every GPU of the box counts for fits', () => {
    const two = deviceSpec({ gpus: 2 });
    expect(devicePerf(llmService({ model: modelSpec({ weightBytes: 30 * GB }) }), two).fits).toBe(true);
    expect(devicePerf(llmService({ model: modelSpec({ weightBytes: 33 * GB }) }), two).fits).toBe(false);
  });
  it('devicePerf › LLM › an empty prompt counts as one token; max batch at least 1', () => {
    const tau = (0.00478 * 10) / 32;
    const w = 0.002 / 0.962;
    const d = devicePerf(
      llmService({ model: modelSpec(), maxBatch: 0, promptTokens: { dist: 'fixed', value: 0 } }),
      deviceSpec(),
    );
    expect(d.maxBatch).toBe(1);
    expect(d.prefillTokPerS).toBeCloseTo(1 / (tau + w + (2e9 + 0.5 * 4e4) / 0.326e14), 6);
    // Context 1 + 3/2 = 2.5 tokens at batch 1.
    expect(d.decodeTokPerSAtMaxBatch).toBeCloseTo(1 / (tau + w + (2.5 * 1e-7) / 0.962), 6);
  });
});

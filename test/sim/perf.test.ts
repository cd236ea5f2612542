/**
 * The performance estimator (sim/models/perf.ts) by hand: profile curves (interpolated, held
 * constant outside, duplicate rows averaged), the roofline fallback (weight read vs compute,
 * KV read growth), tensor-parallel all-reduce cost, per-item models (profile, FPGA pipeline,
 * roofline) and the whole-box estimates policies see (devicePerf). docs/sim-models.md.
 * Test box (fixtures): 100 TFLOP/s, 1000 GB/s per GPU, η = 0.5 for both.
 */
import { describe, expect, it } from 'vitest';
import { ItemPerf, LlmStagePerf, devicePerf } from '../../sim/index.js';
import { meanTokens } from '../../sim/models/perf.js';
import { GB, deviceSpec, llmService, modelSpec } from './fixtures.js';

const P = 12;

describe('perf › LLM stage from a profile', () => {
  // Prefill rows: 1000 tok/s at 100-token prompts, 2000 at 300, and two rows at 500 (2500, 3500 → 3000).
  // Decode: aggregate 10 tok/s at batch 1, 16 at batch 2, 40 at batch 8.
  const rows = [
    { deviceType: 'testbox', batch: 1, promptTokens: 100, prefillTokPerS: 1000, source: 't' },
    { deviceType: 'testbox', batch: 1, promptTokens: 500, prefillTokPerS: 3500, source: 't' },
    { deviceType: 'testbox', batch: 1, promptTokens: 300, prefillTokPerS: 2000, source: 't' },
    { deviceType: 'testbox', batch: 1, promptTokens: 500, prefillTokPerS: 2500, source: 't' },
    { deviceType: 'testbox', batch: 4, promptTokens: 100, prefillTokPerS: 99999, source: 't' }, // batch ≠ 1: not a prefill row
    { deviceType: 'other', batch: 1, decodeTokPerS: 1, source: 't' }, // another device type: ignored
    { deviceType: 'testbox', batch: 1, decodeTokPerS: 10, source: 't' },
    { deviceType: 'testbox', batch: 2, decodeTokPerS: 16, source: 't' },
    { deviceType: 'testbox', batch: 8, decodeTokPerS: 40, source: 't' },
  ];
  const p = new LlmStagePerf(modelSpec({ profiles: rows }), deviceSpec(), 1, 1, 1);

  it('profile › source and completeness › profile, not partial', () => {
    expect(p.source).toBe('profile');
    expect(p.partial).toBe(false);
  });
  it('profile › prefill › tokens / rate, the rate interpolated over prompt length and held outside the rows', () => {
    expect(p.prefillS(100)).toBeCloseTo(100 / 1000, P);
    expect(p.prefillS(200)).toBeCloseTo(200 / 1500, P); // halfway 100 → 300
    expect(p.prefillS(400)).toBeCloseTo(400 / 2500, P); // halfway 300 → 500 (mean 3000)
    expect(p.prefillS(50)).toBeCloseTo(50 / 1000, P); // below the first row
    expect(p.prefillS(1000)).toBeCloseTo(1000 / 3000, P); // above the last
    expect(p.prefillS(0)).toBe(0);
  });
  it('profile › decode step › batch / aggregate rate, interpolated over batch; no growth with context', () => {
    expect(p.decodeStepS(1, 1000)).toBeCloseTo(0.1, P);
    expect(p.decodeStepS(2, 0)).toBeCloseTo(2 / 16, P);
    expect(p.decodeStepS(5, 0)).toBeCloseTo(5 / 28, P); // 16 + (3/6)·24 = 28
    expect(p.decodeStepS(16, 0)).toBeCloseTo(16 / 40, P);
    expect(p.decodeStepS(0, 0)).toBe(0);
    expect(p.decodeGrowthS(4)).toBe(0);
  });
  it('profile › a half-layer stage on a 2× slower device › times scale by share × slowdown / gpus', () => {
    const q = new LlmStagePerf(modelSpec({ profiles: rows }), deviceSpec(), 2, 1, 0.5);
    expect(q.prefillS(100)).toBeCloseTo(0.1, P);
    expect(q.decodeStepS(1, 0)).toBeCloseTo(0.1, P);
    expect(q.iterationS(100, 1, 0)).toBeCloseTo(0.2, P);
  });
  it('profile › only decode rows › partial (prefill from the roofline)', () => {
    const q = new LlmStagePerf(modelSpec({ profiles: rows.slice(6) }), deviceSpec(), 1, 1, 1);
    expect(q.source).toBe('profile');
    expect(q.partial).toBe(true);
    expect(q.prefillS(100)).toBeCloseTo(0.004, P); // roofline: max(100 · 4e-5, 2e9 / 5e11)
  });
});

describe('perf › LLM stage from the roofline', () => {
  // Weights 2 GB at 5e11 B/s → W = 0.004 s; 2e9 FLOP/token at 5e13 → F = 4e-5 s; KV 1e5 B/token → K = 2e-7 s.
  const p = new LlmStagePerf(modelSpec(), deviceSpec(), 1, 1, 1);
  it('roofline › source › roofline, not partial', () => {
    expect(p.source).toBe('roofline');
    expect(p.partial).toBe(false);
  });
  it('roofline › prefill › weight-read bound for short prompts, compute bound for long ones', () => {
    expect(p.prefillS(50)).toBeCloseTo(0.004, P);
    expect(p.prefillS(1000)).toBeCloseTo(0.04, P);
  });
  it('roofline › decode step › max(W, b·F) plus the KV read; growth b·K per step', () => {
    expect(p.decodeStepS(1, 1000)).toBeCloseTo(0.004 + 1000 * 2e-7, P);
    expect(p.decodeStepS(200, 0)).toBeCloseTo(200 * 4e-5, P);
    expect(p.decodeGrowthS(3)).toBeCloseTo(3 * 2e-7, P);
    expect(p.allReduceS(100)).toBe(0); // one GPU: no all-reduce
  });
  it('roofline › 2× slowdown, 40% of the layers › every term scales by share × slowdown', () => {
    const q = new LlmStagePerf(modelSpec(), deviceSpec(), 2, 1, 0.4);
    expect(q.decodeStepS(1, 1000)).toBeCloseTo(0.8 * (0.004 + 1000 * 2e-7), P);
    expect(q.prefillS(1000)).toBeCloseTo(0.8 * 0.04, P);
  });
});

describe('perf › tensor parallel', () => {
  // 4 GPUs on NVLink at 8e11 b/s; 10 layers × 2 all-reduces, ring factor 2·3/4 = 1.5, 2000 B/token:
  // per token 20 · 1.5 · 2000 · 8 / 8e11 = 6e-7 s; fixed 20 · 10 µs = 2e-4 s.
  const spec = deviceSpec({ gpus: 4, intraNode: 'nvlink', intraNodeBps: 8e11 });
  const p = new LlmStagePerf(modelSpec(), spec, 1, 4, 1);
  it('tp4 › all-reduce › fixed latency per all-reduce plus bytes over the ring', () => {
    expect(p.allReduceS(0)).toBeCloseTo(2e-4, P);
    expect(p.allReduceS(100)).toBeCloseTo(2e-4 + 100 * 6e-7, P);
  });
  it('tp4 › roofline times › bandwidth and compute of 4 GPUs', () => {
    expect(p.decodeStepS(1, 0)).toBeCloseTo(0.001, P);
    expect(p.iterationS(0, 1, 0)).toBeCloseTo(0.001 + 2e-4 + 6e-7, P);
  });
  it('tp2 on a box without an interconnect figure › only the fixed all-reduce latency', () => {
    const q = new LlmStagePerf(modelSpec(), deviceSpec({ gpus: 2 }), 1, 2, 1);
    expect(q.allReduceS(1000)).toBeCloseTo(20 * 10e-6, P);
  });
});

describe('perf › per-item models', () => {
  const seg = (profiles: { batch: number; itemLatencyS: number }[]) => modelSpec({
    key: 'seg', kind: 'segmentation', weightBytes: 1e9, flopsPerUnit: 1e12, profiles: profiles.map((r) => ({ deviceType: 'testbox', source: 't', ...r })),
  });
  it('item › profile › n × per-item latency interpolated over batch, × slowdown', () => {
    const q = new ItemPerf(seg([{ batch: 1, itemLatencyS: 0.01 }, { batch: 4, itemLatencyS: 0.005 }]), deviceSpec(), 2, 1);
    expect(q.source).toBe('profile');
    expect(q.batchS(1)).toBeCloseTo(0.02, P);
    expect(q.batchS(2)).toBeCloseTo(2 * (0.01 - 0.005 / 3) * 2, P);
    expect(q.batchS(8)).toBeCloseTo(8 * 0.005 * 2, P);
    expect(q.maxBatch).toBe(Infinity);
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
    const light = new ItemPerf(modelSpec({ kind: 'segmentation', weightBytes: 1e9, flopsPerUnit: 1e9, profiles: [] }), deviceSpec(), 1, 1);
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
    // prompt 100, output 3 → context 101.5; max batch 8.
    const d = devicePerf(llmService({ model: modelSpec(), maxBatch: 8 }), deviceSpec());
    expect(d.prefillTokPerS).toBeCloseTo(100 / 0.004, 6);
    expect(d.decodeTokPerS).toBeCloseTo(1 / (0.004 + 101.5 * 2e-7), 6);
    expect(d.decodeTokPerSAtMaxBatch).toBeCloseTo(8 / (0.004 + 8 * 101.5 * 2e-7), 6);
    expect(d).toMatchObject({ maxBatch: 8, fits: true, source: 'roofline', itemLatencyS: 0, itemsPerSAtMaxBatch: 0 });
  });
  it('devicePerf › model larger than the box › fits false', () => {
    expect(devicePerf(llmService({ model: modelSpec({ weightBytes: 17 * GB }) }), deviceSpec()).fits).toBe(false);
    expect(devicePerf(llmService({ model: modelSpec({ weightBytes: 16 * GB }) }), deviceSpec()).fits).toBe(true);
  });
});

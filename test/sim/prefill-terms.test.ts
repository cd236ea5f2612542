/**
 * The three prefill terms of the step cost (docs/fidelity.md "Prefill: three terms"): a step of
 * more tokens than one graph evaluation takes runs as several (`ubatch`), the FP16-accumulate
 * peak for frameworks that accumulate in FP16, and the MoE expert GEMMs' half-performance rows —
 * each checked against the formula it claims, and the declared fields through the loaders.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type DeviceSpec,
  type ModelSpec,
  builtinCatalog,
  formatIssues,
  loadCatalogFile,
  parseScenario,
} from '../../scenarios/index.js';
import { parseCalibrationRows } from '../../sim/index.js';
import { EXPERT_GEMM_HALF_ROWS, StepCost, stageFigures, type Efficiency } from '../../sim/models/llm/step-cost.js';
import { ROOT } from '../cli-paths.js';

const C = builtinCatalog();
const CAL = loadCatalogFile(path.join(ROOT, 'scenarios', 'calibration', 'catalog.yaml'), C);
if (!CAL.ok) throw new Error(formatIssues(CAL.issues));
const K = CAL.value;
const E: Efficiency = { etaBw: 1, etaPrefill: 0.5, etaDecode: 0.2, overheadS: 0.005 };

function cost(model: ModelSpec, spec: DeviceSpec, e: Efficiency = E): StepCost {
  return new StepCost(stageFigures(model, spec, 1, spec.gpus, 1), e);
}

describe('prefill terms › ubatch', () => {
  const dense = K.models['qwen2.5-7b-q8']!;
  const spark = K.devices['dgx-spark']!;

  it('ubatch › a step of 4096 tokens at ubatch 2048 › two evaluations: one more τ and weight read, same compute', () => {
    const one = cost(dense, spark);
    const two = cost({ ...dense, ubatchTokens: 2048 }, spark);
    const pairs = 4096 * 2048;
    const extra = two.stepS(4096, 0, 0, pairs) - one.stepS(4096, 0, 0, pairs);
    expect(extra).toBeCloseTo(one.overheadS + one.weightReadS(2048), 9);
    // At or below the cap nothing changes.
    expect(two.stepS(2048, 0, 0, 2048 * 1024)).toBe(one.stepS(2048, 0, 0, 2048 * 1024));
  });

  it('ubatch › MoE › each evaluation reads only the experts its own tokens reach', () => {
    const moe = K.models['gpt-oss-120b-mxfp4']!;
    const c = cost({ ...moe, ubatchTokens: 16 }, spark);
    const whole = cost(moe, spark);
    // 4 evaluations of 16 tokens read 4 × (dense + experts of 16 tokens), more than one read of 64.
    const reads = 4 * c.weightReadS(16);
    expect(reads).toBeGreaterThan(whole.weightReadS(64));
    expect(c.stepS(64, 0, 0, 0) - whole.stepS(64, 0, 0, 0)).toBeGreaterThan(reads - whole.weightReadS(64));
  });

  it('ubatch › service field › on the served model; a bad value is a located error', () => {
    const file = path.join(ROOT, 'scenarios', 'pi-cluster-tp.yaml');
    const text = fs.readFileSync(file, 'utf8');
    const ok = parseScenario(text.replace('    max_batch: 4', '    max_batch: 4\n    ubatch: 512'), file);
    if (!ok.ok) throw new Error(formatIssues(ok.issues));
    expect(ok.value.services[0]!.model.ubatchTokens).toBe(512);
    const bad = parseScenario(text.replace('    max_batch: 4', '    max_batch: 4\n    ubatch: 0'), file);
    expect(bad.ok).toBe(false);
    if (!bad.ok)
      expect(formatIssues(bad.issues)).toMatch(
        /pi-cluster-tp\.yaml:\d+:\d+: services\[0\]\.ubatch: expected a positive number/,
      );
  });

  it('ubatch › calibrate column › parsed; empty is no cap; 0 is a located error', () => {
    const head = 'device_key,model_key,batch,prompt_tokens,prefill_tok_s,ubatch';
    const r = parseCalibrationRows(
      [head, 'l4,qwen2.5-1.5b-q4,1,512,1000,2048', 'l4,qwen2.5-1.5b-q4,1,512,1000,', ''].join('\n'),
      'T.csv',
      C,
    );
    if (!r.ok) throw new Error(formatIssues(r.issues));
    expect(r.value.map((x) => x.ubatch)).toEqual([2048, null]);
    const bad = parseCalibrationRows([head, 'l4,qwen2.5-1.5b-q4,1,512,1000,0', ''].join('\n'), 'T.csv', C);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(formatIssues(bad.issues)).toMatch(/^T\.csv:2:6: ubatch: expected an integer ≥ 1/);
  });
});

describe('prefill terms › FP16-accumulate peak', () => {
  const m = C.models['llama-3.1-8b-q4']!;
  const rtx = C.devices['rtx-4090']!;

  it('fp16 accumulate › on a device stating it › prefill compute at that peak; decode untouched', () => {
    const plain = cost(m, rtx);
    const acc = cost(m, rtx, { ...E, fp16Accumulate: true });
    expect(rtx.flopsFp16AccPerGpu).toBe(2 * rtx.flopsPerGpu);
    expect(acc.prefillTokenS).toBeCloseTo(plain.prefillTokenS / 2, 15);
    expect(acc.prefillPairS).toBeCloseTo(plain.prefillPairS / 2, 15);
    expect(acc.decodeTokenS).toBe(plain.decodeTokenS);
  });

  it('fp16 accumulate › on a device without the figure › the FP16 peak as before', () => {
    const a100 = K.devices['a100-80gb-sxm']!;
    expect(cost(m, a100, { ...E, fp16Accumulate: true }).prefillTokenS).toBe(cost(m, a100).prefillTokenS);
  });

  it('fp16 accumulate › catalog field › negative is a located error', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'parasim-')), 'fp16acc-catalog.yaml');
    const yaml = [
      'devices:',
      '  - { key: x-gpu, name: X, device_class: gpu-server, gpus: 1, memory_gb_per_gpu: 24, mem_bandwidth_gb_s: 900,',
      '      flops_per_gpu: 70e12, flops_fp16_acc_per_gpu: -1, intra_node: none, busy_w: 300, idle_w: 50 }',
      '',
    ].join('\n');
    fs.writeFileSync(file, yaml);
    try {
      const r = loadCatalogFile(file, C);
      expect(r.ok).toBe(false);
      if (!r.ok)
        expect(formatIssues(r.issues)).toMatch(
          /fp16acc-catalog\.yaml:3:\d+: devices\[0\]\.flops_fp16_acc_per_gpu: expected a positive number/,
        );
    } finally {
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });
});

describe('prefill terms › MoE expert rows', () => {
  const spark = K.devices['dgx-spark']!;

  it('expert rows › a large step touching every expert › E · m½ rows of expert FLOPs more than the GEMM FLOPs', () => {
    const moe = K.models['gpt-oss-20b-mxfp4']!;
    const c = cost(moe, spark);
    const f = stageFigures(moe, spark, 1, 1, 1);
    const t = 100_000; // every expert touched: (1 − 4/32)^t = 0
    const base = c.overheadS + c.weightReadS(t) + t * c.prefillTokenS;
    const rows = (c.prefillTokenS * f.expertFlopsFraction * EXPERT_GEMM_HALF_ROWS) / f.expertFraction;
    expect(c.stepS(t, 0, 0, 0)).toBeCloseTo(base + rows, 9);
    // The experts' share of the FLOPs: expert parameters × k/E over the active parameters.
    expect(f.expertFlopsFraction).toBeGreaterThan(0.5);
    expect(f.expertFlopsFraction).toBeLessThan(1);
  });

  it('expert rows › per token the penalty falls as the step grows (m rows per expert rise)', () => {
    const c = cost(K.models['gpt-oss-120b-mxfp4']!, spark);
    const perToken = (t: number): number => c.stepS(t, 0, 0, 0) / t;
    expect(perToken(512)).toBeGreaterThan(perToken(2048));
    expect(perToken(2048)).toBeGreaterThan(perToken(8192));
  });

  it('expert rows › dense model › no term', () => {
    const dense = K.models['qwen2.5-7b-q8']!;
    const f = stageFigures(dense, spark, 1, 1, 1);
    expect(f.expertFlopsFraction).toBe(0);
    const c = cost(dense, spark);
    expect(c.stepS(4096, 0, 0, 0)).toBeCloseTo(c.overheadS + c.weightReadS(4096) + 4096 * c.prefillTokenS, 12);
  });
});

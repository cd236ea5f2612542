/**
 * The serving framework as a declared field: the calibrate column and the scenario service field
 * (located errors on a bad value), the defaults they select, and the decode step's roofline max.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinCatalog, formatIssues, parseScenario } from '../../scenarios/index.js';
import { LlmStagePerf, calibrate, parseCalibrationRows } from '../../sim/index.js';
import { FRAMEWORK_EFFICIENCY } from '../../sim/models/llm/calibrate.js';
import { StepCost, stageFigures } from '../../sim/models/llm/step-cost.js';
import { ROOT } from '../cli-paths.js';

const C = builtinCatalog();
const HEAD = 'device_key,model_key,batch,prompt_tokens,output_tokens,prefill_tok_s,decode_tok_s,framework';

describe('framework › calibrate column', () => {
  it('framework › unknown value › located error naming the column, with the valid values; nothing compared', () => {
    const r = parseCalibrationRows([HEAD, 'l4,qwen2.5-1.5b-q4,1,512,128,1000,50,vlm', ''].join('\n'), 'T.csv', C);
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(formatIssues(r.issues)).toMatch(/^T\.csv:2:8: framework: unknown framework "vlm"; did you mean "vllm"\?/);
  });

  it('framework › empty or absent › generic; a declared framework is kept', () => {
    const r = parseCalibrationRows(
      [HEAD, 'l4,qwen2.5-1.5b-q4,1,512,128,1000,,', 'l4,qwen2.5-1.5b-q4,1,512,128,1000,,tensorrt-llm', ''].join('\n'),
      'T.csv',
      C,
    );
    if (!r.ok) throw new Error(formatIssues(r.issues));
    expect(r.value.map((x) => x.framework)).toEqual(['generic', 'tensorrt-llm']);
  });

  it("framework › same row, two frameworks › the simulated prefill follows the framework's fitted ηp", () => {
    const rows = parseCalibrationRows(
      [HEAD, 'l4,qwen2.5-1.5b-q4,1,2048,4,1000,,llama.cpp', 'l4,qwen2.5-1.5b-q4,1,2048,4,1000,,tensorrt-llm', ''].join(
        '\n',
      ),
      'T.csv',
      C,
    );
    if (!rows.ok) throw new Error(formatIssues(rows.issues));
    const [llama, trt] = calibrate(rows.value, C, 'T.csv').rows;
    expect(FRAMEWORK_EFFICIENCY['tensorrt-llm'].etaPrefill).toBeGreaterThan(
      FRAMEWORK_EFFICIENCY['llama.cpp'].etaPrefill,
    );
    expect(trt!.simulated).toBeGreaterThan(llama!.simulated * 1.2);
  });
});

describe('framework › scenario service field', () => {
  const file = path.join(ROOT, 'scenarios', 'pi-cluster-tp.yaml');
  const text = fs.readFileSync(file, 'utf8');

  it('framework › valid value › resolved on the service', () => {
    const r = parseScenario(text.replace('    max_batch: 4', '    max_batch: 4\n    framework: vllm'), file);
    if (!r.ok) throw new Error(formatIssues(r.issues));
    expect(r.value.services[0]!.framework).toBe('vllm');
  });

  it('framework › unknown value › located error on the service key', () => {
    const r = parseScenario(text.replace('    max_batch: 4', '    max_batch: 4\n    framework: ollama'), file);
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(formatIssues(r.issues)).toMatch(
        /pi-cluster-tp\.yaml:25:16: services\[0\]\.framework: .*"ollama"; valid: generic, llama\.cpp, vllm, tensorrt-llm, mlc/,
      );
  });

  it("framework › engine stage › the stage cost uses the service framework's defaults", () => {
    const model = C.models['qwen2.5-1.5b-q4']!;
    const spec = C.devices['l4']!;
    const vllm = new LlmStagePerf(model, spec, 1, 1, 1, undefined, 'vllm');
    const generic = new LlmStagePerf(model, spec, 1, 1, 1);
    expect(vllm.prefillS(2048)).toBeLessThan(generic.prefillS(2048));
  });
});

describe('step cost › decode overlaps memory and compute', () => {
  it('decode step › the larger of memory time and decode compute, never their sum', () => {
    const model = C.models['llama-2-7b-q4']!;
    const e = FRAMEWORK_EFFICIENCY.generic;
    for (const key of ['rtx-4090', 'raspberry-pi-5-8gb']) {
      const c = new StepCost(stageFigures(model, C.devices[key]!, 1, 1, 1), e);
      for (const [b, kv] of [
        [1, 600],
        [32, 32 * 600],
      ] as const) {
        const mem = c.weightReadS(b) + kv * c.kvS;
        const comp = kv * c.decodePairS + b * c.decodeTokenS;
        expect(c.stepS(0, b, kv, 0)).toBeCloseTo(c.overheadS + Math.max(mem, comp), 12);
        // The growth the engine extrapolates a decode run with is the next step's difference.
        expect(c.decodeGrowthS(b, kv)).toBeCloseTo(c.stepS(0, b, kv + b, 0) - c.stepS(0, b, kv, 0), 12);
      }
    }
  });
});

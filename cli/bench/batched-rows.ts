/**
 * The shared batched LLM rows (../shared/profiles: llm.csv rows with batch > 1,
 * batched/llm-batched.csv, batched/llm-prefill.csv) in the engine's terms, so the step-cost model
 * can be checked — and its default efficiencies fitted — against every one of them.
 *
 * Each row becomes (device figures, model figures, measure): devices by a regex over the CSV's
 * device column (memory bandwidth from ../shared/profiles/devices.csv where the device is there,
 * peak dense FP16 FLOP/s from vendor specs — cited per entry), models by the CSV's params_b and
 * quant (bits per weight per format), shapes (layers, hidden, KV heads × head dim) from the
 * published model configs where the name is known. What each number means is read from the
 * notes and framework columns (SOURCE.md): closed-loop output throughput (vLLM bench, TRT-LLM
 * offline), pure decode rate (llama-bench tg, llama-batched-bench S_TG, TRT Edge-LLM generation),
 * or prefill rate. Rows that cannot be mapped are returned with the reason, never dropped silently.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { DeviceSpec, ModelSpec, ProfileRow } from '../../scenarios/index.js';
import type { RowMeasure } from '../../sim/models/llm/calibrate.js';

const GB = 1e9;

interface DeviceFigures { readonly key: string; readonly bwGBs: number; readonly tflops: number; readonly source: string }

/** Device column patterns → figures. First match wins. */
const DEVICES: readonly (readonly [RegExp, DeviceFigures])[] = [
  // Blackwell FP4-sparse → FP16-dense: ÷16, the ratio of the RTX 5090's vendor figures (3352 / 209.5).
  [/DGX Spark|GB10/i, { key: 'dgx-spark', bwGBs: 273, tflops: 62.5, source: 'GB10: 273 GB/s LPDDR5x (vendor); 1 PFLOP FP4 sparse → ≈62.5 TFLOPS FP16 dense (DERIVED ÷16)' }],
  [/AGX Thor/i, { key: 'jetson-agx-thor', bwGBs: 273, tflops: 129, source: 'devices.csv "Jetson AGX Thor (T5000) 128GB" 273 GB/s; 2070 FP4 sparse TFLOPS → ≈129 FP16 dense (DERIVED ÷16)' }],
  [/AGX Orin/i, { key: 'jetson-agx-orin-64gb', bwGBs: 204.8, tflops: 42.5, source: 'catalog jetson-agx-orin-64gb' }],
  [/Orin Nano.*Super|Super.*Orin Nano|Orin Nano 8GB devkit, JetPack 6\.2/i, { key: 'jetson-orin-nano-super-8gb', bwGBs: 102, tflops: 16.75, source: 'catalog jetson-orin-nano-super-8gb' }],
  [/RTX 4090/i, { key: 'rtx-4090', bwGBs: 1008, tflops: 165, source: 'catalog rtx-4090' }],
  [/V100/i, { key: 'v100', bwGBs: 900, tflops: 125, source: 'devices.csv "NVIDIA V100 SXM2 32GB" 900 GB/s; 125 TFLOPS FP16 tensor (vendor)' }],
  [/Ryzen 5 3400G/i, { key: 'ryzen-5-3400g', bwGBs: 46.9, tflops: 0.47, source: 'DDR4-2933 dual channel 46.9 GB/s; 4 cores × 3.7 GHz × 2 FMA × 8 FP32 × 2 ≈ 0.47 TFLOPS (ESTIMATE)' }],
  [/H100 SXM.*x2/i, { key: 'h100-sxm-x2-tp2', bwGBs: 3350, tflops: 989, source: 'devices.csv "NVIDIA H100 SXM5 80GB" 3350 GB/s; 989 TFLOPS FP16 dense (vendor); per-GPU figure of a TP2 row' }],
  [/H100 SXM/i, { key: 'h100-sxm', bwGBs: 3350, tflops: 989, source: 'devices.csv "NVIDIA H100 SXM5 80GB"; 989 TFLOPS FP16 dense (vendor)' }],
  [/A100.*x4/i, { key: 'a100-x4-tp4', bwGBs: 2039, tflops: 312, source: 'catalog a100-80gb-sxm-x4 per GPU; per-GPU figure of a TP4 row' }],
  [/A100/i, { key: 'a100', bwGBs: 2039, tflops: 312, source: 'catalog a100-80gb-sxm (variant not stated in the row)' }],
  [/L40S/i, { key: 'l40s', bwGBs: 864, tflops: 362, source: 'devices.csv "NVIDIA L40S" 864 GB/s; 362 TFLOPS FP16 dense (vendor)' }],
  [/Raspberry Pi 5/i, { key: 'raspberry-pi-5-8gb', bwGBs: 17.1, tflops: 0.1, source: 'catalog raspberry-pi-5-8gb' }],
  [/M3 Ultra/i, { key: 'mac-m3-ultra', bwGBs: 819, tflops: 56, source: 'Apple M3 Ultra 819 GB/s; ≈56 TFLOPS FP16 GPU (ESTIMATE: 80 cores × 128 ALU × 2 × 1.4 GHz × 2)' }],
  [/M1 Ultra/i, { key: 'mac-m1-ultra', bwGBs: 800, tflops: 42, source: 'Apple M1 Ultra 800 GB/s; ≈42 TFLOPS FP16 GPU (ESTIMATE: 64 cores × 128 × 2 × 1.3 GHz × 2)' }],
];

/** Bits per weight by quant format (file size / parameters; llama.cpp and vendor docs). */
function bitsPerWeight(quant: string): number | null {
  const q = quant.toUpperCase();
  const bpw = /([0-9.]+)BPW/.exec(q);
  if (bpw !== null) return Number(bpw[1]);
  if (/Q4_K_M/.test(q)) return 4.85;
  if (/Q4_0|Q4F16|NVFP4/.test(q)) return 4.5;
  if (/MXFP4/.test(q)) return 4.25;
  if (/Q6_K/.test(q)) return 6.56;
  if (/Q8_0/.test(q)) return 8.5;
  if (/W4A16|INT4|AWQ|GPTQ/.test(q)) return 4.25;
  if (/FP8|INT8/.test(q)) return 8;
  if (/F16|FP16|BF16/.test(q)) return 16;
  return null;
}

/** Published configs: layers, hidden, KV heads × head dim; active parameters (B) for MoE. */
interface Shape {
  readonly layers: number; readonly hidden: number; readonly kvDim: number;
  /** MoE: active parameters (B), experts per layer and experts per token (model cards). */
  readonly activeB?: number; readonly experts?: number; readonly topK?: number;
}
const SHAPES: readonly (readonly [RegExp, Shape])[] = [
  [/gpt-oss-120b/i, { layers: 36, hidden: 2880, kvDim: 8 * 64, activeB: 5.1, experts: 128, topK: 4 }],
  [/gpt-oss-20b/i, { layers: 24, hidden: 2880, kvDim: 8 * 64, activeB: 3.6, experts: 32, topK: 4 }],
  [/30B-A3B/i, { layers: 48, hidden: 2048, kvDim: 4 * 128, activeB: 3.3, experts: 128, topK: 8 }],
  [/Qwen2\.5-Coder-7B/i, { layers: 28, hidden: 3584, kvDim: 4 * 128 }],
  [/Gemma-3-4B/i, { layers: 34, hidden: 2560, kvDim: 4 * 256 }],
  [/Gemma-3-1B/i, { layers: 26, hidden: 1152, kvDim: 1 * 256 }],
  [/Llama-3\.2-1B/i, { layers: 16, hidden: 2048, kvDim: 8 * 64 }],
  [/Llama-3\.2-3B/i, { layers: 28, hidden: 3072, kvDim: 8 * 128 }],
  [/Llama-3\.1-8B|Qwen3-8B/i, { layers: 32, hidden: 4096, kvDim: 8 * 128 }],
  [/70B/i, { layers: 80, hidden: 8192, kvDim: 8 * 128 }],
  [/Qwen3-32B/i, { layers: 64, hidden: 5120, kvDim: 8 * 128 }],
  [/Qwen3-0\.6B/i, { layers: 28, hidden: 1024, kvDim: 8 * 128 }],
  [/Qwen3-1\.7B|Cosmos-Reason2-2B/i, { layers: 28, hidden: 2048, kvDim: 8 * 128 }],
  [/Qwen3-4B|Nemotron-3-Nano-4B/i, { layers: 36, hidden: 2560, kvDim: 8 * 128 }],
  [/LLaMA 7B|Llama-2-7b|OpenLLaMA 7B/i, { layers: 32, hidden: 4096, kvDim: 32 * 128 }],
  [/InternVL3-1B/i, { layers: 24, hidden: 896, kvDim: 2 * 64 }],
  [/Qwen3\.5-0\.8B/i, { layers: 24, hidden: 1024, kvDim: 2 * 256 }],
  [/TinyLlama/i, { layers: 22, hidden: 2048, kvDim: 4 * 64 }],
];

export interface SharedRow {
  /** `file:line` of the CSV row. */
  readonly where: string;
  readonly device: string;
  readonly model: string;
  readonly measure: RowMeasure;
  readonly published: number;
  readonly row: ProfileRow;
  readonly depth: number;
  readonly spec: DeviceSpec;
  readonly modelSpec: ModelSpec;
}

/**
 * Tensor-core rate of the data type the row computes in, relative to FP16: FP8 (W8A8) runs at
 * twice the FP16 rate on Ada/Hopper/Blackwell (vendor datasheets); weight-only formats (W4A16,
 * GGUF) compute in FP16. NVFP4 rows are left at the FP16 rate: crediting Blackwell's 4× FP4 rate
 * made the Thor NVFP4 prefill rows 3× too fast (tried: their median error went from +67% to +194%).
 */
function computeFactor(quant: string): number {
  if (/FP8/i.test(quant) && !/KV/i.test(quant)) return 2;
  return 1;
}

function deviceSpec(f: DeviceFigures, factor: number): DeviceSpec {
  return {
    key: f.key, name: f.key, source: f.source, deviceClass: 'gpu-server', gpus: 1, memoryBytesPerGpu: 1e12,
    flopsPerGpu: f.tflops * 1e12 * factor, memBandwidthBytesPerS: f.bwGBs * GB, intraNode: 'none', intraNodeBps: 0,
    storageBytesPerS: GB, idleW: null, busyW: null,
  };
}

function modelSpec(name: string, paramsB: number, bits: number, s: Shape): ModelSpec {
  const active = s.activeB ?? paramsB;
  const bytes = bits / 8;
  // MoE: total = dense + experts, active = dense + experts · k/E → experts = (total − active)/(1 − k/E).
  const moe = s.experts !== undefined && s.topK !== undefined
    ? { experts: s.experts, activeExperts: s.topK, expertBytes: ((paramsB - active) / (1 - s.topK / s.experts)) * 1e9 * bytes }
    : undefined;
  return {
    key: name, name, source: 'shared row', kind: 'llm', paramsB, layers: s.layers, hidden: s.hidden, bytesPerWeight: bytes,
    ...(moe !== undefined ? { moe } : {}),
    weightBytes: paramsB * 1e9 * bytes, kvBytesPerToken: 2 * s.layers * s.kvDim * 2, activationBytesPerToken: s.hidden * 2,
    flopsPerUnit: 2 * active * 1e9, inputBytes: 0, outputBytes: 0, profiles: [],
  };
}

/** What the row's throughput means (compare like with like), and its output length. */
function decodeMeaning(fw: string, notes: string): { closed: boolean; out: number | undefined } {
  if (/Output token throughput|output tok\/s at concurrency/i.test(notes)) return { closed: true, out: 128 };
  if (/peak offline throughput|output tok\/s PER GPU/i.test(notes)) return { closed: true, out: 128 };
  if (/tps × e2e|tps x e2e|e2e/i.test(notes) && /embedl|Space/i.test(`${fw} ${notes}`)) return { closed: true, out: 256 };
  const tg = /TG[= ]?(\d+)|tg(\d+)/.exec(notes);
  return { closed: false, out: tg !== null ? Number(tg[1] ?? tg[2]) : undefined };
}

export interface LoadedRows { readonly rows: SharedRow[]; readonly skipped: { where: string; why: string }[] }

/** Reads the three CSVs under `profilesDir` (../shared/profiles). */
export function loadSharedRows(profilesDir: string): LoadedRows {
  const rows: SharedRow[] = [];
  const skipped: { where: string; why: string }[] = [];
  const files = [['llm.csv', true], ['batched/llm-batched.csv', false], ['batched/llm-prefill.csv', false]] as const;
  for (const [file, onlyBatched] of files) {
    const recs = parse(readFileSync(join(profilesDir, file), 'utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
    recs.forEach((r, i) => {
      const where = `${file}:${i + 2}`;
      const batch = Number(r['batch']);
      if (!Number.isInteger(batch) || batch < 1) { skipped.push({ where, why: `batch "${r['batch']}" is not a number` }); return; }
      if (onlyBatched && batch <= 1) return;
      const dev = DEVICES.find(([re]) => re.test(r['device'] ?? ''));
      if (dev === undefined) { skipped.push({ where, why: `device "${r['device']}" not mapped` }); return; }
      const bits = bitsPerWeight(r['quant'] ?? '');
      if (bits === null) { skipped.push({ where, why: `quant "${r['quant']}"` }); return; }
      const shape = SHAPES.find(([re]) => re.test(r['model'] ?? ''));
      if (shape === undefined) { skipped.push({ where, why: `model "${r['model']}" shape unknown` }); return; }
      const notes = r['notes'] ?? '';
      const fw = r['framework'] ?? '';
      let prompt = r['prompt_tokens'] !== '' ? Number(r['prompt_tokens']) : undefined;
      // TensorRT Edge-LLM batch rows give the prompt tokens of the whole batch (SOURCE.md §8).
      if (prompt !== undefined && batch > 1 && /Edge-LLM/i.test(fw)) prompt = Math.round(prompt / batch);
      const depthM = /@ d(\d+)/.exec(notes);
      const depth = depthM !== null ? Number(depthM[1]) : 0;
      const meaning = decodeMeaning(fw, notes);
      const spec = deviceSpec(dev[1], computeFactor(r['quant'] ?? ''));
      const modelName = `${r['model']} ${r['quant']}`;
      const m = modelSpec(modelName, Number(r['params_b']), bits, shape[1]);
      const base = { deviceType: spec.key, batch, ...(prompt !== undefined ? { promptTokens: prompt } : {}), source: where };
      if (r['prefill_tok_s'] !== '' && Number(r['prefill_tok_s']) > 0) {
        rows.push({ where, device: dev[1].key, model: modelName, measure: 'prefill', published: Number(r['prefill_tok_s']),
          row: { ...base, prefillTokPerS: Number(r['prefill_tok_s']) }, depth, spec, modelSpec: m });
      }
      if (r['decode_tok_s'] !== '' && Number(r['decode_tok_s']) > 0) {
        const row: ProfileRow = {
          ...base, decodeTokPerS: Number(r['decode_tok_s']), ...(meaning.closed ? { closedLoop: true } : {}),
          ...(meaning.out !== undefined ? { outputTokens: meaning.out } : {}),
        };
        rows.push({ where, device: dev[1].key, model: modelName, measure: meaning.closed ? 'closed-loop' : 'decode',
          published: Number(r['decode_tok_s']), row, depth, spec, modelSpec: m });
      }
    });
  }
  return { rows, skipped };
}

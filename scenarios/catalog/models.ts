/**
 * Model catalog. Shapes (layers, hidden, KV heads) are the published model configs; weight bytes
 * follow from params × bytesPerWeight. `profiles` are rows of ../shared/profiles/llm.csv and
 * segmentation.csv mapped onto catalog device keys (the simulator scales a row by the device's
 * accelerator count, so single-GPU rows sit on multi-GPU boxes as TP1 figures).
 * KV bytes per token = 2 (K and V) × layers × kv_heads × head_dim × 2 bytes (fp16 cache).
 */
import type { ModelSpec, ProfileRow } from '../types.js';

const LLM_CSV = '../shared/profiles/llm.csv';
const SEG_CSV = '../shared/profiles/segmentation.csv';

interface LlmShape {
  key: string; name: string; paramsB: number; layers: number; hidden: number; kvHeads: number; headDim: number;
  bytesPerWeight: number; note: string; profiles: readonly ProfileRow[];
}

function llm(s: LlmShape): ModelSpec {
  return {
    key: s.key, name: s.name, kind: 'llm', paramsB: s.paramsB, layers: s.layers, hidden: s.hidden,
    bytesPerWeight: s.bytesPerWeight, weightBytes: Math.round(s.paramsB * 1e9 * s.bytesPerWeight),
    kvBytesPerToken: 2 * s.layers * s.kvHeads * s.headDim * 2, activationBytesPerToken: s.hidden * 2,
    flopsPerUnit: 2 * s.paramsB * 1e9, inputBytes: 0, outputBytes: 0, profiles: s.profiles,
    source: `model config (${s.layers} layers, hidden ${s.hidden}, ${s.kvHeads} KV heads × ${s.headDim}); ${s.note}`,
  };
}

/** A row of llm.csv: device key, batch, prompt tokens, prefill and decode tok/s, and the CSV row it is. */
function row(deviceType: string, batch: number, prompt: number | undefined, prefill: number | undefined,
  decode: number | undefined, csvRow: string): ProfileRow {
  return {
    deviceType, batch,
    ...(prompt !== undefined ? { promptTokens: prompt } : {}),
    ...(prefill !== undefined ? { prefillTokPerS: prefill } : {}),
    ...(decode !== undefined ? { decodeTokPerS: decode } : {}),
    source: `${LLM_CSV}: ${csvRow}`,
  };
}

function seg(deviceType: string, batch: number, latencyMs: number, csvRow: string): ProfileRow {
  return { deviceType, batch, itemLatencyS: latencyMs / 1000, source: `${SEG_CSV}: ${csvRow}` };
}

const Q4_0 = 0.5625; // 4.5 bits/weight (4-bit + fp16 scale per 32)
const Q4_K_M = 0.6; // ≈ 4.8 bits/weight; Llama-3-8B Q4_K_M file ≈ 4.9 GB (DERIVED)
const XD = 'XiongjieDai/GPU-Benchmarks-on-LLM-Inference';

/**
 * A row measured on the testbed host: the mean over the six cells of the validation run in
 * docs/validation.md ("Measured (llama testbed)"), each cell's row being the mean of two llama
 * agents (1 thread, 4 sequences) profiled at once, before and after the cell.
 */
function measured(deviceType: string, batch: number, prompt: number | undefined, prefill: number | undefined, decode: number | undefined): ProfileRow {
  return {
    deviceType, batch,
    ...(prompt !== undefined ? { promptTokens: prompt } : {}),
    ...(prefill !== undefined ? { prefillTokPerS: prefill } : {}),
    ...(decode !== undefined ? { decodeTokPerS: decode } : {}),
    source: 'measured: parasim validate --profile-around on the 2-core testbed VM, 2026-12-01, mean of 6 cells (docs/validation.md)',
  };
}

/** llama-20m on one core of the testbed host (x86-vm-core); `parasim validate` re-measures it. */
const LLAMA_20M_ROWS: readonly ProfileRow[] = [
  measured('x86-vm-core', 1, 16, 1115.9, undefined),
  measured('x86-vm-core', 1, 64, 842.5, undefined),
  measured('x86-vm-core', 1, 256, 1084.4, undefined),
  measured('x86-vm-core', 1, 64, undefined, 349.7),
  measured('x86-vm-core', 2, 64, undefined, 196.1),
  measured('x86-vm-core', 4, 64, undefined, 165.9),
  measured('x86-vm-core', 1, 256, undefined, 233.0),
  measured('x86-vm-core', 2, 256, undefined, 159.9),
  measured('x86-vm-core', 4, 256, undefined, 89.6),
];

const LLMS: readonly ModelSpec[] = [
  llm({
    key: 'llama-2-7b-q4', name: 'Llama-2-7B 4-bit (q4_0)', paramsB: 6.74, layers: 32, hidden: 4096, kvHeads: 32, headDim: 128,
    bytesPerWeight: Q4_0, note: 'q4_0 4.5 bits/weight', profiles: [
      row('rtx-3090', 1, undefined, 2601.81, 120.6, `"NVIDIA RTX 3090 24GB, Llama-2-7B, q4_0" (${XD} @4710e3d)`),
      row('rtx-4090', 1, undefined, 5531.19, 149.37, `"NVIDIA RTX 4090 24GB, Llama-2-7B, q4_0" (${XD} @4710e3d)`),
      row('a100-80gb-sxm-x4', 1, undefined, 3443.98, 136.24, `"NVIDIA A100 80GB, Llama-2-7B, q4_0" (${XD}; variant not stated, TP1)`),
      row('a100-80gb-sxm-x8', 1, undefined, 3443.98, 136.24, `"NVIDIA A100 80GB, Llama-2-7B, q4_0" (${XD}; variant not stated, TP1)`),
      row('jetson-agx-orin-64gb', 1, undefined, undefined, 22.5, '"Jetson AGX Orin (IGX Orin iGPU), Llama-2-7B, 4-bit" (holohub#170, llama.cpp)'),
      row('jetson-orin-nano-8gb', 1, undefined, undefined, 16, '"Jetson Orin Nano 8GB (original), Llama-2-7B, INT4 MLC" (jetson-containers#406)'),
      row('raspberry-pi-5-8gb', 1, undefined, undefined, 2.27, '"Raspberry Pi 5 8GB (1 device), Llama-2-7B, Q40" (distributed-llama, DERIVED)'),
      row('raspberry-pi-5-8gb', 1, 109, 8.1, undefined, '"Raspberry Pi 5 8GB, Llama-2-7B, Q4_0" (llama.cpp PR #6928, prompt eval)'),
      row('raspberry-pi-4-8gb', 1, undefined, undefined, 0.76, '"Raspberry Pi 4B 8GB (1 device), Llama-2-7B, Q40" (distributed-llama, DERIVED)'),
    ],
  }),
  llm({
    key: 'llama-3.1-8b-q4', name: 'Llama-3.1-8B 4-bit (W4A16 / Q4_K_M)', paramsB: 8.03, layers: 32, hidden: 4096, kvHeads: 8, headDim: 128,
    bytesPerWeight: Q4_K_M, note: 'GQA 8 KV heads; ≈ 4.8 bits/weight incl. unquantized embeddings (DERIVED)', profiles: [
      row('jetson-agx-orin-64gb', 1, 2048, undefined, 28.14, '"Jetson AGX Orin 64GB, Llama-3.1-8B-Instruct, W4A16, batch 1" (jetson-generative-ai-playground benchmarks.json @658afbb, vLLM)'),
      row('jetson-agx-orin-64gb', 8, 2048, undefined, 112.33, '"Jetson AGX Orin 64GB, Llama-3.1-8B-Instruct, W4A16, batch 8" (benchmarks.json @658afbb, vLLM, aggregate)'),
      row('jetson-orin-nano-8gb', 1, undefined, undefined, 14.0, '"Jetson Orin Nano 8GB (original clocks), Llama-3.1-8B, INT4 MLC" (Jetson AI Lab benchmarks.html)'),
      row('jetson-orin-nano-super-8gb', 1, undefined, undefined, 19.14, '"Jetson Orin Nano Super 8GB, Llama-3.1-8B, INT4 MLC" (Jetson AI Lab benchmarks.html)'),
      row('rtx-3090', 1, 1024, 3865.39, 111.74, `"NVIDIA RTX 3090 24GB, Meta-Llama-3-8B, Q4_K_M" (${XD} @aa72e0e; Llama 3 8B as proxy for 3.1)`),
      row('rtx-4090', 1, 1024, 6898.71, 127.74, `"NVIDIA RTX 4090 24GB, Meta-Llama-3-8B, Q4_K_M" (${XD} @aa72e0e; Llama 3 8B as proxy)`),
      row('a100-80gb-sxm-x4', 1, 1024, 5863.92, 133.38, `"NVIDIA A100 SXM 80GB, Meta-Llama-3-8B, Q4_K_M" (${XD} @aa72e0e; TP1)`),
      row('a100-80gb-sxm-x8', 1, 1024, 5863.92, 133.38, `"NVIDIA A100 SXM 80GB, Meta-Llama-3-8B, Q4_K_M" (${XD} @aa72e0e; TP1)`),
      row('raspberry-pi-5-8gb', 1, undefined, undefined, 1.77, '"Raspberry Pi 5 8GB (1 device), Llama-3-8B, Q40" (distributed-llama, DERIVED)'),
    ],
  }),
  llm({
    key: 'llama-2-7b-fp16', name: 'Llama-2-7B FP16', paramsB: 6.74, layers: 32, hidden: 4096, kvHeads: 32, headDim: 128,
    bytesPerWeight: 2, note: 'fp16 weights', profiles: [
      row('a100-80gb-sxm-x4', 1, undefined, 5105.77, 73.83, `"NVIDIA A100 80GB, Llama-2-7B, f16" (${XD} @4710e3d; TP1)`),
      row('a100-80gb-sxm-x4', 1, 2048, 15398.5, undefined, '"NVIDIA A100 (variant not stated), LLaMA 7B, FP16, 2048" (TensorRT-LLM performance.md, DERIVED from TTFT)'),
      row('a100-80gb-sxm-x4', 52, 2048, undefined, 591, '"NVIDIA A100 (variant not stated), LLaMA 7B, FP16, batch 52" (TensorRT-LLM performance.md, per GPU)'),
      row('a100-80gb-sxm-x8', 1, undefined, 5105.77, 73.83, `"NVIDIA A100 80GB, Llama-2-7B, f16" (${XD} @4710e3d; TP1)`),
      row('rtx-4090', 1, undefined, undefined, 61.84, '"NVIDIA RTX 4090, Llama-2-7B-chat, FP16" (llm-awq TinyChat README, DERIVED from ms/token)'),
      row('jetson-agx-orin-64gb', 1, undefined, undefined, 11.52, '"Jetson Orin (variant not stated), Llama-2-7B-chat, FP16" (llm-awq TinyChat README, DERIVED)'),
    ],
  }),
  llm({
    key: 'llama-2-13b-q4', name: 'Llama-2-13B 4-bit (q4_0)', paramsB: 13.0, layers: 40, hidden: 5120, kvHeads: 40, headDim: 128,
    bytesPerWeight: Q4_0, note: 'q4_0 4.5 bits/weight', profiles: [
      row('rtx-3090', 1, undefined, 1652.96, 74.79, `"NVIDIA RTX 3090 24GB, Llama-2-13B, q4_0" (${XD} @4710e3d)`),
      row('rtx-4090', 1, undefined, 3160.84, 88.56, `"NVIDIA RTX 4090 24GB, Llama-2-13B, q4_0" (${XD} @4710e3d)`),
      row('a100-80gb-sxm-x4', 1, undefined, 2337.92, 92.12, `"NVIDIA A100 80GB, Llama-2-13B, q4_0" (${XD} @4710e3d; TP1)`),
      row('a100-80gb-sxm-x8', 1, undefined, 2337.92, 92.12, `"NVIDIA A100 80GB, Llama-2-13B, q4_0" (${XD} @4710e3d; TP1)`),
      row('jetson-agx-orin-64gb', 1, undefined, undefined, 13.3, '"Jetson AGX Orin (IGX Orin iGPU), Llama-2-13B, 4-bit" (holohub#170, llama.cpp)'),
    ],
  }),
  llm({
    key: 'llama-2-70b-q4', name: 'Llama-2-70B 4-bit (q4_0)', paramsB: 69.0, layers: 80, hidden: 8192, kvHeads: 8, headDim: 128,
    bytesPerWeight: Q4_0, note: 'GQA 8 KV heads; q4_0 4.5 bits/weight', profiles: [
      row('a100-80gb-sxm-x4', 1, undefined, 612.41, 25.68, `"NVIDIA A100 80GB, Llama-2-70B, q4_0" (${XD} @4710e3d; TP1)`),
      row('a100-80gb-sxm-x8', 1, undefined, 612.41, 25.68, `"NVIDIA A100 80GB, Llama-2-70B, q4_0" (${XD} @4710e3d; TP1)`),
      row('jetson-agx-orin-64gb', 1, undefined, undefined, 3.0, '"Jetson AGX Orin (IGX Orin iGPU), Llama-2-70B, 4-bit" (holohub#170, llama.cpp)'),
    ],
  }),
  llm({
    key: 'tinyllama-1.1b-q4', name: 'TinyLlama-1.1B 4-bit', paramsB: 1.1, layers: 22, hidden: 2048, kvHeads: 4, headDim: 64,
    bytesPerWeight: Q4_0, note: 'GQA 4 KV heads; q4 4.5 bits/weight', profiles: [
      row('jetson-orin-nano-8gb', 1, undefined, undefined, 68, '"Jetson Orin Nano 8GB (original), TinyLlama-1.1B-Chat, q4f16_ft" (NanoLLM#38, SECONDARY)'),
      row('raspberry-pi-5-8gb', 1, undefined, 45, 9, '"Raspberry Pi 5, TinyLlama-1.1B, Q8_0, llamafile 0.7" (justine.lol/matmul; Q8_0, so conservative for q4)'),
      row('raspberry-pi-4-8gb', 1, undefined, 10, 3, '"Raspberry Pi 4, TinyLlama-1.1B, Q8_0" (justine.lol/matmul; Q8_0, conservative for q4)'),
    ],
  }),
  llm({
    key: 'qwen2.5-1.5b-q4', name: 'Qwen2.5-1.5B 4-bit (Q4_K_M)', paramsB: 1.54, layers: 28, hidden: 1536, kvHeads: 2, headDim: 128,
    bytesPerWeight: Q4_K_M, note: 'GQA 2 KV heads; Q4_K_M ≈ 4.8 bits/weight', profiles: [
      row('jetson-orin-nano-super-8gb', 1, undefined, undefined, 32.1, '"Jetson Orin Nano Super 8GB, Qwen2.5-Coder-1.5B-Instruct, Q4_K_M" (realizar#120, llama.cpp)'),
    ],
  }),
  // ParaSim's own random-weight llama models (runtime/backends/llama/llama-models.ts writes them as
  // GGUF: byte-level vocabulary of 260 tokens, q8_0 matrices = 34 bytes per 32 weights, f32 norms,
  // head dim 64). Parameter counts are that file's `paramCount`. Profile rows: measured on the
  // testbed host (x86-vm-core), see docs/validation.md.
  llm({
    key: 'llama-20m', name: 'ParaSim llama-20m (random weights, q8_0)', paramsB: 0.019540480, layers: 6, hidden: 512, kvHeads: 8, headDim: 64,
    bytesPerWeight: 34 / 32, note: 'random weights (speed only); shape of runtime/backends/llama/llama-models.ts', profiles: LLAMA_20M_ROWS,
  }),
  llm({
    key: 'llama-100m', name: 'ParaSim llama-100m (random weights, q8_0)', paramsB: 0.099512064, layers: 14, hidden: 768, kvHeads: 12, headDim: 64,
    bytesPerWeight: 34 / 32, note: 'random weights (speed only); shape of runtime/backends/llama/llama-models.ts', profiles: [],
  }),
  llm({
    key: 'llama-400m', name: 'ParaSim llama-400m (random weights, q8_0)', paramsB: 0.411640832, layers: 32, hidden: 1024, kvHeads: 16, headDim: 64,
    bytesPerWeight: 34 / 32, note: 'random weights (speed only); shape of runtime/backends/llama/llama-models.ts', profiles: [],
  }),
];

interface SegShape {
  key: string; name: string; paramsM: number; layers: number; gflops: number; inW: number; inH: number; channels: number;
  outputBytes: number; cutBytes: number; bytesPerWeight: number; note: string; profiles: readonly ProfileRow[];
}

/** Segmentation: `activationBytesPerToken` is the feature map crossing a mid-network cut, per item. */
function segModel(s: SegShape): ModelSpec {
  return {
    key: s.key, name: s.name, kind: 'segmentation', paramsB: s.paramsM / 1000, layers: s.layers, hidden: 0,
    bytesPerWeight: s.bytesPerWeight, weightBytes: Math.round(s.paramsM * 1e6 * s.bytesPerWeight), kvBytesPerToken: 0,
    activationBytesPerToken: s.cutBytes, flopsPerUnit: s.gflops * 1e9, inputBytes: s.inW * s.inH * s.channels,
    outputBytes: s.outputBytes, profiles: s.profiles, source: s.note,
  };
}

const ULTRA = 'ultralytics docs/en/tasks/segment.md';
const SEGS: readonly ModelSpec[] = [
  segModel({
    key: 'yolo11n-seg', name: 'YOLO11n-seg 640', paramsM: 2.9, layers: 23, gflops: 10.4, inW: 640, inH: 640, channels: 3,
    outputBytes: 640 * 640, cutBytes: 80 * 80 * 64 * 2, bytesPerWeight: 2,
    note: `${ULTRA} (2.9 M params, 10.4 GFLOPs at 640); output = one class byte per pixel, cut = 80×80×64 fp16 map: assumptions`,
    profiles: [
      seg('t4', 1, 1.8, `"NVIDIA T4, YOLO11n-seg, 640x640" (${ULTRA}, TensorRT 10)`),
      seg('jetson-orin-nano-super-8gb', 1, 4.91, '"Jetson Orin Nano Super 8GB, YOLO11n (DETECTION proxy)" (ultralytics nvidia-jetson.md, TensorRT FP16)'),
      seg('raspberry-pi-5-8gb', 1, 93.938, '"Raspberry Pi 5, YOLO11n (DETECTION proxy)" (ultralytics raspberry-pi.md, NCNN)'),
      // The llama testbed serves this service with ParaSim's seg-tiny onnx model at 32×32 (a stand-in),
      // measured by `parasim validate` on one core of the testbed VM (docs/validation.md).
      ...[[1, 0.127], [2, 0.066], [4, 0.048]].map(([b, ms]) => ({
        deviceType: 'x86-vm-core', batch: b!, itemLatencyS: ms! / 1000,
        source: 'measured: parasim validate, seg-tiny 32×32 stand-in on the onnx executor of a llama agent (1 thread), testbed VM 2026-12-01, mean of 6 cells',
      })),
    ],
  }),
  segModel({
    key: 'yolov8n-seg', name: 'YOLOv8n-seg 640', paramsM: 3.4, layers: 23, gflops: 12.6, inW: 640, inH: 640, channels: 3,
    outputBytes: 640 * 640, cutBytes: 80 * 80 * 64 * 2, bytesPerWeight: 2,
    note: `${ULTRA} YOLOv8-seg table (3.4 M params, 12.6 GFLOPs); output/cut sizes: assumptions`,
    profiles: [
      seg('a100-80gb-sxm-x4', 1, 1.21, `"NVIDIA A100 (EC2 P4d), YOLOv8n-seg" (${ULTRA}, TensorRT)`),
      seg('a100-80gb-sxm-x8', 1, 1.21, `"NVIDIA A100 (EC2 P4d), YOLOv8n-seg" (${ULTRA}, TensorRT)`),
      seg('raspberry-pi-4-8gb', 1, 1000, '"Raspberry Pi 4, YOLOv8-seg" (Qengineering maintainer estimate 0.8-1.2 FPS, DERIVED midpoint)'),
    ],
  }),
  segModel({
    key: 'fcn-resnet18', name: 'FCN-ResNet18 (Cityscapes 512×256)', paramsM: 11.7, layers: 18, gflops: 9.6, inW: 512, inH: 256, channels: 3,
    outputBytes: 512 * 256, cutBytes: 64 * 32 * 256 * 2, bytesPerWeight: 2,
    note: 'jetson-inference docs/segnet-console-2.md; 11.7 M params (ResNet-18); 9.6 GFLOPs DERIVED (1.8 GFLOPs at 224² × 2.6 pixel ratio)',
    profiles: [
      seg('jetson-nano-4gb', 1, 20.8, `"Jetson Nano (4GB), FCN-ResNet18 (Cityscapes), 512x256" (${SEG_CSV} DERIVED from fps)`),
      seg('jetson-agx-xavier-32gb', 1, 2.08, '"Jetson AGX Xavier, FCN-ResNet18 (Cityscapes), 512x256" (DERIVED from fps)'),
    ],
  }),
  segModel({
    key: 'mobilesam', name: 'MobileSAM (1024×1024, 1 point prompt)', paramsM: 9.66, layers: 12, gflops: 40, inW: 1024, inH: 1024, channels: 3,
    outputBytes: 256 * 256, cutBytes: 64 * 64 * 256 * 2, bytesPerWeight: 4,
    note: 'ChaoningZhang/MobileSAM README (TinyViT 5.78 M + decoder 3.88 M params); ≈ 40 GFLOPs: ESTIMATE; fp32 weights per nanosam rows',
    profiles: [
      seg('jetson-orin-nano-8gb', 1, 146, '"Jetson Orin Nano 8GB, MobileSAM full pipeline" (NVIDIA-AI-IOT/nanosam README)'),
      seg('jetson-agx-orin-64gb', 1, 39, '"Jetson AGX Orin, MobileSAM full pipeline" (NVIDIA-AI-IOT/nanosam README)'),
    ],
  }),
  {
    key: 'fpga-tinyseg', name: 'Tiny FPGA segmenter (64×64 grayscale → 1-bit mask)', kind: 'segmentation', paramsB: 50e-6,
    layers: 4, hidden: 0, bytesPerWeight: 1, weightBytes: 50_000, kvBytesPerToken: 0, activationBytesPerToken: 64 * 64,
    flopsPerUnit: 2 * 50_000 * 64 * 64 / 16, inputBytes: 4096, outputBytes: 512,
    profiles: [{ deviceType: 'basys3-fpga', batch: 1, itemLatencyS: 0.005, source: 'ASSUMPTION: basys3-fpga pipelineLatencyS (not in ../shared/profiles)' }],
    source: 'ASSUMPTION (project-defined model): 4-layer int8 conv net, 50 KB weights in BRAM, 64×64×8-bit in, 64×64×1-bit mask out',
  },
];

export const MODEL_CATALOG: Readonly<Record<string, ModelSpec>> = Object.freeze(
  Object.fromEntries([...LLMS, ...SEGS].map((m) => [m.key, m])),
);

/**
 * The serving framework an LLM service runs on (`framework:` on a scenario service, the
 * `framework` column of a calibrate table). The hardware bounds a step; the software decides how
 * close to the bound it gets — prefill GEMM and attention kernels, batched-decode kernels and the
 * fixed cost of a step differ between llama.cpp, vLLM, TensorRT-LLM and MLC on the same device
 * (docs/fidelity.md "Framework"). `generic` (the default) uses the efficiencies fitted on every
 * shared row together, whatever the framework.
 */
export const SERVING_FRAMEWORKS = ['generic', 'llama.cpp', 'vllm', 'tensorrt-llm', 'mlc'] as const;
export type ServingFramework = (typeof SERVING_FRAMEWORKS)[number];
export const DEFAULT_FRAMEWORK: ServingFramework = 'generic';

export function isServingFramework(x: string): x is ServingFramework {
  return (SERVING_FRAMEWORKS as readonly string[]).includes(x);
}

/**
 * Most prompt tokens one step (graph evaluation) takes when a table or service does not say:
 * llama.cpp's `n_ubatch` default, 512 (`common/common.h`; before n_ubatch existed, Mar 2024, the
 * same 512 was n_batch's default) — a longer prefill runs as several steps, each reading the
 * weights again. Engines that schedule by a token budget of thousands (vLLM, TensorRT-LLM) are
 * not capped here.
 */
export const FRAMEWORK_UBATCH: Readonly<Record<ServingFramework, number | undefined>> = {
  generic: undefined,
  'llama.cpp': 512,
  vllm: undefined,
  'tensorrt-llm': undefined,
  mlc: undefined,
};
